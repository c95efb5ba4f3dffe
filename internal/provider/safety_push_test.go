package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Access safety of statsigokta_group_push (issue 11): admin mistakes that
// must fail the plan, with zero writes to Okta, and failures that must not
// wedge later plans and destroys.

// safetyFixture is pushFixture plus the projects "Growth" and "Growth-Core":
// "Statsig-Growth-Core-Member" is Growth-Core's Member group, and would also
// be the name of a team "Core" of Growth.
func safetyFixture() *sandbox.Fixture {
	f := pushFixture()
	f.Projects = append(f.Projects,
		sandbox.FixtureProject{Name: "Growth", Roles: []string{"Admin", "Member", "Read Only"}},
		sandbox.FixtureProject{Name: "Growth-Core", Roles: []string{"Admin", "Member", "Read Only"}},
	)
	return f
}

// pushWrites counts the writes to push mappings.
func pushWrites(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool {
		return r.Method != http.MethodGet && strings.Contains(r.Path, "/group-push/")
	})
}

// expectNoPushWrites fails the test, once it and its parallel subtests are
// done, if any of them wrote to Okta.
func expectNoPushWrites(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	t.Cleanup(func() {
		if n := writeCalls(sb); n != 0 {
			t.Errorf("refused plans made %d write calls to Okta: %+v", n, sb.Requests())
		}
		if ms := sb.PushMappings(); len(ms) != 0 {
			t.Errorf("refused plans left push mappings: %+v", ms)
		}
	})
}

func TestAccSafety_pushRefusedAtPlan(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: safetyFixture()})
	expectNoPushWrites(t, sb)
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	push := func(name, source, target string) string {
		return fmt.Sprintf("resource \"statsigokta_group_push\" %q {\n  source_group_id = %q\n  %s\n}\n", name, source, target)
	}
	checkoutAdmin := `project = "Checkout"
  role    = "Admin"`
	for _, tc := range []struct {
		mistake string
		config  string
		want    *regexp.Regexp
	}{
		{
			mistake: "two links from one source group in one configuration",
			config: push("a", eng, checkoutAdmin) + push("b", eng, `project = "Checkout"
  role    = "Member"`),
			want: diagRE("Okta group pushed by two resources", "push source "+eng+" is declared by two resources"),
		},
		{
			mistake: "the same link declared twice",
			config:  push("a", eng, checkoutAdmin) + push("b", eng, checkoutAdmin),
			want:    diagRE("Okta group pushed by two resources", `project = "Checkout", role = "Admin"`),
		},
		{
			mistake: "a team link with a role teams do not have",
			config: push("a", eng, `project = "Checkout"
  team    = "Growth"
  role    = "Read Only"`),
			want: diagRE("Invalid team role", `Statsig teams have only the roles "Admin" and "Member"`),
		},
		{
			mistake: "a team name that is also a hyphenated project's group",
			config: push("a", science, `project = "Growth"
  team    = "Core"
  role    = "Member"`),
			want: diagRE("Ambiguous Statsig group name", `project "Growth-Core"`, `project "Growth" with team "Core"`, "target_group_id"),
		},
		{
			mistake: "a hyphenated project whose group also reads as a team",
			config: push("a", science, `project = "Growth-Core"
  role    = "Member"`),
			want: diagRE("Ambiguous Statsig group name", `project "Growth-Core"`, `project "Growth" with team "Core"`, "target_group_id"),
		},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []acc.TestStep{{
					Config:      providerConfig(sb) + tc.config,
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}
