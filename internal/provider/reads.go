package provider

import (
	"context"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
)

// The Reads of every resource go through these methods rather than the client
// directly, so that how they are served (one GET each, or a shared snapshot
// of the app's list endpoints) is decided in one place.

func (d *providerData) readAppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	return d.okta.GetAppUser(ctx, d.appID, userID)
}

func (d *providerData) readAppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	return d.okta.GetAppGroup(ctx, d.appID, groupID)
}

// listAppUsers reads every app user with the embedded Okta user, one call per
// page of 500.
func (d *providerData) listAppUsers(ctx context.Context) ([]okta.AppUser, error) {
	return d.okta.ListAppUsers(ctx, d.appID, okta.ListAppUsersOptions{ExpandUser: true})
}

func (d *providerData) readMapping(ctx context.Context, mappingID string) (*okta.GroupPushMapping, error) {
	return d.okta.GetGroupPushMapping(ctx, d.appID, mappingID)
}

// roleGroupSearch is the Okta search expression for this app's Statsig
// groups (APP_GROUPs imported from the app), narrowed by nameClause.
func (d *providerData) roleGroupSearch(nameClause string) string {
	return `type eq "APP_GROUP" and source.id eq ` + okta.SearchQuote(d.appID) + " and " + nameClause
}

// listRoleGroups returns every Statsig-... group of the app.
func (d *providerData) listRoleGroups(ctx context.Context) ([]okta.Group, error) {
	return d.okta.ListGroups(ctx, okta.ListGroupsOptions{
		Search: d.roleGroupSearch(`profile.name sw ` + okta.SearchQuote(rolegroup.Prefix)),
	})
}

// findRoleGroup returns the app's group named exactly name, or nil. Okta's
// search ignores case, so the answer is filtered for the exact spelling.
func (d *providerData) findRoleGroup(ctx context.Context, name string, stats bool) (*okta.Group, error) {
	groups, err := d.okta.ListGroups(ctx, okta.ListGroupsOptions{
		Search:      d.roleGroupSearch(`profile.name eq ` + okta.SearchQuote(name)),
		ExpandStats: stats,
	})
	if err != nil {
		return nil, err
	}
	for i := range groups {
		if groups[i].Profile.Name == name {
			return &groups[i], nil
		}
	}
	return nil, nil
}
