package sandbox

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type contractHarness struct {
	*env
	okta, scimV, consoleV *ContractValidator
	// seen holds every "METHOD /spec/path/template" a call exercised, per
	// validator; checkCoverage compares it with the spec's operations.
	seen map[*ContractValidator]map[string]bool
}

func newContractHarness(t *testing.T, opts Options) *contractHarness {
	t.Helper()
	e := newEnv(t, opts)
	load := func(name string) *ContractValidator {
		v, err := NewContractValidator(SpecPath(name))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return &contractHarness{env: e, okta: load(OktaSpec), scimV: load(StatsigSCIMSpec), consoleV: load(StatsigConsoleSpec), seen: map[*ContractValidator]map[string]bool{}}
}

// call sends a request and validates it against the contract. reqValid says
// whether the request itself is expected to conform (negative tests send
// non-conforming requests on purpose); the response must always conform.
func (h *contractHarness) call(v *ContractValidator, base, method, path string, body any, hdr map[string]string, reqValid bool, wantStatus int) resp {
	h.t.Helper()
	var raw []byte
	if body != nil {
		if s, ok := body.(string); ok {
			raw = []byte(s)
		} else {
			raw = mustJSON(body)
		}
	}
	req, err := http.NewRequestWithContext(h.t.Context(), method, base+path, bytes.NewReader(raw))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, val := range hdr {
		req.Header.Set(k, val)
	}
	rerr := v.ValidateRequest(req, raw)
	if reqValid && rerr != nil {
		h.t.Errorf("request should conform: %v", rerr)
	}
	if !reqValid && rerr == nil {
		h.t.Errorf("%s %s: request unexpectedly conforms to the spec", method, path)
	}
	if in, err := v.input(req, raw); err == nil {
		if h.seen[v] == nil {
			h.seen[v] = map[string]bool{}
		}
		h.seen[v][method+" "+in.Route.Path] = true
	}
	res, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != wantStatus {
		h.t.Errorf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, wantStatus, data)
	}
	if err := v.ValidateResponse(req, res.StatusCode, res.Header, data); err != nil {
		h.t.Errorf("response does not conform: %v\nbody: %s", err, data)
	}
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func (h *contractHarness) o(method, path string, body any, reqValid bool, status int) resp {
	h.t.Helper()
	return h.call(h.okta, h.sb.OktaURL(), method, path, body, map[string]string{"Authorization": h.auth}, reqValid, status)
}

// checkCoverage fails for every operation of v's spec that no call exercised,
// unless unused (may be nil) gives the reason the sandbox leaves it out.
func (h *contractHarness) checkCoverage(v *ContractValidator, unused func(op string) string) {
	h.t.Helper()
	for _, path := range v.doc.Paths.InMatchingOrder() {
		for method := range v.doc.Paths.Value(path).Operations() {
			op := method + " " + path
			why := ""
			if unused != nil {
				why = unused(op)
			}
			if !h.seen[v][op] && why == "" {
				h.t.Errorf("contract coverage: %s is in the spec but no call exercised it", op)
			}
			if h.seen[v][op] && why != "" {
				h.t.Errorf("contract coverage: %s is exercised but marked unused (%s)", op, why)
			}
		}
	}
}

// consoleServed is the part of the Console API the sandbox emulates: what the
// provider reads. The rest of the spec (writes, teams, custom roles) is not served.
var consoleServed = map[string]bool{
	"GET /console/v1/company": true, "GET /console/v1/project": true, "GET /console/v1/users": true,
	"GET /console/v1/users/{email}": true, "GET /console/v1/roles": true,
}

func (h *contractHarness) s(method, path string, body any, reqValid bool, status int) resp {
	h.t.Helper()
	return h.call(h.scimV, h.sb.StatsigURL(), method, path, body, map[string]string{"Authorization": "Bearer " + h.sb.StatsigSCIMToken()}, reqValid, status)
}

func (h *contractHarness) c(path string, key string, status int) resp {
	h.t.Helper()
	return h.call(h.consoleV, h.sb.StatsigURL(), "GET", path, nil, map[string]string{"STATSIG-API-KEY": key, "STATSIG-API-VERSION": "20240601"}, true, status)
}

func TestContractOkta(t *testing.T) {
	h := newContractHarness(t, Options{})
	app := h.appPath("")
	alice, bob, dave := h.user("alice@example.com"), h.user("heidi@example.com"), h.user("dave@example.com")
	eng, prod, admins := h.group("Engineering"), h.group("Product"), h.group("Checkout Admins")
	tgt := h.group("Statsig-Checkout-Admin")

	// Application.
	h.o("GET", app, nil, true, 200)
	h.o("GET", app+"?expand=user/"+alice.ID, nil, true, 200)
	h.o("GET", "/api/v1/apps/0oaNOPE", nil, true, 404)

	// App users.
	h.o("POST", app+"/users", map[string]any{"id": alice.ID, "scope": "USER", "credentials": map[string]any{"userName": alice.Login},
		"profile": map[string]any{"statsigOrgRole": "Admin"}}, true, 200)
	h.o("POST", app+"/users", map[string]any{"id": bob.ID}, true, 200)
	h.o("POST", app+"/users", map[string]any{"scope": "USER"}, false, 400) // id is required
	h.o("POST", app+"/users", map[string]any{"id": bob.ID, "profile": map[string]any{"statsigOrgRole": "King"}}, true, 400)
	h.o("POST", app+"/users", map[string]any{"id": "00uNOPE"}, true, 404)
	h.o("GET", app+"/users", nil, true, 200)
	h.o("GET", app+"/users?limit=1&expand=user&q=ali", nil, true, 200)
	r := h.o("GET", app+"/users?limit=1", nil, true, 200)
	if next := nextLink(r.header); next != "" {
		u, _ := url.Parse(next)
		h.o("GET", u.RequestURI(), nil, true, 200)
	} else {
		t.Error("no next link")
	}
	h.o("GET", app+"/users?limit=abc", nil, false, 400)
	h.o("GET", app+"/users/"+alice.ID+"?expand=user", nil, true, 200)
	h.o("GET", app+"/users/00uNOPE", nil, true, 404)
	h.o("POST", app+"/users/"+alice.ID, map[string]any{"profile": map[string]any{"statsigOrgRole": "Member"}}, true, 200)
	h.o("POST", app+"/users/"+alice.ID, map[string]any{"credentials": map[string]any{"userName": alice.Login}}, true, 200)
	h.o("POST", app+"/users/"+alice.ID, map[string]any{"profile": map[string]any{"statsigOrgRole": 7}}, true, 400)
	h.o("POST", app+"/users/00uNOPE", map[string]any{"profile": map[string]any{}}, true, 404)

	// App groups.
	h.o("PUT", app+"/groups/"+eng.ID, map[string]any{"priority": 0, "profile": map[string]any{}}, true, 200)
	h.o("PUT", app+"/groups/"+prod.ID, nil, true, 200)
	h.o("PUT", app+"/groups/00gNOPE", nil, true, 404)
	h.o("PUT", app+"/groups/"+prod.ID, map[string]any{"priority": -1}, true, 400)
	h.o("GET", app+"/groups", nil, true, 200)
	h.o("GET", app+"/groups?limit=20&expand=group&q=Eng", nil, true, 200)
	h.o("GET", app+"/groups/"+eng.ID, nil, true, 200)
	h.o("GET", app+"/groups/"+admins.ID, nil, true, 404)
	h.o("PATCH", app+"/groups/"+prod.ID, []map[string]any{{"op": "replace", "path": "/priority", "value": 3}}, true, 200)
	h.o("PATCH", app+"/groups/"+prod.ID, []map[string]any{{"op": "replace", "path": "/profile/statsigOrgRole", "value": "Member"}}, true, 200)
	h.o("PATCH", app+"/groups/"+prod.ID, []map[string]any{{"op": "replace", "path": "/nope", "value": 1}}, true, 400)
	h.o("PATCH", app+"/groups/"+admins.ID, []map[string]any{{"op": "replace", "path": "/priority", "value": 1}}, true, 404)
	// E0000046 (403) while a group grants access.
	h.o("DELETE", app+"/users/"+dave.ID, nil, true, 403)
	h.o("DELETE", app+"/groups/"+prod.ID, nil, true, 204)
	h.o("DELETE", app+"/groups/"+prod.ID, nil, true, 404)
	h.o("DELETE", app+"/users/"+bob.ID+"?sendEmail=false", nil, true, 204)
	h.o("DELETE", app+"/users/"+bob.ID, nil, true, 404)

	// Group push mappings.
	r = h.o("POST", app+"/group-push/mappings", map[string]any{"sourceGroupId": admins.ID, "targetGroupId": tgt.ID, "status": "ACTIVE"}, true, 200)
	id := as[string](t, r.obj(t)["id"])
	h.o("POST", app+"/group-push/mappings", map[string]any{"sourceGroupId": admins.ID, "targetGroupId": tgt.ID}, true, 400)
	h.o("POST", app+"/group-push/mappings", map[string]any{"targetGroupId": tgt.ID}, false, 400)
	r = h.o("POST", app+"/group-push/mappings", map[string]any{"sourceGroupId": prod.ID, "targetGroupName": "Statsig-Checkout-Search-Admin", "status": "INACTIVE"}, true, 200)
	id2 := as[string](t, r.obj(t)["id"])
	h.o("GET", app+"/group-push/mappings", nil, true, 200)
	h.o("GET", app+"/group-push/mappings?limit=1&status=ACTIVE&sourceGroupId="+admins.ID+"&lastUpdated=2020-01-01T00:00:00Z", nil, true, 200)
	h.o("GET", app+"/group-push/mappings?status=BROKEN", nil, false, 400)
	h.o("GET", app+"/group-push/mappings/"+id, nil, true, 200)
	h.o("GET", app+"/group-push/mappings/gPmNOPE", nil, true, 404)
	h.o("PATCH", app+"/group-push/mappings/"+id, map[string]any{"status": "PAUSED"}, false, 400)
	h.o("PATCH", app+"/group-push/mappings/gPmNOPE", map[string]any{"status": "INACTIVE"}, true, 404)
	h.o("DELETE", app+"/group-push/mappings/"+id+"?deleteTargetGroup=false", nil, true, 400) // still ACTIVE
	h.o("DELETE", app+"/group-push/mappings/"+id, nil, false, 400)                           // param is required
	h.o("PATCH", app+"/group-push/mappings/"+id, map[string]any{"status": "INACTIVE"}, true, 200)
	h.o("DELETE", app+"/group-push/mappings/"+id+"?deleteTargetGroup=true", nil, true, 400) // project group
	h.o("DELETE", app+"/group-push/mappings/"+id+"?deleteTargetGroup=false", nil, true, 200)
	h.o("DELETE", app+"/group-push/mappings/"+id2+"?deleteTargetGroup=true", nil, true, 200) // team group
	h.o("DELETE", app+"/group-push/mappings/gPmNOPE?deleteTargetGroup=false", nil, true, 404)

	// Groups and users.
	search := url.QueryEscape(`type eq "APP_GROUP" and source.id eq "` + h.sb.AppID() + `" and profile.name sw "Statsig-"`)
	h.o("GET", "/api/v1/groups?search="+search+"&limit=200&expand=stats", nil, true, 200)
	h.o("GET", "/api/v1/groups?filter="+url.QueryEscape(`type eq "OKTA_GROUP"`), nil, true, 200)
	h.o("GET", "/api/v1/groups?q=Statsig-&limit=2&expand=app", nil, true, 200)
	h.o("GET", "/api/v1/groups?search="+url.QueryEscape(`type co "APP"`), nil, true, 400)
	h.o("GET", "/api/v1/groups/"+eng.ID, nil, true, 200)
	h.o("GET", "/api/v1/groups/"+tgt.ID, nil, true, 200)
	h.o("GET", "/api/v1/groups/00gNOPE", nil, true, 404)
	h.o("GET", "/api/v1/groups/"+eng.ID+"/users?limit=2", nil, true, 200)
	h.o("GET", "/api/v1/groups/00gNOPE/users", nil, true, 404)
	h.o("GET", "/api/v1/users?limit=3", nil, true, 200)
	h.o("GET", "/api/v1/users?search="+url.QueryEscape(`profile.login eq "alice@example.com"`), nil, true, 200)
	h.o("GET", "/api/v1/users?q=ali", nil, true, 200)
	h.o("GET", "/api/v1/users/"+alice.ID, nil, true, 200)
	h.o("GET", "/api/v1/users/"+url.PathEscape(alice.Login), nil, true, 200)
	h.o("GET", "/api/v1/users/00uNOPE", nil, true, 404)

	// 401: bad token on endpoints that do and don't document it.
	save := h.auth
	h.auth = "SSWS wrong"
	h.o("GET", app, nil, true, 401)
	h.o("GET", app+"/group-push/mappings", nil, true, 401)
	h.o("GET", "/api/v1/groups", nil, true, 401)
	// 403 insufficient scope.
	h.auth = "Bearer " + h.sb.IssueAccessToken("okta.apps.read")
	r = h.o("GET", app+"/group-push/mappings", nil, true, 403)
	if !strings.Contains(r.header.Get("WWW-Authenticate"), `scope="okta.groups.read"`) {
		t.Errorf("WWW-Authenticate: %q", r.header.Get("WWW-Authenticate"))
	}
	h.o("POST", app+"/users", map[string]any{"id": alice.ID}, true, 403)
	h.o("GET", "/api/v1/users/"+alice.ID, nil, true, 403)
	h.auth = save

	// 429 per bucket, and injected 500s.
	h.sb.SetAppsRateLimit(1)
	h.sb.SetOtherRateLimit(1)
	h.sb.ResetRateLimits()
	for _, p := range []string{app + "/users", "/api/v1/groups", "/api/v1/users"} {
		h.o("GET", p, nil, true, 200)
		h.o("GET", p, nil, true, 429)
	}
	h.o("POST", app+"/users", map[string]any{"id": alice.ID}, true, 429)
	h.o("DELETE", app+"/group-push/mappings/x?deleteTargetGroup=true", nil, true, 429)
	h.sb.SetAppsRateLimit(-1)
	h.sb.SetOtherRateLimit(-1)
	h.sb.SetFaults(Faults{Seed: 1, Rate5xx: 1})
	var saw500 bool
	for i := 0; i < 20 && !saw500; i++ {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", h.sb.OktaURL()+"/api/v1/groups/"+eng.ID, nil)
		req.Header.Set("Authorization", h.auth)
		res, err := h.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 500 {
			saw500 = true
			if err := h.okta.ValidateResponse(req, 500, res.Header, data); err != nil {
				t.Errorf("500 body: %v", err)
			}
		}
	}
	if !saw500 {
		t.Error("no injected 500")
	}
	h.checkCoverage(h.okta, nil)
}

func TestContractStatsig(t *testing.T) {
	h := newContractHarness(t, Options{})
	alice := h.user("alice@example.com")
	h.o("POST", h.appPath("/users"), map[string]any{"id": alice.ID}, true, 200)
	h.sb.SetStatsigProjectRoleOutOfBand(alice.Login, "Checkout", "Admin")

	h.s("GET", "/scim/ServiceProviderConfig", nil, true, 200)
	h.s("GET", "/scim/ResourceTypes", nil, true, 200)
	h.s("GET", "/scim/Schemas", nil, true, 200)
	h.s("GET", "/scim/Users", nil, true, 200)
	h.s("GET", "/scim/Users?filter="+url.QueryEscape(`userName eq "alice@example.com"`)+"&startIndex=1&count=10", nil, true, 200)
	h.s("GET", "/scim/Users?filter="+url.QueryEscape(`nickName eq "x"`), nil, true, 400)
	newUser := map[string]any{"schemas": []string{scimUserSchema}, "userName": "zed@example.com",
		"name": map[string]any{"givenName": "Zed", "familyName": "Z"}, "emails": []map[string]any{{"value": "zed@example.com", "primary": true, "type": "work"}},
		"active": true, "statsigOrgRole": "Member"}
	r := h.s("POST", "/scim/Users", newUser, true, 201)
	zid := as[string](t, r.obj(t)["id"])
	h.s("POST", "/scim/Users", newUser, true, 409)
	h.s("POST", "/scim/Users", map[string]any{"userName": "x@example.com"}, false, 400)
	h.s("GET", "/scim/Users/"+zid, nil, true, 200)
	h.s("GET", "/scim/Users/nope", nil, true, 404)
	newUser["name"] = map[string]any{"givenName": "Zedd", "familyName": "Z"}
	h.s("PUT", "/scim/Users/"+zid, newUser, true, 200)
	newUser["userName"] = "other@example.com"
	h.s("PUT", "/scim/Users/"+zid, newUser, true, 400)
	h.s("PATCH", "/scim/Users/"+zid, map[string]any{"schemas": []string{scimPatchSchema}, "Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}, true, 200)
	h.s("PATCH", "/scim/Users/nope", map[string]any{"Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}, true, 404)

	r = h.s("GET", "/scim/Groups?filter="+url.QueryEscape(`displayName eq "Statsig-Checkout-Member"`), nil, true, 200)
	gid := as[string](t, as[map[string]any](t, as[[]any](t, r.obj(t)["Resources"])[0])["id"])
	h.s("GET", "/scim/Groups?excludedAttributes=members&count=2", nil, true, 200)
	h.s("GET", "/scim/Groups/"+gid, nil, true, 200)
	h.s("GET", "/scim/Groups/nope", nil, true, 404)
	member := []map[string]any{{"value": h.mustStatsigID(alice.Login), "display": alice.Login}}
	h.s("PATCH", "/scim/Groups/"+gid, map[string]any{"schemas": []string{scimPatchSchema}, "Operations": []map[string]any{{"op": "add", "path": "members", "value": member}}}, true, 200)
	h.s("PATCH", "/scim/Groups/"+gid, map[string]any{"Operations": []map[string]any{{"op": "remove", "path": "members", "value": member}}}, true, 200)
	h.s("PATCH", "/scim/Groups/"+gid, map[string]any{"Operations": []map[string]any{{"op": "add", "path": "members", "value": []map[string]any{{"value": "nope", "display": "x"}}}}}, true, 400)
	h.s("PUT", "/scim/Groups/"+gid, map[string]any{"displayName": "Statsig-Checkout-Member", "members": member}, true, 200)
	r = h.s("POST", "/scim/Groups", map[string]any{"displayName": "Statsig-Checkout-Fraud-Member"}, true, 201)
	teamID := as[string](t, r.obj(t)["id"])
	h.s("POST", "/scim/Groups", map[string]any{"displayName": "Statsig-NewProject-Admin"}, true, 400)
	h.s("DELETE", "/scim/Groups/"+gid, nil, true, 400)
	h.s("DELETE", "/scim/Groups/"+teamID, nil, true, 200)
	h.call(h.scimV, h.sb.StatsigURL(), "GET", "/scim/Users", nil, map[string]string{"Authorization": "Bearer wrong"}, true, 401)

	key := h.sb.StatsigConsoleKey()
	h.c("/console/v1/company", key, 200)
	h.c("/console/v1/project", key, 200)
	h.c("/console/v1/users", key, 200)
	h.c("/console/v1/users?limit=1&page=1", key, 200)
	h.c("/console/v1/users/alice@example.com", key, 200)
	h.c("/console/v1/users/nobody@example.com", key, 404)
	h.c("/console/v1/users?limit=0", key, 400)
	h.c("/console/v1/roles", key, 200)
	h.c("/console/v1/users", "console-wrong", 401)
	if k := h.sb.StatsigConsoleKeyFor("Web-App Platform"); k == "" || k == key {
		t.Fatalf("per-project key %q", k)
	} else if d := as[map[string]any](t, h.c("/console/v1/company", k, 200).obj(t)["data"]); d["companyName"] != "Web-App Platform" {
		t.Fatalf("company %v", d)
	}
	h.checkCoverage(h.scimV, nil)
	h.checkCoverage(h.consoleV, func(op string) string {
		if !consoleServed[op] {
			return "not emulated: the provider never calls it"
		}
		return ""
	})
}

func (h *contractHarness) mustStatsigID(userName string) string {
	su, ok := h.sb.StatsigUser(userName)
	if !ok {
		h.t.Fatalf("no statsig user %s", userName)
	}
	return su.ID
}

func TestValidatingTransport(t *testing.T) {
	e := newEnv(t, Options{})
	vt, err := e.sb.NewValidatingTransport(nil)
	if err != nil {
		t.Fatal(err)
	}
	e.http = &http.Client{Transport: vt, Timeout: 10 * time.Second}
	alice := e.user("alice@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID})
	e.okta("GET", e.appPath("/users?expand=user"), nil)
	e.scim("GET", "/scim/Users", nil)
	e.console("/console/v1/users")
	if errs := vt.Errors(); len(errs) != 0 {
		t.Fatalf("unexpected contract errors: %v", errors.Join(errs...))
	}
	// A non-conforming request is reported (and still sent).
	e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"targetGroupId": "x"})
	if len(vt.Errors()) == 0 {
		t.Fatal("missing sourceGroupId not reported")
	}
}

// TestContractRealTrafficOverrides pins each row of realTrafficOverrides (and
// the schema facts of okta-api.md section 7) on synthetic answers, so the
// check accepts what real Okta sends and still refuses what it does not.
func TestContractRealTrafficOverrides(t *testing.T) {
	v, err := NewContractValidator(SpecPath(OktaSpec))
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": []string{"application/json"}}
	mapping := `{"id":"gPm1","sourceGroupId":"00g1","targetGroupId":"00g2","status":"ACTIVE",` +
		`"created":"2026-03-25T06:09:58Z","lastUpdated":"2026-03-25T06:09:58Z"}` // no lastPush, no errorSummary
	appUser := `{"id":"00u1","scope":"USER","status":"ACTIVE","syncState":"DISABLED","externalId":null,` +
		`"created":"2026-03-25T06:09:58.000Z","credentials":{"userName":"a@example.com"},"profile":{}}`
	for _, c := range []struct {
		name, method, path string
		status             int
		body               string
		ok                 bool
	}{
		{"create mapping 200 (real)", "POST", "/api/v1/apps/0oa1/group-push/mappings", 200, mapping, true},
		{"create mapping 201 (spec)", "POST", "/api/v1/apps/0oa1/group-push/mappings", 201, mapping, true},
		{"create mapping 200, body off-schema", "POST", "/api/v1/apps/0oa1/group-push/mappings", 200, `{"status":"BROKEN"}`, false},
		{"delete mapping 200 empty (real)", "DELETE", "/api/v1/apps/0oa1/group-push/mappings/gPm1?deleteTargetGroup=false", 200, "", true},
		{"delete mapping 204 (spec)", "DELETE", "/api/v1/apps/0oa1/group-push/mappings/gPm1?deleteTargetGroup=false", 204, "", true},
		{"delete mapping 200 with a body", "DELETE", "/api/v1/apps/0oa1/group-push/mappings/gPm1?deleteTargetGroup=false", 200, mapping, false},
		{"delete app user 200 (no override)", "DELETE", "/api/v1/apps/0oa1/users/00u1", 200, "", false},
		{"get mapping without lastPush", "GET", "/api/v1/apps/0oa1/group-push/mappings/gPm1", 200, mapping, true},
		{"app user with externalId null", "GET", "/api/v1/apps/0oa1/users/00u1", 200, appUser, true},
		{"app user with externalId 7", "GET", "/api/v1/apps/0oa1/users/00u1", 200, strings.Replace(appUser, "null", "7", 1), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), c.method, "http://okta.test"+c.path, nil)
			req.Header.Set("Authorization", "SSWS x")
			err := v.ValidateResponse(req, c.status, json, []byte(c.body))
			if c.ok && err != nil {
				t.Errorf("refused what real Okta sends: %v", err)
			}
			if !c.ok && err == nil {
				t.Error("accepted")
			}
		})
	}
}
