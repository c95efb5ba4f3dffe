package statsig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

const (
	scimToken  = "scim-SECRETTOKEN123"
	consoleKey = "console-SECRETKEY456"
)

func newTest(t *testing.T, h http.HandlerFunc) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{BaseURL: srv.URL, SCIMToken: scimToken, ConsoleAPIKey: consoleKey, UserAgent: "ua/1"})
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	return c, &waits
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func checkSCIMAuth(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Header.Get("Authorization") != "Bearer "+scimToken || r.Header.Get("STATSIG-API-KEY") != "" {
		t.Errorf("SCIM auth headers wrong")
	}
	if r.Header.Get("User-Agent") != "ua/1" {
		t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
	}
}

func checkConsoleAuth(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Header.Get("STATSIG-API-KEY") != consoleKey || r.Header.Get("STATSIG-API-VERSION") != "20240601" || r.Header.Get("Authorization") != "" {
		t.Errorf("Console auth headers wrong")
	}
}

func TestSCIMUsersPagingAndFilter(t *testing.T) {
	const total = 230
	c, _ := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		checkSCIMAuth(t, r)
		q := r.URL.Query()
		if f := q.Get("filter"); f != "" {
			if f != `userName eq "a\"b@x.com"` {
				t.Errorf("filter = %q", f)
			}
			writeJSON(w, 200, map[string]any{"totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": []any{
				map[string]any{"id": "u-q", "userName": `A"B@x.com`, "active": true,
					"urn:ietf:params:scim:schemas:core:2.0:User": map[string]any{"statsigOrgRole": "Admin"}},
			}})
			return
		}
		start, _ := strconv.Atoi(q.Get("startIndex"))
		count, _ := strconv.Atoi(q.Get("count"))
		if count != 100 {
			t.Errorf("count = %d", count)
		}
		var res []any
		for i := start; i < start+count && i <= total; i++ {
			res = append(res, map[string]any{"id": fmt.Sprint("u", i), "userName": fmt.Sprint("u", i, "@x.com"), "active": i%2 == 0,
				"name": map[string]any{"givenName": "G", "familyName": "F"}, "emails": []any{map[string]any{"value": "e@x.com", "primary": true}},
				"statsigOrgRole": "Member", "groups": []any{map[string]any{"value": "g1", "display": "Statsig-P-Admin"}}})
		}
		writeJSON(w, 200, map[string]any{"totalResults": total, "startIndex": start, "itemsPerPage": len(res), "Resources": res})
	})
	users, err := c.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != total || users[229].ID != "u230" || users[0].PrimaryEmail() != "e@x.com" || users[0].Groups[0].Display != "Statsig-P-Admin" || users[0].StatsigOrgRole != "Member" {
		t.Fatalf("users = %d %+v", len(users), users[0])
	}
	u, err := c.FindUserByUserName(context.Background(), `a"b@x.com`)
	if err != nil || u == nil || u.ID != "u-q" || u.StatsigOrgRole != "Admin" {
		t.Fatalf("find = %+v %v", u, err)
	}
}

func TestFindUserNone(t *testing.T) {
	c, _ := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"totalResults": 0, "Resources": []any{}})
	})
	u, err := c.FindUserByUserName(context.Background(), "nobody@x.com")
	if u != nil || err != nil {
		t.Fatalf("got %+v %v", u, err)
	}
}

func TestSCIMGroups(t *testing.T) {
	c, _ := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		checkSCIMAuth(t, r)
		switch r.URL.Path {
		case "/scim/Groups":
			writeJSON(w, 200, map[string]any{"totalResults": 1, "Resources": []any{map[string]any{"id": "Statsig-1-2", "displayName": "Statsig-P-Admin"}}})
		case "/scim/Groups/Statsig-1-2":
			writeJSON(w, 200, map[string]any{"id": "Statsig-1-2", "displayName": "Statsig-P-Admin", "members": []any{map[string]any{"value": "u1", "display": "a@x.com"}}})
		case "/scim/Users/u1":
			writeJSON(w, 200, map[string]any{"id": "u1", "userName": "a@x.com"})
		default:
			writeJSON(w, 404, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"}, "detail": "Resource not found", "status": "404"})
		}
	})
	ctx := context.Background()
	gs, err := c.ListGroups(ctx)
	if err != nil || len(gs) != 1 {
		t.Fatal(gs, err)
	}
	g, err := c.GetGroup(ctx, "Statsig-1-2")
	if err != nil || g.Members[0].Value != "u1" {
		t.Fatal(g, err)
	}
	if u, err := c.GetUser(ctx, "u1"); err != nil || u.UserName != "a@x.com" {
		t.Fatal(u, err)
	}
	_, err = c.GetUser(ctx, "missing")
	if !IsNotFound(err) || err.Error() != "statsig: GET /scim/Users/missing: 404 Resource not found" {
		t.Fatalf("err = %v", err)
	}
}

func TestConsole(t *testing.T) {
	c, _ := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		checkConsoleAuth(t, r)
		switch r.URL.Path {
		case "/console/v1/users":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			if r.URL.Query().Get("limit") != "100" {
				t.Errorf("limit = %s", r.URL.Query().Get("limit"))
			}
			var next any
			if page < 3 {
				next = fmt.Sprintf("/console/v1/users?page=%d&limit=100", page+1)
			}
			writeJSON(w, 200, map[string]any{"message": "ok", "data": []any{map[string]any{"email": fmt.Sprint("p", page, "@x.com"), "firstName": "a", "lastName": "b", "role": "admin"}},
				"pagination": map[string]any{"itemsPerPage": 100, "pageNumber": page, "nextPage": next, "previousPage": nil, "totalItems": 3}})
		case "/console/v1/users/a@x.com":
			writeJSON(w, 200, map[string]any{"message": "ok", "data": map[string]any{"email": "a@x.com", "role": "Member"}})
		case "/console/v1/company":
			writeJSON(w, 200, map[string]any{"message": "ok", "data": map[string]any{"companyID": "c1", "companyName": "Proj", "isWarehouseNative": false, "orgID": nil, "orgName": "Org"}})
		case "/console/v1/roles":
			writeJSON(w, 200, map[string]any{"message": "ok", "data": []any{map[string]any{"name": "Custom Role", "permissions": map[string]any{}}},
				"pagination": map[string]any{"itemsPerPage": 100, "pageNumber": 1, "nextPage": nil, "previousPage": nil}})
		default:
			writeJSON(w, 404, map[string]any{"status": 404, "message": "User not found"})
		}
	})
	ctx := context.Background()
	users, err := c.ListConsoleUsers(ctx)
	if err != nil || len(users) != 3 || users[2].Email != "p3@x.com" {
		t.Fatal(users, err)
	}
	u, err := c.GetConsoleUser(ctx, "a@x.com")
	if err != nil || u.Role != "Member" {
		t.Fatal(u, err)
	}
	u, err = c.GetConsoleUser(ctx, "gone@x.com")
	if err != nil || u != nil {
		t.Fatal(u, err)
	}
	co, err := c.GetCompany(ctx)
	if err != nil || co.CompanyName != "Proj" || co.OrgID != "" || co.OrgName != "Org" {
		t.Fatal(co, err)
	}
	roles, err := c.ListRoles(ctx)
	if err != nil || len(roles) != 1 || roles[0].ID != "Custom Role" {
		t.Fatal(roles, err)
	}
}

func TestRetriesAndRedaction(t *testing.T) {
	var calls atomic.Int32
	c, waits := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "7")
			writeJSON(w, 429, map[string]any{"status": 429, "message": "Too many requests"})
		case 2:
			w.WriteHeader(502)
		default:
			writeJSON(w, 401, map[string]any{"status": 401, "message": "This endpoint only accepts an active CONSOLE key, but " + consoleKey + " was sent"})
		}
	})
	_, err := c.GetCompany(context.Background())
	if !IsUnauthorized(err) || calls.Load() != 3 {
		t.Fatalf("err = %v calls = %d", err, calls.Load())
	}
	if strings.Contains(err.Error(), consoleKey) || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("key not redacted: %v", err)
	}
	if len(*waits) != 2 || (*waits)[0] != 7*time.Second {
		t.Fatalf("waits = %v", *waits)
	}
}

func TestRetryGivesUpAndHonoursContext(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTest(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 500, map[string]any{"message": "boom"})
	})
	_, err := c.ListUsers(context.Background())
	if e, ok := AsAPIError(err); !ok || e.StatusCode != 500 || calls.Load() != DefaultMaxRetries+1 {
		t.Fatalf("err = %v calls = %d", err, calls.Load())
	}

	c.sleep = apiclient.Sleep
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.ListUsers(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestConfig(t *testing.T) {
	c, err := NewClient(Config{SCIMToken: "Bearer scim-x"})
	if err != nil || c.baseURL.String() != DefaultBaseURL || !c.HasSCIM() || c.HasConsole() || c.scimToken != "scim-x" {
		t.Fatalf("%+v %v", c, err)
	}
	if c, _ := NewClient(Config{BaseURL: "https://statsigapi.net/scim/"}); c.baseURL.String() != DefaultBaseURL {
		t.Fatalf("base = %s", c.baseURL)
	}
	for _, tc := range []struct {
		cfg   Config
		field string
	}{
		{Config{BaseURL: "http://statsigapi.net"}, "statsig_base_url"},
		{Config{BaseURL: "statsigapi.net"}, "statsig_base_url"},
		{Config{SCIMToken: "a b"}, "statsig_scim_token"},
		{Config{ConsoleAPIKey: "a\nb"}, "statsig_console_api_key"},
	} {
		_, err := NewClient(tc.cfg)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%+v: err = %v", tc.cfg, err)
		}
	}
	c, _ = NewClient(Config{BaseURL: "http://127.0.0.1:1"})
	if _, err := c.ListUsers(context.Background()); err == nil || !strings.Contains(err.Error(), "no SCIM token") {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.GetCompany(context.Background()); err == nil || !strings.Contains(err.Error(), "no Console API key") {
		t.Fatalf("err = %v", err)
	}
}
