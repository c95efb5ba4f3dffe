package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func TestAccGroupPushesDataSource(t *testing.T) {
	f := pushFixture()
	f.PushMappings = []sandbox.FixturePushMapping{
		{SourceGroupName: "Data Science", TargetGroupName: "Statsig-Checkout-Growth-Member", Status: "INACTIVE"},
	}
	sb := newTestSandbox(t, sandbox.Options{Fixture: f})
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	unmanaged, _ := mappingOf(sb, science)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// One mapping managed here, one made in the Okta console: both listed.
			Config: providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Admin"
}
data "statsigokta_group_pushes" "all" {
  depends_on = [statsigokta_group_push.eng]
}
data "statsigokta_group_pushes" "inactive" {
  status     = "INACTIVE"
  depends_on = [statsigokta_group_push.eng]
}
`, eng),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.statsigokta_group_pushes.all", tfjsonpath.New("mappings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                knownvalue.StringRegexp(gPmID),
						"source_group_id":   knownvalue.StringExact(eng),
						"source_group_name": knownvalue.StringExact("Engineering"),
						"target_group_id":   knownvalue.StringExact(groupID(t, sb, "Statsig-Checkout-Admin")),
						"target_group_name": knownvalue.StringExact("Statsig-Checkout-Admin"),
						"status":            knownvalue.StringExact("ACTIVE"),
						"last_push":         knownvalue.NotNull(),
						"error_summary":     knownvalue.Null(),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":                knownvalue.StringExact(unmanaged.ID),
						"source_group_id":   knownvalue.StringExact(science),
						"source_group_name": knownvalue.StringExact("Data Science"),
						"target_group_id":   knownvalue.StringExact(groupID(t, sb, "Statsig-Checkout-Growth-Member")),
						"target_group_name": knownvalue.StringExact("Statsig-Checkout-Growth-Member"),
						"status":            knownvalue.StringExact("INACTIVE"),
						"last_push":         knownvalue.Null(),
						"error_summary":     knownvalue.Null(),
					}),
				})),
				statecheck.ExpectKnownValue("data.statsigokta_group_pushes.inactive", tfjsonpath.New("mappings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(unmanaged.ID)}),
				})),
			},
		}},
	})
}
