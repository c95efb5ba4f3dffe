package sandbox

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
)

const (
	scopeAppsRead    = "okta.apps.read"
	scopeAppsManage  = "okta.apps.manage"
	scopeGroupsRead  = "okta.groups.read"
	scopeGroupsMng   = "okta.groups.manage"
	scopeUsersRead   = "okta.users.read"
	assignBlockedMsg = "The application cannot be unassigned from the user while their group memberships grant them access"
)

// knownOktaPaths are the emulated paths, for 405 on an unsupported method.
var knownOktaPaths = []*regexp.Regexp{
	regexp.MustCompile(`^/api/v1/apps/[^/]+(/users(/[^/]+)?|/groups(/[^/]+)?|/group-push/mappings(/[^/]+)?)?$`),
	regexp.MustCompile(`^/api/v1/groups(/[^/]+(/users)?)?$`),
	regexp.MustCompile(`^/api/v1/users(/[^/]+)?$`),
	regexp.MustCompile(`^/oauth2/v1/token$`),
}

func (s *Sandbox) registerOkta(mux *http.ServeMux) {
	h := func(pattern string, scopes []string, fn http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if requireScopes(w, r, scopes...) {
				fn(w, r)
			}
		})
	}
	read, manage := []string{scopeAppsRead}, []string{scopeAppsManage}
	pushRead, pushManage := []string{scopeAppsRead, scopeGroupsRead}, []string{scopeAppsManage, scopeGroupsMng}

	h("GET /api/v1/apps/{appId}", read, s.getApp)
	h("GET /api/v1/apps/{appId}/users", read, s.listAppUsers)
	h("POST /api/v1/apps/{appId}/users", manage, s.assignAppUser)
	h("GET /api/v1/apps/{appId}/users/{userId}", read, s.getAppUser)
	h("POST /api/v1/apps/{appId}/users/{userId}", manage, s.updateAppUser)
	h("DELETE /api/v1/apps/{appId}/users/{userId}", manage, s.unassignAppUser)
	h("GET /api/v1/apps/{appId}/groups", read, s.listAppGroups)
	h("GET /api/v1/apps/{appId}/groups/{groupId}", read, s.getAppGroup)
	h("PUT /api/v1/apps/{appId}/groups/{groupId}", manage, s.assignAppGroup)
	h("PATCH /api/v1/apps/{appId}/groups/{groupId}", manage, s.patchAppGroup)
	h("DELETE /api/v1/apps/{appId}/groups/{groupId}", manage, s.unassignAppGroup)
	h("GET /api/v1/apps/{appId}/group-push/mappings", pushRead, s.listMappings)
	h("POST /api/v1/apps/{appId}/group-push/mappings", pushManage, s.createMapping)
	h("GET /api/v1/apps/{appId}/group-push/mappings/{mappingId}", pushRead, s.getMapping)
	h("PATCH /api/v1/apps/{appId}/group-push/mappings/{mappingId}", pushManage, s.patchMapping)
	h("DELETE /api/v1/apps/{appId}/group-push/mappings/{mappingId}", pushManage, s.deleteMapping)
	h("GET /api/v1/groups", []string{scopeGroupsRead}, s.listGroups)
	h("GET /api/v1/groups/{groupId}", []string{scopeGroupsRead}, s.getGroup)
	h("GET /api/v1/groups/{groupId}/users", []string{scopeGroupsRead}, s.listGroupUsers)
	h("GET /api/v1/users", []string{scopeUsersRead}, s.listUsers)
	h("GET /api/v1/users/{id}", []string{scopeUsersRead}, s.getUser)
	mux.HandleFunc("POST /oauth2/v1/token", s.tokenEndpoint)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		for _, re := range knownOktaPaths {
			if re.MatchString(r.URL.Path) {
				writeOktaError(w, http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method")
				return
			}
		}
		writeOktaError(w, http.StatusNotFound, "E0000007", fmt.Sprintf("Not found: Resource not found: %s (Resource)", r.URL.Path))
	})
}

// lockApp takes the state lock, settles lazy transitions and checks appId.
// On false the response was written and the lock released.
func (s *Sandbox) lockApp(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	s.advanceLocked()
	if id := r.PathValue("appId"); id != s.w.App.ID {
		s.mu.Unlock()
		oktaNotFound(w, id, "AppInstance")
		return false
	}
	return true
}

// lockAppRecord is lockApp, then the record of the world's map that the
// request's path value param names. With a record the lock is held for the
// caller to release; without one an error has been answered and the lock
// released.
func lockAppRecord[T any](s *Sandbox, w http.ResponseWriter, r *http.Request, records func(*world) map[string]*T, param, kind string) *T {
	if !s.lockApp(w, r) {
		return nil
	}
	rec := pathRecord(w, r, records(s.w), param, kind)
	if rec == nil {
		s.mu.Unlock()
	}
	return rec
}

func (s *Sandbox) appJSON() map[string]any {
	a := s.w.App
	base := s.oktaURL + "/api/v1/apps/" + a.ID
	return map[string]any{
		"id":          a.ID,
		"name":        a.Name,
		"label":       a.Label,
		"status":      a.Status,
		"created":     oktaTime(a.Created),
		"lastUpdated": oktaTime(a.Created),
		"signOnMode":  "AUTO_LOGIN",
		"features":    a.Features,
		"accessibility": map[string]any{
			"selfService": false,
		},
		"visibility": map[string]any{
			"autoSubmitToolbar": false,
			"hide":              map[string]any{"iOS": false, "web": false},
		},
		"credentials": map[string]any{
			"scheme":           "EDIT_USERNAME_AND_PASSWORD",
			"userNameTemplate": map[string]any{"template": "${source.login}", "type": "BUILT_IN"},
		},
		"settings": map[string]any{"app": map[string]any{}},
		"_links": map[string]any{
			"users":  href(base + "/users"),
			"groups": href(base + "/groups"),
			"self":   href(base),
		},
	}
}

func (s *Sandbox) getApp(w http.ResponseWriter, r *http.Request) {
	if !s.lockApp(w, r) {
		return
	}
	body := s.appJSON()
	if exp := r.URL.Query().Get("expand"); strings.HasPrefix(exp, "user/") {
		if au := s.w.AppUsers[strings.TrimPrefix(exp, "user/")]; au != nil {
			body["_embedded"] = map[string]any{"user": s.appUserJSON(au, false)}
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// ---------- app users ----------

func (s *Sandbox) appUserJSON(au *appUserRec, expandUser bool) map[string]any {
	base := s.oktaURL + "/api/v1/apps/" + s.w.App.ID
	links := map[string]any{
		"app":  href(base),
		"user": href(s.oktaURL + "/api/v1/users/" + au.UserID),
	}
	if au.Scope == "GROUP" && len(au.GroupIDs) > 0 {
		gl := href(s.oktaURL + "/api/v1/groups/" + au.GroupIDs[0])
		if g := s.w.Groups[au.GroupIDs[0]]; g != nil {
			gl["name"] = g.Name
		}
		links["group"] = gl
	}
	out := map[string]any{
		"id":              au.UserID,
		"created":         oktaTime(au.Created),
		"lastUpdated":     oktaTime(au.LastUpdated),
		"scope":           au.Scope,
		"status":          au.Status,
		"statusChanged":   oktaTime(au.StatusChanged),
		"passwordChanged": nil,
		"syncState":       au.SyncState,
		"credentials":     map[string]any{"userName": au.UserName},
		"profile":         maps.Clone(au.Profile),
		"_links":          links,
	}
	switch {
	case au.ExternalID != "":
		out["externalId"] = au.ExternalID
	case au.SyncState == "DISABLED":
		// Recorded traffic sends null; only this case is known to, so a
		// STAGED user still omits the key (okta-api.md section 7).
		out["externalId"] = nil
	}
	if !au.LastSync.IsZero() {
		out["lastSync"] = oktaTime(au.LastSync)
	}
	if expandUser {
		if u := s.w.Users[au.UserID]; u != nil {
			out["_embedded"] = map[string]any{"user": s.userJSON(u)}
		}
	}
	return out
}

func (s *Sandbox) listAppUsers(w http.ResponseWriter, r *http.Request) {
	limit, err := parseLimit(r, 50, 1, 500)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	if !s.lockApp(w, r) {
		return
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	var ids []string
	for id, au := range s.w.AppUsers {
		if q != "" {
			u := s.w.Users[id]
			cands := []string{au.UserName, strOr(au.Profile["email"], "")}
			if u != nil {
				cands = append(cands, u.FirstName, u.LastName, u.Email)
			}
			if !slices.ContainsFunc(cands, func(c string) bool { return strings.HasPrefix(strings.ToLower(c), q) }) {
				continue
			}
		}
		ids = append(ids, id)
	}
	page, next := paginate(ids, r.URL.Query().Get("after"), limit)
	expand := r.URL.Query().Get("expand") == "user"
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		out = append(out, s.appUserJSON(s.w.AppUsers[id], expand))
	}
	s.mu.Unlock()
	s.setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

type appUserBody struct {
	ID          *string `json:"id"`
	Scope       string  `json:"scope"`
	Credentials *struct {
		UserName *string `json:"userName"`
		Password any     `json:"password"`
	} `json:"credentials"`
	Profile map[string]any `json:"profile"`
}

// valid answers 400 and returns false when the profile breaks the app's user
// schema or the body sets a password, which the Statsig app's scheme refuses;
// assign and update share these rules.
func (b *appUserBody) valid(w http.ResponseWriter) bool {
	if causes := validateAppUserProfile(b.Profile); len(causes) > 0 {
		oktaValidation(w, "profile", causes...)
		return false
	}
	if b.Credentials != nil && b.Credentials.Password != nil {
		writeOktaError(w, http.StatusBadRequest, "E0000041", "Credentials should not be set on this resource based on the scheme.",
			"User level credentials should not be provided for this scheme.")
		return false
	}
	return true
}

// validateAppUserProfile checks the app user profile against the Statsig app's
// user schema (statsigOrgRole is an enum of Member/Admin/Owner).
func validateAppUserProfile(p map[string]any) []string {
	var causes []string
	if v, ok := p["statsigOrgRole"]; ok && v != nil {
		if s, ok := v.(string); !ok || !slices.Contains(validOrgRoles, s) {
			causes = append(causes, fmt.Sprintf("statsigOrgRole: Does not match required enum values: %s", strings.Join(validOrgRoles, ", ")))
		}
	}
	for _, k := range []string{"email", "givenName", "familyName"} {
		if v, ok := p[k]; ok && v != nil {
			if _, ok := v.(string); !ok {
				causes = append(causes, k+": The field must be a string")
			}
		}
	}
	return causes
}

func (s *Sandbox) assignAppUser(w http.ResponseWriter, r *http.Request) {
	var body appUserBody
	if err := decodeBody(r, &body); err != nil {
		oktaMalformed(w, err)
		return
	}
	if body.ID == nil || *body.ID == "" {
		oktaValidation(w, "id", "id: The field cannot be left blank")
		return
	}
	if body.Scope != "" && body.Scope != "USER" && body.Scope != "GROUP" {
		oktaValidation(w, "scope", "scope: Does not match required enum values: USER, GROUP")
		return
	}
	if !body.valid(w) {
		return
	}
	if !s.lockApp(w, r) {
		return
	}
	defer s.mu.Unlock()
	now := s.now()
	u := s.w.Users[*body.ID]
	if u == nil {
		oktaNotFound(w, *body.ID, "User")
		return
	}
	userName := ""
	if body.Credentials != nil && body.Credentials.UserName != nil {
		userName = *body.Credentials.UserName
	}
	au := s.w.AppUsers[u.ID]
	if au == nil {
		au = s.newAppUser(u, "USER", body.Profile, userName, now)
	} else {
		// Re-POST is an upsert; a GROUP-scoped assignment is converted to USER
		// (what "Convert assignments" does).
		au.Scope = "USER"
		if body.Profile != nil {
			mergeProfile(au.Profile, body.Profile)
			s.pushProfileLocked(au, now)
		}
		au.LastUpdated = now
	}
	s.syncPushesLocked(now)
	writeJSON(w, http.StatusOK, s.appUserJSON(au, false))
}

func mergeProfile(dst, src map[string]any) {
	for k, v := range src {
		dst[k] = v
	}
}

func (s *Sandbox) getAppUser(w http.ResponseWriter, r *http.Request) {
	au := lockAppRecord(s, w, r, func(w *world) map[string]*appUserRec { return w.AppUsers }, "userId", "AppUser")
	if au == nil {
		return
	}
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.appUserJSON(au, r.URL.Query().Get("expand") == "user"))
}

func (s *Sandbox) updateAppUser(w http.ResponseWriter, r *http.Request) {
	var body appUserBody
	if err := decodeBody(r, &body); err != nil {
		oktaMalformed(w, err)
		return
	}
	if !body.valid(w) {
		return
	}
	au := lockAppRecord(s, w, r, func(w *world) map[string]*appUserRec { return w.AppUsers }, "userId", "AppUser")
	if au == nil {
		return
	}
	defer s.mu.Unlock()
	now := s.now()
	if body.Profile != nil {
		mergeProfile(au.Profile, body.Profile)
		s.pushProfileLocked(au, now)
	}
	if body.Credentials != nil && body.Credentials.UserName != nil && *body.Credentials.UserName != "" {
		au.UserName = *body.Credentials.UserName
	}
	au.LastUpdated = now
	writeJSON(w, http.StatusOK, s.appUserJSON(au, false))
}

func (s *Sandbox) unassignAppUser(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("sendEmail"); v != "" && v != "true" && v != "false" {
		oktaValidation(w, "sendEmail", "sendEmail: The field must be a boolean")
		return
	}
	au := lockAppRecord(s, w, r, func(w *world) map[string]*appUserRec { return w.AppUsers }, "userId", "AppUser")
	if au == nil {
		return
	}
	defer s.mu.Unlock()
	if len(au.GroupIDs) > 0 {
		// Okta refuses while an assigned group still grants access (HTTP status
		// unconfirmed; 403 like other E00000xx "forbidden" errors).
		writeOktaError(w, http.StatusForbidden, "E0000046", "Deactivate application for user forbidden.", assignBlockedMsg)
		return
	}
	s.removeAppUserLocked(au, s.now())
	w.WriteHeader(http.StatusNoContent)
}

// ---------- app groups ----------

func (s *Sandbox) appGroupJSON(ag *appGroupRec, expandGroup bool) map[string]any {
	base := s.oktaURL + "/api/v1/apps/" + s.w.App.ID
	out := map[string]any{
		"id":          ag.GroupID,
		"lastUpdated": oktaTime(ag.LastUpdated),
		"priority":    ag.Priority,
		"profile":     maps.Clone(ag.Profile),
		"_links": map[string]any{
			"app":   href(base),
			"self":  href(base + "/groups/" + ag.GroupID),
			"group": href(s.oktaURL + "/api/v1/groups/" + ag.GroupID),
		},
	}
	if expandGroup {
		if g := s.w.Groups[ag.GroupID]; g != nil {
			out["_embedded"] = map[string]any{"group": s.groupJSON(g, false, false)}
		}
	}
	return out
}

func (s *Sandbox) listAppGroups(w http.ResponseWriter, r *http.Request) {
	limit, err := parseLimit(r, defaultLimitAppGroups, 20, 200)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	if !s.lockApp(w, r) {
		return
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	var ids []string
	for id := range s.w.AppGroups {
		if g := s.w.Groups[id]; q != "" && (g == nil || !strings.HasPrefix(strings.ToLower(g.Name), q)) {
			continue
		}
		ids = append(ids, id)
	}
	// Priority, then creation order, as recorded traffic lists them (not by id).
	slices.SortFunc(ids, func(a, b string) int {
		x, y := s.w.AppGroups[a], s.w.AppGroups[b]
		return cmp.Or(cmp.Compare(x.Priority, y.Priority), cmp.Compare(x.Assigned, y.Assigned), strings.Compare(a, b))
	})
	page, next := paginateOrdered(ids, r.URL.Query().Get("after"), limit)
	expand := r.URL.Query().Get("expand") == "group"
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		out = append(out, s.appGroupJSON(s.w.AppGroups[id], expand))
	}
	s.mu.Unlock()
	s.setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) getAppGroup(w http.ResponseWriter, r *http.Request) {
	ag := lockAppRecord(s, w, r, func(w *world) map[string]*appGroupRec { return w.AppGroups }, "groupId", "ApplicationGroupAssignment")
	if ag == nil {
		return
	}
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.appGroupJSON(ag, r.URL.Query().Get("expand") == "group"))
}

func (s *Sandbox) assignAppGroup(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Priority *json.Number   `json:"priority"`
		Profile  map[string]any `json:"profile"`
	}
	if r.ContentLength != 0 {
		if err := decodeBody(r, &body); err != nil && err.Error() != "EOF" {
			oktaMalformed(w, err)
			return
		}
	}
	priority := -1
	if body.Priority != nil {
		p, err := body.Priority.Int64()
		if err != nil || p < 0 {
			oktaValidation(w, "priority", "priority: The field must be a non-negative integer")
			return
		}
		priority = int(p)
	}
	g := lockAppRecord(s, w, r, func(w *world) map[string]*groupRec { return w.Groups }, "groupId", "Group")
	if g == nil {
		return
	}
	defer s.mu.Unlock()
	if priority < 0 {
		if ag := s.w.AppGroups[g.ID]; ag != nil {
			priority = ag.Priority
		} else {
			// "the next highest priority is assigned by default"
			priority = len(s.w.AppGroups)
		}
	}
	ag := s.assignGroupLocked(g, priority, body.Profile, s.now())
	s.syncPushesLocked(s.now())
	writeJSON(w, http.StatusOK, s.appGroupJSON(ag, false))
}

func (s *Sandbox) patchAppGroup(w http.ResponseWriter, r *http.Request) {
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := decodeBody(r, &ops); err != nil {
		oktaMalformed(w, err)
		return
	}
	ag := lockAppRecord(s, w, r, func(w *world) map[string]*appGroupRec { return w.AppGroups }, "groupId", "ApplicationGroupAssignment")
	if ag == nil {
		return
	}
	defer s.mu.Unlock()
	// Validate all operations before applying any (JSON Patch is atomic).
	next := *ag
	next.Profile = maps.Clone(ag.Profile)
	for i, op := range ops {
		if op.Op != "replace" && op.Op != "remove" {
			oktaValidation(w, "op", fmt.Sprintf("op[%d]: Does not match required enum values: remove, replace", i))
			return
		}
		switch {
		case op.Path == "/priority":
			if op.Op == "remove" {
				oktaValidation(w, "priority", "priority: The field cannot be removed")
				return
			}
			n, ok := op.Value.(json.Number)
			p, err := n.Int64()
			if !ok || err != nil || p < 0 {
				oktaValidation(w, "priority", "priority: The field must be a non-negative integer")
				return
			}
			next.Priority = int(p)
		case strings.HasPrefix(op.Path, "/profile/") && len(op.Path) > len("/profile/"):
			key := strings.TrimPrefix(op.Path, "/profile/")
			if op.Op == "remove" {
				delete(next.Profile, key)
			} else {
				next.Profile[key] = op.Value
			}
		case op.Path == "/profile":
			if op.Op == "remove" {
				next.Profile = map[string]any{}
			} else if m, ok := op.Value.(map[string]any); ok {
				next.Profile = m
			} else {
				oktaValidation(w, "profile", "profile: The field must be an object")
				return
			}
		default:
			oktaValidation(w, "path", fmt.Sprintf("path: Unsupported path %q", op.Path))
			return
		}
	}
	next.LastUpdated = s.now()
	*ag = next
	writeJSON(w, http.StatusOK, s.appGroupJSON(ag, false))
}

func (s *Sandbox) unassignAppGroup(w http.ResponseWriter, r *http.Request) {
	if !s.lockApp(w, r) {
		return
	}
	defer s.mu.Unlock()
	gid := r.PathValue("groupId")
	if s.w.AppGroups[gid] == nil {
		oktaNotFound(w, gid, "ApplicationGroupAssignment")
		return
	}
	s.unassignGroupLocked(gid, s.now())
	s.syncPushesLocked(s.now())
	w.WriteHeader(http.StatusNoContent)
}

// sortIDs is a helper for deterministic iteration.
func sortIDs(ids []string) []string { sort.Strings(ids); return ids }
