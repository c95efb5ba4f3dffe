package okta

import (
	"context"
	"fmt"
	"net/http"
)

// GetUser returns a user by id or login (Okta accepts either in the path).
func (c *Client) GetUser(ctx context.Context, idOrLogin string) (*User, error) {
	p, err := pathf("/api/v1/users/%s", idOrLogin)
	if err != nil {
		return nil, err
	}
	var u User
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, retryable: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

func errEmptyID(method, path, what string) error {
	return fmt.Errorf("okta: %s %s: empty %s", method, path, what)
}
