package provider

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
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

const setAddr = "statsigokta_user_assignments.all"

// setConfig is a users set; each entry is `"login" = "role"` ("" for none).
func setConfig(sb *sandbox.Sandbox, extra string, users map[string]string) string {
	var b strings.Builder
	for _, login := range sortedKeys(users) {
		if users[login] == "" {
			fmt.Fprintf(&b, "    %q = {}\n", login)
		} else {
			fmt.Fprintf(&b, "    %q = { org_role = %q }\n", login, users[login])
		}
	}
	return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignments" "all" {
  %s
  users = {
%s  }
}
`, extra, b.String())
}

// setWrites lists the recorded Okta writes as "METHOD login" (the user the
// path names, or "assign" for the POST that names none), sorted.
func setWrites(sb *sandbox.Sandbox) []string {
	byID := map[string]string{}
	for _, u := range sb.Users() {
		byID[u.ID] = u.Login
	}
	var out []string
	for _, r := range sb.Requests() {
		if r.Service != "okta" || r.Method == "GET" || strings.HasPrefix(r.Path, "/oauth2/") || r.Status >= 300 {
			continue
		}
		parts := strings.Split(r.Path, "/")
		who := "assign"
		if last := parts[len(parts)-1]; byID[last] != "" {
			who = byID[last]
		}
		out = append(out, r.Method+" "+who)
	}
	sort.Strings(out)
	return out
}

func expectWrites(t *testing.T, sb *sandbox.Sandbox, want ...string) {
	t.Helper()
	sort.Strings(want)
	if got := setWrites(sb); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("Okta writes: got %q, want %q", got, want)
	}
}

// directLogins is who the sandbox has directly assigned, with org roles.
func directLogins(sb *sandbox.Sandbox) map[string]string {
	byID := map[string]string{}
	for _, u := range sb.Users() {
		byID[u.ID] = u.Login
	}
	out := map[string]string{}
	for _, au := range sb.AppUsers() {
		if au.Scope == "USER" {
			role, _ := au.Profile[orgRoleProfileAttribute].(string)
			out[byID[au.UserID]] = role
		}
	}
	return out
}

func checkDirect(sb *sandbox.Sandbox, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := directLogins(sb)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("sandbox direct assignments: got %v, want %v", got, want)
		}
		return nil
	}
}

func plannedUnassignments(logins ...string) plancheck.PlanCheck {
	values := make([]knownvalue.Check, len(logins))
	for i, l := range logins {
		values[i] = knownvalue.StringExact(l)
	}
	return plancheck.ExpectKnownValue(setAddr, tfjsonpath.New("planned_unassignments"), knownvalue.ListExact(values))
}

// groupOnlySandbox: carol and dave have Statsig only through Engineering.
func groupOnlySandbox(t *testing.T) *sandbox.Sandbox {
	sb := newTestSandbox(t, sandbox.Options{})
	sb.AssignGroupOutOfBand(groupID(t, sb, "Engineering"), 0)
	return sb
}

// Add, change and remove, each exactly one write named by the plan; the
// group-only users are listed and never written to.
func TestAccUserAssignments_addChangeRemove(t *testing.T) {
	sb := groupOnlySandbox(t)
	bob := userID(t, sb, "bob@example.com")
	groupOnly := statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("group_only_users"),
		knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("carol@example.com"), knownvalue.StringExact("dave@example.com")}))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			expectWrites(t, sb, "DELETE alice@example.com", "DELETE erin@example.com")
			return checkDirect(sb, map[string]string{})(s)
		},
		Steps: []resource.TestStep{
			{
				Config: setConfig(sb, "", map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("bob@example.com").AtMapKey("user_id"), knownvalue.StringExact(bob)),
					plannedUnassignments(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					groupOnly,
					statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("group_only_count"), knownvalue.Int64Exact(2)),
					// Provisioned: null, so that state stays small.
					statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("status"), knownvalue.Null()),
					statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("sync_state"), knownvalue.Null()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}),
					func(*terraform.State) error { expectWrites(t, sb, "POST assign", "POST assign"); return nil },
				),
			},
			{
				// Add erin, make alice a Member, remove bob.
				PreConfig: sb.ResetRequests,
				Config:    setConfig(sb, "", map[string]string{"alice@example.com": "Member", "erin@example.com": ""}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments("bob@example.com"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{groupOnly},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "Member", "erin@example.com": ""}),
					func(*terraform.State) error {
						expectWrites(t, sb, "POST assign", "POST alice@example.com", "DELETE bob@example.com")
						return nil
					},
				),
			},
			{
				// A console assignment outside the set is a planned removal.
				PreConfig: func() { sb.AssignUserOutOfBand(bob, "USER"); sb.ResetRequests() },
				Config:    setConfig(sb, "", map[string]string{"alice@example.com": "Member", "erin@example.com": ""}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments("bob@example.com"),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "Member", "erin@example.com": ""}),
					func(*terraform.State) error {
						expectWrites(t, sb, "DELETE bob@example.com")
						sb.ResetRequests()
						return nil
					},
				),
			},
		},
	})
	for _, login := range []string{"carol@example.com", "dave@example.com"} {
		if au, ok := sb.AppUser(userID(t, sb, login)); !ok || au.Scope != "GROUP" {
			t.Errorf("group-only user %s was touched: %+v", login, au)
		}
	}
}

// An empty map or one that would unassign more than max_unassignments is a
// plan-time error listing the users, by update and by destroy, with zero
// writes; raising the guard is a no-op apply.
func TestAccUserAssignments_guard(t *testing.T) {
	sb := groupOnlySandbox(t)
	three := map[string]string{"alice@example.com": "", "bob@example.com": "", "erin@example.com": ""}
	noWrites := func() {
		if got := setWrites(sb); len(got) != 0 {
			t.Fatalf("writes after a refused plan: %q", got)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: setConfig(sb, "max_unassignments = 1", three)},
			{
				PreConfig:   sb.ResetRequests,
				Config:      setConfig(sb, "max_unassignments = 1", map[string]string{}),
				ExpectError: regexp.MustCompile(`(?s)Too many unassignments.*unassigns 3 users.*"alice@example.com",\s+"bob@example.com",\s+"erin@example.com".*max_unassignments\s+= 3`),
			},
			{
				PreConfig:   noWrites,
				Config:      setConfig(sb, "max_unassignments = 1", three),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Too many unassignments.*destroys the set.*then destroy`),
			},
			{
				// Raising the guard changes nothing in Okta.
				PreConfig: noWrites,
				Config:    setConfig(sb, "max_unassignments = 3", three),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments(),
				}},
				Check: func(*terraform.State) error { noWrites(); return nil },
			},
		},
	})
}

// users known only during apply plans no unassignment: an apply that would
// need one stops before any write, and the next plan shows it.
func TestAccUserAssignments_unknownUsers(t *testing.T) {
	sb := groupOnlySandbox(t)
	config := func(users string) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "terraform_data" "users" {
  input = %s
}

resource "statsigokta_user_assignments" "all" {
  users = terraform_data.users.output
}
`, users)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Unknown at plan, only additions: applies.
				Config: config(`{ "alice@example.com" = { org_role = "Admin" }, "bob@example.com" = { org_role = null } }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(setAddr, tfjsonpath.New("users")),
					plannedUnassignments(),
				}},
				Check: checkDirect(sb, map[string]string{"alice@example.com": "Admin", "bob@example.com": ""}),
			},
			{
				// Unknown again (the input is replaced), and this time it drops bob.
				PreConfig:   sb.ResetRequests,
				Config:      config(`{ "alice@example.com" = { org_role = "Admin" } }`),
				ExpectError: regexp.MustCompile(`(?s)inconsistent final plan.*planned_unassignments`),
			},
			{
				PreConfig: func() {
					if got := setWrites(sb); len(got) != 0 {
						t.Fatalf("writes after the refused apply: %q", got)
					}
				},
				Config: config(`{ "alice@example.com" = { org_role = "Admin" } }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plannedUnassignments("bob@example.com"),
				}},
				Check: checkDirect(sb, map[string]string{"alice@example.com": "Admin"}),
			},
		},
	})
}

// Import by app id adopts every direct assignment (not the group-only ones)
// with zero writes; the next plan shows the difference from the
// configuration.
func TestAccUserAssignments_importAdopts(t *testing.T) {
	sb := groupOnlySandbox(t)
	sb.AssignUserOutOfBand(userID(t, sb, "alice@example.com"), "USER")
	sb.AssignUserOutOfBand(userID(t, sb, "bob@example.com"), "USER")
	sb.ResetRequests()
	config := setConfig(sb, "", map[string]string{"alice@example.com": "", "erin@example.com": ""})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       setAddr,
				ImportState:        true,
				ImportStateId:      sb.AppID(),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances", len(states))
					}
					a := states[0].Attributes
					if a["users.%"] != "2" || a["users.alice@example.com.status"] != "" ||
						a["users.bob@example.com.user_id"] != userID(t, sb, "bob@example.com") || a["group_only_count"] != "2" {
						return fmt.Errorf("imported state: %v", a)
					}
					if got := setWrites(sb); len(got) != 0 {
						return fmt.Errorf("writes during import: %q", got)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments("bob@example.com"),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "", "erin@example.com": ""}),
					func(*terraform.State) error { expectWrites(t, sb, "POST assign", "DELETE bob@example.com"); return nil },
				),
			},
		},
	})
}

// failWritesAfter makes every Okta request fail with a 5xx once n writes
// have succeeded; the returned func ends the fault.
func failWritesAfter(sb *sandbox.Sandbox, n int64) func() {
	var writes atomic.Int64
	sb.SetOnChange(func() {
		if writes.Add(1) == n {
			sb.SetFaults(sandbox.Faults{Seed: 1, Rate5xx: 1})
		}
	})
	return func() { sb.SetOnChange(nil); sb.SetFaults(sandbox.Faults{}) }
}

func fewRetriesConfig(sb *sandbox.Sandbox, users map[string]string) string {
	return strings.Replace(setConfig(sb, "wait_for_provisioning = false", users),
		`provider "statsigokta" {`, `provider "statsigokta" {
  max_retries = 1`, 1)
}

// A create and an update that fail part-way record exactly what was
// applied, are never tainted (no replacement), and the next apply does only
// what remains.
func TestAccUserAssignments_partialFailure(t *testing.T) {
	sb := groupOnlySandbox(t)
	three := map[string]string{"alice@example.com": "", "bob@example.com": "", "erin@example.com": ""}
	var stop func()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The create assigns alice, then Okta fails.
				PreConfig: func() { stop = failWritesAfter(sb, 1) },
				Config:    fewRetriesConfig(sb, three),
				Check: func(*terraform.State) error {
					stop()
					if got := directLogins(sb); len(got) != 1 || got["alice@example.com"] != "" {
						return fmt.Errorf("after the failed create Okta has %v", got)
					}
					sb.ResetRequests()
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("bob@example.com").AtMapKey("status"), knownvalue.StringExact(notAssigned)),
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// Not tainted: an update that assigns only bob and erin.
				Config: fewRetriesConfig(sb, three),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments(),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "", "bob@example.com": "", "erin@example.com": ""}),
					func(*terraform.State) error { expectWrites(t, sb, "POST assign", "POST assign"); return nil },
				),
			},
			{
				// An update that removes bob and erin and sets alice's role
				// fails after the first write.
				PreConfig:   func() { stop = failWritesAfter(sb, 1); sb.ResetRequests() },
				Config:      fewRetriesConfig(sb, map[string]string{"alice@example.com": "Admin"}),
				ExpectError: regexp.MustCompile(`planned changes were not applied`),
			},
			{
				PreConfig: func() { stop(); sb.ResetRequests() },
				Config:    fewRetriesConfig(sb, map[string]string{"alice@example.com": "Admin"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plannedUnassignments("erin@example.com"),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkDirect(sb, map[string]string{"alice@example.com": "Admin"}),
					func(*terraform.State) error {
						expectWrites(t, sb, "POST alice@example.com", "DELETE erin@example.com")
						return nil
					},
				),
			},
		},
	})
}

// One user in the set and in a statsigokta_user_assignment is a plan-time
// error naming both, with zero writes.
func TestAccUserAssignments_conflictWithSingle(t *testing.T) {
	sb := groupOnlySandbox(t)
	config := setConfig(sb, "", map[string]string{"alice@example.com": ""}) + `
resource "statsigokta_user_assignment" "alice" {
  login = "alice@example.com"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)declared by two resources.*statsigokta_user_assignments`),
			},
			{
				PreConfig: func() {
					if n := writeCalls(sb); n != 0 {
						t.Fatalf("%d writes after the refused plan", n)
					}
				},
				Config:   providerConfig(sb),
				PlanOnly: true,
			},
		},
	})
}

// Two sets for one app (each would remove the other's users) are a
// plan-time error, as is a user named in both, with zero writes.
func TestAccUserAssignments_twoSetsConflict(t *testing.T) {
	sb := groupOnlySandbox(t)
	config := setConfig(sb, "", map[string]string{"alice@example.com": ""}) + `
resource "statsigokta_user_assignments" "more" {
  users = { "alice@example.com" = {}, "bob@example.com" = {} }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)declared by two resources.*statsigokta_user_assignments`),
			},
			{
				PreConfig: func() {
					if n := writeCalls(sb); n != 0 {
						t.Fatalf("%d writes after the refused plan", n)
					}
				},
				Config:   providerConfig(sb),
				PlanOnly: true,
			},
		},
	})
}

// The provisioning wait polls the app's user listing for everyone at once:
// no GET per user, however many are assigned.
func TestAccUserAssignments_waitIsBatched(t *testing.T) {
	f := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	users := map[string]string{}
	for i := 0; i < 30; i++ {
		login := fmt.Sprintf("p%02d@example.com", i)
		f.Users = append(f.Users, sandbox.FixtureUser{Login: login, FirstName: "P", LastName: fmt.Sprint(i)})
		users[login] = ""
	}
	sb := newTestSandbox(t, sandbox.Options{Fixture: f, ProvisioningDelay: 2 * time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: setConfig(sb, "max_unassignments = 30", users),
			ConfigStateChecks: []statecheck.StateCheck{
				// Null: provisioned (a user still provisioning carries its status).
				statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("p29@example.com").AtMapKey("status"), knownvalue.Null()),
			},
			Check: func(*terraform.State) error {
				perUser := sb.CountRequests(func(r sandbox.Request) bool {
					return r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v1/apps/"+sb.AppID()+"/users/")
				})
				if perUser != 0 {
					return fmt.Errorf("%d GETs of single app users while waiting", perUser)
				}
				return nil
			},
		}},
	})
}

// 2,000 users in one resource: after an import (zero writes), a plan with
// nothing to do lists the app's users in ceil(2000/500) = 4 calls per
// listing and looks up no user.
func TestAccUserAssignments_twoThousandUsers(t *testing.T) {
	const n = 2000
	f := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	users := map[string]string{}
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("user%04d@example.com", i)
		f.Users = append(f.Users, sandbox.FixtureUser{Login: login, FirstName: "User", LastName: fmt.Sprint(i)})
		users[login] = ""
	}
	sb := newTestSandbox(t, sandbox.Options{Fixture: f, AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1})
	for _, u := range sb.Users() {
		sb.AssignUserOutOfBand(u.ID, "USER")
	}
	config := setConfig(sb, "max_unassignments = 2000", users)
	count := func(pred func(sandbox.Request) bool) int { return sb.CountRequests(pred) }
	listings := func(r sandbox.Request) bool {
		return r.Method == "GET" && r.Path == "/api/v1/apps/"+sb.AppID()+"/users"
	}
	lookups := func(r sandbox.Request) bool { return strings.HasPrefix(r.Path, "/api/v1/users") }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:          sb.ResetRequests,
				Config:             config,
				ResourceName:       setAddr,
				ImportState:        true,
				ImportStateId:      sb.AppID(),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if states[0].Attributes["users.%"] != fmt.Sprint(n) || writeCalls(sb) != 0 {
						return fmt.Errorf("imported %s users with %d writes", states[0].Attributes["users.%"], writeCalls(sb))
					}
					return nil
				},
			},
			{
				// Raising the guard from the imported default: no write.
				Config: config,
				Check: func(*terraform.State) error {
					if got := writeCalls(sb); got != 0 {
						return fmt.Errorf("%d writes", got)
					}
					return nil
				},
			},
			{
				PreConfig: sb.ResetRequests,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					// PlanOnly runs one plan (refresh included) and one more
					// refresh-free plan: one listing in all.
					if got, want := count(listings), n/500; got != want {
						t.Errorf("%d app user listing calls for the plan, want %d", got, want)
					}
					if got := count(lookups); got != 0 {
						t.Errorf("%d user look-ups for a plan with nothing to resolve", got)
					}
					if got := writeCalls(sb); got != 0 {
						t.Errorf("%d writes", got)
					}
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// Keys are kept as written: a login short name and a login in other case
// resolve to the right users, and the next plan is empty (no churn).
func TestAccUserAssignments_keysAsWritten(t *testing.T) {
	sb := groupOnlySandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: setConfig(sb, "", map[string]string{"alice": "", "BOB@Example.com": "Admin", userID(t, sb, "erin@example.com"): ""}),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("alice").AtMapKey("user_id"), knownvalue.StringExact(userID(t, sb, "alice@example.com"))),
				statecheck.ExpectKnownValue(setAddr, tfjsonpath.New("users").AtMapKey("BOB@Example.com").AtMapKey("user_id"), knownvalue.StringExact(userID(t, sb, "bob@example.com"))),
			},
			Check: checkDirect(sb, map[string]string{"alice@example.com": "", "bob@example.com": "Admin", "erin@example.com": ""}),
		}},
	})
}
