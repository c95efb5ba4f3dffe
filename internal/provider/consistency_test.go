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

// Okta's group search and its list of push mappings are eventually
// consistent: a group that just appeared (a Statsig role group after an
// import, here a renamed one) is missing from search, and a mapping just made
// is missing from the list, for a while. Plans, creates and reads made during
// that lag must neither fail with a false "not found" nor show false drift.
func TestAccConsistency_searchAndListLag(t *testing.T) {
	for _, lag := range []time.Duration{3 * time.Second, 30 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), GroupSearchLag: lag, MappingListLag: lag})
			carol := userID(t, sb, "carol@example.com")
			var roleGroup string
			// A new Okta group: read by id, which is consistent at once.
			source := sb.CreateGroupOutOfBand("Reviewers", "New reviewers", carol)
			addr := "statsigokta_group_push.reviewers"
			config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "reviewers" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Reviewer"
}
data "statsigokta_role_group" "reviewer" {
  project = "Checkout"
  role    = "Reviewer"
}
`, source)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkUnlinked(sb),
				Steps: []resource.TestStep{
					{
						// The role group appears (a custom role added in Statsig,
						// imported into Okta) just before the plan.
						PreConfig: func() { roleGroup = sb.AddProjectRoleOutOfBand("Checkout", "Reviewer") },
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							// Resolved at plan time, not "known after apply".
							plancheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_id"), knownvalue.StringRegexp(regexp.MustCompile(`^00g`))),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_name"), knownvalue.StringExact("Statsig-Checkout-Reviewer")),
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("role"), knownvalue.StringExact("Reviewer")),
						},
						Check: func(st *terraform.State) error {
							if got := st.RootModule().Resources[addr].Primary.Attributes["target_group_id"]; got != roleGroup {
								return fmt.Errorf("target_group_id %s, want the new role group %s", got, roleGroup)
							}
							if got := st.RootModule().Resources["data.statsigokta_role_group.reviewer"].Primary.Attributes["id"]; got != roleGroup {
								return fmt.Errorf("data source found %s, want the new role group %s", got, roleGroup)
							}
							ms := sb.PushMappings()
							if len(ms) != 1 || ms[0].SourceGroupID != source || ms[0].TargetGroupID != roleGroup {
								return fmt.Errorf("sandbox mappings %+v, want one from %s to %s", ms, source, roleGroup)
							}
							return nil
						},
					},
					// Refresh and plan again at once, while the new mapping is
					// still missing from Okta's list: no drift, no re-create.
					{RefreshState: true},
					{Config: config, PlanOnly: true},
				},
			})
		})
	}
}
