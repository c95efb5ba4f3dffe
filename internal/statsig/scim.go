package statsig

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// scimPageSize is the count requested per SCIM page (Okta uses 100 too).
const scimPageSize = 100

// maxPages guards against a server that never stops paging.
const maxPages = 10000

type scimListResponse[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

// scimQuote quotes a SCIM filter string value (RFC 7644 3.4.2.2).
func scimQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// FindUserByUserName returns the SCIM user whose userName equals userName
// (Okta's unique identifier, the email), or nil, nil when there is none.
func (c *Client) FindUserByUserName(ctx context.Context, userName string) (*SCIMUser, error) {
	if userName == "" {
		return nil, fmt.Errorf("statsig: FindUserByUserName: empty userName")
	}
	users, err := listSCIM[SCIMUser](ctx, c, "/scim/Users", "userName eq "+scimQuote(userName))
	if err != nil {
		return nil, err
	}
	for i := range users {
		// SCIM userName matching is case-insensitive (RFC 7643 caseExact=false).
		if strings.EqualFold(users[i].UserName, userName) {
			return &users[i], nil
		}
	}
	return nil, nil
}

// GetUser returns a SCIM user by Statsig id.
func (c *Client) GetUser(ctx context.Context, id string) (*SCIMUser, error) {
	if id == "" {
		return nil, fmt.Errorf("statsig: GetUser: empty id")
	}
	var u SCIMUser
	if err := c.get(ctx, apiSCIM, "/scim/Users/"+url.PathEscape(id), nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers returns every SCIM user in the organization.
func (c *Client) ListUsers(ctx context.Context) ([]SCIMUser, error) {
	return listSCIM[SCIMUser](ctx, c, "/scim/Users", "")
}

// ListGroups returns every SCIM group (project x role, team x role).
func (c *Client) ListGroups(ctx context.Context) ([]SCIMGroup, error) {
	return listSCIM[SCIMGroup](ctx, c, "/scim/Groups", "")
}

// GetGroup returns a SCIM group with its members.
func (c *Client) GetGroup(ctx context.Context, id string) (*SCIMGroup, error) {
	if id == "" {
		return nil, fmt.Errorf("statsig: GetGroup: empty id")
	}
	var g SCIMGroup
	if err := c.get(ctx, apiSCIM, "/scim/Groups/"+url.PathEscape(id), nil, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// listSCIM pages with startIndex (1-based) and count until totalResults.
func listSCIM[T any](ctx context.Context, c *Client, path, filter string) ([]T, error) {
	all := []T{}
	start := 1
	for page := 0; page < maxPages; page++ {
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(scimPageSize)}}
		if filter != "" {
			q.Set("filter", filter)
		}
		var resp scimListResponse[T]
		if err := c.get(ctx, apiSCIM, path, q, &resp); err != nil {
			return nil, err
		}
		all = append(all, resp.Resources...)
		start += len(resp.Resources)
		if len(resp.Resources) == 0 || start > resp.TotalResults {
			return all, nil
		}
	}
	return nil, fmt.Errorf("statsig: GET %s: more than %d pages", path, maxPages)
}
