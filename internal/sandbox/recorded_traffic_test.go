package sandbox

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests of the answers okta-api.md section 7 records from real Okta traffic.

func selfLink(h httpHeader) string {
	for _, l := range h.Values("Link") {
		if strings.Contains(l, `rel="self"`) {
			return strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(l, ";", 2)[0], "<"), ">")
		}
	}
	return ""
}

func TestLinksAsRecorded(t *testing.T) {
	e := newEnv(t, Options{Fixture: GenerateFixture(30, 3)})
	base := e.sb.OktaURL()
	for _, c := range []struct{ path, self string }{
		{e.appPath("/users?expand=user"), e.appPath("/users?limit=50&expand=user")},
		{e.appPath("/users?expand=user&limit=7"), e.appPath("/users?limit=7&expand=user")},
		{e.appPath("/groups"), e.appPath("/groups?limit=20")},
		{e.appPath("/group-push/mappings?sourceGroupId=00gX&status=ACTIVE"), e.appPath("/group-push/mappings?limit=100&status=ACTIVE")},
	} {
		if got := selfLink(e.okta("GET", c.path, nil).header); got != base+c.self {
			t.Errorf("GET %s: self link %s, want %s", c.path, got, base+c.self)
		}
	}
	search := `profile.lastName sw "Last"`
	r := e.okta("GET", "/api/v1/users?limit=2&search="+url.QueryEscape(search), nil)
	next := nextLink(r.header)
	if !strings.Contains(next, "search=profile.lastName+sw+%22Last%22") {
		t.Errorf("next link %q: spaces must be encoded as +", next)
	}
	if len(e.okta("GET", strings.TrimPrefix(next, base), nil).list(t)) == 0 {
		t.Error("the + encoded next link finds nothing")
	}
	r = e.okta("GET", "/api/v1/groups?q=Statsig-&limit=1", nil)
	if l := r.header.Values("Link"); len(l) != 0 || len(r.list(t)) != 1 {
		t.Errorf("groups?q=: Link %v (real Okta sends none), %d groups", l, len(r.list(t)))
	}
}

func TestAppGroupsInPriorityThenCreationOrder(t *testing.T) {
	e := newEnv(t, Options{})
	// Ids are random, so assign in an order that sorting by id would not keep.
	var want []string
	for _, name := range []string{"Product", "Engineering", "Checkout Admins"} {
		g := e.group(name)
		e.sb.AssignGroupOutOfBand(g.ID, 0)
		want = append(want, g.ID)
	}
	first := e.group("Statsig-Checkout-Admin")
	e.sb.AssignGroupOutOfBand(first.ID, -1) // a lower priority number comes first
	want = append([]string{first.ID}, want...)
	var got []string
	for _, ag := range e.okta("GET", e.appPath("/groups?limit=20"), nil).list(t) {
		got = append(got, as[string](t, ag["id"]))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestGroupsAsRecorded(t *testing.T) {
	e := newEnv(t, Options{})
	alice := e.user("alice@example.com")
	builtIn := map[string]map[string]any{}
	for _, g := range e.okta("GET", "/api/v1/groups", nil).list(t) {
		p := as[map[string]any](t, g["profile"])
		if _, ok := p["description"].(string); !ok {
			t.Errorf("group %v: description must be a string (\"\" when empty)", p["name"])
		}
		if g["type"] == "BUILT_IN" {
			builtIn[as[string](t, p["name"])] = g
		}
	}
	if len(builtIn) != 2 || builtIn["Everyone"] == nil || builtIn["Okta Administrators"] == nil {
		t.Fatalf("BUILT_IN groups: %v", builtIn)
	}
	everyone := as[string](t, builtIn["Everyone"]["id"])
	members := func() string {
		var ids []string
		for _, u := range e.okta("GET", "/api/v1/groups/"+everyone+"/users", nil).list(t) {
			ids = append(ids, as[string](t, u["id"]))
		}
		return strings.Join(ids, ",")
	}
	if !strings.Contains(members(), alice.ID) {
		t.Error("Everyone lacks a fixture user")
	}
	if id := e.sb.CreateUserOutOfBand("newbie@example.com", "New", "Bie"); !strings.Contains(members(), id) {
		t.Error("Everyone lacks a user created later")
	}
	r := e.okta("GET", "/api/v1/groups/00gNOPE", nil)
	m := wantErrorCode(t, r, 404, "E0000007")
	if m["errorSummary"] != "Not found: Resource not found: 00gNOPE (UserGroup)" || !strings.HasPrefix(as[string](t, m["errorId"]), "oae") {
		t.Errorf("404: %s", r.body)
	}
	if c, ok := m["errorCauses"].([]any); !ok || len(c) != 0 {
		t.Errorf("errorCauses %v, want []", m["errorCauses"])
	}
}

// A token may use its share of a bucket; the headers report either the org
// bucket or the share (which one real Okta does is UNCONFIRMED).
func TestTokenShareOfBucket(t *testing.T) {
	for _, c := range []struct {
		report     string
		wantLimits []string // X-Rate-Limit-Limit/-Remaining of calls 1..3
	}{
		{ReportOrgBucket, []string{"10/9", "10/8", "10/8"}},
		{ReportTokenShare, []string{"2/1", "2/0", "2/0"}},
	} {
		t.Run(c.report, func(t *testing.T) {
			e := newEnv(t, Options{AppsRateLimitPerMinute: 10, TokenSharePercent: 25, RateLimitReport: c.report})
			for i, want := range []int{200, 200, 429} {
				r := e.okta("GET", e.appPath(""), nil)
				wantStatus(t, r, want)
				if got := r.header.Get("X-Rate-Limit-Limit") + "/" + r.header.Get("X-Rate-Limit-Remaining"); got != c.wantLimits[i] {
					t.Errorf("call %d: limit/remaining %s, want %s", i+1, got, c.wantLimits[i])
				}
			}
			// Another token has a share of its own; the org bucket is shared.
			other := e.sb.IssueAccessToken("okta.apps.read")
			for i, want := range []int{200, 200, 429} {
				r := e.do("GET", e.sb.OktaURL()+e.appPath(""), nil, map[string]string{"Authorization": "Bearer " + other})
				if r.status != want {
					t.Fatalf("service app call %d: %d, want %d", i+1, r.status, want)
				}
			}
			if n := e.sb.CountRequests(func(r Request) bool { return r.RateLimited == "token" }); n != 2 {
				t.Errorf("%d 429s for the token share, want 2", n)
			}
			e.clock.Advance(time.Minute)
			wantStatus(t, e.okta("GET", e.appPath(""), nil), 200)
		})
	}
	e := newEnv(t, Options{AppsRateLimitPerMinute: 10}) // default share: half
	for i := 0; i < 5; i++ {
		wantStatus(t, e.okta("GET", e.appPath(""), nil), 200)
	}
	wantStatus(t, e.okta("GET", e.appPath(""), nil), 429)
}

func TestConcurrencyLimit(t *testing.T) {
	e := newEnv(t, Options{Latency: time.Second})
	statuses := make(chan int, DefaultMaxInFlight+10)
	var wg sync.WaitGroup
	for i := 0; i < DefaultMaxInFlight+10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- e.okta("GET", "/api/v1/users/nobody", nil).status
		}()
	}
	wg.Wait()
	close(statuses)
	n := map[int]int{}
	for s := range statuses {
		n[s]++
	}
	if n[429] != 10 || n[404] != DefaultMaxInFlight {
		t.Fatalf("statuses %v: want %d answered and 10 refused", n, DefaultMaxInFlight)
	}
	if c := e.sb.CountRequests(func(r Request) bool { return r.RateLimited == "concurrency" }); c != 10 {
		t.Fatalf("recorded %d concurrency 429s", c)
	}
	// Sequential requests are never refused.
	for i := 0; i < 3; i++ {
		wantStatus(t, e.okta("GET", "/api/v1/users/nobody", nil), 404)
	}
}
