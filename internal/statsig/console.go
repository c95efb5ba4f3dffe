package statsig

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// consolePageSize is the limit requested per Console API page.
const consolePageSize = 100

type consolePage[T any] struct {
	Data       []T `json:"data"`
	Pagination *struct {
		NextPage   *string `json:"nextPage"`
		TotalItems float64 `json:"totalItems"`
	} `json:"pagination"`
}

type consoleSingle[T any] struct {
	Data T `json:"data"`
}

// listConsole pages with limit/page until pagination.nextPage is null.
func listConsole[T any](ctx context.Context, c *Client, path string) ([]T, error) {
	all := []T{}
	for page := 1; page <= maxPages; page++ {
		q := url.Values{"limit": {strconv.Itoa(consolePageSize)}, "page": {strconv.Itoa(page)}}
		var resp consolePage[T]
		if err := c.get(ctx, apiConsole, path, q, &resp); err != nil {
			return nil, err
		}
		all = append(all, resp.Data...)
		if len(resp.Data) == 0 || resp.Pagination == nil || resp.Pagination.NextPage == nil || *resp.Pagination.NextPage == "" {
			return all, nil
		}
	}
	return nil, fmt.Errorf("statsig: GET %s: more than %d pages", path, maxPages)
}

// ListConsoleUsers returns the members of the key's project.
func (c *Client) ListConsoleUsers(ctx context.Context) ([]ConsoleUser, error) {
	return listConsole[ConsoleUser](ctx, c, "/console/v1/users")
}

// GetConsoleUser returns a project member by email, or nil, nil if the
// user is not a member (404).
func (c *Client) GetConsoleUser(ctx context.Context, email string) (*ConsoleUser, error) {
	if email == "" {
		return nil, fmt.Errorf("statsig: GetConsoleUser: empty email")
	}
	var resp consoleSingle[ConsoleUser]
	err := c.get(ctx, apiConsole, "/console/v1/users/"+url.PathEscape(email), nil, &resp)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &resp.Data, nil
}

// GetCompany returns the project the Console API key belongs to.
func (c *Client) GetCompany(ctx context.Context) (*Company, error) {
	var resp consoleSingle[Company]
	if err := c.get(ctx, apiConsole, "/console/v1/company", nil, &resp); err != nil {
		return nil, err
	}
	return &resp.Data, nil
}

// ListRoles returns the project's roles (built-in and custom).
func (c *Client) ListRoles(ctx context.Context) ([]Role, error) {
	raw, err := listConsole[struct {
		Name string `json:"name"`
	}](ctx, c, "/console/v1/roles")
	if err != nil {
		return nil, err
	}
	roles := make([]Role, 0, len(raw))
	for _, r := range raw {
		roles = append(roles, Role{ID: r.Name, Name: r.Name})
	}
	return roles, nil
}
