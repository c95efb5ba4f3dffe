package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// roleGroupFixture has project names with hyphens and spaces, team groups,
// a project whose name nothing disambiguates (Mobile-iOS has no Read Only
// group) and a custom role.
func roleGroupFixture() *sandbox.Fixture {
	f := testFixture()
	f.Projects = []sandbox.FixtureProject{
		{Name: "Checkout", Roles: []string{"Admin", "Member", "Read Only"}, Teams: []sandbox.FixtureTeam{{Name: "Growth"}}},
		{Name: "Web-App Platform", Roles: []string{"Admin", "Member", "Read Only"}, Teams: []sandbox.FixtureTeam{{Name: "Core UX"}}},
		{Name: "Mobile-iOS", Roles: []string{"Admin", "Member"}},
		{Name: "Data Platform", Roles: []string{"Admin", "Member", "Read Only", "Analyst"}},
	}
	return f
}

// roleGroup is the expected entry of a parsed group; team "" means null.
func roleGroup(name, project, team, role string) knownvalue.Check {
	var teamCheck knownvalue.Check = knownvalue.Null()
	if team != "" {
		teamCheck = knownvalue.StringExact(team)
	}
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"id":        knownvalue.StringRegexp(regexp.MustCompile(`^00g`)),
		"name":      knownvalue.StringExact(name),
		"project":   knownvalue.StringExact(project),
		"team":      teamCheck,
		"role":      knownvalue.StringExact(role),
		"ambiguous": knownvalue.Bool(false),
	})
}

func TestAccRoleGroupsDataSource_filtersAndParsing(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: roleGroupFixture()})
	groups := func(name string) (string, tfjsonpath.Path) {
		return "data.statsigokta_role_groups." + name, tfjsonpath.New("groups")
	}
	check := func(name string, want knownvalue.Check) statecheck.StateCheck {
		addr, p := groups(name)
		return statecheck.ExpectKnownValue(addr, p, want)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(sb) + `
data "statsigokta_role_groups" "checkout" {
  project = "Checkout"
}
data "statsigokta_role_groups" "web_members" {
  project = "Web-App Platform"
  role    = "Member"
}
data "statsigokta_role_groups" "analysts" {
  role  = "Analyst"
  roles = ["Analyst"]
}
data "statsigokta_role_groups" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				// "Checkout" is a project (it has a Read Only group), so
				// Checkout-Growth reads as its team.
				check("checkout", knownvalue.ListExact([]knownvalue.Check{
					roleGroup("Statsig-Checkout-Admin", "Checkout", "", "Admin"),
					roleGroup("Statsig-Checkout-Growth-Admin", "Checkout", "Growth", "Admin"),
					roleGroup("Statsig-Checkout-Growth-Member", "Checkout", "Growth", "Member"),
					roleGroup("Statsig-Checkout-Member", "Checkout", "", "Member"),
					roleGroup("Statsig-Checkout-Read Only", "Checkout", "", "Read Only"),
				})),
				// Hyphens in the project name are kept; its Read Only group
				// proves "Web-App Platform" is a project, not "Web" with a team.
				check("web_members", knownvalue.ListExact([]knownvalue.Check{
					roleGroup("Statsig-Web-App Platform-Core UX-Member", "Web-App Platform", "Core UX", "Member"),
					roleGroup("Statsig-Web-App Platform-Member", "Web-App Platform", "", "Member"),
				})),
				check("analysts", knownvalue.ListExact([]knownvalue.Check{
					roleGroup("Statsig-Data Platform-Analyst", "Data Platform", "", "Analyst"),
				})),
				check("all", knownvalue.ListSizeExact(16)),
				// Listed without a filter, an ambiguous name is reported, not resolved.
				check("all", knownvalue.ListPartial(map[int]knownvalue.Check{
					9: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":      knownvalue.StringExact("Statsig-Mobile-iOS-Admin"),
						"ambiguous": knownvalue.Bool(true),
						"note":      knownvalue.StringRegexp(regexp.MustCompile(`project "Mobile" with team "iOS"`)),
					}),
				})),
				// Without roles = ["Analyst"], the custom role is not recognised:
				// the group is listed, unparsed, with a note saying why.
				check("all", knownvalue.ListPartial(map[int]knownvalue.Check{
					6: knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":      knownvalue.StringExact("Statsig-Data Platform-Analyst"),
						"role":      knownvalue.Null(),
						"project":   knownvalue.Null(),
						"ambiguous": knownvalue.Bool(true),
						"note":      knownvalue.StringRegexp(regexp.MustCompile(`if "Analyst" is a custom Statsig role`)),
					}),
				})),
			},
		}},
	})
}

// With a Console API key, the key's project and its custom roles are known.
func TestAccRoleGroupsDataSource_consoleKey(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: roleGroupFixture()})
	config := func(project string) string {
		return fmt.Sprintf(`
provider "statsigokta" {
  okta_org_url            = %q
  okta_api_token          = %q
  app_id                  = %q
  statsig_api_url         = %q
  statsig_console_api_key = %q
}
data "statsigokta_role_groups" "this" {
  project = %q
}
`, sb.OktaURL(), sb.APIToken(), sb.AppID(), sb.StatsigURL(), sb.StatsigConsoleKeyFor(project), project)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("Mobile-iOS"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.statsigokta_role_groups.this", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						roleGroup("Statsig-Mobile-iOS-Admin", "Mobile-iOS", "", "Admin"),
						roleGroup("Statsig-Mobile-iOS-Member", "Mobile-iOS", "", "Member"),
					})),
					statecheck.ExpectKnownValue("data.statsigokta_role_groups.this", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("note"),
						knownvalue.StringRegexp(regexp.MustCompile(`Console API key's project`))),
				},
			},
			{
				Config: config("Data Platform"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.statsigokta_role_groups.this", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						roleGroup("Statsig-Data Platform-Admin", "Data Platform", "", "Admin"),
						roleGroup("Statsig-Data Platform-Analyst", "Data Platform", "", "Analyst"),
						roleGroup("Statsig-Data Platform-Member", "Data Platform", "", "Member"),
						roleGroup("Statsig-Data Platform-Read Only", "Data Platform", "", "Read Only"),
					})),
				},
			},
		},
	})
}

// A project filter that an ambiguous name matches only through a guess is
// refused, showing the readings, rather than listing a group that may
// belong to another project.
func TestAccRoleGroupsDataSource_ambiguousFilter(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: roleGroupFixture()})
	var steps []resource.TestStep
	for _, project := range []string{"Mobile-iOS", "Mobile"} {
		steps = append(steps, resource.TestStep{
			Config: providerConfig(sb) + fmt.Sprintf(`
data "statsigokta_role_groups" "x" {
  project = %q
}`, project),
			ExpectError: diagRE("Ambiguous Statsig group name", `"Statsig-Mobile-iOS-Admin" reads as project "Mobile-iOS", or as project "Mobile" with team "iOS"`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
