package sandbox

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProvisioningTimeline(t *testing.T) {
	e := newEnv(t, Options{ProvisioningDelay: 30 * time.Second})
	alice := e.user("alice@example.com")

	r := e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID, "scope": "USER",
		"profile": map[string]any{"statsigOrgRole": "Admin"}})
	wantStatus(t, r, 200)
	au := r.obj(t)
	if au["status"] != "STAGED" || au["syncState"] != "SYNCING" || au["externalId"] != nil || au["scope"] != "USER" {
		t.Fatalf("fresh assignment: %s", r.body)
	}
	if _, ok := e.sb.StatsigUser(alice.Login); ok {
		t.Fatal("Statsig user exists before provisioning")
	}

	e.clock.Advance(29 * time.Second)
	if got := e.okta("GET", e.appPath("/users/"+alice.ID), nil).obj(t); got["status"] != "STAGED" {
		t.Fatalf("still staged expected, got %v", got["status"])
	}
	e.clock.Advance(time.Second)
	got := e.okta("GET", e.appPath("/users/"+alice.ID), nil).obj(t)
	if got["status"] != "PROVISIONED" || got["syncState"] != "SYNCHRONIZED" || got["externalId"] == nil {
		t.Fatalf("after delay: %v", got)
	}
	su, ok := e.sb.StatsigUser(alice.Login)
	if !ok || !su.Active || su.OrgRole != "Admin" || su.ID != got["externalId"] {
		t.Fatalf("statsig user %+v", su)
	}
	// The SCIM view agrees.
	sr := e.scim("GET", "/scim/Users?filter="+url.QueryEscape(`userName eq "alice@example.com"`), nil).obj(t)
	if as[float64](t, sr["totalResults"]) != 1 {
		t.Fatalf("scim list %v", sr)
	}

	// Profile update pushes the org role.
	r = e.okta("POST", e.appPath("/users/"+alice.ID), map[string]any{"profile": map[string]any{"statsigOrgRole": "Member"}})
	wantStatus(t, r, 200)
	if su, _ := e.sb.StatsigUser(alice.Login); su.OrgRole != "Member" {
		t.Fatalf("org role not pushed: %+v", su)
	}

	// Unassign: 204, app user gone, Statsig user inactive with roles wiped.
	e.sb.SetStatsigProjectRoleOutOfBand(alice.Login, "Checkout", "Admin")
	wantStatus(t, e.okta("DELETE", e.appPath("/users/"+alice.ID)+"?sendEmail=false", nil), 204)
	wantErrorCode(t, e.okta("GET", e.appPath("/users/"+alice.ID), nil), 404, "E0000007")
	su, _ = e.sb.StatsigUser(alice.Login)
	if su.Active || len(su.ProjectRoles) != 0 {
		t.Fatalf("after unassign: %+v", su)
	}
	// Second delete is a 404.
	wantErrorCode(t, e.okta("DELETE", e.appPath("/users/"+alice.ID), nil), 404, "E0000007")
}

func TestImmediateProvisioningAndFailure(t *testing.T) {
	e := newEnv(t, Options{})
	bob := e.user("bob@example.com")
	carol := e.user("carol@example.com")
	r := e.okta("POST", e.appPath("/users"), map[string]any{"id": bob.ID})
	if m := r.obj(t); m["status"] != "PROVISIONED" {
		t.Fatalf("immediate provisioning: %s", r.body)
	}
	e.sb.FailProvisioning(carol.ID, "boom")
	m := e.okta("POST", e.appPath("/users"), map[string]any{"id": carol.ID}).obj(t)
	if m["status"] != "STAGED" || m["syncState"] != "ERROR" {
		t.Fatalf("failed provisioning: %v", m)
	}
	wantErrorCode(t, e.okta("POST", e.appPath("/users"), map[string]any{"scope": "USER"}), 400, "E0000001")
	wantErrorCode(t, e.okta("POST", e.appPath("/users"), map[string]any{"id": "00unope"}), 404, "E0000007")
	wantErrorCode(t, e.okta("POST", e.appPath("/users"), map[string]any{"id": bob.ID, "profile": map[string]any{"statsigOrgRole": "God"}}), 400, "E0000001")
	wantErrorCode(t, e.okta("GET", "/api/v1/apps/0oanope/users", nil), 404, "E0000007")
}

func TestGroupScopeAndE0000046(t *testing.T) {
	e := newEnv(t, Options{})
	eng := e.group("Engineering")
	alice, frank := e.user("alice@example.com"), e.user("frank@example.com")

	wantStatus(t, e.okta("PUT", e.appPath("/groups/"+eng.ID), map[string]any{"priority": 0}), 200)
	for _, id := range eng.MemberIDs {
		au, ok := e.sb.AppUser(id)
		if !ok || au.Scope != "GROUP" || !slices.Contains(au.GroupIDs, eng.ID) || au.Status != "PROVISIONED" {
			t.Fatalf("member %s: %+v", id, au)
		}
	}
	// Unassigning a group-granted user fails.
	m := wantErrorCode(t, e.okta("DELETE", e.appPath("/users/"+alice.ID), nil), 403, "E0000046")
	if !strings.Contains(string(mustJSON(m["errorCauses"])), "group memberships grant them access") {
		t.Fatalf("cause: %v", m)
	}
	// POST flips GROUP -> USER; still undeletable while the group grants access.
	if got := e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID}).obj(t); got["scope"] != "USER" {
		t.Fatalf("flip: %v", got)
	}
	wantErrorCode(t, e.okta("DELETE", e.appPath("/users/"+alice.ID), nil), 403, "E0000046")

	// New member of an assigned group is assigned and provisioned.
	e.sb.AddGroupMember(eng.ID, frank.ID)
	if au, ok := e.sb.AppUser(frank.ID); !ok || au.Scope != "GROUP" {
		t.Fatalf("frank: %+v %v", au, ok)
	}
	// Unassign the group: GROUP-scoped users go away, USER-scoped alice stays.
	wantStatus(t, e.okta("DELETE", e.appPath("/groups/"+eng.ID), nil), 204)
	if _, ok := e.sb.AppUser(frank.ID); ok {
		t.Fatal("frank still assigned")
	}
	if su, _ := e.sb.StatsigUser("frank@example.com"); su.Active {
		t.Fatal("frank still active in Statsig")
	}
	if au, ok := e.sb.AppUser(alice.ID); !ok || au.Scope != "USER" || len(au.GroupIDs) != 0 {
		t.Fatalf("alice: %+v", au)
	}
	wantStatus(t, e.okta("DELETE", e.appPath("/users/"+alice.ID), nil), 204)
}

func TestAppGroupPatchAndList(t *testing.T) {
	e := newEnv(t, Options{})
	eng, prod := e.group("Engineering"), e.group("Product")
	wantStatus(t, e.okta("PUT", e.appPath("/groups/"+eng.ID), nil), 200)
	r := e.okta("PUT", e.appPath("/groups/"+prod.ID), map[string]any{"profile": map[string]any{"statsigOrgRole": "Member"}})
	if m := r.obj(t); as[float64](t, m["priority"]) != 1 {
		t.Fatalf("next priority: %s", r.body)
	}
	r = e.okta("PATCH", e.appPath("/groups/"+prod.ID), []map[string]any{{"op": "replace", "path": "/priority", "value": 5}})
	if m := r.obj(t); as[float64](t, m["priority"]) != 5 {
		t.Fatalf("patched: %s", r.body)
	}
	wantErrorCode(t, e.okta("PATCH", e.appPath("/groups/"+prod.ID), []map[string]any{{"op": "add", "path": "/priority", "value": 5}}), 400, "E0000001")
	l := e.okta("GET", e.appPath("/groups?expand=group"), nil).list(t)
	if len(l) != 2 || l[0]["_embedded"] == nil {
		t.Fatalf("list: %v", l)
	}
	wantErrorCode(t, e.okta("GET", e.appPath("/groups/00gnope"), nil), 404, "E0000007")
	wantErrorCode(t, e.okta("PUT", e.appPath("/groups/00gnope"), nil), 404, "E0000007")
}

func TestGroupPushSemantics(t *testing.T) {
	e := newEnv(t, Options{})
	eng := e.group("Engineering") // alice, bob, carol
	target := e.group("Statsig-Checkout-Admin")
	alice, bob, carol := e.user("alice@example.com"), e.user("bob@example.com"), e.user("carol@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID})
	e.okta("POST", e.appPath("/users"), map[string]any{"id": bob.ID})

	r := e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": eng.ID, "targetGroupId": target.ID})
	wantStatus(t, r, 200)
	m := r.obj(t)
	if m["status"] != "ACTIVE" || m["lastPush"] != nil || m["errorSummary"] != nil || !strings.HasPrefix(as[string](t, m["id"]), "gPm") {
		t.Fatalf("mapping: %s", r.body)
	}
	for login, want := range map[string]string{"alice@example.com": "Admin", "bob@example.com": "Admin"} {
		if su, _ := e.sb.StatsigUser(login); su.ProjectRoles["Checkout"] != want {
			t.Fatalf("%s roles %v", login, su.ProjectRoles)
		}
	}
	if _, ok := e.sb.StatsigUser(carol.Login); ok {
		t.Fatal("unassigned carol must not be pushed")
	}
	// Assigning carol later pushes her too (membership sync while ACTIVE).
	e.okta("POST", e.appPath("/users"), map[string]any{"id": carol.ID})
	if su, _ := e.sb.StatsigUser(carol.Login); su.ProjectRoles["Checkout"] != "Admin" {
		t.Fatalf("carol %+v", su)
	}
	// Removing bob from the source group removes his role.
	e.sb.RemoveGroupMember(eng.ID, bob.ID)
	if su, _ := e.sb.StatsigUser(bob.Login); su.ProjectRoles["Checkout"] != "" {
		t.Fatalf("bob %+v", su)
	}
	// The SCIM group shows the members.
	sg := e.scim("GET", "/scim/Groups?filter="+url.QueryEscape(`displayName eq "Statsig-Checkout-Admin"`), nil).obj(t)
	res := as[[]any](t, sg["Resources"])
	if len(res) != 1 || len(as[[]any](t, as[map[string]any](t, res[0])["members"])) != 2 {
		t.Fatalf("scim group %v", sg)
	}

	// Second mapping for the same source: 400.
	wantErrorCode(t, e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": eng.ID, "targetGroupId": e.group("Statsig-Checkout-Member").ID}), 400, "E0000001")
	// APP_GROUP source: 400. Both targets: 400.
	wantErrorCode(t, e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": target.ID, "targetGroupId": e.group("Statsig-Checkout-Member").ID}), 400, "E0000001")
	wantErrorCode(t, e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": e.group("Product").ID, "targetGroupId": target.ID, "targetGroupName": "x"}), 400, "E0000001")

	id := as[string](t, m["id"])
	// Delete needs the param and INACTIVE.
	wantErrorCode(t, e.okta("DELETE", e.appPath("/group-push/mappings/"+id), nil), 400, "E0000001")
	wantErrorCode(t, e.okta("DELETE", e.appPath("/group-push/mappings/"+id+"?deleteTargetGroup=false"), nil), 400, "E0000001")
	r = e.okta("PATCH", e.appPath("/group-push/mappings/"+id), map[string]any{"status": "INACTIVE"})
	if r.obj(t)["status"] != "INACTIVE" {
		t.Fatalf("patch: %s", r.body)
	}
	// Project group deletion is refused.
	wantErrorCode(t, e.okta("DELETE", e.appPath("/group-push/mappings/"+id+"?deleteTargetGroup=true"), nil), 400, "E0000001")
	wantStatus(t, e.okta("DELETE", e.appPath("/group-push/mappings/"+id+"?deleteTargetGroup=false"), nil), 200)
	wantErrorCode(t, e.okta("GET", e.appPath("/group-push/mappings/"+id), nil), 404, "E0000007")
	// Roles stay after unlinking without delete.
	if su, _ := e.sb.StatsigUser(alice.Login); su.ProjectRoles["Checkout"] != "Admin" {
		t.Fatalf("alice %+v", su)
	}
}

func TestGroupPushTeamCreateAndDelete(t *testing.T) {
	e := newEnv(t, Options{})
	prod := e.group("Product") // dave, erin
	dave := e.user("dave@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": dave.ID})
	r := e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": prod.ID, "targetGroupName": "Statsig-Web-App Platform-Search-Member"})
	wantStatus(t, r, 200)
	m := r.obj(t)
	if m["status"] != "ACTIVE" {
		t.Fatalf("team mapping: %s", r.body)
	}
	tg, ok := e.sb.GroupByName("Statsig-Web-App Platform-Search-Member")
	if !ok || tg.Type != "APP_GROUP" || tg.ID != m["targetGroupId"] {
		t.Fatalf("target group %+v", tg)
	}
	if su, _ := e.sb.StatsigUser(dave.Login); su.TeamRoles["Web-App Platform/Search"] != "Member" {
		t.Fatalf("dave %+v", su)
	}
	id := as[string](t, m["id"])
	e.okta("PATCH", e.appPath("/group-push/mappings/"+id), map[string]any{"status": "INACTIVE"})
	wantStatus(t, e.okta("DELETE", e.appPath("/group-push/mappings/"+id+"?deleteTargetGroup=true"), nil), 200)
	if _, ok := e.sb.GroupByName("Statsig-Web-App Platform-Search-Member"); ok {
		t.Fatal("team app group should be gone")
	}
	if su, _ := e.sb.StatsigUser(dave.Login); len(su.TeamRoles) != 0 {
		t.Fatalf("dave %+v", su)
	}
	// A name Statsig can't create -> mapping in ERROR.
	eng := e.group("Engineering")
	r = e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": eng.ID, "targetGroupName": "Statsig-NoSuchProject-Admin"})
	wantStatus(t, r, 200)
	if m := r.obj(t); m["status"] != "ERROR" || !strings.Contains(as[string](t, m["errorSummary"]), "Project creation is not supported") {
		t.Fatalf("error mapping: %s", r.body)
	}
}

func TestMappingListLagAndFilters(t *testing.T) {
	e := newEnv(t, Options{MappingListLag: 3 * time.Second})
	r := e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": e.group("Engineering").ID,
		"targetGroupId": e.group("Statsig-Checkout-Member").ID, "status": "INACTIVE"})
	wantStatus(t, r, 200)
	id := as[string](t, r.obj(t)["id"])
	wantStatus(t, e.okta("GET", e.appPath("/group-push/mappings/"+id), nil), 200)
	if l := e.okta("GET", e.appPath("/group-push/mappings"), nil).list(t); len(l) != 0 {
		t.Fatalf("visible too early: %v", l)
	}
	e.clock.Advance(3 * time.Second)
	if l := e.okta("GET", e.appPath("/group-push/mappings?status=INACTIVE"), nil).list(t); len(l) != 1 {
		t.Fatalf("not visible: %v", l)
	}
	if l := e.okta("GET", e.appPath("/group-push/mappings?status=ACTIVE"), nil).list(t); len(l) != 0 {
		t.Fatalf("status filter: %v", l)
	}
	if l := e.okta("GET", e.appPath("/group-push/mappings?sourceGroupId=00gx"), nil).list(t); len(l) != 0 {
		t.Fatalf("source filter: %v", l)
	}
	wantErrorCode(t, e.okta("GET", e.appPath("/group-push/mappings?limit=0"), nil), 400, "E0000001")
}

func TestGroupSearch(t *testing.T) {
	e := newEnv(t, Options{GroupSearchLag: 5 * time.Second})
	appID := e.sb.AppID()
	q := url.QueryEscape(`type eq "APP_GROUP" and source.id eq "` + appID + `" and profile.name sw "Statsig-"`)
	l := e.okta("GET", "/api/v1/groups?search="+q, nil).list(t)
	if len(l) != 8 { // Checkout x3 + Growth x2 + Web-App Platform x3
		t.Fatalf("got %d groups", len(l))
	}
	for _, g := range l {
		src, _ := g["source"].(map[string]any)
		if src["id"] != appID || as[[]any](t, g["objectClass"])[0] != "okta:user_group" {
			t.Fatalf("group %v", g)
		}
	}
	ok := e.okta("GET", "/api/v1/groups?search="+url.QueryEscape(`type eq "OKTA_GROUP"`), nil).list(t)
	for _, g := range ok {
		if _, has := g["source"]; has {
			t.Fatalf("OKTA_GROUP with source: %v", g)
		}
	}
	if n := len(e.okta("GET", "/api/v1/groups?search="+url.QueryEscape(`profile.name co "web-app"`), nil).list(t)); n != 3 {
		t.Fatalf("co: %d", n)
	}
	// Eventual consistency.
	id := e.sb.CreateGroupOutOfBand("Fresh Group", "")
	byID := url.QueryEscape(`id eq "` + id + `"`)
	if n := len(e.okta("GET", "/api/v1/groups?search="+byID, nil).list(t)); n != 0 {
		t.Fatal("new group visible in search before lag")
	}
	wantStatus(t, e.okta("GET", "/api/v1/groups/"+id, nil), 200)
	e.clock.Advance(5 * time.Second)
	if n := len(e.okta("GET", "/api/v1/groups?search="+byID, nil).list(t)); n != 1 {
		t.Fatal("new group not visible after lag")
	}
	// q prefix, stats, errors.
	l = e.okta("GET", "/api/v1/groups?q=Eng&expand=stats", nil).list(t)
	if len(l) != 1 || as[float64](t, as[map[string]any](t, as[map[string]any](t, l[0]["_embedded"])["stats"])["usersCount"]) != 3 {
		t.Fatalf("q: %v", l)
	}
	wantErrorCode(t, e.okta("GET", "/api/v1/groups?search="+url.QueryEscape(`type co "APP"`), nil), 400, "E0000031")
	// A rename is searchable under the old name until the lag has passed.
	e.sb.RenameGroupOutOfBand(id, "Renamed Group")
	byName := func(n string) int {
		return len(e.okta("GET", "/api/v1/groups?search="+url.QueryEscape(`profile.name eq "`+n+`"`), nil).list(t))
	}
	if byName("Fresh Group") != 1 || byName("Renamed Group") != 0 {
		t.Fatal("rename visible in search before lag")
	}
	e.clock.Advance(5 * time.Second)
	if byName("Fresh Group") != 0 || byName("Renamed Group") != 1 {
		t.Fatal("rename not visible in search after lag")
	}
	wantErrorCode(t, e.okta("PUT", "/api/v1/groups/"+id, nil), 405, "E0000022")
	wantErrorCode(t, e.okta("GET", "/api/v1/nothing", nil), 404, "E0000007")
	wantErrorCode(t, e.okta("GET", "/api/v1/groups/00gnope", nil), 404, "E0000007")
}

func TestPagination(t *testing.T) {
	e := newEnv(t, Options{Fixture: GenerateFixture(120, 5)})
	for _, g := range e.sb.Groups() {
		if g.Type == "OKTA_GROUP" {
			e.sb.AssignGroupOutOfBand(g.ID, 0)
		}
	}
	total := len(e.sb.AppUsers())
	if total < 100 {
		t.Fatalf("only %d app users", total)
	}
	seen := map[string]bool{}
	next := e.sb.OktaURL() + e.appPath("/users?limit=30")
	pages := 0
	for next != "" {
		r := e.do("GET", next, nil, map[string]string{"Authorization": e.auth})
		wantStatus(t, r, 200)
		for _, au := range r.list(t) {
			id := as[string](t, au["id"])
			if seen[id] {
				t.Fatalf("duplicate %v", au["id"])
			}
			seen[id] = true
		}
		pages++
		next = nextLink(r.header)
		if !strings.Contains(strings.Join(r.header.Values("Link"), ","), `rel="self"`) {
			t.Fatal("no self link")
		}
	}
	if len(seen) != total || pages != (total+29)/30 {
		t.Fatalf("seen %d of %d in %d pages", len(seen), total, pages)
	}
	// Over-max limit is clamped; invalid limit is a 400.
	if n := len(e.okta("GET", e.appPath("/users?limit=100000"), nil).list(t)); n != min(total, 500) {
		t.Fatalf("clamp: %d", n)
	}
	wantErrorCode(t, e.okta("GET", e.appPath("/users?limit=abc"), nil), 400, "E0000001")
	// Group members page too.
	g := e.sb.Groups()[0]
	for _, gg := range e.sb.Groups() {
		if gg.Type == "OKTA_GROUP" {
			g = gg
			break
		}
	}
	r := e.okta("GET", "/api/v1/groups/"+g.ID+"/users?limit=5", nil)
	if len(r.list(t)) != 5 || nextLink(r.header) == "" {
		t.Fatalf("members page: %d", len(r.list(t)))
	}
}

func nextLink(h httpHeader) string {
	for _, l := range h.Values("Link") {
		if strings.Contains(l, `rel="next"`) {
			return strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(l, ";", 2)[0], "<"), ">")
		}
	}
	return ""
}

type httpHeader interface{ Values(string) []string }

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Options{AppsRateLimitPerMinute: 3, TokenSharePercent: 100})
	for i := 0; i < 3; i++ {
		r := e.okta("GET", e.appPath(""), nil)
		wantStatus(t, r, 200)
		if r.header.Get("X-Rate-Limit-Limit") != "3" || r.header.Get("X-Rate-Limit-Remaining") == "" || r.header.Get("Date") == "" {
			t.Fatalf("headers %v", r.header)
		}
	}
	r := e.okta("GET", e.appPath("/users"), nil)
	wantErrorCode(t, r, 429, "E0000047")
	reset := r.header.Get("X-Rate-Limit-Reset")
	if r.header.Get("X-Rate-Limit-Remaining") != "0" || reset != "1772366460" { // 12:01:00 UTC
		t.Fatalf("429 headers %v", r.header)
	}
	// Groups have their own bucket.
	wantStatus(t, e.okta("GET", "/api/v1/groups", nil), 200)
	e.clock.Advance(time.Minute)
	wantStatus(t, e.okta("GET", e.appPath(""), nil), 200)
	if n := e.sb.CountRequests(func(r Request) bool { return r.Status == 429 && r.Bucket == "apps" }); n != 1 {
		t.Fatalf("recorded 429s: %d", n)
	}
}

func TestStatsigConsoleAndSCIM(t *testing.T) {
	e := newEnv(t, Options{})
	alice := e.user("alice@example.com")
	e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID})
	e.sb.SetStatsigProjectRoleOutOfBand(alice.Login, "Checkout", "Read Only")
	c := e.console("/console/v1/users").obj(t)
	if data := as[[]any](t, c["data"]); len(data) != 1 || as[map[string]any](t, data[0])["role"] != "Read Only" {
		t.Fatalf("console users %v", c)
	}
	wantStatus(t, e.console("/console/v1/users/alice@example.com"), 200)
	wantStatus(t, e.console("/console/v1/users/bob@example.com"), 404)
	for _, bad := range []string{"limit=0", "limit=x", "page=0", "page=-1"} {
		wantStatus(t, e.console("/console/v1/users?"+bad), 400)
		wantStatus(t, e.console("/console/v1/roles?"+bad), 400)
	}
	if p := as[map[string]any](t, e.console("/console/v1/users?page=1").obj(t)["pagination"]); p["itemsPerPage"] != float64(100) {
		t.Fatalf("default limit: pagination %v", p)
	}
	if d := as[map[string]any](t, e.console("/console/v1/company").obj(t)["data"]); d["companyName"] != "Checkout" {
		t.Fatalf("company %v", d)
	}
	r := e.do("GET", e.sb.StatsigURL()+"/console/v1/users", nil, map[string]string{"STATSIG-API-KEY": "console-wrong"})
	wantStatus(t, r, 401)
	wantStatus(t, e.do("GET", e.sb.StatsigURL()+"/scim/Users", nil, map[string]string{"Authorization": "Bearer nope"}), 401)

	// SCIM create/patch/put.
	r = e.scim("POST", "/scim/Users", map[string]any{"userName": "new@example.com", "name": map[string]any{"givenName": "N", "familyName": "U"},
		"emails": []map[string]any{{"value": "new@example.com", "primary": true}}, "active": true})
	wantStatus(t, r, 201)
	id := as[string](t, r.obj(t)["id"])
	wantStatus(t, e.scim("POST", "/scim/Users", map[string]any{"userName": "new@example.com", "name": map[string]any{"givenName": "N", "familyName": "U"},
		"emails": []map[string]any{{"value": "new@example.com"}}}), 409)
	wantStatus(t, e.scim("POST", "/scim/Users", map[string]any{"userName": "x@other.org", "name": map[string]any{"givenName": "N", "familyName": "U"},
		"emails": []map[string]any{{"value": "x@other.org"}}}), 400)
	r = e.scim("PATCH", "/scim/Users/"+id, map[string]any{"schemas": []string{scimPatchSchema}, "Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}})
	if r.obj(t)["active"] != false {
		t.Fatalf("patch %s", r.body)
	}
	wantStatus(t, e.scim("GET", "/scim/Users/nope", nil), 404)
	// Team group delete is allowed, project group delete is not.
	team := as[map[string]any](t, as[[]any](t, e.scim("GET", "/scim/Groups?filter="+url.QueryEscape(`displayName eq "Statsig-Checkout-Growth-Admin"`), nil).obj(t)["Resources"])[0])
	proj := as[map[string]any](t, as[[]any](t, e.scim("GET", "/scim/Groups?filter="+url.QueryEscape(`displayName eq "Statsig-Checkout-Admin"`), nil).obj(t)["Resources"])[0])
	wantStatus(t, e.scim("DELETE", "/scim/Groups/"+as[string](t, proj["id"]), nil), 400)
	wantStatus(t, e.scim("DELETE", "/scim/Groups/"+as[string](t, team["id"]), nil), 200)
}

func TestFaultDeterminism(t *testing.T) {
	run := func() []string {
		e := newEnv(t, Options{Faults: Faults{Seed: 42, Rate429: 0.2, Rate5xx: 0.2, RateSlow: 0.1, SlowLatency: time.Millisecond}})
		var out []string
		for i := 0; i < 40; i++ {
			r := e.okta("GET", "/api/v1/groups", nil)
			out = append(out, r.header.Get("X-Rate-Limit-Limit")+":"+itoa(r.status))
		}
		return out
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("not deterministic:\n%v\n%v", a, b)
	}
	counts := map[string]int{}
	for _, x := range a {
		counts[x]++
	}
	if len(counts) < 3 {
		t.Fatalf("expected a mix of outcomes: %v", counts)
	}
}

func TestConnectionResetFault(t *testing.T) {
	e := newEnv(t, Options{})
	e.sb.SetFaults(Faults{Seed: 7, RateReset: 1})
	alice := e.user("alice@example.com")
	applied, lost := 0, 0
	for i := 0; i < 10; i++ {
		e.sb.UnassignUserOutOfBand(alice.ID)
		req, _ := newJSONRequest(t.Context(), "POST", e.sb.OktaURL()+e.appPath("/users"), map[string]any{"id": alice.ID}, e.auth)
		res, err := e.http.Do(req)
		if err == nil {
			res.Body.Close()
			t.Fatal("expected a connection error")
		}
		lost++
		if _, ok := e.sb.AppUser(alice.ID); ok {
			applied++
		}
	}
	if applied == 0 || applied == lost {
		t.Fatalf("applied %d of %d resets", applied, lost)
	}
	if n := e.sb.CountRequests(func(r Request) bool { return r.Fault == "reset" }); n != 10 {
		t.Fatalf("recorded resets %d", n)
	}
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, Options{Fixture: GenerateFixture(40, 4), ProvisioningDelay: time.Millisecond})
	users := e.sb.Users()
	done := make(chan struct{})
	for w := 0; w < 8; w++ {
		go func(w int) {
			defer func() { done <- struct{}{} }()
			for i := w; i < len(users); i += 8 {
				id := users[i].ID
				e.okta("POST", e.appPath("/users"), map[string]any{"id": id})
				e.okta("GET", e.appPath("/users/"+id), nil)
				e.okta("GET", "/api/v1/groups?limit=3", nil)
				e.scim("GET", "/scim/Users?count=5", nil)
				if i%2 == 0 {
					e.okta("DELETE", e.appPath("/users/"+id), nil)
				}
			}
		}(w)
	}
	for w := 0; w < 8; w++ {
		<-done
	}
	e.clock.Advance(time.Second)
	if n := len(e.sb.AppUsers()); n != len(users)/2 {
		t.Fatalf("app users %d, want %d", n, len(users)/2)
	}
	active := 0
	for _, su := range e.sb.StatsigUsers() {
		if su.Active {
			active++
		}
	}
	if active != len(users)/2 {
		t.Fatalf("active statsig users %d", active)
	}
}

// Pushing is asynchronous, as in recorded Okta traffic: members reach the
// Statsig role, and lastPush is set, only PushDelay after the link is made;
// an app without GROUP_PUSH accepts the link but never pushes.
func TestGroupPushIsAsynchronous(t *testing.T) {
	for _, tc := range []struct {
		name     string
		features []string
		pushes   bool
	}{
		{name: "provisioning on", pushes: true},
		{name: "app without GROUP_PUSH", features: []string{"PUSH_NEW_USERS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := DefaultFixture()
			if tc.features != nil {
				f.App.Features = tc.features
			}
			e := newEnv(t, Options{Fixture: f, PushDelay: 5 * time.Second})
			eng, target := e.group("Engineering"), e.group("Statsig-Checkout-Admin")
			alice := e.user("alice@example.com")
			e.okta("POST", e.appPath("/users"), map[string]any{"id": alice.ID})
			r := e.okta("POST", e.appPath("/group-push/mappings"), map[string]any{"sourceGroupId": eng.ID, "targetGroupId": target.ID})
			wantStatus(t, r, 200)
			id := as[string](t, r.obj(t)["id"])
			pushed := func() bool {
				m := e.okta("GET", e.appPath("/group-push/mappings/"+id), nil).obj(t)
				su, _ := e.sb.StatsigUser(alice.Login)
				_, hasLastPush := m["lastPush"]
				if hasLastPush != (su.ProjectRoles["Checkout"] == "Admin") {
					t.Fatalf("lastPush %v but alice's roles %v", m["lastPush"], su.ProjectRoles)
				}
				return hasLastPush
			}
			e.clock.Advance(4 * time.Second)
			if pushed() {
				t.Fatal("pushed before PushDelay")
			}
			e.clock.Advance(2 * time.Second)
			if pushed() != tc.pushes {
				t.Fatalf("after PushDelay: pushed %v, want %v", !tc.pushes, tc.pushes)
			}
		})
	}
}
