package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestListAppUsersFollowsLinkAcrossPages(t *testing.T) {
	var srvURL string
	var calls atomic.Int32
	c, srv, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if got := r.Header.Get("Authorization"); got != "SSWS "+testToken {
			t.Errorf("Authorization = %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != "test-agent/1.0" {
			t.Errorf("User-Agent = %q", got)
		}
		if r.URL.Path != "/api/v1/apps/0oaAPP/users" {
			t.Errorf("path = %s", r.URL.Path)
		}
		q := r.URL.Query()
		if q.Get("limit") != "500" || q.Get("expand") != "user" {
			t.Errorf("query = %s", r.URL.RawQuery)
		}
		self := fmt.Sprintf(`<%s%s>; rel="self"`, srvURL, r.URL.RequestURI())
		switch after := q.Get("after"); after {
		case "":
			// Two separate Link headers.
			w.Header().Add("Link", self)
			w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/apps/0oaAPP/users?after=00u2&limit=500&expand=user>; rel="next"`, srvURL))
			writeJSON(w, 200, []map[string]any{{"id": "00u1"}, {"id": "00u2"}})
		case "00u2":
			// One comma-joined Link header; the next link comes first.
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v1/apps/0oaAPP/users?after=00u4&limit=500&expand=user>; rel="next", %s`, srvURL, self))
			writeJSON(w, 200, []map[string]any{{"id": "00u3"}, {"id": "00u4"}})
		case "00u4":
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v1/apps/0oaAPP/users?after=00u5&limit=500&expand=user>; rel="next"`, srvURL))
			writeJSON(w, 200, []map[string]any{{"id": "00u5", "_embedded": map[string]any{"user": map[string]any{"id": "00u5", "profile": map[string]any{"login": "e@x.com"}}}}})
		case "00u5":
			w.Header().Set("Link", self)
			writeJSON(w, 200, []map[string]any{})
		default:
			t.Errorf("unexpected after=%q", after)
		}
	})
	srvURL = srv.URL

	users, err := c.ListAppUsers(context.Background(), "0oaAPP", ListAppUsersOptions{ExpandUser: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	if got := strings.Join(ids, ","); got != "00u1,00u2,00u3,00u4,00u5" {
		t.Fatalf("ids = %s", got)
	}
	if users[4].Embedded == nil || users[4].Embedded.User.Profile.Login != "e@x.com" {
		t.Fatalf("embedded user not decoded: %+v", users[4])
	}
	if calls.Load() != 4 {
		t.Fatalf("calls = %d, want 4", calls.Load())
	}

	var pages []int
	err = c.ListAppUsersPages(context.Background(), "0oaAPP", ListAppUsersOptions{ExpandUser: true}, func(p []AppUser) error {
		pages = append(pages, len(p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pages) != "[2 2 1 0]" {
		t.Fatalf("pages = %v", pages)
	}

	stop := errors.New("stop")
	err = c.ListAppUsersPages(context.Background(), "0oaAPP", ListAppUsersOptions{ExpandUser: true}, func([]AppUser) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("callback error not returned: %v", err)
	}
}

func TestPaginationRefusesForeignHost(t *testing.T) {
	var foreignHit atomic.Bool
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignHit.Store(true)
		writeJSON(w, 200, []any{})
	}))
	defer foreign.Close()
	c, _, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", fmt.Sprintf(`<%s/api/v1/groups?after=x>; rel="next"`, foreign.URL))
		writeJSON(w, 200, []map[string]any{{"id": "00g1", "profile": map[string]any{"name": "a"}}})
	})
	_, err := c.ListGroups(context.Background(), ListGroupsOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing next page link") {
		t.Fatalf("err = %v", err)
	}
	if foreignHit.Load() {
		t.Fatal("client followed a link to another host")
	}
}

func TestPaginationLoopIsAnError(t *testing.T) {
	var srvURL string
	c, srv, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", fmt.Sprintf(`<%s/api/v1/groups?after=same>; rel="next"`, srvURL))
		writeJSON(w, 200, []any{})
	})
	srvURL = srv.URL
	if _, err := c.ListGroups(context.Background(), ListGroupsOptions{Q: "x"}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("err = %v", err)
	}
}

func TestPageSizesAndQueries(t *testing.T) {
	seen := map[string]string{}
	c, _, _ := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen[r.Method+" "+r.URL.EscapedPath()] = r.URL.RawQuery
		switch {
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case strings.HasSuffix(r.URL.Path, "/users") || strings.HasSuffix(r.URL.Path, "/groups") || strings.HasSuffix(r.URL.Path, "/mappings"):
			writeJSON(w, 200, []any{})
		default:
			writeJSON(w, 200, map[string]any{"id": "x"})
		}
	})
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.ListAppGroups(ctx, "0oa1", ListAppGroupsOptions{ExpandGroup: true})
	must(err)
	_, err = c.ListGroupPushMappings(ctx, "0oa1", ListGroupPushMappingsOptions{SourceGroupID: "00g1", Status: "ACTIVE"})
	must(err)
	search := `type eq "APP_GROUP" and source.id eq ` + SearchQuote("0oa1")
	_, err = c.ListGroups(ctx, ListGroupsOptions{Search: search, ExpandStats: true})
	must(err)
	_, err = c.ListGroupMembers(ctx, "00g1")
	must(err)
	_, err = c.GetUser(ctx, "a/b@example.com")
	must(err)
	must(c.DeleteGroupPushMapping(ctx, "0oa1", "gPm1", false))
	must(c.UnassignUserFromApp(ctx, "0oa1", "00u1", false))

	want := map[string]string{
		"GET /api/v1/apps/0oa1/groups":                      "expand=group&limit=200",
		"GET /api/v1/apps/0oa1/group-push/mappings":         "limit=1000&sourceGroupId=00g1&status=ACTIVE",
		"GET /api/v1/groups":                                "expand=stats&limit=200&search=type+eq+%22APP_GROUP%22+and+source.id+eq+%220oa1%22",
		"GET /api/v1/groups/00g1/users":                     "limit=200",
		"GET /api/v1/users/a%2Fb@example.com":               "",
		"DELETE /api/v1/apps/0oa1/group-push/mappings/gPm1": "deleteTargetGroup=false",
		"DELETE /api/v1/apps/0oa1/users/00u1":               "sendEmail=false",
	}
	for k, v := range want {
		if got, ok := seen[k]; !ok || got != v {
			t.Errorf("%s: query %q (seen=%v), want %q", k, got, ok, v)
		}
	}
	if _, err := c.GetAppUser(ctx, "", "00u1"); err == nil {
		t.Error("empty app id accepted")
	}
}

func TestSearchQuote(t *testing.T) {
	if got := SearchQuote(`Statsig-A "B" \ C`); got != `"Statsig-A \"B\" \\ C"` {
		t.Fatalf("got %s", got)
	}
}

func TestRateLimitWaitsUntilReset(t *testing.T) {
	var calls atomic.Int32
	serverNow := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c, _, w := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		rw.Header().Set("Date", serverNow.Format(http.TimeFormat))
		rw.Header().Set("X-Rate-Limit-Limit", "100")
		if n == 1 {
			rw.Header().Set("X-Rate-Limit-Remaining", "0")
			rw.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(serverNow.Add(12*time.Second).Unix(), 10))
			oktaError(rw, 429, ErrCodeRateLimit, "API call exceeded rate limit due to too many requests.")
			return
		}
		rw.Header().Set("X-Rate-Limit-Remaining", "99")
		rw.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(serverNow.Add(60*time.Second).Unix(), 10))
		writeJSON(rw, 200, map[string]any{"id": "0oa1", "features": []string{"GROUP_PUSH"}})
	})
	// The local clock is far off; the wait must come from the Date header.
	c.now = func() time.Time { return serverNow.Add(-time.Hour) }

	app, err := c.GetApplication(context.Background(), "0oa1")
	if err != nil {
		t.Fatal(err)
	}
	if !app.HasFeature("GROUP_PUSH") {
		t.Fatal("features not decoded")
	}
	if got := w.all(); len(got) != 1 || got[0] != 12*time.Second+250*time.Millisecond {
		t.Fatalf("waits = %v, want [12.25s]", got)
	}
	rem, limit, reset, ok := c.RateLimitRemaining(BucketApps)
	if !ok || rem != 99 || limit != 100 || !reset.Equal(serverNow.Add(60*time.Second)) {
		t.Fatalf("RateLimitRemaining = %d %d %v %v", rem, limit, reset, ok)
	}
	if _, _, _, ok := c.RateLimitRemaining(BucketGroups); ok {
		t.Fatal("groups bucket should be unknown")
	}
}

func TestRateLimitIsRetriedForCreatesAndCapped(t *testing.T) {
	var calls atomic.Int32
	c, _, w := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		rw.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		oktaError(rw, 429, ErrCodeRateLimit, "API call exceeded rate limit due to too many requests.")
	})
	c.maxRetries = 2
	_, err := c.AssignUserToApp(context.Background(), "0oa1", AppUserAssignRequest{ID: "00u1"})
	if !IsRateLimited(err) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 3 (429 is safe to retry even for POST)", calls.Load())
	}
	for _, d := range w.all() {
		if d != DefaultMaxRateLimitWait {
			t.Fatalf("wait %v not capped at %v", d, DefaultMaxRateLimitWait)
		}
	}
	apiErr, _ := AsAPIError(err)
	if apiErr.RetryAfter != DefaultMaxRateLimitWait {
		t.Fatalf("RetryAfter = %v", apiErr.RetryAfter)
	}
}

func TestServerErrorsRetryOnlyIdempotentCalls(t *testing.T) {
	var calls atomic.Int32
	c, _, w := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		oktaError(rw, 500, "E0000009", "Internal Server Error")
	})
	ctx := context.Background()

	calls.Store(0)
	if _, err := c.AssignUserToApp(ctx, "0oa1", AppUserAssignRequest{ID: "00u1"}); err == nil {
		t.Fatal("no error")
	}
	if calls.Load() != 1 {
		t.Fatalf("AssignUserToApp attempts = %d, want 1", calls.Load())
	}

	calls.Store(0)
	if _, err := c.CreateGroupPushMapping(ctx, "0oa1", CreateGroupPushMappingRequest{SourceGroupID: "00g1", TargetGroupID: "00g2"}); err == nil {
		t.Fatal("no error")
	}
	if calls.Load() != 1 {
		t.Fatalf("CreateGroupPushMapping attempts = %d, want 1", calls.Load())
	}

	calls.Store(0)
	_, err := c.GetAppUser(ctx, "0oa1", "00u1")
	if e, ok := AsAPIError(err); !ok || e.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != int32(DefaultMaxRetries+1) {
		t.Fatalf("GetAppUser attempts = %d, want %d", calls.Load(), DefaultMaxRetries+1)
	}
	// Exponential backoff from 1s, capped at 30s, no jitter in tests.
	if got := fmt.Sprint(w.all()); got != "[1s 2s 4s 8s 16s]" {
		t.Fatalf("backoff waits = %s", got)
	}

	for name, call := range map[string]func() error{
		"UpdateAppUserProfile": func() error { _, err := c.UpdateAppUserProfile(ctx, "0oa1", "00u1", nil); return err },
		"AssignGroupToApp":     func() error { _, err := c.AssignGroupToApp(ctx, "0oa1", "00g1", AppGroupAssignRequest{}); return err },
		"UpdateStatus":         func() error { _, err := c.UpdateGroupPushMappingStatus(ctx, "0oa1", "gPm1", "INACTIVE"); return err },
		"Unassign":             func() error { return c.UnassignUserFromApp(ctx, "0oa1", "00u1", false) },
	} {
		calls.Store(0)
		if err := call(); err == nil {
			t.Fatalf("%s: no error", name)
		}
		if calls.Load() != int32(DefaultMaxRetries+1) {
			t.Errorf("%s attempts = %d, want retries", name, calls.Load())
		}
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	var calls atomic.Int32
	c, _, _ := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			rw.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(rw, "<html>bad gateway</html>")
			return
		}
		writeJSON(rw, 200, map[string]any{"id": "00g1", "type": "APP_GROUP", "source": map[string]any{"id": "0oa1"},
			"objectClass": []string{"okta:user_group"}, "profile": map[string]any{"name": "Statsig-P-Admin"},
			"_embedded": map[string]any{"stats": map[string]any{"usersCount": 3, "groupPushMappingsCount": 1}}})
	})
	g, err := c.GetGroup(context.Background(), "00g1")
	if err != nil {
		t.Fatal(err)
	}
	if g.Source == nil || g.Source.ID != "0oa1" || g.Embedded.Stats.UsersCount != 3 || g.Profile.Name != "Statsig-P-Admin" {
		t.Fatalf("group = %+v", g)
	}
}

func TestConnectionErrorsRetryOnlyIdempotentCalls(t *testing.T) {
	var calls atomic.Int32
	c, _, _ := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n%2 == 1 {
			// Drop the connection without answering.
			if hj, ok := rw.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
				}
			}
			return
		}
		writeJSON(rw, 200, map[string]any{"id": "00u1"})
	})
	if _, err := c.GetAppUser(context.Background(), "0oa1", "00u1"); err != nil {
		t.Fatalf("GET not retried after connection error: %v", err)
	}
	calls.Store(0)
	_, err := c.AssignUserToApp(context.Background(), "0oa1", AppUserAssignRequest{ID: "00u1"})
	if err == nil || calls.Load() != 1 {
		t.Fatalf("POST create: err=%v calls=%d, want one failed attempt", err, calls.Load())
	}
}

func TestRequestTimeoutPerAttempt(t *testing.T) {
	var calls atomic.Int32
	c, _, _ := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(rw, 200, map[string]any{"id": "00u1"})
	})
	c.requestTimeout = 100 * time.Millisecond
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatalf("timed-out attempt not retried: %v", err)
	}
}

func TestContextCancelledDuringRateLimitWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(time.Now().Add(60*time.Second).Unix(), 10))
		oktaError(rw, 429, ErrCodeRateLimit, "API call exceeded rate limit due to too many requests.")
	}))
	defer srv.Close()
	c, err := NewClient(Config{OrgURL: srv.URL, APIToken: testToken}) // real sleep
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.ListGroups(ctx, ListGroupsOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "E0000047") {
		t.Errorf("error should mention the rate limit it was waiting for: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("wait did not honor ctx")
	}
}

func TestTypedErrors(t *testing.T) {
	c, _, _ := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/apps/0oa1/users":
			rw.Header().Set("WWW-Authenticate", `Bearer authorization_uri="http://x/oauth2/v1/authorize", realm="IdpMyAccountAPI", scope="okta.apps.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`)
			oktaError(rw, 403, ErrCodeAccessDenied, "You do not have permission to perform the requested action")
		case "/api/v1/apps/0oa1/users/00u1":
			writeJSON(rw, 403, map[string]any{
				"errorCode": ErrCodeDeactivateForbidden, "errorSummary": "Deactivate application for user forbidden.",
				"errorId": "oaeX", "errorCauses": []any{map[string]any{"errorSummary": "The application cannot be unassigned from the user while their group memberships grant them access."}},
			})
		default:
			oktaError(rw, 404, ErrCodeNotFound, "Not found: Resource not found: 00gX (UserGroup)")
		}
	})
	ctx := context.Background()

	_, err := c.AssignUserToApp(ctx, "0oa1", AppUserAssignRequest{ID: "00u1"})
	want := "okta: POST /api/v1/apps/0oa1/users: 403 E0000006 You do not have permission to perform the requested action (missing OAuth scope okta.apps.manage) [errorId oaeTEST123]"
	if err == nil || err.Error() != want {
		t.Fatalf("error =\n%v\nwant\n%s", err, want)
	}
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.RequiredScope != "okta.apps.manage" || !IsForbidden(err) || IsNotFound(err) {
		t.Fatalf("typed error = %+v", apiErr)
	}

	err = c.UnassignUserFromApp(ctx, "0oa1", "00u1", false)
	if !HasErrorCode(err, ErrCodeDeactivateForbidden) || !strings.Contains(err.Error(), "group memberships grant them access") {
		t.Fatalf("E0000046 = %v", err)
	}

	_, err = c.GetGroup(ctx, "00gX")
	if !IsNotFound(err) || !HasErrorCode(fmt.Errorf("wrapped: %w", err), ErrCodeNotFound) {
		t.Fatalf("not found = %v", err)
	}
	if _, ok := AsAPIError(errors.New("plain")); ok {
		t.Fatal("AsAPIError on a plain error")
	}
}

func TestRequestBodies(t *testing.T) {
	bodies := map[string]map[string]any{}
	c, _, _ := newTestServer(t, func(rw http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		var b map[string]any
		_ = json.NewDecoder(r.Body).Decode(&b)
		bodies[r.Method+" "+r.URL.Path] = b
		status := 200
		if strings.HasSuffix(r.URL.Path, "/mappings") {
			status = 201
		}
		writeJSON(rw, status, map[string]any{"id": "x", "status": "ACTIVE"})
	})
	ctx := context.Background()
	prio := 0
	_, _ = c.AssignUserToApp(ctx, "0oa1", AppUserAssignRequest{ID: "00u1", Scope: "USER", Credentials: &AppUserCredentials{UserName: "a@b.c"}})
	_, _ = c.UpdateAppUserProfile(ctx, "0oa1", "00u1", map[string]any{"statsigOrgRole": "Admin"})
	_, _ = c.AssignGroupToApp(ctx, "0oa1", "00g1", AppGroupAssignRequest{Priority: &prio})
	m, err := c.CreateGroupPushMapping(ctx, "0oa1", CreateGroupPushMappingRequest{SourceGroupID: "00g1", TargetGroupID: "00g2", Status: "ACTIVE"})
	if err != nil || m.ID != "x" {
		t.Fatalf("create mapping: %v %+v", err, m)
	}
	_, _ = c.UpdateGroupPushMappingStatus(ctx, "0oa1", "gPm1", GroupPushStatusInactive)

	check := func(key, want string) {
		t.Helper()
		got, _ := json.Marshal(bodies[key])
		if string(got) != want {
			t.Errorf("%s body = %s, want %s", key, got, want)
		}
	}
	check("POST /api/v1/apps/0oa1/users", `{"credentials":{"userName":"a@b.c"},"id":"00u1","scope":"USER"}`)
	check("POST /api/v1/apps/0oa1/users/00u1", `{"profile":{"statsigOrgRole":"Admin"}}`)
	check("PUT /api/v1/apps/0oa1/groups/00g1", `{"priority":0}`)
	check("POST /api/v1/apps/0oa1/group-push/mappings", `{"sourceGroupId":"00g1","status":"ACTIVE","targetGroupId":"00g2"}`)
	check("PATCH /api/v1/apps/0oa1/group-push/mappings/gPm1", `{"status":"INACTIVE"}`)
}

func TestParseLinkHeader(t *testing.T) {
	links := parseLinkHeader([]string{
		`<https://a.okta.com/api/v1/users?after=1,2&limit=2>; rel="self", <https://a.okta.com/api/v1/users?after=3>; rel="next"`,
		`<https://a.okta.com/x>; title="a, b"; rel="prev next"`,
	})
	if len(links) != 3 {
		t.Fatalf("links = %+v", links)
	}
	if links[0].url != "https://a.okta.com/api/v1/users?after=1,2&limit=2" || !links[0].hasRel("self") {
		t.Errorf("link 0 = %+v", links[0])
	}
	if !links[1].hasRel("next") || links[1].url != "https://a.okta.com/api/v1/users?after=3" {
		t.Errorf("link 1 = %+v", links[1])
	}
	if !links[2].hasRel("next") || !links[2].hasRel("prev") {
		t.Errorf("link 2 = %+v", links[2])
	}
}

func TestBucketFor(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/apps/0oa1/group-push/mappings": BucketApps,
		"/api/v1/apps":                          BucketApps,
		"/api/v1/groups":                        BucketGroups,
		"/api/v1/groups/00g1/users":             BucketGroups,
		"/api/v1/users/00u1":                    BucketUsers,
		"/api/v1/logs":                          BucketOther,
		"/oauth2/v1/token":                      BucketOther,
	} {
		if got := bucketFor(path); got != want {
			t.Errorf("bucketFor(%s) = %s, want %s", path, got, want)
		}
	}
}

func TestParseWWWAuthenticate(t *testing.T) {
	p := parseWWWAuthenticate([]string{`DPoP algs="ES256 RS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof."`})
	if p["error"] != "use_dpop_nonce" || p["algs"] != "ES256 RS256" {
		t.Fatalf("params = %v", p)
	}
	p = parseWWWAuthenticate([]string{`Bearer realm="a\"b", scope=okta.users.read`})
	if p["realm"] != `a"b` || p["scope"] != "okta.users.read" {
		t.Fatalf("params = %v", p)
	}
}
