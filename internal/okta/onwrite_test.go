package okta

import (
	"context"
	"sync"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeLog) add(method, path string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, method+" "+path)
}

func (w *writeLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.writes
	w.writes = nil
	return out
}

// OnWrite reports writes Okta applied or may have applied, and nothing else.
func TestOnWriteHook(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: -1})
	log := &writeLog{}
	c := e.client(t, Config{APIToken: e.sb.APIToken(), OnWrite: log.add})
	ctx := context.Background()
	appID := e.sb.AppID()
	alice := e.sb.Users()[0]
	base := "/api/v1/apps/" + appID

	if _, err := c.AssignUserToApp(ctx, appID, AppUserAssignRequest{ID: alice.ID, Scope: "USER"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAppUser(ctx, appID, alice.ID); err != nil {
		t.Fatal(err)
	}
	if got := log.take(); len(got) != 1 || got[0] != "POST "+base+"/users/"+alice.ID {
		t.Fatalf("writes = %v", got)
	}
	if err := c.UnassignUserFromApp(ctx, appID, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	if got := log.take(); len(got) != 1 || got[0] != "DELETE "+base+"/users/"+alice.ID {
		t.Fatalf("writes = %v", got)
	}
	// A refused write (404) changed nothing.
	if err := c.UnassignUserFromApp(ctx, appID, alice.ID, false); !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
	if got := log.take(); len(got) != 0 {
		t.Fatalf("writes after a 404 = %v", got)
	}

	// A 5xx leaves the outcome unknown: reported, once per call.
	e.sb.SetFaults(sandbox.Faults{Seed: 1, Rate5xx: 1})
	c.maxRetries = 2
	_, err := c.AssignGroupToApp(ctx, appID, e.sb.Groups()[0].ID, AppGroupAssignRequest{})
	if apiErr, ok := AsAPIError(err); !ok || apiErr.StatusCode < 500 {
		t.Fatalf("err = %v", err)
	}
	if got := log.take(); len(got) != 1 || got[0] != "PUT "+base+"/groups/"+e.sb.Groups()[0].ID {
		t.Fatalf("writes after 5xx = %v", got)
	}
	// So does a connection reset after the request was sent.
	e.sb.SetFaults(sandbox.Faults{Seed: 1, RateReset: 1})
	if _, err := c.CreateGroupPushMapping(ctx, appID, CreateGroupPushMappingRequest{SourceGroupID: "00g1", TargetGroupID: "00g2"}); err == nil {
		t.Fatal("no error")
	}
	if got := log.take(); len(got) != 1 || got[0] != "POST "+base+"/group-push/mappings" {
		t.Fatalf("writes after reset = %v", got)
	}
}
