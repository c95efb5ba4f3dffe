package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

const aliceAddr = "statsigokta_user_assignment.alice"

// checkProvisioned asserts, on the sandbox's own records, that the user is
// directly assigned, provisioned, and active in Statsig with the org role.
func checkProvisioned(sb *sandbox.Sandbox, login, orgRole string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, _ := sb.UserByLogin(login)
		au, ok := sb.AppUser(u.ID)
		if !ok {
			return fmt.Errorf("sandbox: %s is not assigned to the app", login)
		}
		if au.Scope != "USER" || au.Status != "PROVISIONED" || au.SyncState != "SYNCHRONIZED" {
			return fmt.Errorf("sandbox: app user %s is scope=%s status=%s syncState=%s", login, au.Scope, au.Status, au.SyncState)
		}
		su, ok := sb.StatsigUser(login)
		if !ok || !su.Active {
			return fmt.Errorf("sandbox: %s is not active in Statsig (found=%v)", login, ok)
		}
		if su.ID != au.ExternalID {
			return fmt.Errorf("sandbox: externalId %q is not the Statsig user id %q", au.ExternalID, su.ID)
		}
		if orgRole != "" && su.OrgRole != orgRole {
			return fmt.Errorf("sandbox: Statsig org role of %s is %q, want %q", login, su.OrgRole, orgRole)
		}
		return nil
	}
}

// checkDeactivated is the CheckDestroy of user assignments: the app user is
// gone and Statsig shows the user inactive with no roles.
func checkDeactivated(sb *sandbox.Sandbox, logins ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, login := range logins {
			u, _ := sb.UserByLogin(login)
			if au, ok := sb.AppUser(u.ID); ok {
				return fmt.Errorf("sandbox: %s is still assigned (scope %s)", login, au.Scope)
			}
			su, ok := sb.StatsigUser(login)
			if !ok {
				return fmt.Errorf("sandbox: %s was never created in Statsig", login)
			}
			if su.Active || len(su.ProjectRoles) != 0 {
				return fmt.Errorf("sandbox: %s still active=%v with roles %v in Statsig", login, su.Active, su.ProjectRoles)
			}
		}
		return nil
	}
}

func TestAccUserAssignment_byIDLifecycle(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: 2 * time.Second})
	alice := userID(t, sb, "alice@example.com")
	config := func(role string) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id  = %q
  org_role = %q
}
`, alice, role)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "alice@example.com"),
		Steps: []resource.TestStep{
			{
				Config: config("Member"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliceAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("id"), knownvalue.StringExact(alice)),
					// Known at plan: the apply makes the assignment, it adopts none.
					plancheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("id"), knownvalue.StringExact(alice)),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("login"), knownvalue.StringExact("alice@example.com")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("PROVISIONED")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("sync_state"), knownvalue.StringExact("SYNCHRONIZED")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("scope"), knownvalue.StringExact("USER")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("statsig_active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("external_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				},
				Check: checkProvisioned(sb, "alice@example.com", "Member"),
			},
			{
				ResourceName:            aliceAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "adopted"},
				ImportStateCheck:        adoptedNullAfterImport,
			},
			{
				ResourceName:            aliceAddr,
				ImportState:             true,
				ImportStateId:           "alice@example.com",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "adopted"},
			},
			{
				Config: config("Admin"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(aliceAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("org_role"), knownvalue.StringExact("Admin")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("adopted"), knownvalue.Bool(false)), // kept on update
				},
				Check: checkProvisioned(sb, "alice@example.com", "Admin"),
			},
		},
	})
}

func TestAccUserAssignment_byLoginResolvesAtPlan(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	bob := userID(t, sb, "bob@example.com")
	addr := "statsigokta_user_assignment.bob"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "bob@example.com"),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(sb) + `
resource "statsigokta_user_assignment" "bob" {
  login = "bob@example.com"
}`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The reviewer sees the id the login resolves to, not "known after apply".
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.StringExact(bob)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.StringExact(bob)),
					// Not configured: Okta holds no role, and Statsig applies its default.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_role"), knownvalue.Null()),
				},
				Check: checkProvisioned(sb, "bob@example.com", "Member"),
			},
			{
				// A plan with nothing to do calls no write endpoint and shows no change.
				Config: providerConfig(sb) + `
resource "statsigokta_user_assignment" "bob" {
  login = "bob@example.com"
}`,
				PlanOnly: true,
			},
		},
	})
}

func TestAccUserAssignment_driftAndGroupOnly(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	carol := userID(t, sb, "carol@example.com")
	addr := "statsigokta_user_assignment.carol"
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "carol" {
  user_id = %q
}`, carol)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "carol@example.com"),
		Steps: []resource.TestStep{
			{Config: config, Check: checkProvisioned(sb, "carol@example.com", "")},
			{
				// Removed in the Okta console: the plan proposes to assign again.
				PreConfig: func() { sb.UnassignUserOutOfBand(carol) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkProvisioned(sb, "carol@example.com", ""),
			},
			{
				// Converted to a group-only assignment: no direct assignment is
				// left, so the plan assigns directly again.
				PreConfig: func() { sb.AssignUserOutOfBand(carol, "GROUP") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkProvisioned(sb, "carol@example.com", ""),
			},
		},
	})
}

func TestAccUserAssignment_refusesToAdoptExisting(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	dave := userID(t, sb, "dave@example.com")
	sb.AssignUserOutOfBand(dave, "USER")
	// Made by hand long ago: not what an interrupted apply leaves behind
	// (see TestAccInterrupted_adoption for that).
	sb.BackdateOutOfBand(2 * time.Hour)
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "dave" {
  user_id = %q
}`, dave)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:             checkDeactivated(sb, "dave@example.com"),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)already directly assigned.*terraform import statsigokta_user_assignment\.<name> ` + dave),
			},
			{
				// An import block adopts it in one plan and apply, with no write call.
				Config: config + fmt.Sprintf(`
import {
  to = statsigokta_user_assignment.dave
  id = %q
}`, dave),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_user_assignment.dave", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("statsigokta_user_assignment.dave", tfjsonpath.New("scope"), knownvalue.StringExact("USER")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The refused create and the adoption made no write call, and
					// the assignment made in the console is intact.
					func(*terraform.State) error {
						if n := writeCalls(sb); n != 0 {
							return fmt.Errorf("refusal and adoption made %d write calls, want 0", n)
						}
						return nil
					},
					checkProvisioned(sb, "dave@example.com", ""),
				),
			},
			{Config: config, PlanOnly: true},
		},
	})
}

func TestAccUserAssignment_unassignRefusedWhileGroupGrantsAccess(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	erin := userID(t, sb, "erin@example.com")
	science := groupID(t, sb, "Data Science")
	both := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "erin" {
  user_id = %q
}
resource "statsigokta_group_assignment" "science" {
  group_id = %q
}`, erin, science)
	groupOnly := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_assignment" "science" {
  group_id = %q
}`, science)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: both},
			{
				Config:      groupOnly,
				ExpectError: regexp.MustCompile(`(?s)keeps access to Statsig through a group.*Data Science`),
			},
			{
				// Once the user leaves the group, the unassignment goes through.
				PreConfig: func() { sb.RemoveGroupMember(science, erin) },
				Config:    groupOnly,
				Check:     checkDeactivated(sb, "erin@example.com"),
			},
		},
	})
}

func TestAccUserAssignment_provisioningError(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	bob := userID(t, sb, "bob@example.com")
	sb.FailProvisioning(bob, "User bob@example.com is not allowed to be created in this organization")
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "bob" {
  user_id = %q
}`, bob)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDeactivated(sb, "bob@example.com"),
		Steps: []resource.TestStep{
			{
				// Okta's provisioning error is saved, untainted, with what Okta reports.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("statsigokta_user_assignment.bob", tfjsonpath.New("sync_state"), knownvalue.StringExact("ERROR")),
				},
			},
			{
				// The next plan does not replace it by itself: that would unassign
				// bob (deactivating him in Statsig) with no change in the configuration.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_user_assignment.bob", plancheck.ResourceActionNoop),
				}},
			},
			{
				// An explicit -replace (here: taint) retries once the cause is gone.
				Taint:  []string{"statsigokta_user_assignment.bob"},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_user_assignment.bob", plancheck.ResourceActionReplace),
				}},
				Check: checkProvisioned(sb, "bob@example.com", ""),
			},
		},
	})
}

// A wait that runs out saves the assignment with its real status and a
// warning, and the next plan keeps it (no taint, no replace).
func TestAccUserAssignment_provisioningTimeout(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: time.Hour})
	alice := userID(t, sb, "alice@example.com")
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id  = %q
  timeouts = { create = "3s" }
}`, alice)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("STAGED")),
					statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("sync_state"), knownvalue.StringExact("SYNCING")),
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

func TestAccUserAssignment_noWait(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{ProvisioningDelay: time.Hour})
	alice := userID(t, sb, "alice@example.com")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id               = %q
  wait_for_provisioning = false
}`, alice),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("status"), knownvalue.StringExact("STAGED")),
				statecheck.ExpectKnownValue(aliceAddr, tfjsonpath.New("statsig_active"), knownvalue.Bool(false)),
			},
		}},
	})
}

func TestAccUserAssignment_invalidInput(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	expectNoWrites(t, sb)
	for _, tc := range []struct{ name, body, want string }{
		{"neither", `org_role = "Member"`, `At least one of these attributes must be configured: \[user_id,login\]`},
		{"both naming different users", `user_id = "00u00000000000000000"` + "\n" + `login = "alice@example.com"`, `login and user_id name different users`},
		{"malformed id", `user_id = "alice"`, `user_id must be an Okta user id`},
		{"unknown role", `login = "alice@example.com"` + "\n" + `org_role = "Superuser"`, `(?s)org_role.*value must be one of`},
		{"unknown login", `login = "nobody@example.com"`, `Okta has no user with login "nobody@example.com"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(sb) + "resource \"statsigokta_user_assignment\" \"x\" {\n" + tc.body + "\n}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}
