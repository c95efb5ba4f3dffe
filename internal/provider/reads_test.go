package provider

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Shared reads: a refresh of 600 user assignments, two group assignments and
// three group push links costs one list call per page of each of the app's
// lists, not one call per resource; a plan that refreshes nothing calls
// nothing.

const sharedReadsUsers = 600

func sharedReadsFixture() *sandbox.Fixture {
	fx := &sandbox.Fixture{
		App: sandbox.FixtureApp{Label: "Statsig"},
		Projects: []sandbox.FixtureProject{
			{Name: "Checkout", Roles: []string{"Admin", "Member", "Read Only"}},
		},
	}
	for i := 0; i < sharedReadsUsers+10; i++ {
		fx.Users = append(fx.Users, sandbox.FixtureUser{
			Login: fmt.Sprintf("user%04d@example.com", i), FirstName: "User", LastName: fmt.Sprintf("%04d", i)})
	}
	login := func(i int) string { return fx.Users[i].Login }
	fx.Groups = []sandbox.FixtureGroup{
		// Assigned as groups: their members are not assigned directly.
		{Name: "Contractors", Members: []string{login(600), login(601), login(602)}},
		{Name: "Interns", Members: []string{login(603), login(604)}},
		// Pushed to Statsig: their members are assigned directly.
		{Name: "Checkout Admins", Members: []string{login(0), login(1)}},
		{Name: "Checkout Devs", Members: []string{login(2), login(3), login(4)}},
		{Name: "Checkout Viewers", Members: []string{login(5)}},
	}
	return fx
}

func sharedReadsConfig(t *testing.T, sb *sandbox.Sandbox) string {
	ids := make([]string, sharedReadsUsers)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", userID(t, sb, fmt.Sprintf("user%04d@example.com", i)))
	}
	var b strings.Builder
	b.WriteString(providerConfig(sb))
	fmt.Fprintf(&b, `
locals {
  user_ids = [%s]
}

resource "statsigokta_user_assignment" "u" {
  count                 = length(local.user_ids)
  user_id               = local.user_ids[count.index]
  wait_for_provisioning = false
}

resource "statsigokta_group_assignment" "contractors" {
  group_id = %q
}

resource "statsigokta_group_assignment" "interns" {
  group_id = %q
}
`, strings.Join(ids, ", "), groupID(t, sb, "Contractors"), groupID(t, sb, "Interns"))
	for i, p := range []struct{ group, role string }{
		{"Checkout Admins", "Admin"}, {"Checkout Devs", "Member"}, {"Checkout Viewers", "Read Only"},
	} {
		fmt.Fprintf(&b, `
resource "statsigokta_group_push" "p%d" {
  source_group_id = %q
  project         = "Checkout"
  role            = %q
  depends_on      = [statsigokta_user_assignment.u]
}
`, i, groupID(t, sb, p.group), p.role)
	}
	return b.String()
}

// callsByBucket counts the recorded requests per bucket ("apps", "groups",
// "users", "statsig-scim", ...), leaving out the OAuth token endpoint.
func callsByBucket(sb *sandbox.Sandbox) map[string]int {
	counts := map[string]int{}
	for _, r := range sb.Requests() {
		if r.Bucket != "oauth" {
			counts[r.Bucket]++
		}
	}
	return counts
}

func describeCalls(sb *sandbox.Sandbox) string {
	seen := map[string]int{}
	for _, r := range sb.Requests() {
		seen[r.Method+" "+r.Path]++
	}
	lines := make([]string, 0, len(seen))
	for k, n := range seen {
		lines = append(lines, fmt.Sprintf("%4d %s", n, k))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestAccSharedReads_refreshCallsPerPage(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{
		Fixture:                 sharedReadsFixture(),
		AppsRateLimitPerMinute:  -1,
		OtherRateLimitPerMinute: -1,
	})
	config := sharedReadsConfig(t, sb)

	ceilDiv := func(n, d int) int { return (n + d - 1) / d }
	// The lower bound: one call per page of each list the refresh needs, plus
	// the app itself (read once per command to check app_id).
	appsBound := func() int {
		return ceilDiv(len(sb.AppUsers()), 500) + ceilDiv(len(sb.AppGroups()), 200) +
			ceilDiv(len(sb.PushMappings()), 1000) + 1
	}
	checkRefreshCalls := func(what string) {
		counts := callsByBucket(sb)
		scimBound := ceilDiv(len(sb.StatsigUsers()), 100)
		if counts["apps"] > appsBound() || counts["groups"] > 0 || counts["users"] > 0 ||
			counts["statsig-scim"] > scimBound || counts["apps"] == 0 {
			t.Fatalf("%s of %d assignments: calls per bucket %v, want apps <= %d (one per page), groups 0, users 0, "+
				"statsig-scim <= %d:\n%s", what, sharedReadsUsers, counts, appsBound(), scimBound, describeCalls(sb))
		}
		t.Logf("%s: calls per bucket %v (apps bound %d)", what, counts, appsBound())
	}
	noCalls := func(what string) {
		if n := len(sb.Requests()); n != 0 {
			t.Fatalf("%s made %d calls, want none:\n%s", what, n, describeCalls(sb))
		}
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Every plan of a step runs with -refresh=false; the refresh is
		// measured on its own with terraform refresh below.
		AdditionalCLIOptions: &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Two plans with -refresh=false: nothing to read, no call.
				PreConfig: sb.ResetRequests,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					noCalls("plan -refresh=false (twice)")
				},
				RefreshState: true,
				Check: func(*terraform.State) error {
					checkRefreshCalls("terraform refresh")
					// The step's follow-up plan refreshes again, in a new
					// provider process: counted by the next step.
					sb.ResetRequests()
					return nil
				},
			},
			{
				PreConfig: func() {
					checkRefreshCalls("terraform plan")
					sb.ResetRequests()
				},
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}

// The same refresh with shared_reads = false reads every resource on its
// own: the baseline the shared reads are measured against.
func TestAccSharedReads_offReadsEachResource(t *testing.T) {
	t.Parallel()
	fx := sharedReadsFixture()
	sb := newTestSandbox(t, sandbox.Options{Fixture: fx, AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1})
	config := strings.Replace(providerConfig(sb), "provider \"statsigokta\" {", "provider \"statsigokta\" {\n  shared_reads = false", 1) + `
resource "statsigokta_user_assignment" "u" {
  count                 = 20
  user_id               = local.user_ids[count.index]
  wait_for_provisioning = false
}
locals {
  user_ids = [` + func() string {
		ids := make([]string, 20)
		for i := range ids {
			ids[i] = fmt.Sprintf("%q", userID(t, sb, fmt.Sprintf("user%04d@example.com", i)))
		}
		return strings.Join(ids, ", ")
	}() + `]
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:    sb.ResetRequests,
				RefreshState: true,
				Check: func(*terraform.State) error {
					perUser := sb.CountRequests(func(r sandbox.Request) bool {
						return r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v1/apps/"+sb.AppID()+"/users/")
					})
					lists := sb.CountRequests(func(r sandbox.Request) bool {
						return r.Path == "/api/v1/apps/"+sb.AppID()+"/users"
					})
					if perUser != 20 || lists != 0 {
						return fmt.Errorf("GETs of single app users = %d, lists = %d; want 20 and 0:\n%s", perUser, lists, describeCalls(sb))
					}
					return nil
				},
			},
		},
	})
}

// rate_limit_headroom_percent and shared_reads: defaults, environment, and
// errors that name the attribute.
func TestProviderSettings_headroomAndSharedReads(t *testing.T) {
	base := func() providerModel {
		return providerModel{
			OktaOrgURL:   types.StringValue("https://acme.okta.com"),
			OktaAPIToken: types.StringValue("token"),
			AppID:        types.StringValue("0oa1statsig2app3id45"),
		}
	}
	for _, env := range []string{envHeadroomPercent, envSharedReads, envSCIMToken, envConsoleAPIKey} {
		t.Setenv(env, "")
	}

	s := settingsFromConfig(t.Context(), base())
	if s.headroomPercent != 20 || !s.sharedReads {
		t.Fatalf("defaults: headroom %d, shared reads %v", s.headroomPercent, s.sharedReads)
	}
	data, diags := newProviderData(s, "test")
	if diags.HasError() || data.snap == nil {
		t.Fatalf("shared reads off by default? %v", diags)
	}

	t.Setenv(envHeadroomPercent, "35")
	t.Setenv(envSharedReads, "false")
	data, diags = newProviderData(settingsFromConfig(t.Context(), base()), "test")
	if diags.HasError() || data.snap != nil {
		t.Fatalf("from the environment: snap %v, %v", data.snap, diags)
	}

	// The configuration wins over the environment.
	cfg := base()
	cfg.RateLimitHeadroom = types.Int64Value(0)
	cfg.SharedReads = types.BoolValue(true)
	s = settingsFromConfig(t.Context(), cfg)
	if s.headroomPercent != 0 || !s.sharedReads {
		t.Fatalf("configured: headroom %d, shared reads %v", s.headroomPercent, s.sharedReads)
	}

	for _, tc := range []struct{ env, value, attr string }{
		{envHeadroomPercent, "95", "rate_limit_headroom_percent"},
		{envHeadroomPercent, "lots", "rate_limit_headroom_percent"},
		{envSharedReads, "sometimes", "shared_reads"},
	} {
		t.Setenv(envHeadroomPercent, "")
		t.Setenv(envSharedReads, "")
		t.Setenv(tc.env, tc.value)
		_, diags := newProviderData(settingsFromConfig(t.Context(), base()), "test")
		if !diags.HasError() {
			t.Fatalf("%s=%s: no error", tc.env, tc.value)
		}
		var found bool
		for _, d := range diags.Errors() {
			if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().Equal(path.Root(tc.attr)) &&
				strings.Contains(d.Detail(), tc.env) {
				found = true
			}
		}
		if !found {
			t.Fatalf("%s=%s: want an error on %s naming %s, got %v", tc.env, tc.value, tc.attr, tc.env, diags)
		}
	}
}

func TestAccProvider_invalidHeadroom(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	config := strings.Replace(providerConfig(sb), "provider \"statsigokta\" {",
		"provider \"statsigokta\" {\n  rate_limit_headroom_percent = 95", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config + "\ndata \"statsigokta_app\" \"this\" {}\n",
			ExpectError: regexp.MustCompile(`(?s)rate_limit_headroom_percent.*between 0 and 90`),
		}},
	})
}
