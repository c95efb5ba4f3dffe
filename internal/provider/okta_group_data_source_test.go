package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// A group named in the configuration, not by id: found with one groups
// search, with its member count, and usable as a group assignment's
// group_id.
func TestAccOktaGroupDataSource_byName(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	config := providerConfig(sb) + `
data "statsigokta_okta_group" "eng" {
  name = "Engineering"
}
resource "statsigokta_group_assignment" "eng" {
  group_id = data.statsigokta_okta_group.eng.id
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: sb.ResetRequests,
			Config:    config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.statsigokta_okta_group.eng", tfjsonpath.New("id"), knownvalue.StringExact(eng)),
				statecheck.ExpectKnownValue("data.statsigokta_okta_group.eng", tfjsonpath.New("member_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("statsigokta_group_assignment.eng", tfjsonpath.New("group_id"), knownvalue.StringExact(eng)),
			},
			Check: func(*terraform.State) error {
				if _, ok := sb.AppGroup(eng); !ok {
					return fmt.Errorf("the group found by name was not assigned")
				}
				return nil
			},
		}},
	})
	// One search per read of the data source (plan, apply, and the
	// framework's refresh and post-apply plan): never a full listing.
	for _, r := range sb.Requests() {
		if r.Method == "GET" && r.Path == "/api/v1/groups" && !regexp.MustCompile(`search=profile\.name`).MatchString(r.RawQuery) {
			t.Fatalf("a groups call that is not the name search: %s?%s", r.Path, r.RawQuery)
		}
	}
}

// Every way a name fails to mean one Okta-managed group is a plan-time
// error on name, with zero writes.
func TestAccOktaGroupDataSource_refusals(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	twin := sb.CreateGroupOutOfBand("Platform", "a second group of the same name")
	everyone := groupID(t, sb, "Everyone") // every org has it
	appGroup := groupID(t, sb, "Statsig-Checkout-Admin")
	for _, tc := range []struct {
		name, group string
		want        *regexp.Regexp
	}{
		{"two groups of one name", "Platform", diagRE("Two Okta groups have this name", `Okta has 2 groups named "Platform"`, twin)},
		{"a built-in group", "Everyone", diagRE("Built-in Okta group", `"Everyone" (`+everyone+`) is one of Okta's built-in groups`)},
		{"an app's group", "Statsig-Checkout-Admin", diagRE("Group comes from an app", `"Statsig-Checkout-Admin" (`+appGroup+`) is an APP_GROUP`, "data.statsigokta_role_group")},
		{"no such group", "Marketing", diagRE("Okta group not found", `Okta has no group named "Marketing".`)},
		{"another case", "engineering", diagRE("Okta group not found", `Did you mean "Engineering"?`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(sb) + fmt.Sprintf(`
data "statsigokta_okta_group" "x" {
  name = %q
}
resource "statsigokta_group_assignment" "x" {
  group_id = data.statsigokta_okta_group.x.id
}
`, tc.group),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
	t.Cleanup(func() {
		if n := writeCalls(sb); n != 0 {
			t.Errorf("%d write calls", n)
		}
	})
}
