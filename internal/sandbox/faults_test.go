package sandbox

import "testing"

// With AppliedWrite5xx, some 5xx answers to writes come after the write was
// applied; without it, none does. Reads are never applied twice either way.
func TestAppliedWrite5xx(t *testing.T) {
	for _, tc := range []struct {
		name    string
		applied bool
	}{{"off", false}, {"on", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			e.sb.SetFaults(Faults{Seed: 5, Rate5xx: 1, AppliedWrite5xx: tc.applied})
			alice := e.user("alice@example.com")
			applied := 0
			for i := 0; i < 10; i++ {
				e.sb.UnassignUserOutOfBand(alice.ID)
				if r := e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID}); r.status < 500 {
					t.Fatalf("status %d, want a 5xx", r.status)
				}
				if _, ok := e.sb.AppUser(alice.ID); ok {
					applied++
				}
			}
			switch {
			case !tc.applied && applied != 0:
				t.Fatalf("%d writes applied behind a 5xx without AppliedWrite5xx", applied)
			case tc.applied && (applied == 0 || applied == 10):
				t.Fatalf("%d of 10 writes applied behind a 5xx, want some but not all", applied)
			}
		})
	}
}

// Faults limited to POST leave the other methods alone.
func TestFaultMethods(t *testing.T) {
	e := newEnv(t, Options{})
	e.sb.SetFaults(Faults{Seed: 5, Rate5xx: 1, Methods: []string{"POST"}})
	alice := e.user("alice@example.com")
	if r := e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID}); r.status < 500 {
		t.Fatalf("POST: status %d, want a 5xx", r.status)
	}
	if r := e.okta("GET", e.appPath("/users"), nil); r.status != 200 {
		t.Fatalf("GET: status %d, want 200", r.status)
	}
}
