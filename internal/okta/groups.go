package okta

import (
	"context"
	"net/http"
	"net/url"
)

// GetGroup returns a group.
func (c *Client) GetGroup(ctx context.Context, groupID string) (*Group, error) {
	p, err := pathf("/api/v1/groups/%s", groupID)
	if err != nil {
		return nil, err
	}
	var g Group
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, retryable: true}, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// ListGroupsOptions filters ListGroups. Search is the recommended filter,
// e.g. `type eq "APP_GROUP" and source.id eq "0oa1"` (see SearchQuote).
type ListGroupsOptions struct {
	Search      string
	Q           string
	Filter      string
	ExpandStats bool
	Limit       int // page size; 0 means 200 (Okta's recommended maximum)
}

// ListGroups returns every group matching opts.
func (c *Client) ListGroups(ctx context.Context, opts ListGroupsOptions) ([]Group, error) {
	q := url.Values{"limit": {limitQuery(opts.Limit, 200, 1, 10000)}}
	if opts.Search != "" {
		q.Set("search", opts.Search)
	}
	if opts.Q != "" {
		q.Set("q", opts.Q)
	}
	if opts.Filter != "" {
		q.Set("filter", opts.Filter)
	}
	if opts.ExpandStats {
		q.Set("expand", "stats")
	}
	return listAll[Group](ctx, c, &request{method: http.MethodGet, path: "/api/v1/groups", query: q, retryable: true})
}

// ListGroupMembers returns every user in the group.
func (c *Client) ListGroupMembers(ctx context.Context, groupID string) ([]User, error) {
	p, err := pathf("/api/v1/groups/%s/users", groupID)
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {"200"}}
	return listAll[User](ctx, c, &request{method: http.MethodGet, path: p, query: q, retryable: true})
}
