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

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func TestAccGroupAssignment_lifecycle(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	eng := groupID(t, sb, "Engineering")
	addr := "statsigokta_group_assignment.eng"
	config := func(priority int) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_assignment" "eng" {
  group_id = %q
  priority = %d
  org_role = "Member"
}`, eng, priority)
	}
	membersActive := func(*terraform.State) error {
		for _, login := range []string{"carol@example.com", "dave@example.com"} {
			u, _ := sb.UserByLogin(login)
			au, ok := sb.AppUser(u.ID)
			if !ok || au.Scope != "GROUP" {
				return fmt.Errorf("sandbox: %s should be assigned through the group, got %+v", login, au)
			}
			if su, ok := sb.StatsigUser(login); !ok || !su.Active {
				return fmt.Errorf("sandbox: %s is not active in Statsig", login)
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if _, ok := sb.AppGroup(eng); ok {
				return fmt.Errorf("sandbox: Engineering is still assigned")
			}
			return checkDeactivated(sb, "carol@example.com", "dave@example.com")(s)
		},
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("group_name"), knownvalue.StringExact("Engineering")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(eng)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("priority"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("group_name"), knownvalue.StringExact("Engineering")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				},
				Check: membersActive,
			},
			{
				// A new member of the assigned group becomes active in Statsig.
				PreConfig: func() { sb.AddGroupMember(eng, userID(t, sb, "alice@example.com")) },
				Config:    config(1),
				PlanOnly:  true,
			},
			{
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("adopted"), knownvalue.Bool(false)), // kept on update
				}},
				Check: func(*terraform.State) error {
					if ag, _ := sb.AppGroup(eng); ag.Priority != 2 {
						return fmt.Errorf("sandbox: priority is %d, want 2", ag.Priority)
					}
					if su, ok := sb.StatsigUser("alice@example.com"); !ok || !su.Active {
						return fmt.Errorf("sandbox: alice, added to Engineering, is not active in Statsig")
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"adopted"},
				ImportStateCheck:        adoptedNullAfterImport,
			},
		},
	})
}

func TestAccGroupAssignment_refusesStatsigGroups(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	appGroup := groupID(t, sb, "Statsig-Web-App Platform-Admin")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_assignment" "x" {
  group_id = %q
}`, appGroup),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Group comes from an app.*Statsig-Web-App Platform-Admin.*APP_GROUP`),
		}},
	})
	if n := writeCalls(sb); n != 0 {
		t.Fatalf("a refused plan made %d write calls", n)
	}
}

func TestAccGroupAssignment_refusesToAdoptExisting(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	eng := groupID(t, sb, "Engineering")
	sb.AssignGroupOutOfBand(eng, 0)
	sb.BackdateOutOfBand(2 * time.Hour) // made by hand long ago: refused, not adopted
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_assignment" "eng" {
  group_id = %q
}`, eng),
			ExpectError: regexp.MustCompile(`terraform import statsigokta_group_assignment\.<name> ` + eng),
		}},
	})
}
