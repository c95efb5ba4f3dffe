package okta

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// End-to-end tests against the in-memory emulator of Okta.

// fakeClock drives the sandbox's clock; the client's retry waits advance it
// instead of sleeping, so rate-limit windows pass instantly.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type sandboxEnv struct {
	sb    *sandbox.Sandbox
	clock *fakeClock
	waits []time.Duration
	mu    sync.Mutex
}

func newSandboxEnv(t *testing.T, opts sandbox.Options) *sandboxEnv {
	t.Helper()
	e := &sandboxEnv{clock: &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}}
	opts.Now = e.clock.Now
	e.sb = sandbox.New(opts)
	t.Cleanup(e.sb.Close)
	return e
}

// client returns a client for the sandbox whose waits advance the sandbox
// clock. Every request is checked against the published Okta contract.
func (e *sandboxEnv) client(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.OrgURL = e.sb.OktaURL()
	cfg.HTTPClient = contractClient(t, e.sb)
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.now = e.clock.Now
	c.jitter = func(time.Duration) time.Duration { return 0 }
	c.sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.waits = append(e.waits, d)
		e.mu.Unlock()
		e.clock.Advance(d)
		return ctx.Err()
	}
	return c
}

func (e *sandboxEnv) ssws(t *testing.T) *Client {
	return e.client(t, Config{APIToken: e.sb.APIToken(), UserAgent: "terraform-provider-statsigokta/test"})
}

func TestSandboxSSWSLifecycle(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	c := e.ssws(t)
	ctx := context.Background()
	appID := e.sb.AppID()

	app, err := c.GetApplication(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	if app.ID != appID || !app.HasFeature("GROUP_PUSH") {
		t.Fatalf("app = %+v", app)
	}

	alice, err := c.GetUser(ctx, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if alice.Profile.Login != "alice@example.com" || !strings.HasPrefix(alice.ID, "00u") {
		t.Fatalf("alice = %+v", alice)
	}

	au, err := c.AssignUserToApp(ctx, appID, AppUserAssignRequest{ID: alice.ID, Scope: "USER", Profile: map[string]any{"statsigOrgRole": "Member"}})
	if err != nil {
		t.Fatal(err)
	}
	if au.ID != alice.ID || au.Scope != "USER" {
		t.Fatalf("assigned = %+v", au)
	}
	got, err := c.GetAppUser(ctx, appID, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Embedded == nil || got.Embedded.User == nil || got.Embedded.User.Profile.Login != "alice@example.com" {
		t.Fatalf("expand=user missing: %+v", got)
	}
	if got.Status != "PROVISIONED" || got.ExternalID == "" || got.Created == nil {
		t.Fatalf("app user = %+v", got)
	}
	if _, err := c.UpdateAppUserProfile(ctx, appID, alice.ID, map[string]any{"statsigOrgRole": "Admin"}); err != nil {
		t.Fatal(err)
	}

	// Group assignment makes alice group-granted: unassigning her is E0000046.
	groups, err := c.ListGroups(ctx, ListGroupsOptions{Search: "profile.name eq " + SearchQuote("Engineering"), ExpandStats: true})
	if err != nil || len(groups) != 1 {
		t.Fatalf("groups = %+v, %v", groups, err)
	}
	eng := groups[0]
	if eng.Type != GroupTypeOkta || eng.Embedded == nil || eng.Embedded.Stats == nil || eng.Embedded.Stats.UsersCount != 3 {
		t.Fatalf("engineering = %+v", eng)
	}
	prio := 0
	ag, err := c.AssignGroupToApp(ctx, appID, eng.ID, AppGroupAssignRequest{Priority: &prio})
	if err != nil || ag.ID != eng.ID {
		t.Fatalf("assign group: %+v %v", ag, err)
	}
	err = c.UnassignUserFromApp(ctx, appID, alice.ID, false)
	if !HasErrorCode(err, ErrCodeDeactivateForbidden) || !IsForbidden(err) {
		t.Fatalf("want E0000046, got %v", err)
	}
	if !strings.Contains(err.Error(), "group memberships grant them access") {
		t.Fatalf("cause missing: %v", err)
	}
	assigned, err := c.ListAppGroups(ctx, appID, ListAppGroupsOptions{ExpandGroup: true})
	if err != nil || len(assigned) != 1 || assigned[0].Embedded == nil || assigned[0].Embedded.Group.Profile.Name != "Engineering" {
		t.Fatalf("app groups = %+v %v", assigned, err)
	}
	if _, err := c.GetAppGroup(ctx, appID, eng.ID); err != nil {
		t.Fatal(err)
	}
	members, err := c.ListGroupMembers(ctx, eng.ID)
	if err != nil || len(members) != 3 {
		t.Fatalf("members = %+v %v", members, err)
	}

	// Push: link an Okta group to the Statsig project x role APP_GROUP.
	appGroups, err := c.ListGroups(ctx, ListGroupsOptions{Search: fmt.Sprintf(`type eq "APP_GROUP" and source.id eq %s and profile.name sw "Statsig-"`, SearchQuote(appID))})
	if err != nil {
		t.Fatal(err)
	}
	var target *Group
	for i := range appGroups {
		if appGroups[i].Source == nil || appGroups[i].Source.ID != appID {
			t.Fatalf("APP_GROUP without source.id: %+v", appGroups[i])
		}
		if appGroups[i].Profile.Name == "Statsig-Checkout-Admin" {
			target = &appGroups[i]
		}
	}
	if target == nil {
		t.Fatalf("Statsig-Checkout-Admin not among %d app groups", len(appGroups))
	}
	m, err := c.CreateGroupPushMapping(ctx, appID, CreateGroupPushMappingRequest{SourceGroupID: eng.ID, TargetGroupID: target.ID, Status: GroupPushStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	if m.SourceGroupID != eng.ID || m.TargetGroupID != target.ID || m.Status != GroupPushStatusActive {
		t.Fatalf("mapping = %+v", m)
	}
	list, err := c.ListGroupPushMappings(ctx, appID, ListGroupPushMappingsOptions{SourceGroupID: eng.ID})
	if err != nil || len(list) != 1 || list[0].ID != m.ID {
		t.Fatalf("mappings = %+v %v", list, err)
	}
	if _, err := c.GetGroupPushMapping(ctx, appID, m.ID); err != nil {
		t.Fatal(err)
	}
	if m, err = c.UpdateGroupPushMappingStatus(ctx, appID, m.ID, GroupPushStatusInactive); err != nil || m.Status != GroupPushStatusInactive {
		t.Fatalf("patch: %+v %v", m, err)
	}
	if err := c.DeleteGroupPushMapping(ctx, appID, m.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroupPushMapping(ctx, appID, m.ID); !IsNotFound(err) {
		t.Fatalf("deleted mapping: %v", err)
	}

	// Tear down: group first, then the (now USER-only) direct assignment.
	if err := c.UnassignGroupFromApp(ctx, appID, eng.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.UnassignUserFromApp(ctx, appID, alice.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAppUser(ctx, appID, alice.ID); !IsNotFound(err) || !HasErrorCode(err, ErrCodeNotFound) {
		t.Fatalf("after unassign: %v", err)
	}
}

func TestSandboxAppUsersPagination(t *testing.T) {
	fx := sandbox.GenerateFixture(1100, 2)
	for _, u := range fx.Users {
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: u.Login})
	}
	e := newSandboxEnv(t, sandbox.Options{Fixture: fx, AppsRateLimitPerMinute: -1})
	c := e.ssws(t)
	ctx := context.Background()

	var sizes []int
	seen := map[string]bool{}
	err := c.ListAppUsersPages(ctx, e.sb.AppID(), ListAppUsersOptions{ExpandUser: true}, func(page []AppUser) error {
		sizes = append(sizes, len(page))
		for _, u := range page {
			if seen[u.ID] {
				return fmt.Errorf("duplicate %s", u.ID)
			}
			seen[u.ID] = true
			if u.Embedded == nil || u.Embedded.User == nil {
				return fmt.Errorf("%s: no embedded user", u.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[500 500 100]" || len(seen) != 1100 {
		t.Fatalf("page sizes = %v, users = %d", sizes, len(seen))
	}

	// Small pages exercise many Link hops.
	all, err := c.ListAppUsers(ctx, e.sb.AppID(), ListAppUsersOptions{Limit: 100})
	if err != nil || len(all) != 1100 {
		t.Fatalf("ListAppUsers = %d, %v", len(all), err)
	}
	pages := e.sb.CountRequests(func(r sandbox.Request) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/users") && strings.Contains(r.RawQuery, "limit=100")
	})
	if pages != 11 {
		t.Fatalf("requests for limit=100 = %d, want 11", pages)
	}

	groups, err := c.ListGroups(ctx, ListGroupsOptions{Limit: 1})
	if err != nil || len(groups) < 3 {
		t.Fatalf("groups = %d, %v", len(groups), err)
	}
}

func TestSandboxOAuth(t *testing.T) {
	for _, tc := range []struct {
		name string
		dpop bool
		ec   bool
		p384 bool // an ES384 assertion, verified by the sandbox
	}{
		{"RSA", false, false, false},
		{"EC", false, true, false},
		{"EC P-384", false, false, true},
		{"RSA+DPoP", true, false, false},
		{"EC+DPoP", true, true, false},
		{"EC P-384+DPoP", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSandboxEnv(t, sandbox.Options{})
			e.sb.SetDPoPRequired(tc.dpop)
			cfg := Config{ClientID: e.sb.ClientID(), PrivateKey: e.sb.PrivateKeyPEM(), PrivateKeyID: e.sb.PrivateKeyID()}
			if tc.ec {
				cfg.PrivateKey, cfg.PrivateKeyID = e.sb.ECPrivateKeyPEM(), e.sb.ECPrivateKeyID()
			}
			if tc.p384 {
				cfg.PrivateKey, cfg.PrivateKeyID = e.sb.P384PrivateKeyPEM(), e.sb.P384PrivateKeyID()
			}
			c := e.client(t, cfg)
			ctx := context.Background()
			// The token response's scope is what the client reports granted.
			if granted, ok, err := c.GrantedScopes(ctx); err != nil || !ok || strings.Join(granted, " ") != strings.Join(DefaultScopes, " ") {
				t.Fatalf("granted scopes %v (%v, %v), want %v", granted, ok, err, DefaultScopes)
			}
			for i := 0; i < 3; i++ {
				if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
					t.Fatal(err)
				}
				if _, err := c.ListGroups(ctx, ListGroupsOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			alice, err := c.GetUser(ctx, "alice@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.AssignUserToApp(ctx, e.sb.AppID(), AppUserAssignRequest{ID: alice.ID}); err != nil {
				t.Fatal(err)
			}
			tokenCalls := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/oauth2/v1/token" })
			okTokens := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/oauth2/v1/token" && r.Status == 200 })
			wantCalls := 1
			if tc.dpop {
				wantCalls = 3 // missing proof, then nonce, then success
			}
			if tokenCalls != wantCalls || okTokens != 1 {
				t.Fatalf("token requests = %d (ok %d), want %d (ok 1)", tokenCalls, okTokens, wantCalls)
			}
		})
	}
}

func TestSandboxOAuthMissingScope(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	e.sb.SetGrantedScopes([]string{"okta.apps.read"})
	c := e.client(t, Config{ClientID: e.sb.ClientID(), PrivateKey: e.sb.PrivateKeyPEM(), PrivateKeyID: e.sb.PrivateKeyID(), Scopes: []string{"okta.apps.read"}})
	ctx := context.Background()
	if _, err := c.GetApplication(ctx, e.sb.AppID()); err != nil {
		t.Fatal(err)
	}
	alice := e.sb.Users()[0]
	_, err := c.AssignUserToApp(ctx, e.sb.AppID(), AppUserAssignRequest{ID: alice.ID})
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.StatusCode != 403 || apiErr.RequiredScope != "okta.apps.manage" {
		t.Fatalf("err = %v (%+v)", err, apiErr)
	}
}

func TestSandboxRateLimit(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{AppsRateLimitPerMinute: 3, TokenSharePercent: 100})
	c := e.ssws(t)
	ctx := context.Background()
	appID := e.sb.AppID()
	for i := 0; i < 7; i++ {
		if _, err := c.GetApplication(ctx, appID); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	// Creates are retried after a 429 as well: Okta did not process them.
	alice := e.sb.Users()[0]
	if _, err := c.AssignUserToApp(ctx, appID, AppUserAssignRequest{ID: alice.ID}); err != nil {
		t.Fatal(err)
	}
	throttled := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Status == http.StatusTooManyRequests })
	if throttled != 2 || len(e.waits) != 2 {
		t.Fatalf("429s = %d, waits = %v", throttled, e.waits)
	}
	for _, w := range e.waits {
		// The window is 60 s from its first call and the clock only moves
		// when the client waits, so each wait is about a full window (Date
		// and Reset have one-second resolution) plus the 250 ms margin.
		if w < 60*time.Second || w > 62*time.Second {
			t.Fatalf("wait = %v", w)
		}
	}
	rem, limit, _, ok := c.RateLimitRemaining(BucketApps)
	if !ok || limit != 3 || rem < 0 || rem > 2 {
		t.Fatalf("RateLimitRemaining = %d/%d %v", rem, limit, ok)
	}
}

func TestSandboxFaultsOnReads(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Faults: sandbox.Faults{Seed: 7, Rate429: 0.15, Rate5xx: 0.15, RateReset: 0.1}})
	c := e.ssws(t)
	c.maxRetries = 10
	ctx := context.Background()
	for i := 0; i < 30; i++ {
		if _, err := c.ListGroups(ctx, ListGroupsOptions{}); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if _, err := c.ListAppUsers(ctx, e.sb.AppID(), ListAppUsersOptions{}); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	faults := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Fault != "" })
	if faults == 0 {
		t.Fatal("no faults were injected")
	}
}

func TestSandboxCreateNotRetriedOnReset(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{Faults: sandbox.Faults{Seed: 1, RateReset: 1}})
	c := e.ssws(t)
	alice := e.sb.Users()[0]
	_, err := c.AssignUserToApp(context.Background(), e.sb.AppID(), AppUserAssignRequest{ID: alice.ID})
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := e.sb.CountRequests(func(r sandbox.Request) bool { return r.Method == http.MethodPost }); n != 1 {
		t.Fatalf("POST attempts = %d, want 1", n)
	}
}

// An API token's and an outside access token's scopes are unknown.
func TestGrantedScopesUnknownWithoutOAuth(t *testing.T) {
	e := newSandboxEnv(t, sandbox.Options{})
	for _, cfg := range []Config{{APIToken: e.sb.APIToken()}, {AccessToken: e.sb.IssueAccessToken("okta.apps.read")}} {
		c := e.client(t, cfg)
		if scopes, ok, err := c.GrantedScopes(context.Background()); ok || err != nil || scopes != nil {
			t.Fatalf("%s: granted %v, %v, %v; want unknown", c.AuthMethod(), scopes, ok, err)
		}
		if _, err := c.GetApplication(context.Background(), e.sb.AppID()); err != nil {
			t.Fatalf("%s: %v", c.AuthMethod(), err)
		}
	}
}
