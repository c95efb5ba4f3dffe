package okta

import (
	"context"
	"net/http"
)

// GetApplication returns the app (GET /api/v1/apps/{appId}).
func (c *Client) GetApplication(ctx context.Context, appID string) (*Application, error) {
	p, err := pathf("/api/v1/apps/%s", appID)
	if err != nil {
		return nil, err
	}
	var app Application
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, retryable: true}, &app); err != nil {
		return nil, err
	}
	return &app, nil
}
