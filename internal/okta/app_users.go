package okta

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// AssignUserToApp assigns a user to the app (POST /api/v1/apps/{appId}/users).
// It is never retried after a 5xx or connection error: the assignment may
// have happened, so the caller must look (GetAppUser) before trying again.
func (c *Client) AssignUserToApp(ctx context.Context, appID string, req AppUserAssignRequest) (*AppUser, error) {
	p, err := pathf("/api/v1/apps/%s/users", appID)
	if err != nil {
		return nil, err
	}
	if req.ID == "" {
		return nil, errEmptyID("POST", p, "user id")
	}
	// The write touches the assignment of the user named in the body.
	wrote, err := pathf("/api/v1/apps/%s/users/%s", appID, req.ID)
	if err != nil {
		return nil, err
	}
	var u AppUser
	if _, err := c.do(ctx, &request{method: http.MethodPost, path: p, body: req, wrote: wrote}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetAppUser returns a user's assignment with the Okta user embedded.
func (c *Client) GetAppUser(ctx context.Context, appID, userID string) (*AppUser, error) {
	p, err := pathf("/api/v1/apps/%s/users/%s", appID, userID)
	if err != nil {
		return nil, err
	}
	var u AppUser
	q := url.Values{"expand": {"user"}}
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, query: q, retryable: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// ListAppUsersOptions filters ListAppUsers.
type ListAppUsersOptions struct {
	// Query is Okta's q: a startsWith match on userName, names or email.
	Query string
	// ExpandUser embeds each Okta user (expand=user).
	ExpandUser bool
	// Limit is the page size; 0 means the maximum, 500.
	Limit int
}

func (o ListAppUsersOptions) query() url.Values {
	q := url.Values{"limit": {limitQuery(o.Limit, 500, 1, 500)}}
	if o.Query != "" {
		q.Set("q", o.Query)
	}
	if o.ExpandUser {
		q.Set("expand", "user")
	}
	return q
}

// ListAppUsers returns every user assigned to the app, directly or by group.
func (c *Client) ListAppUsers(ctx context.Context, appID string, opts ListAppUsersOptions) ([]AppUser, error) {
	p, err := pathf("/api/v1/apps/%s/users", appID)
	if err != nil {
		return nil, err
	}
	return listAll[AppUser](ctx, c, &request{method: http.MethodGet, path: p, query: opts.query(), retryable: true})
}

// ListAppUsersPages calls fn with each page of app users, so large apps can
// be processed without holding every user in memory.
func (c *Client) ListAppUsersPages(ctx context.Context, appID string, opts ListAppUsersOptions, fn func([]AppUser) error) error {
	p, err := pathf("/api/v1/apps/%s/users", appID)
	if err != nil {
		return err
	}
	return listPages(ctx, c, &request{method: http.MethodGet, path: p, query: opts.query(), retryable: true}, fn)
}

// UpdateAppUserProfile replaces the app profile of an assignment
// (POST /api/v1/apps/{appId}/users/{userId} with {"profile": ...}). Setting
// the same profile twice is harmless, so it is retried like a PUT.
func (c *Client) UpdateAppUserProfile(ctx context.Context, appID, userID string, profile map[string]any) (*AppUser, error) {
	p, err := pathf("/api/v1/apps/%s/users/%s", appID, userID)
	if err != nil {
		return nil, err
	}
	if profile == nil {
		profile = map[string]any{}
	}
	body := struct {
		Profile map[string]any `json:"profile"`
	}{profile}
	var u AppUser
	if _, err := c.do(ctx, &request{method: http.MethodPost, path: p, body: body, retryable: true}, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UnassignUserFromApp removes a direct assignment. Okta answers E0000046
// when a group assignment still grants the user the app.
func (c *Client) UnassignUserFromApp(ctx context.Context, appID, userID string, sendEmail bool) error {
	p, err := pathf("/api/v1/apps/%s/users/%s", appID, userID)
	if err != nil {
		return err
	}
	q := url.Values{"sendEmail": {strconv.FormatBool(sendEmail)}}
	_, err = c.do(ctx, &request{method: http.MethodDelete, path: p, query: q, retryable: true}, nil)
	return err
}
