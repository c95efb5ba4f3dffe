package appsnapshot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// The tests run the snapshot against the sandbox through the real clients,
// with the Okta client's write hook wired to the snapshot as the provider
// does, and count what the sandbox records.

type env struct {
	sb      *sandbox.Sandbox
	okta    *okta.Client // writes through it invalidate the snapshot
	outside *okta.Client // another Okta client: writes "outside Terraform"
	snap    *Snapshot
	appID   string
}

const nAppUsers = 1100 // three pages of app users: 500, 500, 100

// fixture: 1,200 users of whom 1,100 are assigned directly; two groups
// assigned, two pushed to Statsig groups, and two more groups spare.
func fixture() *sandbox.Fixture {
	fx := sandbox.GenerateFixture(1200, 6)
	for i := 0; i < nAppUsers; i++ {
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: fx.Users[i].Login})
	}
	// Groups with members outside the direct assignments only, so that the
	// app's users are exactly the 1,100 plus these members.
	fx.Groups = append(fx.Groups,
		sandbox.FixtureGroup{Name: "Assigned A", Members: []string{fx.Users[1150].Login}},
		sandbox.FixtureGroup{Name: "Assigned B"},
		sandbox.FixtureGroup{Name: "Pushed A", Members: []string{fx.Users[0].Login}},
		sandbox.FixtureGroup{Name: "Pushed B", Members: []string{fx.Users[1].Login}},
		sandbox.FixtureGroup{Name: "Spare"},
	)
	fx.AppGroups = []sandbox.FixtureAppGroup{{GroupName: "Assigned A"}, {GroupName: "Assigned B", Priority: 1}}
	fx.PushMappings = []sandbox.FixturePushMapping{
		{SourceGroupName: "Pushed A", TargetGroupName: "Statsig-Project 0-A-Admin"},
		{SourceGroupName: "Pushed B", TargetGroupName: "Statsig-Project 1-B-Member"},
	}
	return fx
}

func roleGroupSearch(appID string) string {
	return `type eq "APP_GROUP" and source.id eq ` + okta.SearchQuote(appID) + ` and profile.name sw "Statsig-"`
}

func newEnv(t *testing.T, wrap func(Okta) Okta) *env {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Fixture: fixture(), AppsRateLimitPerMinute: -1, OtherRateLimitPerMinute: -1})
	t.Cleanup(sb.Close)
	e := &env{sb: sb, appID: sb.AppID()}
	var err error
	e.okta, err = okta.NewClient(okta.Config{OrgURL: sb.OktaURL(), APIToken: sb.APIToken(),
		OnWrite: func(method, path string) { e.snap.OnWrite(method, path) }})
	if err != nil {
		t.Fatal(err)
	}
	e.outside, err = okta.NewClient(okta.Config{OrgURL: sb.OktaURL(), APIToken: sb.APIToken()})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := statsig.NewClient(statsig.Config{BaseURL: sb.StatsigURL(), SCIMToken: sb.StatsigSCIMToken()})
	if err != nil {
		t.Fatal(err)
	}
	var o Okta = e.okta
	if wrap != nil {
		o = wrap(o)
	}
	e.snap = New(e.appID, o, sc, roleGroupSearch(e.appID))
	return e
}

// calls returns the requests recorded since the last call, as "METHOD path"
// with list pages as "LIST path", and forgets them.
func (e *env) calls() []string {
	var out []string
	for _, r := range e.sb.Requests() {
		if r.Path == "/oauth2/v1/token" {
			continue
		}
		out = append(out, r.Method+" "+strings.TrimPrefix(r.Path, "/api/v1/apps/"+e.appID))
	}
	e.sb.ResetRequests()
	return out
}

func (e *env) user(i int) string {
	u, ok := e.sb.UserByLogin(fmt.Sprintf("user%05d@example.com", i))
	if !ok {
		panic(i)
	}
	return u.ID
}

func (e *env) group(name string) string {
	g, ok := e.sb.GroupByName(name)
	if !ok {
		panic(name)
	}
	return g.ID
}

func (e *env) mappingOf(source string) string {
	for _, m := range e.sb.PushMappings() {
		if m.SourceGroupID == e.group(source) {
			return m.ID
		}
	}
	panic(source)
}

func expectCalls(t *testing.T, e *env, want ...string) {
	t.Helper()
	got := e.calls()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Terraform refreshes ten resources at a time: the first reads of every kind
// arrive together, and share one load per list.
func TestConcurrentFirstUse(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	wantUsers := len(e.sb.AppUsers())
	e.calls()

	var wg sync.WaitGroup
	var failed atomic.Int32
	read := func(fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				t.Error(err)
				failed.Add(1)
			}
		}()
	}
	for i := 0; i < nAppUsers; i += 11 {
		id := e.user(i)
		read(func() error {
			u, err := e.snap.AppUser(ctx, id)
			if err == nil && (u.ID != id || u.Scope != "USER" || u.Embedded == nil || u.Embedded.User == nil) {
				err = fmt.Errorf("app user %s = %+v", id, u)
			}
			return err
		})
		read(func() error {
			_, err := e.snap.AppGroup(ctx, e.group("Assigned A"))
			return err
		})
		read(func() error {
			_, err := e.snap.Mapping(ctx, e.mappingOf("Pushed B"))
			return err
		})
		read(func() error {
			u, err := e.snap.StatsigUser(ctx, fmt.Sprintf("USER%05d@example.com", i))
			if err == nil && (u == nil || !u.Active) {
				err = fmt.Errorf("statsig user %d = %+v", i, u)
			}
			return err
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		return
	}
	counts := map[string]int{}
	for _, c := range e.calls() {
		counts[c]++
	}
	want := map[string]int{
		"GET /users":               (wantUsers + 499) / 500,
		"GET /groups":              1,
		"GET /group-push/mappings": 1,
		"GET /scim/Users":          (len(e.sb.StatsigUsers()) + 99) / 100,
	}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("calls = %v, want %v", counts, want)
	}
	if st := e.snap.Stats()["users"]; st.Loads != 1 || st.Misses != 0 || st.Size != wantUsers {
		t.Fatalf("users stats = %+v", st)
	}
}

func TestMissFallsBackToGet(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.snap.AppUser(ctx, e.user(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.snap.Mapping(ctx, e.mappingOf("Pushed A")); err != nil {
		t.Fatal(err)
	}
	e.calls()

	// Assigned after the list was read: one GET finds it.
	late := e.user(1199)
	e.sb.AssignUserOutOfBand(late, "USER")
	u, err := e.snap.AppUser(ctx, late)
	if err != nil || u.ID != late {
		t.Fatalf("AppUser = %+v, %v", u, err)
	}
	expectCalls(t, e, "GET /users/"+late)

	// Never assigned: the GET's 404 means gone.
	if _, err := e.snap.AppUser(ctx, e.user(1198)); !okta.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
	expectCalls(t, e, "GET /users/"+e.user(1198))

	// Created by someone else moments ago: the list does not show it yet,
	// but GET does.
	e.sb.SetMappingListLag(time.Hour)
	m, err := e.outside.CreateGroupPushMapping(ctx, e.appID, okta.CreateGroupPushMappingRequest{
		SourceGroupID: e.group("Spare"), TargetGroupID: e.group("Statsig-Project 1-B-Admin")})
	if err != nil {
		t.Fatal(err)
	}
	e.calls()
	got, err := e.snap.Mapping(ctx, m.ID)
	if err != nil || got.ID != m.ID {
		t.Fatalf("Mapping = %+v, %v", got, err)
	}
	expectCalls(t, e, "GET /group-push/mappings/"+m.ID)

	// Everything else is still served from the lists.
	for i := 0; i < nAppUsers; i += 100 {
		if _, err := e.snap.AppUser(ctx, e.user(i)); err != nil {
			t.Fatal(err)
		}
	}
	expectCalls(t, e)
}

// A create's look-up is answered by the loaded listing alone when the object
// is not in it, and by GET once this process wrote the object.
func TestFindForCreate(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	absent, listed := e.user(1198), e.user(3)
	if u, err := e.snap.FindAppUser(ctx, listed); err != nil || u.ID != listed {
		t.Fatalf("FindAppUser(listed) = %+v, %v", u, err)
	}
	expectCalls(t, e, "GET /users", "GET /users", "GET /users") // the listing, once
	if _, err := e.snap.FindAppUser(ctx, absent); !okta.IsNotFound(err) {
		t.Fatalf("FindAppUser(absent) err = %v, want a 404", err)
	}
	if _, err := e.snap.FindAppGroup(ctx, e.group("Spare")); !okta.IsNotFound(err) {
		t.Fatalf("FindAppGroup(absent) err = %v, want a 404", err)
	}
	expectCalls(t, e, "GET /groups") // the group listing; no GET of either object
	// Written by this process: the listing no longer answers for it.
	if _, err := e.okta.AssignUserToApp(ctx, e.appID, okta.AppUserAssignRequest{ID: absent, Scope: "USER"}); err != nil {
		t.Fatal(err)
	}
	e.calls()
	if u, err := e.snap.FindAppUser(ctx, absent); err != nil || u.ID != absent {
		t.Fatalf("FindAppUser(written) = %+v, %v", u, err)
	}
	expectCalls(t, e, "GET /users/"+absent)
	// Another user's absence is still known from the listing.
	if _, err := e.snap.FindAppUser(ctx, e.user(1197)); !okta.IsNotFound(err) {
		t.Fatalf("err = %v, want a 404", err)
	}
	expectCalls(t, e)
}

// Each kind of write sends the point reads of what it touched to one GET
// (and nothing else), and makes the next listing reload the list once.
func TestInvalidationAfterEachWrite(t *testing.T) {
	ctx := context.Background()
	type check struct {
		name string
		// write makes the change through the hooked client and returns the
		// id of what it touched.
		write func(t *testing.T, e *env) string
		// read reads it back, and fails on stale data.
		read func(t *testing.T, e *env, id string)
		// readPath is the GET the read must make.
		readPath string
		// list is the listing that must reload, and its calls.
		list      func(e *env) error
		listCalls []string
		// others: reads of untouched objects still served from the lists
		// (false: the write named no object, so every point read misses).
		others bool
	}
	users, groups := "GET /users", "GET /groups"
	mappings := "GET /group-push/mappings"
	checks := []check{{
		name: "assign user (POST /users, the user in the body)",
		write: func(t *testing.T, e *env) string {
			// Okta turns a GROUP-scoped app user into a USER one.
			id := e.user(1150)
			if _, err := e.okta.AssignUserToApp(ctx, e.appID, okta.AppUserAssignRequest{ID: id, Scope: "USER"}); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if u, err := e.snap.AppUser(ctx, id); err != nil || u.Scope != "USER" {
				t.Fatalf("AppUser = %+v, %v", u, err)
			}
		},
		readPath:  "GET /users/%s",
		list:      func(e *env) error { _, err := e.snap.AppUsers(ctx); return err },
		listCalls: []string{users, users, users},
		others:    true, // the client names the user in the body
	}, {
		name: "update user (POST /users/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.user(5)
			if _, err := e.okta.UpdateAppUserProfile(ctx, e.appID, id, map[string]any{"statsigOrgRole": "Admin"}); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if u, err := e.snap.AppUser(ctx, id); err != nil || u.Profile["statsigOrgRole"] != "Admin" {
				t.Fatalf("AppUser = %+v, %v", u, err)
			}
		},
		readPath:  "GET /users/%s",
		list:      func(e *env) error { _, err := e.snap.AppUsers(ctx); return err },
		listCalls: []string{users, users, users},
		others:    true,
	}, {
		name: "unassign user (DELETE /users/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.user(6)
			if err := e.okta.UnassignUserFromApp(ctx, e.appID, id, false); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if _, err := e.snap.AppUser(ctx, id); !okta.IsNotFound(err) {
				t.Fatalf("err = %v, want a 404", err)
			}
		},
		readPath:  "GET /users/%s",
		list:      func(e *env) error { _, err := e.snap.AppUsers(ctx); return err },
		listCalls: []string{users, users, users},
		others:    true,
	}, {
		name: "assign group (PUT /groups/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.group("Spare")
			if _, err := e.okta.AssignGroupToApp(ctx, e.appID, id, okta.AppGroupAssignRequest{}); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if g, err := e.snap.AppGroup(ctx, id); err != nil || g.ID != id {
				t.Fatalf("AppGroup = %+v, %v", g, err)
			}
		},
		readPath: "GET /groups/%s",
		// The group's members come and go with it: the users reload too.
		list: func(e *env) error {
			if _, err := e.snap.AppGroups(ctx); err != nil {
				return err
			}
			_, err := e.snap.AppUsers(ctx)
			return err
		},
		listCalls: []string{groups, users, users, users},
		others:    true,
	}, {
		name: "unassign group (DELETE /groups/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.group("Assigned B")
			if err := e.okta.UnassignGroupFromApp(ctx, e.appID, id); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if _, err := e.snap.AppGroup(ctx, id); !okta.IsNotFound(err) {
				t.Fatalf("err = %v, want a 404", err)
			}
		},
		readPath:  "GET /groups/%s",
		list:      func(e *env) error { _, err := e.snap.AppGroups(ctx); return err },
		listCalls: []string{groups},
		others:    true,
	}, {
		name: "create mapping (POST /group-push/mappings)",
		write: func(t *testing.T, e *env) string {
			m, err := e.okta.CreateGroupPushMapping(ctx, e.appID, okta.CreateGroupPushMappingRequest{
				SourceGroupID: e.group("Spare"), TargetGroupID: e.group("Statsig-Project 1-B-Admin")})
			if err != nil {
				t.Fatal(err)
			}
			return m.ID
		},
		read: func(t *testing.T, e *env, id string) {
			if m, err := e.snap.Mapping(ctx, id); err != nil || m.ID != id {
				t.Fatalf("Mapping = %+v, %v", m, err)
			}
		},
		readPath:  "GET /group-push/mappings/%s",
		list:      func(e *env) error { _, err := e.snap.Mappings(ctx); return err },
		listCalls: []string{mappings},
		others:    true,
	}, {
		name: "deactivate mapping (PATCH /group-push/mappings/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.mappingOf("Pushed A")
			if _, err := e.okta.UpdateGroupPushMappingStatus(ctx, e.appID, id, okta.GroupPushStatusInactive); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if m, err := e.snap.Mapping(ctx, id); err != nil || m.Status != okta.GroupPushStatusInactive {
				t.Fatalf("Mapping = %+v, %v", m, err)
			}
		},
		readPath:  "GET /group-push/mappings/%s",
		list:      func(e *env) error { _, err := e.snap.Mappings(ctx); return err },
		listCalls: []string{mappings},
		others:    true,
	}, {
		name: "delete mapping (DELETE /group-push/mappings/{id})",
		write: func(t *testing.T, e *env) string {
			id := e.mappingOf("Pushed B")
			if _, err := e.okta.UpdateGroupPushMappingStatus(ctx, e.appID, id, okta.GroupPushStatusInactive); err != nil {
				t.Fatal(err)
			}
			if err := e.okta.DeleteGroupPushMapping(ctx, e.appID, id, false); err != nil {
				t.Fatal(err)
			}
			return id
		},
		read: func(t *testing.T, e *env, id string) {
			if _, err := e.snap.Mapping(ctx, id); !okta.IsNotFound(err) {
				t.Fatalf("err = %v, want a 404", err)
			}
		},
		readPath:  "GET /group-push/mappings/%s",
		list:      func(e *env) error { _, err := e.snap.Mappings(ctx); return err },
		listCalls: []string{mappings},
		others:    true,
	}}

	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			// Load everything.
			if _, err := e.snap.AppUser(ctx, e.user(0)); err != nil {
				t.Fatal(err)
			}
			if _, err := e.snap.AppGroup(ctx, e.group("Assigned A")); err != nil {
				t.Fatal(err)
			}
			if _, err := e.snap.Mapping(ctx, e.mappingOf("Pushed A")); err != nil {
				t.Fatal(err)
			}
			if _, err := e.snap.StatsigUser(ctx, "user00000@example.com"); err != nil {
				t.Fatal(err)
			}
			e.calls()

			id := c.write(t, e)
			e.calls()

			// The written object: one GET, fresh data; and again (the list
			// may lag behind the write, so it stays a GET).
			for i := 0; i < 2; i++ {
				c.read(t, e, id)
				expectCalls(t, e, fmt.Sprintf(c.readPath, id))
			}

			// Untouched objects: from the lists, no call.
			if c.others {
				for _, i := range []int{0, 499, 500, 1099} {
					if _, err := e.snap.AppUser(ctx, e.user(i)); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := e.snap.AppGroup(ctx, e.group("Assigned A")); err != nil {
					t.Fatal(err)
				}
				expectCalls(t, e)
			}

			// Statsig changes with any write: a lookup, not a stale answer.
			if _, err := e.snap.StatsigUser(ctx, "user00002@example.com"); err != nil {
				t.Fatal(err)
			}
			expectCalls(t, e, "GET /scim/Users")

			// The first listing reloads, once; the next shares that load.
			if err := c.list(e); err != nil {
				t.Fatal(err)
			}
			expectCalls(t, e, c.listCalls...)
			if err := c.list(e); err != nil {
				t.Fatal(err)
			}
			expectCalls(t, e)

			// After a reload, point reads of the other objects are served
			// from the list again, even after a write whose object was unknown.
			if _, err := e.snap.AppUser(ctx, e.user(7)); err != nil {
				t.Fatal(err)
			}
			if !c.others && c.listCalls[0] == users {
				expectCalls(t, e)
			}
		})
	}
}

// oktaBetweenPages runs after() once the first page of app users is read.
type oktaBetweenPages struct {
	Okta
	after func()
}

func (o oktaBetweenPages) ListAppUsersPages(ctx context.Context, appID string, opts okta.ListAppUsersOptions, fn func([]okta.AppUser) error) error {
	pages := 0
	return o.Okta.ListAppUsersPages(ctx, appID, opts, func(page []okta.AppUser) error {
		if err := fn(page); err != nil {
			return err
		}
		if pages++; pages == 1 {
			o.after()
		}
		return nil
	})
}

// A user unassigned while the list is read (between two pages) is not in the
// list, and its read is one GET whose 404 removes it; no other user is lost,
// since Okta pages by cursor.
func TestUserRemovedBetweenPages(t *testing.T) {
	ctx := context.Background()
	var e *env
	var removed string
	e = newEnv(t, func(o Okta) Okta {
		return oktaBetweenPages{Okta: o, after: func() {
			// The last user of the app by id: it is on the last page.
			ids := e.sb.AppUsers()
			last := ids[0].UserID
			for _, u := range ids {
				if u.UserID > last {
					last = u.UserID
				}
			}
			removed = last
			e.sb.UnassignUserOutOfBand(removed)
		}}
	})
	all := e.sb.AppUsers()
	e.calls()
	if _, err := e.snap.AppUser(ctx, all[0].UserID); err != nil {
		t.Fatal(err)
	}
	e.calls()
	for _, u := range all {
		got, err := e.snap.AppUser(ctx, u.UserID)
		switch {
		case u.UserID == removed:
			if !okta.IsNotFound(err) {
				t.Fatalf("removed user: %+v, %v", got, err)
			}
		case err != nil:
			t.Fatal(err)
		}
	}
	expectCalls(t, e, "GET /users/"+removed)
	if st := e.snap.Stats()["users"]; st.Size != len(all)-1 {
		t.Fatalf("listed %d users, want %d", st.Size, len(all)-1)
	}
}

// fakeSCIM pages by offset as SCIM does: a user removed while the list is
// read shifts the next page, and the list skips the user after it.
type fakeSCIM struct {
	listed []statsig.SCIMUser
	all    map[string]statsig.SCIMUser
	finds  atomic.Int32
}

func (f *fakeSCIM) ListUsers(context.Context) ([]statsig.SCIMUser, error) { return f.listed, nil }
func (f *fakeSCIM) FindUserByUserName(_ context.Context, userName string) (*statsig.SCIMUser, error) {
	f.finds.Add(1)
	if u, ok := f.all[strings.ToLower(userName)]; ok {
		return &u, nil
	}
	return nil, nil
}

func TestStatsigUserSkippedByOffsetPagingIsLookedUp(t *testing.T) {
	f := &fakeSCIM{all: map[string]statsig.SCIMUser{}}
	for i := 0; i < 300; i++ {
		u := statsig.SCIMUser{ID: fmt.Sprint(i), UserName: fmt.Sprintf("u%03d@example.com", i), Active: true}
		f.all[u.UserName] = u
		if i != 100 { // u099 was removed after page 1; u100 slid into it
			f.listed = append(f.listed, u)
		}
	}
	delete(f.all, "u099@example.com")
	s := New("0oa1", nil, f, "")
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		u, err := s.StatsigUser(ctx, fmt.Sprintf("U%03d@example.com", i))
		if err != nil {
			t.Fatal(err)
		}
		if i != 99 && (u == nil || !u.Active) {
			t.Fatalf("user %d = %+v", i, u)
		}
	}
	if f.finds.Load() != 1 {
		t.Fatalf("lookups = %d, want 1 (the skipped user)", f.finds.Load())
	}
	// Without SCIM, there is nothing to read.
	if _, err := New("0oa1", nil, nil, "").StatsigUser(ctx, "a@example.com"); err == nil {
		t.Fatal("no error without a SCIM client")
	}
}

// flakyOkta fails the first list of app users and blocks loads on gate.
type flakyOkta struct {
	Okta
	lists atomic.Int32
	gate  chan struct{}
}

func (f *flakyOkta) ListAppUsersPages(ctx context.Context, appID string, opts okta.ListAppUsersOptions, fn func([]okta.AppUser) error) error {
	if f.gate != nil {
		<-f.gate
	}
	if f.lists.Add(1) == 1 {
		return errors.New("boom")
	}
	return fn([]okta.AppUser{{ID: "00u1", Scope: "USER"}})
}

func TestLoadErrorIsNotKept(t *testing.T) {
	f := &flakyOkta{}
	s := New("0oa1", f, nil, "")
	ctx := context.Background()
	if _, err := s.AppUser(ctx, "00u1"); err == nil || err.Error() != "boom" {
		t.Fatalf("err = %v", err)
	}
	if u, err := s.AppUser(ctx, "00u1"); err != nil || u.ID != "00u1" {
		t.Fatalf("AppUser = %+v, %v", u, err)
	}
}

// A caller that gives up does not fail the load for the others.
func TestCallerCancelDoesNotStopTheLoad(t *testing.T) {
	f := &flakyOkta{gate: make(chan struct{})}
	f.lists.Store(1) // no failure
	s := New("0oa1", f, nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() { _, err := s.AppUser(ctx, "00u1"); first <- err }()
	second := make(chan error, 1)
	go func() { _, err := s.AppUser(context.Background(), "00u1"); second <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first = %v", err)
	}
	close(f.gate)
	if err := <-second; err != nil {
		t.Fatalf("second = %v", err)
	}
	if n := f.lists.Load(); n != 2 {
		t.Fatalf("loads = %d, want 1", n-1)
	}
}

func TestOnWritePaths(t *testing.T) {
	for _, tc := range []struct {
		path, app, kind, id string
		ok                  bool
	}{
		{"/api/v1/apps/0oa1/users", "0oa1", "users", "", true},
		{"/api/v1/apps/0oa1/users/00u2", "0oa1", "users", "00u2", true},
		{"/prefix/api/v1/apps/0oa1/groups/00g2", "0oa1", "groups", "00g2", true},
		{"/api/v1/apps/0oa1/group-push/mappings", "0oa1", "group-push/mappings", "", true},
		{"/api/v1/apps/0oa1/group-push/mappings/gPm3", "0oa1", "group-push/mappings", "gPm3", true},
		{"/api/v1/apps/0oa1", "", "", "", false},
		{"/api/v1/apps/0oa1/group-push", "", "", "", false},
		{"/api/v1/users/00u1", "", "", "", false},
	} {
		app, kind, id, ok := splitAppPath(tc.path)
		if app != tc.app || kind != tc.kind || id != tc.id || ok != tc.ok {
			t.Errorf("%s: %q %q %q %v", tc.path, app, kind, id, ok)
		}
	}
	// Writes to another app, and GETs, change nothing.
	s := New("0oa1", nil, nil, "")
	s.OnWrite(http.MethodPost, "/api/v1/apps/0oa9/users")
	s.OnWrite(http.MethodGet, "/api/v1/apps/0oa1/users")
	if s.users.isDirty("x") || s.users.stale {
		t.Fatal("snapshot invalidated")
	}
	s.OnWrite(http.MethodPost, "/api/v1/apps/0oa1/users")
	if !s.users.isDirty("x") {
		t.Fatal("not invalidated")
	}
}
