package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// wrapped matches the parts in order, each as literal text whose spaces may
// be any white space (the CLI wraps diagnostics).
func wrapped(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

func expectNoSetWrites(t *testing.T, sb *sandbox.Sandbox, when string) {
	t.Helper()
	if got := setWrites(sb); len(got) != 0 {
		t.Fatalf("writes %s: %q", when, got)
	}
}

// writeBodies lists the bodies of the successful Okta writes.
func writeBodies(sb *sandbox.Sandbox) []string {
	var out []string
	for _, r := range sb.Requests() {
		if r.Service == "okta" && r.Method != "GET" && !strings.HasPrefix(r.Path, "/oauth2/") && r.Status < 300 {
			out = append(out, string(r.Body))
		}
	}
	return out
}

// Created over direct assignments Okta already has, the set announces the
// adoption at plan time (who, and the org_role it changes), plans the
// removal of those the map lacks under the guard, and the apply writes only
// what the plan said.
func TestAccUserAssignments_createAnnouncesAdoption(t *testing.T) {
	t.Parallel()
	sb := groupOnlySandbox(t)
	alice, bob := userID(t, sb, "alice@example.com"), userID(t, sb, "bob@example.com")
	sb.AssignUserOutOfBand(alice, "USER")
	sb.AssignUserOutOfBand(bob, "USER")
	if _, err := testOktaClient(t, sb).UpdateAppUserProfile(context.Background(), sb.AppID(), alice,
		map[string]any{orgRoleProfileAttribute: "Admin"}); err != nil {
		t.Fatal(err)
	}
	users := map[string]string{"alice@example.com": "Member", "erin@example.com": ""}
	c := newCLIRun(t)
	sb.ResetRequests()

	c.writeConfig(setConfig(sb, "max_unassignments = 0", users))
	out, code := c.run("plan", "-input=false")
	if want := wrapped("Too many unassignments", "unassigns 1 users", `"bob@example.com"`, "max_unassignments = 1"); code == 0 || !want.MatchString(out) {
		t.Fatalf("plan over bob with max_unassignments = 0: exit %d, want %s:\n%s", code, want, out)
	}
	expectNoSetWrites(t, sb, "after the refused plan")

	c.writeConfig(setConfig(sb, "", users))
	out = c.mustRun("plan", "-input=false")
	for _, want := range []*regexp.Regexp{
		wrapped("The set adopts existing direct assignments", `Okta already assigns 1 of these users directly`,
			`adopts them without a write: "alice@example.com".`, `org_role of 1 of them: "alice@example.com" (Admin -> Member)`,
			`unassigns them`, `"bob@example.com"`),
		regexp.MustCompile(`planned_unassignments\s+=\s+\[\s+\+ "bob@example.com",\s+\]`),
	} {
		if !want.MatchString(out) {
			t.Errorf("plan output does not match %s:\n%s", want, out)
		}
	}
	expectNoSetWrites(t, sb, "after plan")
	c.mustRun("apply", "-auto-approve", "-input=false")
	expectWrites(t, sb, "POST alice@example.com", "POST assign", "DELETE bob@example.com")
	bodies := strings.Join(writeBodies(sb), "\n")
	if !strings.Contains(bodies, `"statsigOrgRole":"Member"`) || !strings.Contains(bodies, userID(t, sb, "erin@example.com")) {
		t.Errorf("write bodies lack alice's new role or erin's assignment:\n%s", bodies)
	}
	if err := checkDirect(sb, map[string]string{"alice@example.com": "Member", "erin@example.com": ""})(nil); err != nil {
		t.Error(err)
	}
	if out, code := c.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after the apply exited %d:\n%s", code, out)
	}
	c.mustRun("destroy", "-auto-approve", "-input=false")
}

// One user in the set and in a statsigokta_user_assignment is a plan-time
// error naming both declarations, whichever Terraform plans first, with
// zero writes.
func TestAccUserAssignments_conflictWithSingleEitherOrder(t *testing.T) {
	sb := groupOnlySandbox(t)
	single := func(extra string) string {
		return fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  login = "alice@example.com"
  %s
}
`, extra)
	}
	users := map[string]string{"alice@example.com": "", "bob@example.com": ""}
	setFirst := setConfig(sb, "", users) + single("depends_on = [statsigokta_user_assignments.all]")
	singleFirst := setConfig(sb, "depends_on = [statsigokta_user_assignment.alice]", users) + single("")
	noWrites := func() {
		if n := writeCalls(sb); n != 0 {
			t.Fatalf("%d writes after a refused plan", n)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: setFirst,
				ExpectError: wrapped("declared by two resources", `one with users["alice@example.com"] of a statsigokta_user_assignments`,
					`this one with login = "alice@example.com"`),
			},
			{
				PreConfig: noWrites,
				Config:    singleFirst,
				ExpectError: wrapped("declared by two resources", `one with login = "alice@example.com"`,
					`this one with users["alice@example.com"] of a statsigokta_user_assignments`),
			},
			{PreConfig: noWrites, Config: providerConfig(sb), PlanOnly: true},
		},
	})
}

// A user who also has the app through an assigned group cannot be
// unassigned (Okta answers E0000046): removing such a user from the set, or
// destroying the set, is refused at plan naming the group, with zero
// writes. Once the user leaves the group, the removal applies.
func TestAccUserAssignments_groupKeepsUser(t *testing.T) {
	sb := groupOnlySandbox(t) // carol is in Engineering, assigned to the app
	eng, carol := groupID(t, sb, "Engineering"), userID(t, sb, "carol@example.com")
	both := map[string]string{"alice@example.com": "", "carol@example.com": ""}
	refused := func(why string) *regexp.Regexp {
		return wrapped(why, "E0000046", `"carol@example.com" (member of "Engineering" (`+eng+`))`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDirect(sb, map[string]string{}),
		Steps: []resource.TestStep{
			{
				Config: setConfig(sb, "", both),
				Check:  checkDirect(sb, map[string]string{"alice@example.com": "", "carol@example.com": ""}),
			},
			{
				PreConfig:   sb.ResetRequests,
				Config:      setConfig(sb, "", map[string]string{"alice@example.com": ""}),
				ExpectError: refused("This plan unassigns them"),
			},
			{
				PreConfig:   func() { expectNoSetWrites(t, sb, "after the refused update") },
				Config:      setConfig(sb, "", both),
				Destroy:     true,
				ExpectError: refused("Destroying the set unassigns them"),
			},
			{
				PreConfig: func() {
					expectNoSetWrites(t, sb, "after the refused destroy")
					sb.RemoveGroupMember(eng, carol)
				},
				Config: setConfig(sb, "", map[string]string{"alice@example.com": ""}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plannedUnassignments("carol@example.com"),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": ""}),
					func(*terraform.State) error { expectWrites(t, sb, "DELETE carol@example.com"); return nil },
				),
			},
		},
	})
}

// State records status and sync_state only for users Okta is not done with:
// a user still provisioning carries them, a provisioned one has them null.
func TestAccUserAssignments_compactStatus(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: time.Hour})
	users := map[string]string{"alice@example.com": ""}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: setConfig(sb, "wait_for_provisioning = false", users),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("status"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[A-Z]+$`))),
				statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("sync_state"),
					knownvalue.NotNull()),
			},
		}},
	})
}

// A replacement whose users are known only during apply is refused too.
func TestAccUserAssignments_replaceUnknownUsers(t *testing.T) {
	t.Parallel()
	sb := groupOnlySandbox(t)
	c := newCLIRun(t)
	config := func(limit int) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "terraform_data" "users" {
  input = { "alice@example.com" = { org_role = null }, "bob@example.com" = { org_role = null } }
}

resource "statsigokta_user_assignments" "all" {
  max_unassignments = %d
  users             = terraform_data.users.output
}
`, limit)
	}
	c.writeConfig(config(1))
	c.mustRun("apply", "-auto-approve", "-input=false")
	c.mustRun("taint", "terraform_data.users")
	c.mustRun("taint", setAddr)
	sb.ResetRequests()
	out, code := c.run("plan", "-input=false")
	if want := wrapped("The set of direct assignments is not replaced", "(taint)", "every user it holds", "untaint"); code == 0 || !want.MatchString(out) {
		t.Fatalf("plan of the tainted set with unknown users: exit %d, want %s:\n%s", code, want, out)
	}
	expectNoSetWrites(t, sb, "after the refused plan")
	c.mustRun("untaint", setAddr)
	c.mustRun("untaint", "terraform_data.users")
	c.writeConfig(config(2))
	c.mustRun("apply", "-auto-approve", "-input=false")
	c.mustRun("destroy", "-auto-approve", "-input=false")
}

// The admin demotes the Statsig Owner in the set: Statsig refuses any change
// to its Owner over SCIM ("Owner cannot be modified"), so the plan refuses it
// with no write, naming the user's org_role (found by review).
func TestAccUserAssignments_ownerNotDemoted(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	var mark int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: setConfig(sb, "", map[string]string{"alice@example.com": "Owner", "bob@example.com": "Member"})},
			{
				PreConfig:   func() { mark = len(sb.Requests()) },
				Config:      setConfig(sb, "", map[string]string{"alice@example.com": "Admin", "bob@example.com": "Member"}),
				ExpectError: diagRE("The Statsig Owner cannot be demoted", `users["alice@example.com"]`, "Statsig console"),
			},
			{ // before the test's destroy: the refused plan wrote nothing
				PreConfig: func() {
					if err := checkWritesSince(sb, mark); err != nil {
						t.Error(err)
					}
				},
				Config:   setConfig(sb, "", map[string]string{"alice@example.com": "Owner", "bob@example.com": "Member"}),
				PlanOnly: true,
			},
		},
	})
}
