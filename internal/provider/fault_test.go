package provider

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The fault suite: a configuration of 100 resources (60 user assignments, 20
// group assignments, 20 group push links) is applied, refreshed, planned and
// destroyed while the sandbox injects, per request and from a fixed seed,
// 429s with X-Rate-Limit-Reset 1-2 s ahead, 500/502/503 answers, connection
// resets (half of them after the write was applied, the response lost) and
// 2-second latency. Every profile must end with the apply done, no duplicate
// in Okta, an empty plan, and a clean sandbox after destroy.

const (
	faultDirectUsers = 60
	faultGroups      = 20
	faultPushes      = 20
)

// faultProfile is one fault mix; its rates add up to the total fault rate.
type faultProfile struct {
	name   string
	faults sandbox.Faults
	// requestTimeout, when set, is the provider's request_timeout: shorter
	// than the 2 s slow answers, it turns them into timeouts, after which a
	// write has been applied by the server all the same.
	requestTimeout string
}

// faultProfiles are the fault mixes the suite runs, from 10 to 30 percent of
// all Okta and Statsig API requests. Slow answers are kept to a few percent:
// at parallelism 10 each one holds a worker for 2 s. From 20 percent on,
// half of the 5xx answers to writes come after the write was applied.
var faultProfiles = []faultProfile{
	{name: "10pct", faults: sandbox.Faults{Seed: 11, Rate429: 0.03, Rate5xx: 0.03, RateReset: 0.02, RateSlow: 0.02,
		SlowLatency: 2 * time.Second}},
	{name: "20pct-timeouts", requestTimeout: "1s", faults: sandbox.Faults{Seed: 20, Rate429: 0.05, Rate5xx: 0.06, RateReset: 0.04,
		RateSlow: 0.05, SlowLatency: 2 * time.Second, AppliedWrite5xx: true}},
	{name: "30pct", faults: sandbox.Faults{Seed: 30, Rate429: 0.09, Rate5xx: 0.09, RateReset: 0.08, RateSlow: 0.04,
		SlowLatency: 2 * time.Second, AppliedWrite5xx: true}},
}

// faultFixture: direct users d000-d059; groups "Team 00".."Team 19" (each
// with two members of their own, u000-u039) for the group assignments;
// groups "Push 00".."Push 19" (each with three of the direct users) as push
// sources; seven projects of three roles, 21 Statsig groups, as targets.
func faultFixture() *sandbox.Fixture {
	f := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	for i := 0; i < faultDirectUsers; i++ {
		f.Users = append(f.Users, sandbox.FixtureUser{Login: fmt.Sprintf("d%03d@example.com", i), FirstName: "Direct", LastName: fmt.Sprintf("D%03d", i)})
	}
	for i := 0; i < 2*faultGroups; i++ {
		f.Users = append(f.Users, sandbox.FixtureUser{Login: fmt.Sprintf("u%03d@example.com", i), FirstName: "Grouped", LastName: fmt.Sprintf("U%03d", i)})
	}
	for g := 0; g < faultGroups; g++ {
		f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: fmt.Sprintf("Team %02d", g),
			Members: []string{fmt.Sprintf("u%03d@example.com", 2*g), fmt.Sprintf("u%03d@example.com", 2*g+1)}})
	}
	for p := 0; p < faultPushes; p++ {
		var members []string
		for k := 0; k < 3; k++ {
			members = append(members, fmt.Sprintf("d%03d@example.com", (3*p+k)%faultDirectUsers))
		}
		f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: fmt.Sprintf("Push %02d", p), Members: members})
	}
	for p := 0; p < 7; p++ {
		f.Projects = append(f.Projects, sandbox.FixtureProject{Name: fmt.Sprintf("Project %d", p), Roles: []string{"Admin", "Member", "Read Only"}})
	}
	return f
}

var faultRoles = []string{"Admin", "Member", "Read Only"}

// faultConfig is the 100-resource configuration. Half the users are named by
// login and half the links by project and role, so plan-time look-ups run
// under faults too.
func faultConfig(t *testing.T, sb *sandbox.Sandbox, provider string) string {
	return faultConfigOf(t, sb, provider, faultDirectUsers, faultGroups, faultPushes)
}

// faultConfigOf is faultConfig with the first users, groups and pushes of
// each kind.
func faultConfigOf(t *testing.T, sb *sandbox.Sandbox, provider string, users, groups, pushes int) string {
	var b strings.Builder
	b.WriteString(provider)
	for i := 0; i < users; i++ {
		role := []string{"Member", "Admin"}[i%2]
		if i%2 == 0 {
			fmt.Fprintf(&b, "resource \"statsigokta_user_assignment\" \"d%03d\" {\n  login = \"d%03d@example.com\"\n  org_role = %q\n}\n", i, i, role)
		} else {
			fmt.Fprintf(&b, "resource \"statsigokta_user_assignment\" \"d%03d\" {\n  user_id = %q\n  org_role = %q\n}\n", i, userID(t, sb, fmt.Sprintf("d%03d@example.com", i)), role)
		}
	}
	for g := 0; g < groups; g++ {
		fmt.Fprintf(&b, "resource \"statsigokta_group_assignment\" \"team%02d\" {\n  group_id = %q\n  priority = %d\n}\n", g, groupID(t, sb, fmt.Sprintf("Team %02d", g)), g)
	}
	for p := 0; p < pushes; p++ {
		source := groupID(t, sb, fmt.Sprintf("Push %02d", p))
		project, role := fmt.Sprintf("Project %d", p/3), faultRoles[p%3]
		if p%2 == 0 {
			fmt.Fprintf(&b, "resource \"statsigokta_group_push\" \"push%02d\" {\n  source_group_id = %q\n  project = %q\n  role = %q\n}\n", p, source, project, role)
		} else {
			target := groupID(t, sb, fmt.Sprintf("Statsig-%s-%s", project, role))
			fmt.Fprintf(&b, "resource \"statsigokta_group_push\" \"push%02d\" {\n  source_group_id = %q\n  target_group_id = %q\n}\n", p, source, target)
		}
	}
	return b.String()
}

// checkFaultConverged asserts on the sandbox's own records that Okta holds
// exactly what the configuration says: every direct assignment once with its
// role, every group assignment with its priority, one mapping per source to
// the configured target, and nothing else.
func checkFaultConverged(t *testing.T, sb *sandbox.Sandbox) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return sandboxMatchesFaultConfig(t, sb, faultDirectUsers, faultGroups, faultPushes)
	}
}

// sandboxMatchesFaultConfig checks the first users direct users, groups
// group assignments and pushes links of faultConfig, and that there is
// nothing more.
func sandboxMatchesFaultConfig(t *testing.T, sb *sandbox.Sandbox, users, groups, pushes int) error {
	var problems []string
	direct := 0
	for _, au := range sb.AppUsers() {
		if au.Scope == "USER" {
			direct++
		}
	}
	if direct != users {
		problems = append(problems, fmt.Sprintf("%d direct assignments, want %d", direct, users))
	}
	for i := 0; i < users; i++ {
		login := fmt.Sprintf("d%03d@example.com", i)
		au, ok := sb.AppUser(userID(t, sb, login))
		want := []string{"Member", "Admin"}[i%2]
		if !ok || au.Scope != "USER" || au.Profile["statsigOrgRole"] != want {
			problems = append(problems, fmt.Sprintf("%s: assigned=%v scope=%s role=%v, want USER %s", login, ok, au.Scope, au.Profile["statsigOrgRole"], want))
		}
	}
	if ags := sb.AppGroups(); len(ags) != groups {
		problems = append(problems, fmt.Sprintf("%d group assignments, want %d", len(ags), groups))
	}
	for g := 0; g < groups; g++ {
		ag, ok := sb.AppGroup(groupID(t, sb, fmt.Sprintf("Team %02d", g)))
		if !ok || ag.Priority != g {
			problems = append(problems, fmt.Sprintf("Team %02d: assigned=%v priority=%d, want %d", g, ok, ag.Priority, g))
		}
	}
	bySource := map[string][]sandbox.PushMapping{}
	ms := sb.PushMappings()
	for _, m := range ms {
		bySource[m.SourceGroupID] = append(bySource[m.SourceGroupID], m)
	}
	if len(ms) != pushes {
		problems = append(problems, fmt.Sprintf("%d push mappings, want %d", len(ms), pushes))
	}
	for p := 0; p < pushes; p++ {
		source := groupID(t, sb, fmt.Sprintf("Push %02d", p))
		target := groupID(t, sb, fmt.Sprintf("Statsig-Project %d-%s", p/3, faultRoles[p%3]))
		got := bySource[source]
		if len(got) != 1 || got[0].TargetGroupID != target || got[0].Status != "ACTIVE" {
			problems = append(problems, fmt.Sprintf("Push %02d: mappings %+v, want one ACTIVE to %s", p, got, target))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		if len(problems) > 10 {
			problems = append(problems[:10], fmt.Sprintf("... and %d more", len(problems)-10))
		}
		return fmt.Errorf("sandbox does not match the configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// checkSandboxClean is the CheckDestroy: no direct or group assignment, no
// app user at all (the group members went with their groups) and no mapping.
func checkSandboxClean(sb *sandbox.Sandbox) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if aus, ags, ms := sb.AppUsers(), sb.AppGroups(), sb.PushMappings(); len(aus)+len(ags)+len(ms) != 0 {
			return fmt.Errorf("sandbox not clean after destroy: %d app users, %d group assignments, %d mappings", len(aus), len(ags), len(ms))
		}
		return nil
	}
}

// faultFigures summarises what the sandbox recorded in a fault run.
type faultFigures struct {
	requests, writes, faults int
	byKind                   map[string]int
	retried                  int // faulted requests followed by the same call on the same object again
	uncertainCreates         int // creates cut by a 5xx, a reset or a timeout: applied or not, unknown to the provider
	duplicatesRefused        int
}

func computeFaultFigures(reqs []sandbox.Request, slowIsTimeout bool) faultFigures {
	f := faultFigures{byKind: map[string]int{}}
	// One call on one object: a create's object is in its body, not its path.
	key := func(r sandbox.Request) string {
		if k, ok := createKey(r); ok {
			return r.Method + " " + k
		}
		return r.Method + " " + r.Path + "?" + r.RawQuery
	}
	later := map[string]int{} // calls seen after index i, filled from the end
	retriedAt := make([]bool, len(reqs))
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		if r.Fault != "" && r.Fault != "slow" && later[key(r)] > 0 {
			retriedAt[i] = true
		}
		later[key(r)]++
	}
	for i, r := range reqs {
		if strings.HasPrefix(r.Path, "/oauth2/") {
			continue
		}
		f.requests++
		if r.Method != http.MethodGet {
			f.writes++
		}
		if r.Fault != "" {
			f.faults++
			f.byKind[r.Fault]++
		}
		if retriedAt[i] {
			f.retried++
		}
		if r.IsCreate() && (r.Fault == "5xx" || r.Fault == "reset" || r.Fault == "slow" && slowIsTimeout) {
			// A create that may or may not have been applied: the provider
			// must look before repeating it.
			f.uncertainCreates++
		}
		if r.Status == http.StatusBadRequest && r.IsCreate() {
			f.duplicatesRefused++
		}
	}
	return f
}

func (f faultFigures) String() string {
	return fmt.Sprintf("%d requests (%d writes); %d faults injected (429: %d, 5xx: %d, reset: %d, slow 2s: %d); "+
		"%d faulted calls retried; %d creates cut by a 5xx, a reset or a timeout (applied or not), looked up before "+
		"any repeat; %d creates refused by Okta as duplicates",
		f.requests, f.writes, f.faults, f.byKind["429"], f.byKind["5xx"], f.byKind["reset"], f.byKind["slow"],
		f.retried, f.uncertainCreates, f.duplicatesRefused)
}

func TestAccFaults_hundredResources(t *testing.T) {
	for _, profile := range faultProfiles {
		t.Run(profile.name, func(t *testing.T) {
			t.Parallel()
			sb := newTestSandbox(t, sandbox.Options{
				Fixture: faultFixture(),
				// Real rate limits are not the subject here (see the pacing
				// tests); injected 429s are.
				AppsRateLimitPerMinute:  -1,
				OtherRateLimitPerMinute: -1,
			})
			provider := providerConfig(sb)
			if profile.requestTimeout != "" {
				provider = strings.Replace(provider, "provider \"statsigokta\" {", "provider \"statsigokta\" {\n  request_timeout = \""+profile.requestTimeout+"\"", 1)
			}
			config := faultConfig(t, sb, provider)
			// Faults start once the fixture ids are read: every request of
			// every Terraform command from here on is subject to them.
			sb.SetFaults(profile.faults)
			sb.ResetRequests()
			start := time.Now()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkSandboxClean(sb),
				Steps: []resource.TestStep{
					// Apply; the harness then plans again and fails on a
					// non-empty plan.
					{Config: config, Check: checkFaultConverged(t, sb)},
					// Refresh, then an explicit plan-only run: no drift.
					{RefreshState: true, Check: checkFaultConverged(t, sb)},
					{Config: config, PlanOnly: true},
				},
			})
			reqs := sb.Requests()
			figures := computeFaultFigures(reqs, profile.requestTimeout != "")
			rate := profile.faults.Rate429 + profile.faults.Rate5xx + profile.faults.RateReset + profile.faults.RateSlow
			t.Logf("fault profile %s (%.0f%% of requests, seed %d, request_timeout %s): %s; in %s",
				profile.name, rate*100, profile.faults.Seed, orDefault(profile.requestTimeout, "30s"), figures, time.Since(start).Round(time.Second))
			// The run proves something only if faults hit it, creates among them.
			if figures.faults == 0 || figures.uncertainCreates == 0 || figures.retried == 0 {
				t.Errorf("faults injected %d, uncertain creates %d, faulted calls retried %d: want each > 0", figures.faults, figures.uncertainCreates, figures.retried)
			}
			// Apply, refresh, plan and destroy: at most one successful
			// create per object, and no create repeated without a look-up
			// that could have found the attempt before it.
			audit := expectCreatesSafe(t, reqs)
			t.Logf("creates: %d attempts for %d objects, %d repeats", audit.attempts, len(audit.objects), audit.repeats)
		})
	}
}

// appliedThenTimedOut lets the first create (POST) through to the server, so
// Okta applies it, then holds the answer until the attempt's request_timeout
// runs out: a timeout after the write was applied.
type appliedThenTimedOut struct {
	next     http.RoundTripper
	suffix   string
	timedOut bool // the held answer's attempt ran out: the fault fired
}

func (a *appliedThenTimedOut) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := a.next.RoundTrip(r)
	if !a.timedOut && err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, a.suffix) {
		a.timedOut = true
		resp.Body.Close()
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return resp, err
}

// A create that timed out after Okta applied it is looked for, not failed and
// not repeated blindly: one mapping, one direct assignment, no error.
func TestFaults_createTimedOutAfterApplyIsLookedUp(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), MappingListLag: time.Second})
	client := func(tr *appliedThenTimedOut) *okta.Client {
		c, err := okta.NewClient(okta.Config{OrgURL: sb.OktaURL(), APIToken: sb.APIToken(), RequestTimeout: 300 * time.Millisecond,
			HTTPClient: &http.Client{Transport: tr}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// fired checks that the fault really happened: the transport held the
	// answer past the timeout, and Okta had applied the create.
	fired := func(tr *appliedThenTimedOut, what string) {
		t.Helper()
		applied := sb.CountRequests(func(r sandbox.Request) bool {
			return r.IsCreate() && strings.HasSuffix(r.Path, tr.suffix) && r.Applied && r.Status < 300
		})
		if !tr.timedOut || applied == 0 {
			t.Fatalf("%s: the injected timeout fired %v, creates applied %d: the test proves nothing", what, tr.timedOut, applied)
		}
	}
	ctx := context.Background()

	mappings := &appliedThenTimedOut{next: http.DefaultTransport, suffix: "/group-push/mappings"}
	push := &groupPushResource{data: &providerData{okta: client(mappings), appID: sb.AppID()}}
	source, target := groupID(t, sb, "Engineering"), groupID(t, sb, "Statsig-Checkout-Admin")
	m, _, err := push.createOrAdoptMapping(ctx, okta.CreateGroupPushMappingRequest{SourceGroupID: source, TargetGroupID: target, Status: "ACTIVE"})
	if err != nil {
		t.Fatalf("createMapping after a timeout: %v", err)
	}
	fired(mappings, "mapping")
	if ms := sb.PushMappings(); len(ms) != 1 || ms[0].ID != m.ID {
		t.Fatalf("want exactly mapping %s; sandbox has %+v", m.ID, ms)
	}

	users := &appliedThenTimedOut{next: http.DefaultTransport, suffix: "/users"}
	assigner := &userAssignmentResource{data: &providerData{okta: client(users), appID: sb.AppID()}}
	dave := userID(t, sb, "dave@example.com")
	au, err := assigner.assign(ctx, okta.AppUserAssignRequest{ID: dave, Scope: "USER", Profile: map[string]any{"statsigOrgRole": "Admin"}})
	if err != nil {
		t.Fatalf("assign after a timeout: %v", err)
	}
	fired(users, "app user")
	if got, ok := sb.AppUser(dave); !ok || got.Scope != "USER" || au.ID != dave {
		t.Fatalf("dave: assigned=%v scope=%s", ok, got.Scope)
	}
	// The applied create of each is found, not repeated blindly.
	expectOneCreatePerObject(t, sb.Requests(), "mapping of "+source, "app user "+dave)
	posts := sb.CountRequests(func(r sandbox.Request) bool { return r.IsCreate() && strings.HasSuffix(r.Path, "/users") })
	if posts != 1 {
		t.Fatalf("%d POSTs of the assignment, want 1: the applied one is found, not repeated", posts)
	}
}
