package statsig

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// newSandboxClient starts the emulator with users provisioned through the
// Okta app, and returns a client whose traffic is validated against the
// published SCIM and Console contracts.
func newSandboxClient(t *testing.T, fx *sandbox.Fixture, opts sandbox.Options) (*Client, *sandbox.Sandbox) {
	t.Helper()
	opts.Fixture = fx
	sb := sandbox.New(opts)
	t.Cleanup(sb.Close)
	c, err := NewClient(Config{
		BaseURL:       sb.StatsigURL(),
		SCIMToken:     sb.StatsigSCIMToken(),
		ConsoleAPIKey: sb.StatsigConsoleKey(),
		UserAgent:     "terraform-provider-statsigokta/test",
		HTTPClient:    contractClient(t, sb),
	})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c, sb
}

func fixtureWithAppUsers(n int) *sandbox.Fixture {
	fx := sandbox.GenerateFixture(n, 2)
	for i, u := range fx.Users {
		role := "Member"
		if i == 0 {
			role = "Admin"
		}
		fx.AppUsers = append(fx.AppUsers, sandbox.FixtureAppUser{Login: u.Login, OrgRole: role})
	}
	return fx
}

func TestSandboxSCIM(t *testing.T) {
	c, sb := newSandboxClient(t, fixtureWithAppUsers(250), sandbox.Options{})
	ctx := context.Background()

	users, err := c.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 250 {
		t.Fatalf("users = %d, want 250 over 3 pages", len(users))
	}
	pages := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/scim/Users" })
	if pages != 3 {
		t.Fatalf("SCIM pages = %d", pages)
	}

	u, err := c.FindUserByUserName(ctx, "user00000@example.com")
	if err != nil || u == nil {
		t.Fatalf("find: %+v %v", u, err)
	}
	if !u.Active || u.StatsigOrgRole != "Admin" || u.PrimaryEmail() != "user00000@example.com" {
		t.Fatalf("user = %+v", u)
	}
	byID, err := c.GetUser(ctx, u.ID)
	if err != nil || byID.UserName != u.UserName {
		t.Fatalf("get: %+v %v", byID, err)
	}
	none, err := c.FindUserByUserName(ctx, "nobody@example.com")
	if none != nil || err != nil {
		t.Fatalf("nobody: %+v %v", none, err)
	}
	if _, err := c.GetUser(ctx, "no-such-id"); !IsNotFound(err) {
		t.Fatalf("missing user: %v", err)
	}

	groups, err := c.ListGroups(ctx)
	if err != nil || len(groups) == 0 {
		t.Fatalf("groups: %d %v", len(groups), err)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.DisplayName)
	}
	if !strings.Contains(strings.Join(names, ","), "Statsig-") {
		t.Fatalf("group names = %v", names)
	}
	g, err := c.GetGroup(ctx, groups[0].ID)
	if err != nil || g.DisplayName != groups[0].DisplayName {
		t.Fatalf("group: %+v %v", g, err)
	}
}

func TestSandboxConsole(t *testing.T) {
	c, sb := newSandboxClient(t, fixtureWithAppUsers(5), sandbox.Options{})
	ctx := context.Background()

	co, err := c.GetCompany(ctx)
	if err != nil || co.CompanyName == "" {
		t.Fatalf("company: %+v %v", co, err)
	}
	roles, err := c.ListRoles(ctx)
	if err != nil || len(roles) == 0 {
		t.Fatalf("roles: %+v %v", roles, err)
	}
	users, err := c.ListConsoleUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		got, err := c.GetConsoleUser(ctx, u.Email)
		if err != nil || got == nil || got.Email != u.Email {
			t.Fatalf("GetConsoleUser(%s) = %+v %v", u.Email, got, err)
		}
	}
	missing, err := c.GetConsoleUser(ctx, "nobody@example.com")
	if missing != nil || err != nil {
		t.Fatalf("missing console user: %+v %v", missing, err)
	}
	for _, r := range sb.Requests() {
		if r.Service == "statsig" && r.Status == http.StatusUnauthorized {
			t.Fatalf("unauthorized request %+v", r)
		}
	}
}

func TestSandboxStatsigFaults(t *testing.T) {
	c, sb := newSandboxClient(t, fixtureWithAppUsers(120), sandbox.Options{Faults: sandbox.Faults{Seed: 3, Rate429: 0.2, Rate5xx: 0.2, RateReset: 0.1}})
	c.maxRetries = 10
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if _, err := c.ListUsers(ctx); err != nil {
			t.Fatalf("ListUsers %d: %v", i, err)
		}
		if _, err := c.ListConsoleUsers(ctx); err != nil {
			t.Fatalf("ListConsoleUsers %d: %v", i, err)
		}
	}
	if n := sb.CountRequests(func(r sandbox.Request) bool { return r.Fault != "" }); n == 0 {
		t.Fatal("no faults injected")
	}
}

func TestSandboxBadCredentials(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	defer sb.Close()
	c, err := NewClient(Config{BaseURL: sb.StatsigURL(), SCIMToken: "scim-wrong", ConsoleAPIKey: "console-wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListUsers(context.Background())
	if !IsUnauthorized(err) || strings.Contains(err.Error(), "scim-wrong") {
		t.Fatalf("scim err = %v", err)
	}
	_, err = c.GetCompany(context.Background())
	if !IsUnauthorized(err) || strings.Contains(err.Error(), "console-wrong") {
		t.Fatalf("console err = %v", err)
	}
}
