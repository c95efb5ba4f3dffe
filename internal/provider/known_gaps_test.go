//go:build knowngaps

package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Known gaps: cases an independent review proved against the access-safety
// invariants (issue 11) and the set (issue 14) that the provider does not
// meet yet. They fail today, so they are kept out of the suite behind a
// build tag; each must pass before its issue is resolved:
//
//	TF_ACC=1 TF_ACC_TERRAFORM_PATH=$PWD/bin/terraform go test -tags knowngaps -run 'TestAccReview_' ./internal/provider

// The admin adds a second declaration of an object that is already declared
// and applied (overlapping for_each lists, say) and applies only the new
// resource with -target. Invariant 2: two instances in one configuration
// that name one object are a plan-time error with zero writes, and the
// interrupted-apply rule never adopts an object another instance declares.
// Then the admin "cleans up the duplicate" with -target again: invariant 1
// allows no DELETE of an object the configuration still declares.
func TestAccReview_targetAdoptsAnotherDeclaration(t *testing.T) {
	for _, tc := range []struct {
		name    string // the admin mistake
		fixture func() *sandbox.Fixture
		a, b    func(sb *sandbox.Sandbox) string
		addrB   string
		present func(sb *sandbox.Sandbox) bool // the object .a declares is still in Okta
	}{
		{name: "one user declared again by login, applied with -target",
			fixture: testFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_user_assignment\" \"a\" {\n  user_id = %q\n}\n", userID(t, sb, "alice@example.com"))
			},
			b: func(*sandbox.Sandbox) string {
				return "resource \"statsigokta_user_assignment\" \"b\" {\n  login = \"alice@example.com\"\n}\n"
			},
			addrB: "statsigokta_user_assignment.b",
			present: func(sb *sandbox.Sandbox) bool {
				au, ok := sb.AppUser(userID(t, sb, "alice@example.com"))
				return ok && au.Scope == "USER"
			}},
		{name: "one group assigned again, applied with -target",
			fixture: testFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			b: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"b\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			addrB: "statsigokta_group_assignment.b",
			present: func(sb *sandbox.Sandbox) bool {
				_, ok := sb.AppGroup(groupID(t, sb, "Engineering"))
				return ok
			}},
		{name: "one source group linked again to the same Statsig group, applied with -target",
			fixture: pushFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"a\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			b: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"b\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			addrB: "statsigokta_group_push.b",
			present: func(sb *sandbox.Sandbox) bool {
				_, ok := mappingOf(sb, groupID(t, sb, "Engineering"))
				return ok
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{Fixture: tc.fixture()})
			a, b := tc.a(sb), tc.b(sb)
			cli.writeConfig(providerConfig(sb) + a)
			cli.mustRun("apply", "-auto-approve", "-input=false")

			cli.writeConfig(providerConfig(sb) + a + b)
			mark := len(sb.Requests())
			out, code := cli.run("apply", "-auto-approve", "-input=false", "-target="+tc.addrB)
			if code == 0 {
				t.Errorf("invariant 2: apply -target of a second declaration succeeded (exit 0) instead of a plan-time "+
					"error naming both declarations; output:\n%s", out)
			} else if !strings.Contains(out, "One Okta object, one declaration") {
				t.Logf("apply -target failed, but not with the duplicate-declaration error:\n%s", out)
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Errorf("invariant 2: writes during the -target apply: %v", err)
			}
			if code != 0 {
				return
			}

			// Invariant 5: with both in state, the way out must be plannable or
			// named. A full plan of the configuration without .b is refused
			// ("is about to remove"); say whether the refusal names the way out
			// that works (terraform state rm: a moved block onto .a cannot be).
			cli.writeConfig(providerConfig(sb) + a)
			out, code = cli.run("plan", "-input=false")
			if code != 0 && !strings.Contains(out, "state rm") {
				t.Errorf("invariant 5: plan without the duplicate fails and does not name `terraform state rm`, the one "+
					"way out (a moved block onto the existing .a is impossible):\n%s", out)
			}

			// The admin removes the duplicate and applies only that change.
			mark = len(sb.Requests())
			out, code = cli.run("apply", "-auto-approve", "-input=false", "-target="+tc.addrB)
			t.Logf("apply -target after removing the duplicate: exit %d\n%s", code, out)
			if err := checkWritesSince(sb, mark); err != nil {
				t.Errorf("invariant 1: removing the duplicate declaration wrote to Okta although .a still declares "+
					"the object: %v", err)
			}
			if !tc.present(sb) {
				t.Errorf("invariant 1: the object is gone from Okta while .a, in state and configuration, still declares it")
			}
		})
	}
}
