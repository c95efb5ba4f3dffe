package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func TestAccRoleGroupDataSource(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: roleGroupFixture()})
	member := groupID(t, sb, "Statsig-Checkout-Member")
	// Okta counts the users it knows hold the role.
	sb.AddGroupMember(member, userID(t, sb, "carol@example.com"))
	sb.AddGroupMember(member, userID(t, sb, "dave@example.com"))
	expect := func(name, attr string, want knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.statsigokta_role_group."+name, tfjsonpath.New(attr), want)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Refused lookups first: the post-test destroy uses the last config.
			{
				Config: providerConfig(sb) + `
data "statsigokta_role_group" "x" {
  project = "Checkout"
  role    = "Owner"
}`,
				ExpectError: regexp.MustCompile(`(?s)Statsig group not found.*"Statsig-Checkout-Owner".*Did you mean:.*"Statsig-Checkout-Member"`),
			},
			{
				Config: providerConfig(sb) + `
data "statsigokta_role_group" "x" {
  name = "Statsig-Data Platform-Analyst"
}`,
				ExpectError: regexp.MustCompile(`(?s)Cannot read the group name.*"Analyst" is a custom Statsig\s+role`),
			},
			{
				// Nothing tells project "Mobile-iOS" from project "Mobile" with
				// team "iOS": refused, with both readings and the group's id.
				Config: providerConfig(sb) + `
data "statsigokta_role_group" "ambiguous" {
  name = "Statsig-Mobile-iOS-Admin"
}`,
				ExpectError: diagRE("Ambiguous Statsig group name", `project "Mobile-iOS", or as project "Mobile" with team "iOS"`, "use its id"),
			},
			{
				Config: providerConfig(sb) + `
data "statsigokta_role_group" "x" {
  name    = "Statsig-Checkout-Admin"
  project = "Checkout"
  role    = "Admin"
}`,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: providerConfig(sb) + `
data "statsigokta_role_group" "by_parts" {
  project = "Checkout"
  role    = "Member"
}
data "statsigokta_role_group" "team" {
  project = "Checkout"
  team    = "Growth"
  role    = "Admin"
}
data "statsigokta_role_group" "by_name" {
  name = "Statsig-Web-App Platform-Core UX-Member"
}
data "statsigokta_role_group" "custom" {
  name  = "Statsig-Data Platform-Analyst"
  roles = ["Analyst"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("by_parts", "id", knownvalue.StringExact(member)),
					expect("by_parts", "name", knownvalue.StringExact("Statsig-Checkout-Member")),
					expect("by_parts", "team", knownvalue.Null()),
					expect("by_parts", "member_count", knownvalue.Int64Exact(2)),
					expect("by_parts", "ambiguous", knownvalue.Bool(false)),
					expect("team", "id", knownvalue.StringExact(groupID(t, sb, "Statsig-Checkout-Growth-Admin"))),
					expect("team", "name", knownvalue.StringExact("Statsig-Checkout-Growth-Admin")),
					expect("team", "member_count", knownvalue.Int64Exact(0)),
					expect("by_name", "project", knownvalue.StringExact("Web-App Platform")),
					expect("by_name", "team", knownvalue.StringExact("Core UX")),
					expect("by_name", "role", knownvalue.StringExact("Member")),
					expect("by_name", "ambiguous", knownvalue.Bool(false)),
					expect("custom", "project", knownvalue.StringExact("Data Platform")),
					expect("custom", "role", knownvalue.StringExact("Analyst")),
				},
			},
		},
	})
}
