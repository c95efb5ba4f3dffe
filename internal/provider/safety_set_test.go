package provider

import (
	"regexp"
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

// The set is never replaced: -replace or taint, with or without
// lifecycle { create_before_destroy = true }, is refused at plan time with
// zero writes. Destroy first, a replacement would unassign everyone and
// assign them again; created first, its create is planned again during
// apply over what Okta assigns by then, which no plan shows (a console
// assignment after the review would be unassigned), and a stop there leaves
// a deposed set that wedges later plans. A raised guard does not change
// that, and untaint gets the admin out with an empty plan.
func TestAccSafety_setNeverReplaced(t *testing.T) {
	users := map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}
	for _, tc := range []struct {
		mistake string
		extra   string // in the resource block
		args    []string
		taint   bool
		want    *regexp.Regexp
	}{
		{mistake: "the set applied with -replace", args: []string{"-replace=" + setAddr},
			want: wrapped("The set of direct assignments is not replaced", "(replace)", "all 2 users", "without -replace")},
		{mistake: "the set applied with -replace and create_before_destroy", args: []string{"-replace=" + setAddr},
			extra: "lifecycle {\n    create_before_destroy = true\n  }",
			want:  wrapped("The set of direct assignments is not replaced", "(replace)", "create_before_destroy", "which no plan shows")},
		{mistake: "the set tainted, guard raised to everyone", taint: true, extra: "max_unassignments = 2",
			want: wrapped("The set of direct assignments is not replaced", "(taint)", "all 2 users", "terraform untaint")},
		{mistake: "the set tainted with create_before_destroy, planned without refresh", taint: true, args: []string{"-refresh=false"},
			extra: "lifecycle {\n    create_before_destroy = true\n  }",
			want:  wrapped("The set of direct assignments is not replaced", "(taint)", "terraform untaint")},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			cli.writeConfig(setConfig(sb, tc.extra, users))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			if tc.taint {
				cli.mustRun("taint", setAddr)
			}
			mark := len(sb.Requests())
			out, code := cli.run(append([]string{"apply", "-auto-approve", "-input=false"}, tc.args...)...)
			if code == 0 || !tc.want.MatchString(out) {
				t.Fatalf("the replacement was not refused with %s (exit %d):\n%s", tc.want, code, out)
			}
			if got := oktaWritesSince(sb, mark); len(got) > 0 {
				t.Errorf("the refused replacement wrote: %v", got)
			}
			if err := checkDirect(sb, users)(nil); err != nil {
				t.Error(err)
			}
			if tc.taint {
				cli.mustRun("untaint", setAddr)
			}
			if next, code := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
				t.Errorf("plan after the refusal exited %d:\n%s", code, next)
			}
		})
	}
}

// The set moved to another address without a `moved` block: the plan
// destroys the old set and creates the new one, whose create would adopt the
// users the old set's destroy unassigns. Refused as a second declaration of
// the set, with the advice for a rename, and no write.
func TestAccSafety_setRenamedWithoutMoved(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{})
	users := map[string]string{"alice@example.com": "", "bob@example.com": ""}
	cli.writeConfig(setConfig(sb, "", users))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	cli.writeConfig(strings.Replace(setConfig(sb, "", users), `"statsigokta_user_assignments" "all"`, `"statsigokta_user_assignments" "everyone"`, 1))
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-auto-approve", "-input=false")
	if want := wrapped("Two sets of user assignments for one app", "about to remove", "moved"); code == 0 || !want.MatchString(out) {
		t.Fatalf("the rename without moved was not refused with %s (exit %d):\n%s", want, code, out)
	}
	if got := oktaWritesSince(sb, mark); len(got) > 0 {
		t.Errorf("the refused rename wrote: %v", got)
	}
	if err := checkDirect(sb, users)(nil); err != nil {
		t.Error(err)
	}
}
