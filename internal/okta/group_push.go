package okta

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// CreateGroupPushMapping links a source group to an existing group in the
// app. Like AssignUserToApp it is not retried after a 5xx or connection
// error: the caller must list mappings for the source group first.
func (c *Client) CreateGroupPushMapping(ctx context.Context, appID string, req CreateGroupPushMappingRequest) (*GroupPushMapping, error) {
	p, err := pathf("/api/v1/apps/%s/group-push/mappings", appID)
	if err != nil {
		return nil, err
	}
	if req.SourceGroupID == "" {
		return nil, errEmptyID("POST", p, "sourceGroupId")
	}
	if req.TargetGroupID == "" {
		return nil, errEmptyID("POST", p, "targetGroupId")
	}
	var m GroupPushMapping
	if _, err := c.do(ctx, &request{method: http.MethodPost, path: p, body: req}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// GetGroupPushMapping returns one mapping.
func (c *Client) GetGroupPushMapping(ctx context.Context, appID, mappingID string) (*GroupPushMapping, error) {
	p, err := pathf("/api/v1/apps/%s/group-push/mappings/%s", appID, mappingID)
	if err != nil {
		return nil, err
	}
	var m GroupPushMapping
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: p, retryable: true}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ListGroupPushMappingsOptions filters ListGroupPushMappings.
type ListGroupPushMappingsOptions struct {
	SourceGroupID string
	Status        string // ACTIVE, INACTIVE or ERROR
	Limit         int    // page size; 0 means the maximum, 1000
}

// ListGroupPushMappings returns the app's mappings.
func (c *Client) ListGroupPushMappings(ctx context.Context, appID string, opts ListGroupPushMappingsOptions) ([]GroupPushMapping, error) {
	p, err := pathf("/api/v1/apps/%s/group-push/mappings", appID)
	if err != nil {
		return nil, err
	}
	q := url.Values{"limit": {limitQuery(opts.Limit, 1000, 1, 1000)}}
	if opts.SourceGroupID != "" {
		q.Set("sourceGroupId", opts.SourceGroupID)
	}
	if opts.Status != "" {
		q.Set("status", opts.Status)
	}
	return listAll[GroupPushMapping](ctx, c, &request{method: http.MethodGet, path: p, query: q, retryable: true})
}

// UpdateGroupPushMappingStatus sets a mapping ACTIVE or INACTIVE (PATCH).
// Setting a status is idempotent, so it is retried.
func (c *Client) UpdateGroupPushMappingStatus(ctx context.Context, appID, mappingID, status string) (*GroupPushMapping, error) {
	p, err := pathf("/api/v1/apps/%s/group-push/mappings/%s", appID, mappingID)
	if err != nil {
		return nil, err
	}
	body := struct {
		Status string `json:"status"`
	}{status}
	var m GroupPushMapping
	if _, err := c.do(ctx, &request{method: http.MethodPatch, path: p, body: body, retryable: true}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// DeleteGroupPushMapping deletes an INACTIVE mapping. deleteTargetGroup also
// deletes the group in the app, which for Statsig deletes a team; the
// provider passes false.
func (c *Client) DeleteGroupPushMapping(ctx context.Context, appID, mappingID string, deleteTargetGroup bool) error {
	p, err := pathf("/api/v1/apps/%s/group-push/mappings/%s", appID, mappingID)
	if err != nil {
		return err
	}
	q := url.Values{"deleteTargetGroup": {strconv.FormatBool(deleteTargetGroup)}}
	_, err = c.do(ctx, &request{method: http.MethodDelete, path: p, query: q, retryable: true}, nil)
	return err
}
