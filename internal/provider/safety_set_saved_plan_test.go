package provider

import (
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Invariant 1 for the set: a saved plan (plan -out, reviewed, applied later)
// holds. The plan lists in planned_assignments whom it assigns and keeps the
// rest as Okta had them; when Okta changed in between, the apply refuses
// before any write, and a new plan shows the change.
func TestAccSafety_setSavedPlanHolds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mistake string
		before  map[string]string // the set applied first (nil: none)
		planned map[string]string // the set in the saved plan
		console func(t *testing.T, sb *sandbox.Sandbox)
		want    string // in the failed apply's output
	}{
		{mistake: "a set created, and alice assigned in the console before the reviewed plan is applied",
			planned: map[string]string{"alice@example.com": "", "bob@example.com": ""},
			console: func(t *testing.T, sb *sandbox.Sandbox) {
				sb.AssignUserOutOfBand(userID(t, sb, "alice@example.com"), "USER")
			},
			want: "planned_assignments"},
		{mistake: "alice added to the set, and assigned in the console before the reviewed plan is applied",
			before:  map[string]string{"bob@example.com": ""},
			planned: map[string]string{"alice@example.com": "", "bob@example.com": ""},
			console: func(t *testing.T, sb *sandbox.Sandbox) {
				sb.AssignUserOutOfBand(userID(t, sb, "alice@example.com"), "USER")
			},
			want: `"alice@example.com" was assigned directly`},
		{mistake: "bob's role changed in the set, and alice unassigned in the console before the reviewed plan is applied",
			before:  map[string]string{"alice@example.com": "", "bob@example.com": ""},
			planned: map[string]string{"alice@example.com": "", "bob@example.com": "Admin"},
			console: func(t *testing.T, sb *sandbox.Sandbox) { sb.UnassignUserOutOfBand(userID(t, sb, "alice@example.com")) },
			want:    `"alice@example.com" no longer has a direct assignment`},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			if tc.before != nil {
				cli.writeConfig(setConfig(sb, "", tc.before))
				cli.mustRun("apply", "-auto-approve", "-input=false")
			}
			stateBefore := stateShown(cli)
			cli.writeConfig(setConfig(sb, "", tc.planned))
			cli.mustRun("plan", "-input=false", "-out=reviewed.tfplan")
			tc.console(t, sb)
			mark := len(sb.Requests())
			out, code := cli.run("apply", "-input=false", "reviewed.tfplan")
			flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
			if code == 0 || !strings.Contains(flat, tc.want) {
				t.Fatalf("the reviewed plan no longer matched Okta, and the apply did not refuse with %q (exit %d):\n%s", tc.want, code, out)
			}
			if got := oktaWritesSince(sb, mark); len(got) > 0 {
				t.Errorf("the refused apply wrote: %v", got)
			}
			if after := stateShown(cli); after != stateBefore {
				t.Errorf("the refused apply changed the state:\nbefore:\n%s\nafter:\n%s", stateBefore, after)
			}
			// A new plan sees Okta as it is now, and applies.
			cli.mustRun("apply", "-auto-approve", "-input=false")
			if out, code := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
				t.Errorf("after the new plan's apply, the next plan is not empty (exit %d):\n%s", code, out)
			}
			for login := range tc.planned {
				if au, ok := sb.AppUser(userID(t, sb, login)); !ok || au.Scope != "USER" {
					t.Errorf("%s is not directly assigned after the new plan's apply", login)
				}
			}
		})
	}
}

// stateShown is `terraform show` of the state without planned_assignments,
// which the refresh of the saved plan's own walk empties.
func stateShown(cli *cliRun) string {
	out := cli.mustRun("show", "-no-color")
	if strings.Contains(out, "No state.") || strings.Contains(out, "The state file is empty") {
		return ""
	}
	var kept []string
	skipping := false
	for _, line := range strings.Split(out, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "planned_assignments"):
			skipping = strings.HasSuffix(trimmed, "[")
		case skipping:
			skipping = trimmed != "]"
		default:
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

// The list the last apply recorded is carried into a plan without refresh
// that assigns nobody new (so that such a plan stays empty); it must not
// read as "bob is to be assigned, but Okta has him already".
func TestAccSafety_setRefreshFalseAfterAssign(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{})
	cli.writeConfig(setConfig(sb, "", map[string]string{"alice@example.com": ""}))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	cli.writeConfig(setConfig(sb, "", map[string]string{"alice@example.com": "", "bob@example.com": ""}))
	cli.mustRun("apply", "-auto-approve", "-input=false") // planned_assignments = ["bob@example.com"] in state
	cli.writeConfig(setConfig(sb, "", map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}))
	if out, code := cli.run("apply", "-auto-approve", "-input=false", "-refresh=false"); code != 0 {
		t.Fatalf("a -refresh=false apply of a role change was refused (exit %d):\n%s", code, out)
	}
	if au, ok := sb.AppUser(userID(t, sb, "alice@example.com")); !ok || au.Profile["statsigOrgRole"] != "Admin" {
		t.Errorf("alice is not Admin after the apply: %+v", au)
	}
}
