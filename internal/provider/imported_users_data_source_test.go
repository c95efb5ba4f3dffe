package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// importedOrgFixture is an organisation after "Import Now": 330 users
// imported from Statsig, 250 provisioned by Okta, and a group of 40 assigned
// to the app (so 620 app users: two pages of 500).
func importedOrgFixture() *sandbox.Fixture {
	f := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	group := sandbox.FixtureGroup{Name: "Contractors"}
	for i := 0; i < 620; i++ {
		login := fmt.Sprintf("user%04d@example.com", i)
		f.Users = append(f.Users, sandbox.FixtureUser{Login: login, FirstName: "User", LastName: fmt.Sprint(i)})
		switch {
		case i < 330:
			f.AppUsers = append(f.AppUsers, sandbox.FixtureAppUser{Login: login, Status: "IMPORTED"})
		case i < 580:
			f.AppUsers = append(f.AppUsers, sandbox.FixtureAppUser{Login: login, OrgRole: "Admin"})
		default:
			group.Members = append(group.Members, login)
		}
	}
	f.Groups = []sandbox.FixtureGroup{group}
	f.AppGroups = []sandbox.FixtureAppGroup{{GroupName: "Contractors"}}
	f.Projects = []sandbox.FixtureProject{{Name: "Checkout"}}
	return f
}

func TestAccImportedUsersDataSource_pagesAndFilters(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: importedOrgFixture(), AppsRateLimitPerMinute: -1})
	count := func(name string, n int) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.statsigokta_imported_users."+name, tfjsonpath.New("users"), knownvalue.ListSizeExact(n))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: sb.ResetRequests,
			Config: providerConfig(sb) + `
data "statsigokta_imported_users" "all" {}
data "statsigokta_imported_users" "imported" {
  imported_only = true
}
data "statsigokta_imported_users" "provisioned" {
  statuses = ["PROVISIONED"]
}
data "statsigokta_imported_users" "via_group" {
  scope = "GROUP"
}
data "statsigokta_imported_users" "prefix" {
  login_prefix = "USER000"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				count("all", 620),
				count("imported", 330),
				count("provisioned", 290),
				count("via_group", 40),
				count("prefix", 10),
				statecheck.ExpectKnownValue("data.statsigokta_imported_users.all", tfjsonpath.New("users").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":             knownvalue.StringExact(userID(t, sb, "user0000@example.com")),
					"login":          knownvalue.StringExact("user0000@example.com"),
					"email":          knownvalue.StringExact("user0000@example.com"),
					"status":         knownvalue.StringExact("IMPORTED"),
					"sync_state":     knownvalue.NotNull(),
					"external_id":    knownvalue.NotNull(),
					"scope":          knownvalue.StringExact("USER"),
					"org_role":       knownvalue.Null(),
					"imported":       knownvalue.Bool(true),
					"statsig_active": knownvalue.Bool(true),
				})),
				statecheck.ExpectKnownValue("data.statsigokta_imported_users.provisioned", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("org_role"), knownvalue.StringExact("Admin")),
			},
			Check: func(*terraform.State) error {
				// Five data sources, each one read of two pages of 500, plus
				// one read of Statsig's users each: never one call per user.
				pages := sb.CountRequests(func(r sandbox.Request) bool {
					return r.Method == "GET" && r.Path == "/api/v1/apps/"+sb.AppID()+"/users"
				})
				if pages > 5*2*2 { // plan and apply both read data sources
					return fmt.Errorf("listed app users in %d calls, want at most 20 (2 pages x 5 data sources x plan+apply)", pages)
				}
				for _, r := range sb.Requests() {
					if r.Path == "/api/v1/apps/"+sb.AppID()+"/users" && !strings.Contains(r.RawQuery, "limit=500") && !strings.Contains(r.RawQuery, "after=") {
						return fmt.Errorf("app users listed without limit=500: %s", r.RawQuery)
					}
					if strings.HasPrefix(r.Path, "/api/v1/apps/"+sb.AppID()+"/users/") {
						return fmt.Errorf("a per-user call was made: %s %s", r.Method, r.Path)
					}
				}
				return nil
			},
		}},
	})
}
