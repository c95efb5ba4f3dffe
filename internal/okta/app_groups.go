package okta

import (
	"context"
	"net/http"
	"net/url"
)

// AssignGroupToApp assigns a group to the app, or updates its priority and
// profile (PUT /api/v1/apps/{appId}/groups/{groupId}; an idempotent upsert).
func (c *Client) AssignGroupToApp(ctx context.Context, appID, groupID string, req AppGroupAssignRequest) (*ApplicationGroupAssignment, error) {
	p, err := pathf("/api/v1/apps/%s/groups/%s", appID, groupID)
	if err != nil {
		return nil, err
	}
	var a ApplicationGroupAssignment
	if _, err := c.do(ctx, &request{method: http.MethodPut, path: p, body: req, retryable: true}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// GetAppGroup returns a group's assignment to the app.
func (c *Client) GetAppGroup(ctx context.Context, appID, groupID string) (*ApplicationGroupAssignment, error) {
	p, err := pathf("/api/v1/apps/%s/groups/%s", appID, groupID)
	if err != nil {
		return nil, err
	}
	var a ApplicationGroupAssignment
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, retryable: true}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// ListAppGroupsOptions configures ListAppGroups.
type ListAppGroupsOptions struct {
	// ExpandGroup embeds each group (expand=group).
	ExpandGroup bool
	// Limit is the page size, 20-200; 0 means 200.
	Limit int
}

// ListAppGroups returns every group assigned to the app.
func (c *Client) ListAppGroups(ctx context.Context, appID string, opts ListAppGroupsOptions) ([]ApplicationGroupAssignment, error) {
	p, err := pathf("/api/v1/apps/%s/groups", appID)
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limitQuery(opts.Limit, 200, 20, 200)}}
	if opts.ExpandGroup {
		q.Set("expand", "group")
	}
	return listAll[ApplicationGroupAssignment](ctx, c, &request{method: http.MethodGet, path: p, query: q, retryable: true})
}

// UnassignGroupFromApp removes a group's assignment to the app.
func (c *Client) UnassignGroupFromApp(ctx context.Context, appID, groupID string) error {
	p, err := pathf("/api/v1/apps/%s/groups/%s", appID, groupID)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, &request{method: http.MethodDelete, path: p, retryable: true}, nil)
	return err
}
