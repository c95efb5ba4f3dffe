package appsnapshot

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

type countingMembers struct {
	Okta
	lists atomic.Int32
}

func (c *countingMembers) ListGroupMembers(_ context.Context, groupID string) ([]okta.User, error) {
	c.lists.Add(1)
	return []okta.User{{ID: "00u-" + groupID}}, nil
}

type countingConsole struct{ lists atomic.Int32 }

func (c *countingConsole) ListConsoleUsers(context.Context) ([]statsig.ConsoleUser, error) {
	c.lists.Add(1)
	return []statsig.ConsoleUser{{Email: "a@example.com", Role: "Admin"}}, nil
}

// Two reviews in one walk share one listing of each group's members and of
// the Console users; a write to the app reloads the Console users (Statsig
// changes with provisioning) but not the members (the provider never writes
// Okta group memberships).
func TestGroupMembersAndConsoleUsersAreShared(t *testing.T) {
	o, c := &countingMembers{}, &countingConsole{}
	s := New("0oa1", o, nil, "")
	ctx := context.Background()
	for range 2 {
		for _, g := range []string{"00gA", "00gB"} {
			members, err := s.GroupMembers(ctx, g)
			if err != nil || len(members) != 1 || members[0].ID != "00u-"+g {
				t.Fatalf("members of %s: %v %v", g, members, err)
			}
		}
		if users, err := s.ConsoleUsers(ctx, c); err != nil || len(users) != 1 {
			t.Fatalf("console users: %v %v", users, err)
		}
	}
	if o.lists.Load() != 2 || c.lists.Load() != 1 {
		t.Fatalf("member lists %d (want 2), console lists %d (want 1)", o.lists.Load(), c.lists.Load())
	}
	s.OnWrite(http.MethodPost, "/api/v1/apps/0oa1/users")
	if _, err := s.ConsoleUsers(ctx, c); err != nil || c.lists.Load() != 2 {
		t.Fatalf("after a write: console lists %d (want 2), %v", c.lists.Load(), err)
	}
	if _, err := s.GroupMembers(ctx, "00gA"); err != nil || o.lists.Load() != 2 {
		t.Fatalf("after a write: member lists %d (want 2), %v", o.lists.Load(), err)
	}
}
