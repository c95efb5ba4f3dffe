package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Resource identities need Terraform 1.12+ or OpenTofu 1.12+; on Terraform
// 1.5.7 these tests are skipped by the version check, and run on OpenTofu.
func TestAccResources_identityImport(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	alice := userID(t, sb, "alice@example.com")
	eng := groupID(t, sb, "Engineering")
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id = %q
}
resource "statsigokta_group_assignment" "eng" {
  group_id = %q
}
resource "statsigokta_group_push" "eng" {
  source_group_id = statsigokta_group_assignment.eng.group_id
  project         = "Checkout"
  role            = "Member"
}`, alice, eng)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(aliceAddr, map[string]knownvalue.Check{
						"app_id":  knownvalue.StringExact(sb.AppID()),
						"user_id": knownvalue.StringExact(alice),
					}),
					statecheck.ExpectIdentity("statsigokta_group_assignment.eng", map[string]knownvalue.Check{
						"app_id":   knownvalue.StringExact(sb.AppID()),
						"group_id": knownvalue.StringExact(eng),
					}),
					statecheck.ExpectIdentity("statsigokta_group_push.eng", map[string]knownvalue.Check{
						"app_id":     knownvalue.StringExact(sb.AppID()),
						"mapping_id": knownvalue.NotNull(),
					}),
				},
			},
			{
				Config:          config,
				ResourceName:    aliceAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:          config,
				ResourceName:    "statsigokta_group_assignment.eng",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				Config:          config,
				ResourceName:    "statsigokta_group_push.eng",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}
