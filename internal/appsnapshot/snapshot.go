// Package appsnapshot serves the provider's reads of one Okta app from one
// listing of each of the app's list endpoints, instead of one GET per object.
//
// Okta counts every call under /api/v1/apps/* against one bucket of about
// 100 calls a minute. Refreshing 5,000 user assignments with a GET each
// spends 50 minutes of it; listing the app's users at 500 a page spends 10
// calls. A Snapshot lives as long as one configured provider (one Terraform
// command's walk), and holds:
//
//   - the app's users (GET /apps/{id}/users?expand=user, 500 a page),
//   - its group assignments (GET /apps/{id}/groups?expand=group, 200 a page),
//   - its group push mappings (GET /apps/{id}/group-push/mappings, 1000 a page),
//   - its Statsig-... groups (GET /groups?search=..., 200 a page),
//   - Statsig's SCIM users (GET /scim/Users, 100 a page), when a SCIM key is set.
//
// Each list is loaded on first use; concurrent callers share that load.
//
// # Misses
//
// A point read of an id the list does not have is a miss, served by one GET
// (whose 404 means the object is gone): lists can lag behind writes (new
// group push mappings appear in the list seconds after they exist), and an
// object can be created between two pages.
//
// # Writes
//
// The Okta client reports every write it made, or may have made (OnWrite).
// The rule, chosen to keep calls low while an apply writes many objects:
//
//   - A write never reloads a list by itself, and point reads never reload a
//     list once it was loaded: the written object's next point read is one
//     GET (it is marked dirty for the rest of the process, since a list may
//     not show the write yet), and every other object is still served from
//     the list. An apply that creates 5,000 assignments therefore never
//     reloads the 5,000 users.
//   - The client names the object a write touched (for POST /apps/{id}/users,
//     the user in the body); a write it cannot name sends every point read
//     of that list to GET until the list is loaded again.
//   - A create's "does it exist?" (FindAppUser, FindAppGroup) is answered
//     "no" by the list alone when the list was loaded in this process, lacks
//     the object, and this process wrote nothing that could have added it:
//     the plan asked the same question of the same listing, so the create
//     POSTs without an existence GET. Okta's app user and group assignment
//     lists are read by id and do not lag; an object someone else makes
//     between the listing and the create is the one case this does not see
//     (the same as a GET made a moment before the POST).
//   - Listings (data sources, plan-time checks) want the list as it is: the
//     first listing after a write reloads the list, once, and every listing
//     until the next write shares that load. So a list is reloaded at most
//     once per write, and only if something lists it again.
//   - Group assignment writes change the app's users (members come and go),
//     and any write to the app's users, groups or mappings changes Statsig
//     (through provisioning and push): those lists are reloaded on the next
//     listing as well, and Statsig's users are looked up one by one until
//     they are listed again.
package appsnapshot

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// Okta is the part of the Okta client a Snapshot reads through.
type Okta interface {
	ListAppUsersPages(ctx context.Context, appID string, opts okta.ListAppUsersOptions, fn func([]okta.AppUser) error) error
	GetAppUser(ctx context.Context, appID, userID string) (*okta.AppUser, error)
	ListAppGroups(ctx context.Context, appID string, opts okta.ListAppGroupsOptions) ([]okta.ApplicationGroupAssignment, error)
	GetAppGroup(ctx context.Context, appID, groupID string) (*okta.ApplicationGroupAssignment, error)
	ListGroupPushMappings(ctx context.Context, appID string, opts okta.ListGroupPushMappingsOptions) ([]okta.GroupPushMapping, error)
	GetGroupPushMapping(ctx context.Context, appID, mappingID string) (*okta.GroupPushMapping, error)
	ListGroups(ctx context.Context, opts okta.ListGroupsOptions) ([]okta.Group, error)
}

// SCIM is the part of the Statsig client a Snapshot reads through.
type SCIM interface {
	ListUsers(ctx context.Context) ([]statsig.SCIMUser, error)
	FindUserByUserName(ctx context.Context, userName string) (*statsig.SCIMUser, error)
}

var (
	errNoSCIM         = errors.New("appsnapshot: no Statsig SCIM client configured")
	errNoMemberLister = errors.New("appsnapshot: the Okta client cannot list group members")
)

// Snapshot is safe for concurrent use.
type Snapshot struct {
	appID string
	okta  Okta
	scim  SCIM

	users      *list[okta.AppUser]
	groups     *list[okta.ApplicationGroupAssignment]
	mappings   *list[okta.GroupPushMapping]
	roleGroups *list[okta.Group]
	scimUsers  *list[statsig.SCIMUser]

	lazy lazyLists // members.go
}

// New returns an empty snapshot of app appID. roleGroupSearch is the Okta
// search expression that lists the app's Statsig groups. scim may be nil.
func New(appID string, o Okta, scim SCIM, roleGroupSearch string) *Snapshot {
	s := &Snapshot{appID: appID, okta: o, scim: scim}
	s.users = newList(func(ctx context.Context) ([]okta.AppUser, error) {
		var all []okta.AppUser
		pages := 0
		err := o.ListAppUsersPages(ctx, appID, okta.ListAppUsersOptions{ExpandUser: true}, func(page []okta.AppUser) error {
			pages++
			all = append(all, page...)
			return nil
		})
		logLoad(ctx, "app users", len(all), pages, err)
		return all, err
	}, func(u *okta.AppUser) string { return u.ID })
	s.groups = newList(func(ctx context.Context) ([]okta.ApplicationGroupAssignment, error) {
		all, err := o.ListAppGroups(ctx, appID, okta.ListAppGroupsOptions{ExpandGroup: true})
		logLoad(ctx, "app groups", len(all), -1, err)
		return all, err
	}, func(g *okta.ApplicationGroupAssignment) string { return g.ID })
	s.mappings = newList(func(ctx context.Context) ([]okta.GroupPushMapping, error) {
		all, err := o.ListGroupPushMappings(ctx, appID, okta.ListGroupPushMappingsOptions{})
		logLoad(ctx, "group push mappings", len(all), -1, err)
		return all, err
	}, func(m *okta.GroupPushMapping) string { return m.ID })
	s.roleGroups = newList(func(ctx context.Context) ([]okta.Group, error) {
		all, err := o.ListGroups(ctx, okta.ListGroupsOptions{Search: roleGroupSearch, ExpandStats: true})
		logLoad(ctx, "Statsig groups", len(all), -1, err)
		return all, err
	}, func(g *okta.Group) string { return g.Profile.Name })
	s.scimUsers = newList(func(ctx context.Context) ([]statsig.SCIMUser, error) {
		if scim == nil {
			return nil, errNoSCIM
		}
		all, err := scim.ListUsers(ctx)
		logLoad(ctx, "Statsig SCIM users", len(all), -1, err)
		return all, err
	}, func(u *statsig.SCIMUser) string { return strings.ToLower(u.UserName) })
	return s
}

func logLoad(ctx context.Context, what string, n, pages int, err error) {
	fields := map[string]any{"list": what, "count": n}
	if pages >= 0 {
		fields["pages"] = pages
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	tflog.Debug(ctx, "Shared reads: loaded a list of the Statsig app", fields)
}

// AppUser returns the app user userID (with the Okta user embedded), or the
// Okta client's 404 error when the user is not assigned.
func (s *Snapshot) AppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	if u, ok, err := s.users.get(ctx, userID); ok || err != nil {
		return u, err
	}
	return s.okta.GetAppUser(ctx, s.appID, userID)
}

// FindAppUser is AppUser for a create's look-up: when the listing says
// userID is not there (see the package comment), it answers the Okta
// client's 404 error without a call.
func (s *Snapshot) FindAppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	u, absent, err := s.users.lookup(ctx, userID)
	switch {
	case u != nil || err != nil:
		return u, err
	case absent:
		return nil, okta.NotFoundError("GET", "/api/v1/apps/"+s.appID+"/users/"+userID)
	}
	return s.okta.GetAppUser(ctx, s.appID, userID)
}

// FindAppGroup is FindAppUser for group assignments.
func (s *Snapshot) FindAppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	g, absent, err := s.groups.lookup(ctx, groupID)
	switch {
	case g != nil || err != nil:
		return g, err
	case absent:
		return nil, okta.NotFoundError("GET", "/api/v1/apps/"+s.appID+"/groups/"+groupID)
	}
	return s.okta.GetAppGroup(ctx, s.appID, groupID)
}

// AppUsers returns every app user, with the Okta user embedded.
func (s *Snapshot) AppUsers(ctx context.Context) ([]okta.AppUser, error) {
	return s.users.all(ctx)
}

// AppGroup returns the group assignment of groupID (with the group embedded
// when served from the list), or the Okta client's 404 error.
func (s *Snapshot) AppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	if g, ok, err := s.groups.get(ctx, groupID); ok || err != nil {
		return g, err
	}
	return s.okta.GetAppGroup(ctx, s.appID, groupID)
}

// AppGroups returns every group assignment of the app.
func (s *Snapshot) AppGroups(ctx context.Context) ([]okta.ApplicationGroupAssignment, error) {
	return s.groups.all(ctx)
}

// Mapping returns the group push mapping mappingID, or the Okta client's 404
// error.
func (s *Snapshot) Mapping(ctx context.Context, mappingID string) (*okta.GroupPushMapping, error) {
	if m, ok, err := s.mappings.get(ctx, mappingID); ok || err != nil {
		return m, err
	}
	return s.okta.GetGroupPushMapping(ctx, s.appID, mappingID)
}

// Mappings returns every group push mapping of the app.
func (s *Snapshot) Mappings(ctx context.Context) ([]okta.GroupPushMapping, error) {
	return s.mappings.all(ctx)
}

// RoleGroups returns the app's Statsig groups, with member counts.
func (s *Snapshot) RoleGroups(ctx context.Context) ([]okta.Group, error) {
	return s.roleGroups.all(ctx)
}

// RoleGroup returns the app's Statsig group named exactly name; ok is false
// when the listing has none (the caller then searches for it: Okta's group
// search is eventually consistent, so a new group may be missing).
func (s *Snapshot) RoleGroup(ctx context.Context, name string) (g *okta.Group, ok bool, err error) {
	return s.roleGroups.get(ctx, name)
}

// StatsigUser returns the SCIM user whose userName is userName (ignoring
// case), or nil, nil when Statsig has none.
func (s *Snapshot) StatsigUser(ctx context.Context, userName string) (*statsig.SCIMUser, error) {
	if s.scim == nil {
		return nil, errNoSCIM
	}
	if u, ok, err := s.scimUsers.get(ctx, strings.ToLower(userName)); ok || err != nil {
		return u, err
	}
	// SCIM pages by offset: a user removed while the list was read shifts the
	// pages, and the user after it may be skipped. Look it up.
	return s.scim.FindUserByUserName(ctx, userName)
}

// StatsigUsers returns every SCIM user of the Statsig organisation.
func (s *Snapshot) StatsigUsers(ctx context.Context) ([]statsig.SCIMUser, error) {
	return s.scimUsers.all(ctx)
}

// OnWrite is the Okta client's write hook (okta.Config.OnWrite): it drops what
// the write touched, following the rule in the package comment.
func (s *Snapshot) OnWrite(method, path string) {
	if method == http.MethodGet || method == http.MethodHead {
		return
	}
	const groupsPrefix = "/api/v1/groups"
	if i := strings.Index(path, "/api/v1/"); i >= 0 && strings.HasPrefix(path[i:], groupsPrefix) {
		// The provider never writes groups, but a written group may be one
		// of the app's Statsig groups.
		s.roleGroups.invalidate("")
		return
	}
	app, kind, rest, ok := splitAppPath(path)
	if !ok || app != s.appID {
		return
	}
	switch kind {
	case "users":
		if rest == "" {
			s.users.invalidate("") // the user is named in the body
		} else {
			s.users.invalidate(rest)
		}
	case "groups":
		if rest == "" {
			s.groups.invalidate("")
		} else {
			s.groups.invalidate(rest)
		}
		s.users.markStale() // members are assigned or unassigned with the group
	case "group-push/mappings":
		if rest == "" {
			s.mappings.markStale() // a new mapping: point reads of it miss anyway
		} else {
			s.mappings.invalidate(rest)
		}
	default:
		return
	}
	s.scimUsers.invalidate("") // provisioning and push change Statsig
	s.consoleChanged()
}

// splitAppPath splits an escaped path /api/v1/apps/{app}/{kind}[/{id}...]
// into the app id, the kind (users, groups or group-push/mappings) and the
// object id ("" for the collection).
func splitAppPath(path string) (app, kind, id string, ok bool) {
	const prefix = "/api/v1/apps/"
	i := strings.Index(path, prefix)
	if i < 0 {
		return "", "", "", false
	}
	parts := strings.Split(strings.Trim(path[i+len(prefix):], "/"), "/")
	unescape := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			return u
		}
		return s
	}
	if len(parts) < 2 {
		return "", "", "", false
	}
	app, kind = unescape(parts[0]), parts[1]
	rest := parts[2:]
	if kind == "group-push" {
		if len(rest) == 0 || rest[0] != "mappings" {
			return "", "", "", false
		}
		kind, rest = "group-push/mappings", rest[1:]
	}
	if len(rest) > 0 {
		id = unescape(rest[0])
	}
	return app, kind, id, true
}

// Stats reports each list's counters, keyed by "users", "groups",
// "mappings", "role_groups" and "scim_users".
func (s *Snapshot) Stats() map[string]Stats {
	return map[string]Stats{
		"users":       s.users.stats(),
		"groups":      s.groups.stats(),
		"mappings":    s.mappings.stats(),
		"role_groups": s.roleGroups.stats(),
		"scim_users":  s.scimUsers.stats(),
	}
}
