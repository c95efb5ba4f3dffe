package appsnapshot

import (
	"context"
	"sync"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// Listings made only by reviews of the whole app (statsigokta_access_review):
// the members of an Okta group and the Statsig Console users of the Console
// key's project. They are loaded on first use, like the other lists, so two
// reviews in one walk share one listing of each.
//
// The provider never writes Okta group memberships, so a member list is
// never reloaded within a process. Console users change with provisioning
// and push, so any write to the app makes the next listing reload them (see
// OnWrite).

// GroupMemberLister lists an Okta group's members (okta.Client has it).
type GroupMemberLister interface {
	ListGroupMembers(ctx context.Context, groupID string) ([]okta.User, error)
}

// ConsoleUserLister lists the Console API key's project members
// (statsig.Client has it).
type ConsoleUserLister interface {
	ListConsoleUsers(ctx context.Context) ([]statsig.ConsoleUser, error)
}

type lazyLists struct {
	mu      sync.Mutex
	members map[string]*list[okta.User]
	console *list[statsig.ConsoleUser]
}

// GroupMembers returns every member of groupID, one call per page.
func (s *Snapshot) GroupMembers(ctx context.Context, groupID string) ([]okta.User, error) {
	s.lazy.mu.Lock()
	if s.lazy.members == nil {
		s.lazy.members = map[string]*list[okta.User]{}
	}
	l := s.lazy.members[groupID]
	if l == nil {
		lister, _ := s.okta.(GroupMemberLister)
		l = newList(func(ctx context.Context) ([]okta.User, error) {
			if lister == nil {
				return nil, errNoMemberLister
			}
			all, err := lister.ListGroupMembers(ctx, groupID)
			logLoad(ctx, "group members", len(all), -1, err)
			return all, err
		}, func(u *okta.User) string { return u.ID })
		s.lazy.members[groupID] = l
	}
	s.lazy.mu.Unlock()
	return l.all(ctx)
}

// ConsoleUsers returns the members of the Console key's project, read with
// c, which must be the same client on every call.
func (s *Snapshot) ConsoleUsers(ctx context.Context, c ConsoleUserLister) ([]statsig.ConsoleUser, error) {
	s.lazy.mu.Lock()
	if s.lazy.console == nil {
		s.lazy.console = newList(func(ctx context.Context) ([]statsig.ConsoleUser, error) {
			all, err := c.ListConsoleUsers(ctx)
			logLoad(ctx, "Statsig Console users", len(all), -1, err)
			return all, err
		}, func(u *statsig.ConsoleUser) string { return u.Email })
	}
	l := s.lazy.console
	s.lazy.mu.Unlock()
	return l.all(ctx)
}

// consoleChanged records a write that may change Statsig's Console users.
func (s *Snapshot) consoleChanged() {
	s.lazy.mu.Lock()
	l := s.lazy.console
	s.lazy.mu.Unlock()
	if l != nil {
		l.markStale()
	}
}
