package provider

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// accessReviewFixture is an org in which every finding kind occurs exactly
// once, next to people with direct, group and both kinds of access, a team
// role, and people without any Statsig access (who must not appear).
func accessReviewFixture() *sandbox.Fixture {
	fx := &sandbox.Fixture{
		App: sandbox.FixtureApp{Label: "Statsig"},
		Projects: []sandbox.FixtureProject{
			{Name: "Checkout", Teams: []sandbox.FixtureTeam{{Name: "Growth"}}},
			{Name: "Web-App Platform"},
		},
	}
	for _, n := range []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "kate"} {
		fx.Users = append(fx.Users, sandbox.FixtureUser{Login: n + "@example.com", FirstName: strings.ToUpper(n[:1]) + n[1:], LastName: "Test"})
	}
	at := func(names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = n + "@example.com"
		}
		return out
	}
	fx.Groups = []sandbox.FixtureGroup{
		{Name: "Analysts", Members: at("bob", "carol")},           // assigned
		{Name: "Checkout Admins", Members: at("alice", "frank")},  // pushed; frank is not assigned
		{Name: "Growth Members", Members: at("bob")},              // pushed to a team role
		{Name: "Web Viewers", Members: at("alice")},               // pushed, the push fails
		{Name: "Book Club", Members: at("judy", "alice", "kate")}, // neither assigned nor pushed
	}
	fx.AppGroups = []sandbox.FixtureAppGroup{{GroupName: "Analysts"}}
	for _, n := range []string{"alice", "carol", "dave", "erin", "grace", "heidi", "kate"} {
		role := map[string]string{"alice": "Admin", "grace": "Member"}[n]
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: n + "@example.com", OrgRole: role})
	}
	fx.PushMappings = []sandbox.FixturePushMapping{
		{SourceGroupName: "Checkout Admins", TargetGroupName: "Statsig-Checkout-Admin"},
		{SourceGroupName: "Growth Members", TargetGroupName: "Statsig-Checkout-Growth-Member"},
		{SourceGroupName: "Web Viewers", TargetGroupName: "Statsig-Web-App Platform-Read Only"},
	}
	return fx
}

// accessReviewState sets, out of band, the disagreements the review must
// find: each as an admin, Okta's lifecycle or a failed task leaves it.
func accessReviewState(t *testing.T, sb *sandbox.Sandbox) {
	sb.SetAppUserSyncOutOfBand(userID(t, sb, "dave@example.com"), "STAGED", "ERROR", "User dave@example.com is not allowed to be created in this organization")
	sb.SetAppUserSyncOutOfBand(userID(t, sb, "erin@example.com"), "ACTIVE", "DISABLED", "")
	sb.SetStatsigOrgRoleOutOfBand("grace@example.com", "Admin")
	sb.SetUserStatusOutOfBand(userID(t, sb, "heidi@example.com"), "SUSPENDED")
	sb.InviteStatsigUserOutOfBand("ivan@example.com", "Ivan", "Test", "Member", "Checkout", "Member")
	// kate leaves: Okta unassigns her and Statsig deactivates her.
	sb.UnassignUserOutOfBand(userID(t, sb, "kate@example.com"))
	// Push results are set here, not waited for: the sandbox may push
	// asynchronously.
	sb.SetStatsigProjectRoleOutOfBand("alice@example.com", "Checkout", "Admin")
	for _, m := range sb.PushMappings() {
		if m.SourceGroupID == groupID(t, sb, "Web Viewers") {
			sb.SetPushMappingStatusOutOfBand(m.ID, "ERROR", "Failed to push group: the target group does not exist in Statsig.")
		}
	}
}

func accessReviewProvider(sb *sandbox.Sandbox, console bool) string {
	cfg := providerConfig(sb)
	if console {
		cfg = strings.Replace(cfg, "provider \"statsigokta\" {",
			fmt.Sprintf("provider \"statsigokta\" {\n  statsig_console_api_key = %q", sb.StatsigConsoleKeyFor("Checkout")), 1)
	}
	return cfg
}

// flat is one data source's attributes in state (Terraform's flatmap).
type flat map[string]string

func dataSourceAttrs(s *terraform.State, name string) (flat, error) {
	rs, ok := s.RootModule().Resources["data.statsigokta_access_review."+name]
	if !ok {
		return nil, fmt.Errorf("no data source %s in state", name)
	}
	return rs.Primary.Attributes, nil
}

// list returns the entries of a nested list attribute as flat maps of their
// own attributes.
func (f flat) list(attr string) []flat {
	n, _ := strconv.Atoi(f[attr+".#"])
	out := make([]flat, n)
	for i := range out {
		prefix := fmt.Sprintf("%s.%d.", attr, i)
		out[i] = flat{}
		for k, v := range f {
			if strings.HasPrefix(k, prefix) {
				out[i][strings.TrimPrefix(k, prefix)] = v
			}
		}
	}
	return out
}

// expectFlat compares got with want: every key of want must match (any
// value for "*"), and got must have no other non-empty key but counts.
func expectFlat(what string, got, want flat) error {
	var diffs []string
	for k, v := range want {
		if got[k] != v && v != "*" {
			diffs = append(diffs, fmt.Sprintf("%s = %q, want %q", k, got[k], v))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok && !isCount(k) && got[k] != "" {
			diffs = append(diffs, fmt.Sprintf("unexpected %s = %q", k, got[k]))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s:\n  %s", what, strings.Join(diffs, "\n  "))
	}
	return nil
}

func isCount(k string) bool {
	return k == "%" || k == "#" || strings.HasSuffix(k, ".#") || strings.HasSuffix(k, ".%")
}

func TestAccAccessReview_everyFindingOnce(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: accessReviewFixture()})
	accessReviewState(t, sb)
	id := func(login string) string { return userID(t, sb, login+"@example.com") }
	config := accessReviewProvider(sb, true) + `
data "statsigokta_access_review" "all" {}

data "statsigokta_access_review" "findings_only" {
  only_findings = true
}

data "statsigokta_access_review" "prefix" {
  login_prefix = "B"
}
`
	person := func(login, access string, extra flat) flat {
		p := flat{"login": login + "@example.com", "okta_user_id": id(login), "okta_status": "ACTIVE", "access": access,
			"statsig_active": "true", "via_groups.#": "0", "project_roles.#": "0"}
		maps.Copy(p, extra)
		for k, v := range extra {
			if v == "" {
				delete(p, k)
			}
		}
		return p
	}
	const checkoutAdmin = "project_roles.0.project"
	wantPeople := []flat{
		person("alice", accessDirect, flat{"org_role": "Admin", "statsig_role": "Admin", "project_roles.#": "1",
			checkoutAdmin: "Checkout", "project_roles.0.role": "Admin", "project_roles.0.group": "Checkout Admins"}),
		person("bob", accessGroup, flat{"via_groups.#": "1", "via_groups.0": "Analysts", "project_roles.#": "1",
			"project_roles.0.project": "Checkout", "project_roles.0.team": "Growth", "project_roles.0.role": "Member",
			"project_roles.0.group": "Growth Members",
			// Whether a team push gives a project role in the Console is
			// not asserted (unconfirmed; see the sandbox's push).
			"statsig_role": "*"}),
		person("carol", accessBoth, flat{"via_groups.#": "1", "via_groups.0": "Analysts"}),
		person("dave", accessDirect, nil),
		person("erin", accessDirect, nil),
		person("frank", accessNone, flat{"statsig_active": "false", "project_roles.#": "1", "project_roles.0.project": "Checkout",
			"project_roles.0.role": "Admin", "project_roles.0.group": "Checkout Admins"}),
		person("grace", accessDirect, flat{"org_role": "Member"}),
		person("heidi", accessDirect, flat{"okta_status": "SUSPENDED"}),
		{"login": "ivan@example.com", "access": accessNone, "statsig_active": "true", "statsig_role": "Member",
			"via_groups.#": "0", "project_roles.#": "0"},
	}
	wantFindings := []flat{
		{"kind": findingStatsigOnly, "login": "ivan@example.com", "detail": "ivan@example.com is active in Statsig (SCIM API) but not " +
			"assigned to the Statsig app in Okta, so Okta neither manages nor removes them (created or re-invited in the Statsig console?): " +
			"assign them with statsigokta_user_assignment, or remove them in the Statsig console."},
		{"kind": findingProvisioningError, "login": "dave@example.com", "detail": "Okta could not provision dave@example.com to Statsig " +
			"(app user status STAGED, syncState ERROR). The Apps API does not return Okta's reason: read it in the Okta Admin Console " +
			"under Dashboard > Tasks (often an email domain Statsig does not allow, or a second org Owner), fix it and retry the task " +
			"there, or remove the assignment."},
		{"kind": findingProvisioningOff, "login": "erin@example.com", "detail": "Okta assigns erin@example.com but does not provision " +
			"them (syncState DISABLED): switch on Provisioning > To App > Create Users (and Deactivate Users) for the Statsig app in " +
			"Okta, then re-save the assignment so Okta pushes it."},
		{"kind": findingNotPushed, "login": "frank@example.com", "group": "Checkout Admins", "detail": "frank@example.com is in " +
			"Checkout Admins, which is pushed to Statsig-Checkout-Admin, but is not assigned to the Statsig app, so Okta never pushes " +
			"them: assign them (statsigokta_user_assignment) or a group they are in (statsigokta_group_assignment), or remove them " +
			"from Checkout Admins."},
		{"kind": findingPushError, "group": "Web Viewers", "detail": "Okta's push of Web Viewers to Statsig-Web-App Platform-Read Only " +
			"failed: Failed to push group: the target group does not exist in Statsig. Fix the cause in Statsig, then destroy and " +
			"re-create its statsigokta_group_push (an ERROR mapping cannot be re-activated)."},
		{"kind": findingRoleMismatch, "login": "grace@example.com", "detail": "Statsig's org role for grace@example.com is Admin, " +
			"Okta's statsigOrgRole is Member (changed in the Statsig console?): set org_role on their statsigokta_user_assignment to " +
			"the role intended, and re-save the assignment in Okta if it already says so, so Okta pushes it."},
		{"kind": findingInactiveOktaUser, "login": "heidi@example.com", "detail": "heidi@example.com is SUSPENDED in Okta but still " +
			"assigned to the Statsig app (assigned directly): remove the assignment (the statsigokta_user_assignment, or their " +
			"membership of the assigned group) so Statsig deactivates them."},
	}

	check := func(s *terraform.State) error {
		all, err := dataSourceAttrs(s, "all")
		if err != nil {
			return err
		}
		people, findings := all.list("people"), all.list("findings")
		if len(people) != len(wantPeople) {
			return fmt.Errorf("%d people, want %d (judy and kate have no Statsig access):\n%v", len(people), len(wantPeople), people)
		}
		for i := range people {
			if err := expectFlat("person "+wantPeople[i]["login"], people[i], wantPeople[i]); err != nil {
				return err
			}
		}
		if len(findings) != len(wantFindings) {
			return fmt.Errorf("%d findings, want %d:\n%v", len(findings), len(wantFindings), findings)
		}
		for i := range findings {
			if err := expectFlat("finding "+wantFindings[i]["kind"], findings[i], wantFindings[i]); err != nil {
				return err
			}
		}
		summary := flat{"summary.people": "9", "summary.access.direct": "5", "summary.access.group": "1",
			"summary.access.both": "1", "summary.access.none": "2"}
		for _, k := range findingKinds {
			summary["summary.findings."+k] = "1"
		}
		for k, v := range summary {
			if all[k] != v {
				return fmt.Errorf("%s = %q, want %q", k, all[k], v)
			}
		}

		only, err := dataSourceAttrs(s, "findings_only")
		if err != nil {
			return err
		}
		var logins []string
		for _, p := range only.list("people") {
			logins = append(logins, strings.TrimSuffix(p["login"], "@example.com"))
		}
		if got := strings.Join(logins, ","); got != "dave,erin,frank,grace,heidi,ivan" || only["findings.#"] != "7" {
			return fmt.Errorf("only_findings: people %s, %s findings", got, only["findings.#"])
		}
		prefix, err := dataSourceAttrs(s, "prefix")
		if err != nil {
			return err
		}
		// bob, and the group finding (which names no person).
		if prefix["people.#"] != "1" || prefix["people.0.login"] != "bob@example.com" || prefix["findings.#"] != "1" ||
			prefix["findings.0.kind"] != findingPushError || prefix["summary.access.group"] != "1" {
			return fmt.Errorf("login_prefix B: %d people, findings %s %s", len(prefix.list("people")), prefix["findings.#"], prefix["findings.0.kind"])
		}
		return nil
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: sb.ResetRequests,
				Config:    config,
				Check: func(s *terraform.State) error {
					if err := check(s); err != nil {
						return err
					}
					return expectListReadsOnly(sb)
				},
			},
			{
				// Without shared reads every list is read by the client
				// directly: the same review.
				PreConfig: sb.ResetRequests,
				Config:    strings.Replace(config, "provider \"statsigokta\" {", "provider \"statsigokta\" {\n  shared_reads = false", 1),
				Check: func(s *terraform.State) error {
					if err := check(s); err != nil {
						return err
					}
					return expectListReadsOnly(sb)
				},
			},
			{
				// Without Statsig keys the review is Okta's side only:
				// nothing about Statsig, nobody found only there.
				Config: strings.Replace(config, fmt.Sprintf("statsig_scim_token = %q", sb.StatsigSCIMToken()), "", 1),
				Check: func(s *terraform.State) error {
					all, err := dataSourceAttrs(s, "all")
					if err != nil {
						return err
					}
					var logins []string
					for _, p := range all.list("people") {
						logins = append(logins, strings.TrimSuffix(p["login"], "@example.com"))
						if p["statsig_active"] != "" {
							return fmt.Errorf("%s: statsig_active %q without a SCIM key", p["login"], p["statsig_active"])
						}
					}
					// ivan is still seen by the Console key; grace's role
					// mismatch needs SCIM.
					if got := strings.Join(logins, ","); got != "alice,bob,carol,dave,erin,frank,grace,heidi,ivan" ||
						all["summary.findings.role_mismatch"] != "0" || all["summary.findings.statsig_only"] != "1" {
						return fmt.Errorf("without SCIM: people %s, findings %v", got, all.list("findings"))
					}
					return nil
				},
			},
		},
	})
}

// expectListReadsOnly fails on any request but a GET of a list (and the
// app, which every command reads once).
func expectListReadsOnly(sb *sandbox.Sandbox) error {
	app := "/api/v1/apps/" + sb.AppID()
	for _, r := range sb.Requests() {
		if r.Bucket == "oauth" {
			continue
		}
		list := r.Path == app+"/users" || r.Path == app+"/groups" || r.Path == app+"/group-push/mappings" ||
			r.Path == "/api/v1/groups" || (strings.HasPrefix(r.Path, "/api/v1/groups/") && strings.HasSuffix(r.Path, "/users")) ||
			r.Path == "/scim/Users" || r.Path == "/console/v1/users"
		if r.Method != "GET" || (!list && r.Path != app) {
			return fmt.Errorf("the review made %s %s?%s; want list reads only:\n%s", r.Method, r.Path, r.RawQuery, describeCalls(sb))
		}
	}
	return nil
}

// At 1,200 people over several pages of every list, a review costs exactly
// one call per page of each list it reads, and nothing else but the app
// check: 700 direct assignments and 400 through a group (3 pages of app
// users), a 400-member assigned group (2 pages of members), 100 unassigned
// members of a pushed group (1 page, and 100 not_pushed findings), 1,100
// Statsig users (11 SCIM pages) and the Console's members (1 page).
func TestAccAccessReview_callsPerPageAt1200(t *testing.T) {
	const direct, viaGroup, pushedOnly = 700, 400, 100
	fx := &sandbox.Fixture{
		App:      sandbox.FixtureApp{Label: "Statsig"},
		Projects: []sandbox.FixtureProject{{Name: "Checkout"}},
		Groups:   []sandbox.FixtureGroup{{Name: "Everyone in Sales"}, {Name: "Checkout Members"}},
	}
	for i := range direct + viaGroup + pushedOnly {
		login := fmt.Sprintf("user%04d@example.com", i)
		fx.Users = append(fx.Users, sandbox.FixtureUser{Login: login, FirstName: "User", LastName: fmt.Sprint(i)})
		switch {
		case i < direct:
			fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: login})
		case i < direct+viaGroup:
			fx.Groups[0].Members = append(fx.Groups[0].Members, login)
		default:
			fx.Groups[1].Members = append(fx.Groups[1].Members, login)
		}
	}
	fx.AppGroups = []sandbox.FixtureAppGroup{{GroupName: "Everyone in Sales"}}
	fx.PushMappings = []sandbox.FixturePushMapping{{SourceGroupName: "Checkout Members", TargetGroupName: "Statsig-Checkout-Member"}}
	sb := newTestSandbox(t, sandbox.Options{Fixture: fx, AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1})
	config := accessReviewProvider(sb, true) + `
data "statsigokta_access_review" "all" {}

output "summary" {
  value = data.statsigokta_access_review.all.summary
}
`
	ceilDiv := func(n, d int) int { return (n + d - 1) / d }
	app := "/api/v1/apps/" + sb.AppID()
	salesID, pushedID := groupID(t, sb, "Everyone in Sales"), groupID(t, sb, "Checkout Members")
	perRead := map[string]int{
		"GET " + app + "/users":                     ceilDiv(direct+viaGroup, 500),
		"GET " + app + "/groups":                    1,
		"GET /api/v1/groups/" + salesID + "/users":  ceilDiv(viaGroup, 200),
		"GET " + app + "/group-push/mappings":       1,
		"GET /api/v1/groups/" + pushedID + "/users": 1,
		"GET /api/v1/groups":                        2, // the pushed group's name (filter), the app's Statsig groups (search)
		"GET /scim/Users":                           ceilDiv(direct+viaGroup, 100),
		"GET /console/v1/users":                     1,
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: sb.ResetRequests,
			Config:    config,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.statsigokta_access_review.all", "summary.people", "1200"),
				resource.TestCheckResourceAttr("data.statsigokta_access_review.all", "summary.access.direct", "700"),
				resource.TestCheckResourceAttr("data.statsigokta_access_review.all", "summary.access.group", "400"),
				resource.TestCheckResourceAttr("data.statsigokta_access_review.all", "summary.access.none", "100"),
				resource.TestCheckResourceAttr("data.statsigokta_access_review.all", "summary.findings.not_pushed", "100"),
				func(*terraform.State) error {
					if err := expectListReadsOnly(sb); err != nil {
						return err
					}
					got := map[string]int{}
					for _, r := range sb.Requests() {
						if r.Bucket != "oauth" {
							got[r.Method+" "+r.Path]++
						}
					}
					// Every Terraform command the step runs is one provider
					// process, which reads the app once and reviews once.
					reads := got["GET "+app]
					want := map[string]int{"GET " + app: reads}
					for k, n := range perRead {
						want[k] = n * reads
					}
					if reads == 0 || !maps.Equal(got, want) {
						return fmt.Errorf("%d reviews: calls %v, want %v:\n%s", reads, got, want, describeCalls(sb))
					}
					t.Logf("%d reviews of 1,200 people, each %v", reads, perRead)
					return nil
				},
			),
		}},
	})
}

// examples/access-review builds its CSV in HCL: one quoted row per person,
// project roles and findings in their columns.
func TestAccAccessReview_exampleCSV(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: accessReviewFixture()})
	accessReviewState(t, sb)
	config := accessReviewProvider(sb, true) + exampleConfig(t, "../../examples/access-review/main.tf")
	id := func(login string) string { return userID(t, sb, login+"@example.com") }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(s *terraform.State) error {
				out, ok := s.RootModule().Outputs["access_review_csv"]
				if !ok {
					return fmt.Errorf("no access_review_csv output")
				}
				csv, _ := out.Value.(string)
				lines := strings.Split(csv, "\n")
				want := map[int]string{
					0:  "login,okta_user_id,okta_status,access,via_groups,org_role,project_roles,statsig_active,statsig_role,findings",
					1:  `"alice@example.com","` + id("alice") + `","ACTIVE","direct","","Admin","Checkout Admin (via Checkout Admins)","true","Admin",""`,
					6:  `"frank@example.com","` + id("frank") + `","ACTIVE","none","","","Checkout Admin (via Checkout Admins)","false","","not_pushed"`,
					9:  `"ivan@example.com","","","none","","","","true","Member","statsig_only"`,
					10: "",
				}
				if len(lines) != 11 {
					return fmt.Errorf("%d CSV lines, want a header, 9 people and a final newline:\n%s", len(lines), out.Value)
				}
				for i, w := range want {
					if lines[i] != w {
						return fmt.Errorf("CSV line %d:\n got %s\nwant %s", i, lines[i], w)
					}
				}
				if !strings.HasPrefix(lines[2], `"bob@example.com","`+id("bob")+`","ACTIVE","group","Analysts","","Checkout/Growth Member (via Growth Members)","true",`) {
					return fmt.Errorf("CSV line 2: %s", lines[2])
				}
				findings, ok := s.RootModule().Outputs["findings"]
				if !ok {
					return fmt.Errorf("no findings output")
				}
				if list, _ := findings.Value.([]any); len(list) != len(findingKinds) {
					return fmt.Errorf("findings output: %v", findings.Value)
				}
				return nil
			},
		}},
	})
}
