package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Cases of an independent review of the access-safety invariants (issue 11)
// that hold: each says in one line which admin mistake it is.

// The admin hands the Statsig Owner role over in Terraform: imports bob, the
// Owner, as Admin and makes alice Owner in the same plan (the provider once
// advised it). Statsig refuses to change an Owner's role ("Owner cannot be
// modified") and refuses a second Owner ("Cannot set multiple owners").
// Invariant 6: what the apply would refuse is refused at plan time, with no
// write.
func TestAccReview_ownerHandoverApplied(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{})
	bob := userID(t, sb, "bob@example.com")
	if _, err := testOktaClient(t, sb).AssignUserToApp(context.Background(), sb.AppID(), okta.AppUserAssignRequest{
		ID: bob, Scope: "USER", Profile: map[string]any{"statsigOrgRole": "Owner"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for checkProvisioned(sb, "bob@example.com", "Owner")(nil) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("bob never became the Statsig Owner: %v", checkProvisioned(sb, "bob@example.com", "Owner")(nil))
		}
		time.Sleep(100 * time.Millisecond)
	}
	cli.writeConfig(providerConfig(sb) +
		"import {\n  to = statsigokta_user_assignment.bob\n  id = \"bob@example.com\"\n}\n" +
		"resource \"statsigokta_user_assignment\" \"bob\" {\n  login = \"bob@example.com\"\n  org_role = \"Admin\"\n}\n" +
		"resource \"statsigokta_user_assignment\" \"alice\" {\n  login = \"alice@example.com\"\n  org_role = \"Owner\"\n}\n")
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(out, "The Statsig Owner cannot be demoted") {
		t.Fatalf("invariant 6: the Owner handover, which Statsig refuses, was not refused at plan (exit %d):\n%s", code, out)
	}
	if err := checkWritesSince(sb, mark); err != nil {
		t.Error(err)
	}
}

// Invariant 7 through the CLI (the suite has no acceptance case for it): the
// unassigned-members warning is not printed, at plan or at apply, when the
// same configuration assigns every member: the README's pattern
// (source_group_id = statsigokta_group_assignment.x.group_id), and a direct
// assignment of the one unassigned member beside a link that does not refer
// to it.
func TestAccReview_pushWarningFalseForOwnAssignments(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string // the configuration
		body func(sb *sandbox.Sandbox) string
	}{
		{name: "README pattern: the link's source is the group assignment's group_id",
			body: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"eng\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering")) +
					"resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = statsigokta_group_assignment.eng.group_id\n" +
					"  project = \"Checkout\"\n  role = \"Member\"\n}\n"
			}},
		{name: "the unassigned member assigned directly beside the link",
			body: func(sb *sandbox.Sandbox) string {
				return "resource \"statsigokta_user_assignment\" \"dave\" {\n  login = \"dave@example.com\"\n}\n" +
					fmt.Sprintf("resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
						groupID(t, sb, "Engineering"))
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
			cli.writeConfig(providerConfig(sb) + tc.body(sb))
			for _, args := range [][]string{{"plan", "-input=false"}, {"apply", "-auto-approve", "-input=false"}} {
				if out := cli.mustRun(args...); strings.Contains(out, "will not be pushed") {
					t.Errorf("invariant 7: %s printed the unassigned-members warning though the configuration assigns "+
						"every member:\n%s", args[0], out)
				}
			}
		})
	}
}

// The admin demotes the Statsig Owner that this configuration made
// (org_role "Owner" -> "Admin"). Statsig refuses to change an Owner's role
// ("Owner cannot be modified"). Invariant 6: refused at plan time, or the
// apply leaves alice Admin and in sync.
func TestAccReview_ownerDemoted(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{})
	config := func(role string) string {
		return providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  login = \"alice@example.com\"\n  org_role = %q\n}\n", role)
	}
	cli.writeConfig(config("Owner"))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if err := checkProvisioned(sb, "alice@example.com", "Owner")(nil); err != nil {
		t.Fatalf("alice is not the Owner after the first apply: %v", err)
	}
	cli.writeConfig(config("Admin"))
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(out, "The Statsig Owner cannot be demoted") {
		t.Fatalf("invariant 6: demoting the Owner was not refused at plan (exit %d):\n%s", code, out)
	}
	if err := checkWritesSince(sb, mark); err != nil {
		t.Error(err)
	}
}

// statsigokta_user_assignments (issue 14's guards applied to issue 11's
// invariants 2 and 6), which the suite has no case for: one person under
// two keys of the map (login and its short name in capitals, login and
// 00u id), and two Owners in the map, are plan-time errors with zero writes.
func TestAccReview_setDistinctAndOneOwner(t *testing.T) {
	for _, tc := range []struct {
		name  string // the admin mistake
		users func(sb *sandbox.Sandbox) string
		want  *regexp.Regexp
	}{
		{name: "one person under her login and her short name in capitals",
			users: func(*sandbox.Sandbox) string { return "\"alice@example.com\" = {}\n    \"ALICE\" = {}" },
			want:  diagRE("One user named twice")},
		{name: "one person under her login and her id",
			users: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("\"alice@example.com\" = {}\n    %q = {}", userID(t, sb, "alice@example.com"))
			},
			want: diagRE("One user named twice")},
		{name: "two Owners in the map",
			users: func(*sandbox.Sandbox) string {
				return "\"alice@example.com\" = { org_role = \"Owner\" }\n    \"bob@example.com\" = { org_role = \"Owner\" }"
			},
			want: diagRE("More than one Owner")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{})
			expectNoWrites(t, sb)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(sb) + "resource \"statsigokta_user_assignments\" \"all\" {\n  users = {\n    " + tc.users(sb) + "\n  }\n}\n",
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// Invariant 3 for a login written in other capitals than Okta's (the suite
// covers the short name, in lower case, only): kept as written, no
// "inconsistent result", and no diff afterwards.
func TestAccReview_loginCaseKept(t *testing.T) {
	t.Parallel()
	for _, login := range []string{"Alice@Example.COM", "Alice"} {
		t.Run(login, func(t *testing.T) {
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			cli.writeConfig(providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  login = %q\n}\n", login))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			if got := cli.stateAttr(t, aliceAddr, "login"); got != login {
				t.Errorf("state login = %q, want it kept as written, %q", got, login)
			}
			mark := len(sb.Requests())
			if out, code := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Errorf("invariant 3: the plan after applying login %q exits %d (want 0, no changes):\n%s", login, code, out)
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Error(err)
			}
		})
	}
}
