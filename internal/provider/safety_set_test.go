package provider

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// timeouts <= 0 are refused at plan time, as on the single resource.
func TestAccSafety_setZeroTimeout(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      setConfig(sb, `timeouts = { create = "0s" }`, map[string]string{"alice@example.com": ""}),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Invalid timeout`),
		}},
	})
}

// A token lacking okta.apps.manage fails the set's plan, not its apply.
func TestAccSafety_setReadOnlyToken(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	sb.SetGrantedScopes([]string{"okta.apps.read", "okta.groups.read", "okta.users.read"})
	config := oauthProviderConfig(sb, `okta_scopes = ["okta.apps.read", "okta.groups.read", "okta.users.read"]`) + `
resource "statsigokta_user_assignments" "all" {
  users = { "alice@example.com" = {} }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(`Missing Okta OAuth scope`)}},
	})
}

// The set replaced in place (-replace, or taint) with and without
// lifecycle { create_before_destroy = true }. Without it Terraform destroys
// first: everyone is unassigned and assigned again, as the plan says. With
// it the new set is created first over the users the old one holds, and
// the old set's destroy must not unassign any of them (issue 14: never a
// replacement that unassigns anyone the plan did not list; each DELETE
// deactivates the user in Statsig and wipes their roles). Either way,
// everyone declared is assigned directly afterwards and the next plan is
// empty.
func TestAccSafety_setCreateBeforeDestroyReplace(t *testing.T) {
	users := map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}
	for _, tc := range []struct {
		name    string // the admin's action
		cbd     bool
		taint   bool
		after   map[string]string // the users map of the replacement, when not users
		deletes []string          // the app-user DELETEs the replacement makes, by login
		who     string            // whom the plan says the old set's destroy unassigns after a create first
	}{
		{name: "-replace with create_before_destroy", cbd: true},
		{name: "taint with create_before_destroy", cbd: true, taint: true, who: "nobody"},
		{name: "taint with create_before_destroy, bob left out of the map", cbd: true, taint: true,
			after: map[string]string{"alice@example.com": "Admin"}, deletes: []string{"bob@example.com"},
			who: `only the 1 users the map leaves out: "bob@example.com"`},
		{name: "-replace without create_before_destroy (destroy first)", deletes: []string{"alice@example.com", "bob@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			extra := ""
			if tc.cbd {
				extra = "lifecycle {\n    create_before_destroy = true\n  }"
			}
			cli.writeConfig(setConfig(sb, extra, users))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			args := []string{"apply", "-auto-approve", "-input=false", "-replace=" + setAddr}
			if tc.taint {
				cli.mustRun("taint", setAddr)
				args = args[:3]
			}
			want := users
			if tc.after != nil {
				want = tc.after
				cli.writeConfig(setConfig(sb, extra, want))
			}
			mark := len(sb.Requests())
			out := cli.mustRun(args...)
			if tc.taint { // only a taint's create plan shows its warnings
				if want := wrapped("Replacing the set unassigns and reassigns every user (without create_before_destroy)",
					"all 2 users", "create_before_destroy = true", "the old set's destroy then unassigns "+tc.who,
					"cannot see lifecycle settings"); !want.MatchString(out) {
					t.Errorf("the replacement's plan does not say what either order does (want %s):\n%s", want, out)
				}
			}
			if got := appUserDeletesSince(sb, mark); strings.Join(got, ",") != strings.Join(tc.deletes, ",") {
				t.Errorf("app-user DELETEs during the replacement: got %q, want %q", got, tc.deletes)
			}
			if err := checkDirect(sb, want)(nil); err != nil {
				t.Error(err)
			}
			if next, code := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
				t.Errorf("plan after the replacement exited %d:\n%s", code, next)
			}
		})
	}
}

// appUserDeletesSince lists, sorted by login, the users whose app
// assignment a successful DELETE removed since mark.
func appUserDeletesSince(sb *sandbox.Sandbox, mark int) []string {
	logins := map[string]string{}
	for _, u := range sb.Users() {
		logins[u.ID] = u.Login
	}
	prefix := "/api/v1/apps/" + sb.AppID() + "/users/"
	var out []string
	for _, r := range sb.Requests()[mark:] {
		if r.Service == "okta" && r.Method == "DELETE" && strings.HasPrefix(r.Path, prefix) && r.Status < 300 {
			out = append(out, logins[strings.TrimPrefix(r.Path, prefix)])
		}
	}
	sort.Strings(out)
	return out
}
