package sandbox

import (
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// setFixture is the benchmark's fixture of statsigokta_user_assignments: n
// users, each directly assigned and provisioned.
func setFixture(n int) *Fixture {
	fx := &Fixture{App: FixtureApp{Label: "Statsig"}}
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("user%05d@example.com", i)
		fx.Users = append(fx.Users, FixtureUser{Login: login, FirstName: "User", LastName: fmt.Sprintf("%05d", i)})
		fx.AppUsers = append(fx.AppUsers, FixtureAppUser{Login: login, OrgRole: "Member"})
	}
	return fx
}

// The sandbox holds an org of 50,000 assigned users: the load used to scan
// every user per login and every Statsig user per provisioning (quadratic:
// 8,000 users took 2.9 s, 50,000 never finished in 290 s); now it is well
// under a second. The bound leaves room for a loaded machine.
func TestLoadOf50000AssignedUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: loads 50,000 users (about a second; make test runs it)")
	}
	start := time.Now()
	e := newEnv(t, Options{Fixture: setFixture(50000)})
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("loading 50,000 users took %s", d)
	}
	if n := len(e.sb.AppUsers()); n != 50000 {
		t.Fatalf("%d app users", n)
	}
	if n := len(e.sb.StatsigUsers()); n != 50000 {
		t.Fatalf("%d Statsig users: each assignment is provisioned once", n)
	}
	// Logins still match without regard to case, through the index.
	r := e.okta("GET", "/api/v1/users/"+url.PathEscape("USER04999@Example.com"), nil)
	wantStatus(t, r, 200)
	if got := as[map[string]any](t, r.obj(t)["profile"])["login"]; got != "user04999@example.com" {
		t.Fatalf("login %v", got)
	}
}

// The index is current after a user is added outside the fixture, and after
// a state is loaded from a file (the world is replaced; its index is built
// again).
func TestLoginIndexFollowsAddsAndLoadedState(t *testing.T) {
	e := newEnv(t, Options{})
	id := e.sb.CreateUserOutOfBand("New.Person@example.com", "New", "Person")
	r := e.okta("GET", "/api/v1/users/new.person@example.com", nil)
	wantStatus(t, r, 200)
	if r.obj(t)["id"] != id {
		t.Fatalf("got %s", r.body)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := e.sb.SaveState(path); err != nil {
		t.Fatal(err)
	}
	f := newEnv(t, Options{Fixture: &Fixture{}})
	if err := f.sb.LoadState(path); err != nil {
		t.Fatal(err)
	}
	f.auth = e.auth
	wantStatus(t, f.okta("GET", "/api/v1/users/NEW.PERSON@example.com", nil), 200)
	if _, ok := f.sb.UserByLogin("alice@example.com"); !ok {
		t.Fatal("fixture user lost in the loaded state")
	}
}

// paginate sorts only the page; it must page exactly as sorting all ids does.
func TestPaginateMatchesAFullSort(t *testing.T) {
	reference := func(ids []string, after string, limit int) ([]string, string) {
		ids = slices.Sorted(slices.Values(ids))
		start, _ := slices.BinarySearch(ids, after)
		if start < len(ids) && ids[start] == after {
			start++
		}
		end := min(start+limit, len(ids))
		if end < len(ids) && end > start {
			return ids[start:end], ids[end-1]
		}
		return ids[start:end], ""
	}
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 300; round++ {
		ids := make([]string, rng.Intn(60))
		for i := range ids {
			ids[i] = fmt.Sprintf("00u%04d", rng.Intn(10000))
		}
		ids = slices.Compact(slices.Sorted(slices.Values(ids)))
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		limit := 1 + rng.Intn(20)
		// Walk every page, the way a client follows next; also a cursor that
		// names no id (the item vanished).
		for _, after := range []string{"", fmt.Sprintf("00u%04d", rng.Intn(10000))} {
			for {
				want, wantNext := reference(ids, after, limit)
				got, next := paginate(slices.Clone(ids), after, limit)
				if !slices.Equal(got, want) || next != wantNext {
					t.Fatalf("ids %v after %q limit %d: got %v next %q, want %v next %q", ids, after, limit, got, next, want, wantNext)
				}
				if next == "" {
					break
				}
				after = next
			}
		}
	}
}

// BenchmarkListAppUsers50000 follows the app's user listing of an org of
// 50,000 assigned users, 500 a page, as the set's plan does.
func BenchmarkListAppUsers50000(b *testing.B) {
	sb := New(Options{Fixture: setFixture(50000), AppsRateLimitPerMinute: -1})
	b.Cleanup(sb.Close)
	for b.Loop() {
		if pages := listAllAppUsers(b, sb); pages != 100 {
			b.Fatalf("%d pages", pages)
		}
	}
}

func listAllAppUsers(tb testing.TB, sb *Sandbox) int {
	next := sb.OktaURL() + "/api/v1/apps/" + sb.AppID() + "/users?limit=500&expand=user"
	pages := 0
	for next != "" {
		req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, next, nil)
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Authorization", "SSWS "+sb.APIToken())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			tb.Fatalf("status %d", res.StatusCode)
		}
		pages++
		next = ""
		for _, l := range res.Header.Values("Link") {
			if strings.HasSuffix(l, `rel="next"`) {
				next = l[1:strings.Index(l, ">")]
			}
		}
	}
	return pages
}
