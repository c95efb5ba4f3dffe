package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Access safety of statsigokta_group_push (issue 11): admin mistakes that
// must fail the plan, with zero writes to Okta, and failures that must not
// wedge later plans and destroys.

// safetyFixture is pushFixture plus the projects "Growth" and "Growth-Core":
// "Statsig-Growth-Core-Member" is Growth-Core's Member group, and would also
// be the name of a team "Core" of Growth.
func safetyFixture() *sandbox.Fixture {
	f := pushFixture()
	f.Projects = append(f.Projects,
		sandbox.FixtureProject{Name: "Growth", Roles: []string{"Admin", "Member", "Read Only"}},
		sandbox.FixtureProject{Name: "Growth-Core", Roles: []string{"Admin", "Member", "Read Only"}},
	)
	return f
}

// pushWrites counts the writes to push mappings.
func pushWrites(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool {
		return r.Method != http.MethodGet && strings.Contains(r.Path, "/group-push/")
	})
}

// expectNoPushWrites fails the test, once it and its parallel subtests are
// done, if any of them wrote to Okta.
func expectNoPushWrites(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	t.Cleanup(func() {
		if n := writeCalls(sb); n != 0 {
			t.Errorf("refused plans made %d write calls to Okta: %+v", n, sb.Requests())
		}
		if ms := sb.PushMappings(); len(ms) != 0 {
			t.Errorf("refused plans left push mappings: %+v", ms)
		}
	})
}

func TestAccSafety_pushRefusedAtPlan(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: safetyFixture()})
	expectNoPushWrites(t, sb)
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	push := func(name, source, target string) string {
		return fmt.Sprintf("resource \"statsigokta_group_push\" %q {\n  source_group_id = %q\n  %s\n}\n", name, source, target)
	}
	checkoutAdmin := `project = "Checkout"
  role    = "Admin"`
	for _, tc := range []struct {
		mistake string
		config  string
		want    *regexp.Regexp
	}{
		{
			mistake: "two links from one source group in one configuration",
			config: push("a", eng, checkoutAdmin) + push("b", eng, `project = "Checkout"
  role    = "Member"`),
			want: diagRE("Okta group pushed by two resources", "push source "+eng+" is declared by two resources"),
		},
		{
			mistake: "the same link declared twice",
			config:  push("a", eng, checkoutAdmin) + push("b", eng, checkoutAdmin),
			want:    diagRE("Okta group pushed by two resources", `project = "Checkout", role = "Admin"`),
		},
		{
			mistake: "two source groups linked to one Statsig group in one configuration",
			config:  push("a", eng, checkoutAdmin) + push("b", science, checkoutAdmin),
			// Named in the order Terraform happened to plan them.
			want: regexp.MustCompile(`(?s)Statsig group linked by two resources.*"Statsig-Checkout-Admin".*(` +
				eng + `.*` + science + `|` + science + `.*` + eng + `)`),
		},
		{
			mistake: "a team link with a role teams do not have",
			config: push("a", eng, `project = "Checkout"
  team    = "Growth"
  role    = "Read Only"`),
			want: diagRE("Invalid team role", `Statsig teams have only the roles "Admin" and "Member"`),
		},
		{
			mistake: "a team name that is also a hyphenated project's group",
			config: push("a", science, `project = "Growth"
  team    = "Core"
  role    = "Member"`),
			want: diagRE("Ambiguous Statsig group name", `project "Growth-Core"`, `project "Growth" with team "Core"`, "target_group_id"),
		},
		{
			mistake: "a role_group lookup of a team whose name is also a hyphenated project's group",
			config: `data "statsigokta_role_group" "x" {
  project = "Growth"
  team    = "Core"
  role    = "Member"
}`,
			want: diagRE("Ambiguous Statsig group name", `project "Growth-Core"`, `project "Growth" with team "Core"`, "use its id"),
		},
		{
			mistake: "a push timeout of zero, which would end every wait at once",
			config: push("a", eng, checkoutAdmin+`
  wait_for_push = true
  timeouts = {
    create = "0s"
  }`),
			want: diagRE("Invalid timeout", "timeouts.create must be a positive duration", `got "0s"`),
		},
		{
			mistake: "a hyphenated project whose group also reads as a team",
			config: push("a", science, `project = "Growth-Core"
  role    = "Member"`),
			want: diagRE("Ambiguous Statsig group name", `project "Growth-Core"`, `project "Growth" with team "Core"`, "target_group_id"),
		},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []acc.TestStep{{
					Config:      providerConfig(sb) + tc.config,
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// pushPosts counts the successful creates of push mappings.
func pushPosts(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/group-push/mappings") && r.Status == http.StatusOK
	})
}

// wait_for_push waits for Okta's asynchronous push; a wait that runs out
// keeps the link in state, with a warning: the next plan is empty (no
// replace, which would unlink and relink the group).
func TestAccSafety_pushWait(t *testing.T) {
	for _, tc := range []struct {
		name      string
		delay     time.Duration // until Okta pushes
		timeout   string
		lastPush  knownvalue.Check
		carolRole string // once the apply returns
	}{
		{name: "push within the timeout", delay: 2 * time.Second, timeout: "1m", lastPush: knownvalue.NotNull(), carolRole: "Member"},
		{name: "the wait runs out", delay: time.Hour, timeout: "2s", lastPush: knownvalue.Null()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), PushDelay: tc.delay})
			eng := groupID(t, sb, "Engineering")
			addr := "statsigokta_group_push.eng"
			config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
  wait_for_push   = true
  timeouts = {
    create = %q
  }
}`, eng, tc.timeout)
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Member"),
				Steps: []acc.TestStep{
					{
						Config: config,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(gPmID)),
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_push"), tc.lastPush),
						},
						Check: acc.ComposeAggregateTestCheckFunc(
							checkMapping(t, sb, eng, "Statsig-Checkout-Member", "ACTIVE"),
							checkProjectRole(sb, "carol@example.com", "Checkout", tc.carolRole),
						),
					},
					{
						// Not tainted: nothing to do, and no second create.
						Config: config,
						ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
						Check: func(*terraform.State) error {
							if n := pushPosts(sb); n != 1 {
								return fmt.Errorf("%d mapping creates, want 1", n)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// After a plan that refused a second link from one group, the first link is
// untouched, plan is empty, and destroy works.
func TestAccSafety_pushFailuresDoNotWedge(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	one := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "a" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
}`, eng)
	// The admin mistake: a second link from the same group, added later.
	two := one + fmt.Sprintf(`
resource "statsigokta_group_push" "b" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Admin"
}`, eng)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Member", "Statsig-Checkout-Admin"),
		Steps: []acc.TestStep{
			{Config: one},
			{Config: two, ExpectError: diagRE("Okta group pushed by two resources")},
			{
				// No write happened for b, and a is untouched.
				Config: one,
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					if n := pushPosts(sb); n != 1 {
						return fmt.Errorf("%d mapping creates, want 1", n)
					}
					return checkMapping(t, sb, eng, "Statsig-Checkout-Member", "ACTIVE")(nil)
				},
			},
			{
				// Terraform plans the configuration before a destroy too, so
				// while it declares the group twice, destroy names the same
				// mistake (and writes nothing)...
				Config:      two,
				Destroy:     true,
				ExpectError: diagRE("Okta group pushed by two resources"),
			},
			{
				// ...and once one declaration is gone, destroy unlinks.
				Config:  one,
				Destroy: true,
			},
		},
	})
}

// The adoption age rule (adopt.go): an identical link made moments ago is
// what an interrupted apply leaves, and is adopted without a second
// mapping; the same link made long ago by hand is refused at plan time.
func TestAccSafety_pushAdoptionAge(t *testing.T) {
	for _, tc := range []struct {
		mistake string
		age     time.Duration // of the existing identical link
		want    *regexp.Regexp
	}{
		{mistake: "rerun after an apply was killed once Okta had made the link", age: 0},
		{mistake: "a link an admin made by hand long ago, now also written in Terraform", age: 2 * time.Hour,
			want: diagRE("Group already pushed by another mapping", "only a link made moments ago", "too long ago")},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
			eng, target := groupID(t, sb, "Engineering"), groupID(t, sb, "Statsig-Checkout-Member")
			existing := sb.CreatePushMappingOutOfBand(eng, target, "ACTIVE")
			sb.BackdateOutOfBand(tc.age)
			config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
}`, eng)
			onlyExisting := func(*terraform.State) error {
				if ms := sb.PushMappings(); len(ms) != 1 || ms[0].ID != existing {
					return fmt.Errorf("want only the existing mapping %s; sandbox has %+v", existing, ms)
				}
				if n := pushPosts(sb); n != 0 {
					return fmt.Errorf("%d successful mapping creates, want none", n)
				}
				return nil
			}
			step := acc.TestStep{Config: config, ExpectError: tc.want, Check: onlyExisting}
			if tc.want == nil {
				step.ConfigStateChecks = []statecheck.StateCheck{
					statecheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("id"), knownvalue.StringExact(existing)),
				}
			} else {
				t.Cleanup(func() {
					if n := pushWrites(sb); n != 0 {
						t.Errorf("the refused plan made %d push writes", n)
					}
					if err := onlyExisting(nil); err != nil {
						t.Error(err)
					}
				})
			}
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []acc.TestStep{step},
			})
		})
	}
}

// A move: the admin links Data Science to Checkout-Member instead of
// Engineering, in one apply (destroy of the old link, create of the new).
// Terraform runs both at once; the apply ends with the one new link.
func TestAccSafety_pushMoveTarget(t *testing.T) {
	// Latency makes the old link's Delete (a PATCH, then a DELETE) overlap the new link's POST.
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), Latency: 300 * time.Millisecond})
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	push := func(name, source string) string {
		return fmt.Sprintf("resource \"statsigokta_group_push\" %q {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n", name, source)
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Member"),
		Steps: []acc.TestStep{
			{Config: providerConfig(sb) + push("eng", eng)},
			{
				Config: providerConfig(sb) + push("science", science),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_group_push.eng", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("statsigokta_group_push.science", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if ms := sb.PushMappings(); len(ms) != 1 || ms[0].SourceGroupID != science {
						return fmt.Errorf("want only the link of Data Science; sandbox has %+v", ms)
					}
					return nil
				},
			},
		},
	})
}

// wait_for_push on an app that does not push groups (no GROUP_PUSH) could
// only wait out timeouts.create: the plan refuses it, with zero writes.
func TestAccSafety_pushWaitWithoutGroupPush(t *testing.T) {
	f := pushFixture()
	f.App.Features = []string{"IMPORT_NEW_USERS", "PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION"}
	sb := newTestSandbox(t, sandbox.Options{Fixture: f})
	expectNoPushWrites(t, sb)
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []acc.TestStep{{
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
  wait_for_push   = true
}`, groupID(t, sb, "Engineering")),
			PlanOnly:    true,
			ExpectError: diagRE("The Statsig app does not push groups", "lacks the provisioning feature GROUP_PUSH", "wait_for_push = false"),
		}, {
			// Known only at apply: the apply's own plan of the create refuses it, before any write.
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "terraform_data" "wait" {
  input = true
}
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
  wait_for_push   = terraform_data.wait.output
}`, groupID(t, sb, "Engineering")),
			ExpectError: diagRE("The Statsig app does not push groups"),
		}},
	})
}

// The admin links Engineering to a Statsig group and, in the same change,
// removes the direct assignment of one of its members. Invariant 7: the
// unassigned-members warning names the members that will still be
// unassigned after this apply; dave is unassigned by this very apply, so
// Okta will not push him, and the plan must say so.
func TestAccSafety_pushWarningNamesMemberUnassignedInSamePlan(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	dave := "resource \"statsigokta_user_assignment\" \"dave\" {\n  login = \"dave@example.com\"\n}\n"
	push := fmt.Sprintf("resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
		groupID(t, sb, "Engineering"))
	// Control: before dave is assigned, the same plan does name him, so the
	// check below can pass.
	cli.writeConfig(providerConfig(sb) + push)
	if out := cli.mustRun("plan", "-input=false"); !strings.Contains(out, "will not be pushed") || !strings.Contains(out, "dave@example.com") {
		t.Fatalf("control: the warning about unassigned dave is missing, the test proves nothing:\n%s", out)
	}
	cli.writeConfig(providerConfig(sb) + dave)
	cli.mustRun("apply", "-auto-approve", "-input=false")
	// Kept in the same plan, dave's assignment counts: nobody is named.
	cli.writeConfig(providerConfig(sb) + dave + push)
	if out := cli.mustRun("plan", "-input=false"); strings.Contains(out, "will not be pushed") {
		t.Errorf("invariant 7: dave's assignment is kept, yet the plan warns:\n%s", out)
	}

	cli.writeConfig(providerConfig(sb) + push)
	out := cli.mustRun("plan", "-input=false")
	if !strings.Contains(out, "will not be pushed") || !strings.Contains(out, "dave@example.com") {
		t.Errorf("invariant 7: the plan destroys dave's assignment and links Engineering (carol, dave), but does not "+
			"warn that dave will not be pushed:\n%s", out)
	}
}
