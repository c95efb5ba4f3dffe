package sandbox

import (
	"testing"
	"time"
)

// The app's features decide provisioning, as recorded from real Okta
// (okta-api.md section 7): without PUSH_NEW_USERS an assigned user is
// ACTIVE/DISABLED with externalId null and never reaches Statsig; with it,
// STAGED, then PROVISIONED after the delay.
func TestAppUsers_featuresDecideProvisioning(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		features               []string
		status, sync           string
		externalIDNull, inSCIM bool
	}{
		{name: "provisioning off", features: []string{"IMPORT_NEW_USERS", "GROUP_PUSH"},
			status: "ACTIVE", sync: "DISABLED", externalIDNull: true},
		{name: "provisioning on", status: "PROVISIONED", sync: "SYNCHRONIZED", inSCIM: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := DefaultFixture()
			f.App.Features = tc.features
			e := newEnv(t, Options{Fixture: f, ProvisioningDelay: time.Minute})
			u := e.user("alice@example.com")
			if _, assigned := e.sb.AppUser(u.ID); assigned {
				t.Fatal("the default fixture assigns alice already; the test needs an unassigned user")
			}
			r := e.okta("POST", e.appPath("/users"), map[string]any{"id": u.ID, "scope": "USER"})
			wantStatus(t, r, 200)
			e.clock.Advance(2 * time.Minute)
			got := e.okta("GET", e.appPath("/users/"+u.ID), nil).obj(t)
			if got["status"] != tc.status || got["syncState"] != tc.sync {
				t.Fatalf("status %v, syncState %v; want %s, %s", got["status"], got["syncState"], tc.status, tc.sync)
			}
			ext, present := got["externalId"]
			if tc.externalIDNull && (!present || ext != nil) {
				t.Fatalf("externalId = %v (present %v); want null, sent", ext, present)
			}
			if _, ok := e.sb.StatsigUser("alice@example.com"); ok != tc.inSCIM {
				t.Fatalf("alice in Statsig = %v, want %v", ok, tc.inSCIM)
			}
		})
	}
}
