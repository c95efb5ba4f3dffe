package sandbox

import (
	"strings"
	"testing"
	"time"
)

// The request log keeps each write's body, whether the backend applied it,
// and the id of the object it created or changed, also when an injected
// fault lost the answer.
func TestRequestLogWrites(t *testing.T) {
	e := newEnv(t, Options{})
	alice, eng := e.user("alice@example.com"), e.group("Engineering")
	admins, tgt := e.group("Checkout Admins"), e.group("Statsig-Checkout-Admin")
	wantStatus(t, e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID}), 200)
	wantStatus(t, e.okta("PUT", e.appPath("/groups/"+eng.ID), nil), 200)
	mapping := as[string](t, e.okta("POST", e.appPath("/group-push/mappings"),
		map[string]any{"sourceGroupId": admins.ID, "targetGroupId": tgt.ID}).obj(t)["id"])
	e.okta("POST", e.appPath("/users"), map[string]any{"id": "00uNOPE"}) // 404: not applied
	e.okta("GET", e.appPath("/users"), nil)

	e.sb.SetFaults(Faults{Seed: 3, Rate5xx: 1, AppliedWrite5xx: true})
	bob := e.user("heidi@example.com")
	var lost Request
	for i := 0; i < 20 && !lost.Applied; i++ {
		e.okta("POST", e.appPath("/users"), map[string]any{"id": bob.ID})
		reqs := e.sb.Requests()
		lost = reqs[len(reqs)-1]
	}
	// A slow answer is an answer: the write is applied.
	e.sb.SetFaults(Faults{Seed: 1, RateSlow: 1, SlowLatency: time.Millisecond})
	carol := e.user("carol@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": carol.ID})
	reqs := e.sb.Requests()
	if slow := reqs[len(reqs)-1]; slow.Fault != "slow" || !slow.Applied || slow.ObjectID != carol.ID {
		t.Fatalf("a slow create: %+v", slow)
	}
	// An injected 429 is not applied.
	e.sb.SetFaults(Faults{Seed: 1, Rate429: 1})
	e.okta("POST", e.appPath("/users"), map[string]any{"id": carol.ID})
	reqs = e.sb.Requests()
	if limited := reqs[len(reqs)-1]; limited.Status != 429 || limited.Applied {
		t.Fatalf("a 429: %+v", limited)
	}
	e.sb.SetFaults(Faults{})

	var writes []string
	for _, r := range e.sb.Requests() {
		if r.Method == "GET" {
			if r.Body != nil || r.Applied || r.ObjectID != "" {
				t.Errorf("GET recorded as a write: %+v", r)
			}
			continue
		}
		writes = append(writes, r.Method+" "+r.Path[strings.LastIndex(r.Path, "/")+1:]+" "+r.ObjectID+" "+map[bool]string{true: "applied", false: "not applied"}[r.Applied])
		if len(r.Body) == 0 && r.Method == "POST" {
			t.Errorf("%s %s: no body recorded", r.Method, r.Path)
		}
	}
	want := []string{
		"POST users " + alice.ID + " applied",
		"PUT " + eng.ID + " " + eng.ID + " applied",
		"POST mappings " + mapping + " applied",
		"POST users  not applied",
	}
	for i, w := range want {
		if i >= len(writes) || writes[i] != w {
			t.Fatalf("writes %q, want them to start with %q", writes, want)
		}
	}
	if !lost.Applied || lost.Status < 500 || lost.ObjectID != bob.ID || !strings.Contains(string(lost.Body), bob.ID) || !lost.IsCreate() {
		t.Fatalf("a create applied behind an injected 5xx: %+v", lost)
	}
}
