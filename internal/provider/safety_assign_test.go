package provider

import (
	"context"
	"fmt"
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

// Access safety of statsigokta_user_assignment and statsigokta_group_assignment
// (issue 11): each case is an ordinary admin mistake, and each asserts on the
// sandbox's recorded requests that no write happened that the plan did not
// show, and on state. The writes are compared by method, path and body
// (expectWritesSince in requestlog_test.go).

func markRequests(sb *sandbox.Sandbox, mark *int) func() {
	return func() { *mark = len(sb.Requests()) }
}

func noProvisioningFixture() *sandbox.Fixture {
	f := testFixture()
	f.App.Features = []string{"IMPORT_NEW_USERS", "GROUP_PUSH"}
	return f
}

// Refused at plan time, with zero writes: each case runs on its own sandbox.
func TestAccSafety_assignRefusedAtPlan(t *testing.T) {
	type refusal struct {
		name    string // the admin mistake
		fixture *sandbox.Fixture
		setup   func(sb *sandbox.Sandbox)
		body    func(sb *sandbox.Sandbox) string
		summary string
		detail  []string
	}
	user := func(name, body string) string {
		return fmt.Sprintf("resource \"statsigokta_user_assignment\" %q {\n  %s\n}\n", name, body)
	}
	alice := func(sb *sandbox.Sandbox) string { return userID(t, sb, "alice@example.com") }
	for _, tc := range []refusal{
		{name: "the same person declared twice, by id and by login",
			body: func(sb *sandbox.Sandbox) string {
				return user("a", fmt.Sprintf("user_id = %q", alice(sb))) + user("b", `login = "alice@example.com"`)
			},
			summary: "One Okta object, one declaration", detail: []string{"is declared by two resources"}},
		{name: "the same person declared twice, by id and by login short name in capitals",
			body: func(sb *sandbox.Sandbox) string {
				return user("a", fmt.Sprintf("user_id = %q", alice(sb))) + user("b", `login = "ALICE"`)
			},
			summary: "One Okta object, one declaration", detail: []string{"is declared by two resources"}},
		{name: "overlapping for_each lists",
			body: func(*sandbox.Sandbox) string {
				return `resource "statsigokta_user_assignment" "admins" {
  for_each = toset(["alice@example.com", "bob@example.com"])
  login    = each.value
  org_role = "Admin"
}
resource "statsigokta_user_assignment" "members" {
  for_each = toset(["carol@example.com", "alice@example.com"])
  login    = each.value
}
`
			},
			summary: "One Okta object, one declaration", detail: []string{`login = "alice@example.com"`}},
		{name: "one group assigned by two resources",
			body: func(sb *sandbox.Sandbox) string {
				g := groupID(t, sb, "Engineering")
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n}\n"+
					"resource \"statsigokta_group_assignment\" \"b\" {\n  group_id = %q\n  priority = 1\n}\n", g, g)
			},
			summary: "One Okta object, one declaration", detail: []string{"group assignment", "is declared by two resources"}},
		{name: "Everyone assigned, which would give Statsig to the whole org",
			body: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n}\n", groupID(t, sb, "Everyone"))
			},
			summary: "Built-in group cannot be assigned", detail: []string{`"Everyone"`, "type BUILT_IN"}},
		{name: "Owner given to a whole group",
			body: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n  org_role = \"Owner\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			summary: "Owner cannot be given to a group", detail: []string{`org_role = "Owner"`, "allows one Owner"}},
		{name: "two Owners",
			body: func(*sandbox.Sandbox) string {
				return user("a", "login = \"alice@example.com\"\n  org_role = \"Owner\"") + user("b", "login = \"bob@example.com\"\n  org_role = \"Owner\"")
			},
			summary: "One Okta object, one declaration", detail: []string{`set org_role = "Owner"`, `login = "`, `login = "`}},
		{name: "a login that comes from a resource not applied yet, so the plan cannot check the user",
			body: func(*sandbox.Sandbox) string {
				return "resource \"terraform_data\" \"who\" {\n  input = \"alice@example.com\"\n}\n" +
					user("a", "login = terraform_data.who.output")
			},
			summary: "User not known at plan time", detail: []string{"login is known only at apply", "-target=<that resource>"}},
		{name: "a user_id that comes from a resource not applied yet",
			body: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"terraform_data\" \"who\" {\n  input = %q\n}\n", alice(sb)) +
					user("a", "user_id = terraform_data.who.output")
			},
			summary: "User not known at plan time", detail: []string{"user_id is known only at apply"}},
		{name: "a zero timeout",
			body: func(sb *sandbox.Sandbox) string {
				return user("a", fmt.Sprintf("user_id = %q\n  timeouts = { create = \"0s\" }", alice(sb)))
			},
			summary: "Invalid timeout", detail: []string{"timeouts.create must be a positive duration", `got "0s"`}},
		{name: "a negative timeout",
			body: func(sb *sandbox.Sandbox) string {
				return user("a", fmt.Sprintf("user_id = %q\n  timeouts = { update = \"-1m\" }", alice(sb)))
			},
			summary: "Invalid timeout", detail: []string{"timeouts.update must be a positive duration", `got "-1m"`}},
		{name: "waiting for provisioning on an app that does not provision", fixture: noProvisioningFixture(),
			body:    func(sb *sandbox.Sandbox) string { return user("a", fmt.Sprintf("user_id = %q", alice(sb))) },
			summary: "The Statsig app does not provision users",
			detail:  []string{"PUSH_NEW_USERS", "Provisioning > To App > Create Users", "wait_for_provisioning = false"}},
		{name: "a user assigned by hand long ago",
			setup: func(sb *sandbox.Sandbox) {
				sb.AssignUserOutOfBand(alice(sb), "USER")
				sb.BackdateOutOfBand(2 * time.Hour)
			},
			body:    func(sb *sandbox.Sandbox) string { return user("a", fmt.Sprintf("user_id = %q", alice(sb))) },
			summary: "User already assigned to the Statsig app", detail: []string{"too long ago", "terraform import statsigokta_user_assignment.<name>"}},
		{name: "a group assigned by hand long ago",
			setup: func(sb *sandbox.Sandbox) {
				sb.AssignGroupOutOfBand(groupID(t, sb, "Engineering"), 0)
				sb.BackdateOutOfBand(2 * time.Hour)
			},
			body: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			summary: "Group already assigned to the Statsig app", detail: []string{"terraform import statsigokta_group_assignment.<name>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: tc.fixture})
			if tc.setup != nil {
				tc.setup(sb)
			}
			expectNoWrites(t, sb)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(sb) + tc.body(sb),
					PlanOnly:    true, // the refusal must come from the plan, not from the apply
					ExpectError: diagRE(tc.summary, tc.detail...),
				}},
			})
		})
	}
}

// Renaming a resource without a `moved` block: the plan would unassign the
// user (deactivating her in Statsig) and assign her again. It fails instead,
// and the `moved` block it asks for changes nothing in Okta.
func TestAccSafety_assignRenamedWithoutMoved(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	alice := userID(t, sb, "alice@example.com")
	var mark int
	renamed := providerConfig(sb) + `
resource "statsigokta_user_assignment" "alice_admin" {
  login = "alice@example.com"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "alice@example.com"),
		Steps: []resource.TestStep{
			{Config: providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  user_id = %q\n}\n", alice)},
			{
				PreConfig:   markRequests(sb, &mark),
				Config:      renamed,
				ExpectError: diagRE("One Okta object, one declaration", "is about to remove", "add a `moved` block", "terraform state rm"),
			},
			{
				Config: renamed + "moved {\n  from = statsigokta_user_assignment.alice\n  to   = statsigokta_user_assignment.alice_admin\n}\n",
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_user_assignment.alice_admin", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectWritesSince(sb, &mark), // neither the refused plan nor the move wrote
					checkProvisioned(sb, "alice@example.com", ""),
				),
			},
		},
	})
}

// A login short name, as Okta resolves it: applied once, kept as written,
// and no diff (and no unassign) afterwards.
func TestAccSafety_assignShortLogin(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	var mark int
	config := providerConfig(sb) + "resource \"statsigokta_user_assignment\" \"alice\" {\n  login = \"alice\"\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "alice@example.com"),
		Steps: []resource.TestStep{
			{
				PreConfig: markRequests(sb, &mark),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("login"), knownvalue.StringExact("alice")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
				},
				Check: checkProvisioned(sb, "alice@example.com", ""),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: expectWritesSince(sb, &mark, assignUserWrite(sb, userID(t, sb, "alice@example.com"), "")),
			},
		},
	})
}

// A provisioning wait that runs past timeouts.create: the assignment is
// saved as it is (no taint), and the next plan leaves it alone.
func TestAccSafety_assignProvisioningTimeout(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: time.Hour})
	alice := userID(t, sb, "alice@example.com")
	var mark int
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id  = %q
  timeouts = { create = "2s" }
}`, alice)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: markRequests(sb, &mark),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("STAGED")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("sync_state"), knownvalue.StringExact("SYNCING")),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(), // not tainted: no unassign and reassign
				}},
				Check: expectWritesSince(sb, &mark, assignUserWrite(sb, alice, "")),
			},
		},
	})
}

// Provisioning switched off in Okta: the assignment is made and saved as
// Okta reports it, and nobody appears in Statsig.
func TestAccSafety_assignProvisioningOff(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: noProvisioningFixture()})
	alice := userID(t, sb, "alice@example.com")
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id               = %q
  wait_for_provisioning = false
}`, alice)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("sync_state"), knownvalue.StringExact("DISABLED")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("external_id"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					if _, ok := sb.StatsigUser("alice@example.com"); ok {
						return fmt.Errorf("sandbox: alice reached Statsig though the app does not provision")
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// Removing a user whom an assigned group keeps in Statsig: refused at plan,
// naming the group, with no write; removing both in one plan goes through.
func TestAccSafety_assignGroupKeepsAccess(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	erin := userID(t, sb, "erin@example.com")
	science := groupID(t, sb, "Data Science")
	group := fmt.Sprintf("resource \"statsigokta_group_assignment\" \"science\" {\n  group_id = %q\n}\n", science)
	var mark int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: providerConfig(sb) + group + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"erin\" {\n  user_id = %q\n}\n", erin)},
			{
				PreConfig:   markRequests(sb, &mark),
				Config:      providerConfig(sb) + group,
				ExpectError: diagRE("User keeps access to Statsig through a group", `"Data Science"`, "in the same plan"),
			},
			{
				PreConfig: func() {
					if w := oktaWritesSince(sb, mark); len(w) != 0 {
						t.Errorf("the refused plan wrote to Okta: %v", w)
					}
					markRequests(sb, &mark)()
				},
				Config: providerConfig(sb),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDeactivated(sb, "erin@example.com"),
					expectWritesSince(sb, &mark, unassignUserWrite(sb, erin), unassignGroupWrite(sb, science)),
				),
			},
		},
	})
}

// An org_role change: the plan shows only what it changes, and without a
// SCIM token statsig_active is null, not "known after apply".
func TestAccSafety_assignPlanShowsOnlyChanges(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	alice := userID(t, sb, "alice@example.com")
	var mark int
	noSCIM := fmt.Sprintf("provider \"statsigokta\" {\n  okta_org_url = %q\n  okta_api_token = %q\n  app_id = %q\n}\n",
		sb.OktaURL(), sb.APIToken(), sb.AppID())
	config := func(role string) string {
		return noSCIM + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  user_id = %q\n  org_role = %q\n}\n", alice, role)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("Member"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("statsig_active"), knownvalue.Null()),
				}},
			},
			{
				PreConfig: markRequests(sb, &mark),
				Config:    config("Admin"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("PROVISIONED")),
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("external_id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("statsig_active"), knownvalue.Null()),
					plancheck.ExpectUnknownValue(aliceAddr, tfjsonpath.New("sync_state")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkProvisioned(sb, "alice@example.com", "Admin"),
					expectWritesSince(sb, &mark, setRoleWrite(sb, alice, "Admin")),
				),
			},
		},
	})
}

// What the plan says before apply touches anything, read from the CLI's
// own output: an adoption, and a group-only assignment turned direct.
func TestAccSafety_assignAnnouncedInPlan(t *testing.T) {
	t.Parallel()
	t.Run("an identical assignment made moments ago is adopted, and the plan says so", func(t *testing.T) {
		cli := newCLIRun(t)
		sb := newTestSandbox(t, sandbox.Options{})
		alice := userID(t, sb, "alice@example.com")
		sb.AssignUserOutOfBand(alice, "USER")
		cli.writeConfig(providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  user_id = %q\n}\n", alice))
		expectNoWrites(t, sb)
		if out := cli.mustRun("plan", "-input=false"); !diagRE("Will adopt an existing assignment of user "+alice, "without changing anything in Okta", "-target sees only the targeted resources").MatchString(out) {
			t.Fatalf("the plan does not announce the adoption:\n%s", out)
		}
		cli.mustRun("apply", "-auto-approve", "-input=false")
		if n := cli.stateResources(); n != 1 {
			t.Fatalf("state holds %d resources after the adoption, want 1", n)
		}
		if got := cli.stateAttr(t, "statsigokta_user_assignment.alice", "adopted"); got != "true" {
			t.Errorf("adopted in state is %s after the announced adoption, want true", got)
		}
	})
	t.Run("org_role on a user who has Statsig through a group only", func(t *testing.T) {
		cli := newCLIRun(t)
		sb := newTestSandbox(t, sandbox.Options{})
		carol := userID(t, sb, "carol@example.com")
		sb.AssignGroupOutOfBand(groupID(t, sb, "Engineering"), 0)
		cli.writeConfig(providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"carol\" {\n  user_id = %q\n  org_role = \"Admin\"\n}\n", carol))
		expectNoWrites(t, sb)
		if out := cli.mustRun("plan", "-input=false"); !diagRE("A group-only assignment becomes direct", `with org_role "Admin"`).MatchString(out) {
			t.Fatalf("the plan does not say the assignment becomes direct:\n%s", out)
		}
	})
	t.Run("a wait that ran out is reported on the next plan, which changes nothing", func(t *testing.T) {
		cli := newCLIRun(t)
		sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: time.Hour})
		cli.writeConfig(providerConfig(sb) + "resource \"statsigokta_user_assignment\" \"alice\" {\n  login = \"alice@example.com\"\n  timeouts = { create = \"2s\" }\n}\n")
		if out := cli.mustRun("apply", "-auto-approve", "-input=false"); !diagRE("Provisioning in Statsig did not complete in time", "saved in state").MatchString(out) {
			t.Fatalf("the apply does not warn that the wait ran out:\n%s", out)
		}
		out, code := cli.run("plan", "-detailed-exitcode", "-input=false")
		if code != 0 || !diagRE("User is still being provisioned", "does not replace it").MatchString(out) {
			t.Fatalf("the next plan (exit %d) should change nothing and warn:\n%s", code, out)
		}
	})
}

// Provisioning switched off after the plan's app check: the wait ends as
// soon as Okta answers syncState DISABLED, not at timeouts.create.
func TestSafety_assignDisabledEndsTheWait(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: noProvisioningFixture()})
	r := &userAssignmentResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	alice := userID(t, sb, "alice@example.com")
	sb.AssignUserOutOfBand(alice, "USER")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	last, err := r.waitForProvisioning(ctx, alice)
	if err != nil || last == nil || last.SyncState != "DISABLED" {
		t.Fatalf("waitForProvisioning = %+v, %v; want the DISABLED app user and no error", last, err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("the wait took %s; a DISABLED syncState must end it at once", took)
	}
}

// A user and the group that keeps her assigned, destroyed in one apply with
// the user first: Delete waits for the group's assignment to go, then
// unassigns her, instead of failing with Okta's E0000046.
func TestSafety_assignUnassignWaitsForTheGroup(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	r := &userAssignmentResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
	erin, science := userID(t, sb, "erin@example.com"), groupID(t, sb, "Data Science")
	sb.AssignGroupOutOfBand(science, 0)
	sb.AssignUserOutOfBand(erin, "USER")
	go func() {
		time.Sleep(time.Second)
		sb.UnassignGroupOutOfBand(science) // the group's own Delete, a moment later
	}()
	if err := r.unassign(context.Background(), erin, 20*time.Second); err != nil {
		t.Fatalf("unassign: %v", err)
	}
	if au, ok := sb.AppUser(erin); ok {
		t.Fatalf("erin is still assigned: %+v", au)
	}
}
