package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	userIDRe  = regexp.MustCompile(`^00u[A-Za-z0-9]{17}$`)
	groupIDRe = regexp.MustCompile(`^00g[A-Za-z0-9]{17}$`)
	appIDRe   = regexp.MustCompile(`^0oa[A-Za-z0-9]{17}$`)
)

func TestFixtures(t *testing.T) {
	for name, f := range map[string]*Fixture{"default": DefaultFixture(), "demo": DemoFixture(), "generated": GenerateFixture(300, 12)} {
		t.Run(name, func(t *testing.T) {
			sb := New(Options{Fixture: f})
			defer sb.Close()
			if !appIDRe.MatchString(sb.AppID()) {
				t.Fatalf("app id %q", sb.AppID())
			}
			if len(sb.Users()) != len(f.Users) {
				t.Fatalf("users %d", len(sb.Users()))
			}
			appGroups := 0
			for _, g := range sb.Groups() {
				if !groupIDRe.MatchString(g.ID) {
					t.Fatalf("group id %q", g.ID)
				}
				if g.Type == "APP_GROUP" {
					appGroups++
					if g.SourceAppID != sb.AppID() || !strings.HasPrefix(g.Name, "Statsig-") {
						t.Fatalf("app group %+v", g)
					}
				}
			}
			if appGroups == 0 || len(sb.StatsigGroups()) != appGroups {
				t.Fatalf("app groups %d, statsig groups %d", appGroups, len(sb.StatsigGroups()))
			}
			for _, u := range sb.Users() {
				if !userIDRe.MatchString(u.ID) {
					t.Fatalf("user id %q", u.ID)
				}
			}
		})
	}
	// Deterministic ids.
	a, b := New(Options{}), New(Options{})
	defer a.Close()
	defer b.Close()
	if a.AppID() != b.AppID() || a.Users()[0].ID != b.Users()[0].ID {
		t.Fatal("fixture ids are not deterministic")
	}
}

func TestFixturePreassignedAndJSON(t *testing.T) {
	f := DefaultFixture()
	f.AppUsers = []FixtureAppUser{{Login: "alice@example.com", OrgRole: "Admin"}, {Login: "heidi@example.com", Status: "IMPORTED"}}
	f.AppGroups = []FixtureAppGroup{{GroupName: "Product", Priority: 1}}
	f.PushMappings = []FixturePushMapping{{SourceGroupName: "Product", TargetGroupName: "Statsig-Web-App Platform-Member"}}
	path := filepath.Join(t.TempDir(), "fx.json")
	data, _ := json.Marshal(f)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadFixture(path)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{Fixture: loaded})
	if su, ok := e.sb.StatsigUser("alice@example.com"); !ok || !su.Active || su.OrgRole != "Admin" {
		t.Fatalf("alice %+v", su)
	}
	if au, _ := e.sb.AppUser(e.user("heidi@example.com").ID); au.Status != "IMPORTED" || au.ExternalID == "" {
		t.Fatalf("heidi %+v", au)
	}
	if su, _ := e.sb.StatsigUser("dave@example.com"); su.ProjectRoles["Web-App Platform"] != "Member" {
		t.Fatalf("dave %+v", su)
	}
	if pm := e.sb.PushMappings(); len(pm) != 1 || pm[0].Status != "ACTIVE" || pm[0].LastPush.IsZero() {
		t.Fatalf("mappings %+v", pm)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"users":[{"login":"a@x"}],"bogus":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFixture(bad); err == nil {
		t.Fatal("unknown field accepted")
	}
}

func TestStatePersistence(t *testing.T) {
	e := newEnv(t, Options{})
	alice := e.user("alice@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID})
	path := filepath.Join(t.TempDir(), "state.json")
	if err := e.sb.SaveState(path); err != nil {
		t.Fatal(err)
	}
	other := New(Options{})
	defer other.Close()
	if err := other.LoadState(path); err != nil {
		t.Fatal(err)
	}
	if other.APIToken() != e.sb.APIToken() || other.AppID() != e.sb.AppID() {
		t.Fatal("credentials/app not restored")
	}
	if _, ok := other.AppUser(alice.ID); !ok {
		t.Fatal("app user not restored")
	}
	r := e.do("GET", other.OktaURL()+"/api/v1/apps/"+other.AppID()+"/users/"+alice.ID, nil, map[string]string{"Authorization": "SSWS " + other.APIToken()})
	wantStatus(t, r, 200)
	// Admin endpoints.
	r = e.do("GET", other.StatsigURL()+"/_sandbox/statsig-users", nil, nil)
	var users []StatsigUser
	r.json(t, &users)
	if len(users) != 1 || users[0].UserName != alice.Login {
		t.Fatalf("admin users %s", r.body)
	}
	r = e.do("GET", other.StatsigURL()+"/_sandbox/info", nil, nil)
	if r.obj(t)["appId"] != other.AppID() {
		t.Fatalf("info %s", r.body)
	}
}

func TestValidatorRejectsBadResponses(t *testing.T) {
	v, err := NewContractValidator(SpecPath(OktaSpec))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "http://127.0.0.1:1/api/v1/apps/0oa1/users/00u1", nil)
	req.Header.Set("Authorization", "SSWS x")
	if err := v.ValidateResponse(req, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"id":"00u1","status":"NOPE"}`)); err == nil {
		t.Fatal("bad status enum accepted")
	}
	if err := v.ValidateResponse(req, 404, http.Header{"Content-Type": {"application/json"}}, []byte(`{"errorCode":7}`)); err == nil {
		t.Fatal("bad error body accepted")
	}
	if err := v.ValidateResponse(req, 418, http.Header{"Content-Type": {"application/json"}}, []byte(`{"errorCode":"E0000001"}`)); err != nil {
		t.Fatalf("undocumented error status with Error body: %v", err)
	}
	sv, _ := NewContractValidator(SpecPath(StatsigSCIMSpec))
	sreq, _ := http.NewRequestWithContext(t.Context(), "GET", "http://127.0.0.1:1/scim/Users/abc", nil)
	if err := sv.ValidateResponse(sreq, 200, nil, []byte(`{"id":"abc","schemas":["`+scimUserSchema+`"]}`)); err == nil {
		t.Fatal("SCIM user without userName accepted")
	}
	if _, err := NewContractValidator("/nonexistent.yaml"); err == nil || errors.Is(err, ErrUndocumentedStatus) {
		t.Fatal("missing spec accepted")
	}
	t.Setenv("STATSIGOKTA_OPENAPI_DIR", "/x/y")
	if SpecPath("a.json") != "/x/y/a.json" {
		t.Fatal("env override ignored")
	}
}
