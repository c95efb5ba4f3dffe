package provider

import (
	"context"
	"strings"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// The Reads of every resource, the plan-time checks and the data sources go
// through these methods rather than the client directly, so that how they
// are served is decided in one place: with shared_reads (the default) from
// d.snap, one listing of each of the app's lists per provider process (see
// internal/appsnapshot for when it is reloaded and when a read falls back to
// its own GET); without it, one call each. Polls that wait for a change
// (provisioning, a mapping appearing) call the clients directly.

// readAppUser returns the app user with the Okta user embedded; a 404 error
// means the user is not assigned.
func (d *providerData) readAppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	if d.snap != nil {
		return d.snap.AppUser(ctx, userID)
	}
	return d.okta.GetAppUser(ctx, d.appID, userID)
}

// findAppUser is readAppUser for a create's "does it exist?": with shared
// reads, a listing loaded in this walk that lacks the user answers 404
// without a call (appsnapshot.FindAppUser), so a create POSTs directly.
func (d *providerData) findAppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	if d.snap != nil {
		return d.snap.FindAppUser(ctx, userID)
	}
	return d.okta.GetAppUser(ctx, d.appID, userID)
}

// findAppGroup is findAppUser for group assignments.
func (d *providerData) findAppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	if d.snap != nil {
		return d.snap.FindAppGroup(ctx, groupID)
	}
	return d.okta.GetAppGroup(ctx, d.appID, groupID)
}

// readAppGroup returns the group's assignment; a 404 error means none.
func (d *providerData) readAppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	if d.snap != nil {
		return d.snap.AppGroup(ctx, groupID)
	}
	return d.okta.GetAppGroup(ctx, d.appID, groupID)
}

// listAppUsers reads every app user with the embedded Okta user, one call per
// page of 500.
func (d *providerData) listAppUsers(ctx context.Context) ([]okta.AppUser, error) {
	if d.snap != nil {
		return d.snap.AppUsers(ctx)
	}
	return d.okta.ListAppUsers(ctx, d.appID, okta.ListAppUsersOptions{ExpandUser: true})
}

// readMapping returns a group push mapping; a 404 error means it is gone.
func (d *providerData) readMapping(ctx context.Context, mappingID string) (*okta.GroupPushMapping, error) {
	if d.snap != nil {
		return d.snap.Mapping(ctx, mappingID)
	}
	return d.okta.GetGroupPushMapping(ctx, d.appID, mappingID)
}

// listMappings returns every group push mapping of the app, one call per
// page of 1000.
func (d *providerData) listMappings(ctx context.Context) ([]okta.GroupPushMapping, error) {
	if d.snap != nil {
		return d.snap.Mappings(ctx)
	}
	return d.okta.ListGroupPushMappings(ctx, d.appID, okta.ListGroupPushMappingsOptions{})
}

// readStatsigUser returns the Statsig SCIM user named userName, or nil when
// Statsig has none. It needs a SCIM key (d.statsig.HasSCIM()).
func (d *providerData) readStatsigUser(ctx context.Context, userName string) (*statsig.SCIMUser, error) {
	if d.snap != nil {
		return d.snap.StatsigUser(ctx, userName)
	}
	return d.statsig.FindUserByUserName(ctx, userName)
}

// listStatsigUsers returns every SCIM user of the Statsig organisation. It
// needs a SCIM key.
func (d *providerData) listStatsigUsers(ctx context.Context) ([]statsig.SCIMUser, error) {
	if d.snap != nil {
		return d.snap.StatsigUsers(ctx)
	}
	return d.statsig.ListUsers(ctx)
}

// roleGroupSearch is the Okta search expression for this app's Statsig
// groups (APP_GROUPs imported from the app), narrowed by nameClause.
func (d *providerData) roleGroupSearch(nameClause string) string {
	return `type eq "APP_GROUP" and source.id eq ` + okta.SearchQuote(d.appID) + " and " + nameClause
}

// listRoleGroups returns every Statsig-... group of the app (with member
// counts when served from the snapshot).
func (d *providerData) listRoleGroups(ctx context.Context) ([]okta.Group, error) {
	if d.snap != nil {
		return d.snap.RoleGroups(ctx)
	}
	return d.okta.ListGroups(ctx, okta.ListGroupsOptions{
		Search: d.roleGroupSearch(`profile.name sw ` + okta.SearchQuote(rolegroup.Prefix)),
	})
}

// findRoleGroup returns the app's group named exactly name, or nil. Okta's
// search ignores case, so the answer is filtered for the exact spelling.
func (d *providerData) findRoleGroup(ctx context.Context, name string, stats bool) (*okta.Group, error) {
	if d.snap != nil {
		// The listing has member counts. A name it lacks is searched for:
		// Okta's group search is eventually consistent.
		if g, ok, err := d.snap.RoleGroup(ctx, name); ok || err != nil {
			return g, err
		}
	}
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
	// Search reads an index that takes a while to include a group just
	// imported from Statsig. Before saying "not found", look the name up by
	// prefix (q), which reads the groups themselves, and keep only this
	// app's APP_GROUP of exactly that name.
	groups, err = d.okta.ListGroups(ctx, okta.ListGroupsOptions{Q: name, ExpandStats: stats})
	if err != nil {
		return nil, err
	}
	for i := range groups {
		g := &groups[i]
		if g.Profile.Name == name && g.Type == okta.GroupTypeApp && g.Source != nil && g.Source.ID == d.appID {
			return g, nil
		}
	}
	return nil, nil
}

// listAppGroups returns every group assignment of the app with the group
// embedded, one call per page of 200.
func (d *providerData) listAppGroups(ctx context.Context) ([]okta.ApplicationGroupAssignment, error) {
	if d.snap != nil {
		return d.snap.AppGroups(ctx)
	}
	return d.okta.ListAppGroups(ctx, d.appID, okta.ListAppGroupsOptions{ExpandGroup: true})
}

// listGroupMembers returns every member of an Okta group, one call per page.
func (d *providerData) listGroupMembers(ctx context.Context, groupID string) ([]okta.User, error) {
	if d.snap != nil {
		return d.snap.GroupMembers(ctx, groupID)
	}
	return d.okta.ListGroupMembers(ctx, groupID)
}

// listConsoleUsers returns the members of the Statsig Console API key's
// project. It needs a Console key (d.statsig.HasConsole()).
func (d *providerData) listConsoleUsers(ctx context.Context) ([]statsig.ConsoleUser, error) {
	if d.snap != nil {
		return d.snap.ConsoleUsers(ctx, d.statsig)
	}
	return d.statsig.ListConsoleUsers(ctx)
}

// groupsByIDChunk is how many ids one filter names, to keep the URL short.
const groupsByIDChunk = 50

// listGroupsByID returns the groups with the given ids that exist, from one
// filtered listing per 50 ids (filter reads the groups themselves, not
// search's lagging index). UNCONFIRMED: that real Okta accepts "or" between
// id clauses of a filter; the Groups API documents id eq in filter.
func (d *providerData) listGroupsByID(ctx context.Context, ids []string) ([]okta.Group, error) {
	var out []okta.Group
	for start := 0; start < len(ids); start += groupsByIDChunk {
		chunk := ids[start:min(start+groupsByIDChunk, len(ids))]
		clauses := make([]string, len(chunk))
		for i, id := range chunk {
			clauses[i] = "id eq " + okta.SearchQuote(id)
		}
		groups, err := d.okta.ListGroups(ctx, okta.ListGroupsOptions{Filter: strings.Join(clauses, " or ")})
		if err != nil {
			return nil, err
		}
		out = append(out, groups...)
	}
	return out, nil
}
