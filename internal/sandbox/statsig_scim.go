package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Statsig SCIM 2.0 (RFC 7643/7644). The published spec documents request
// bodies only; responses follow the RFC.

const (
	scimUserSchema  = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimListSchema  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimErrSchema   = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

func (s *Sandbox) registerStatsig(mux *http.ServeMux) {
	mux.HandleFunc("GET /scim/ServiceProviderConfig", s.scimServiceProviderConfig)
	mux.HandleFunc("GET /scim/ResourceTypes", s.scimResourceTypes)
	mux.HandleFunc("GET /scim/Schemas", s.scimSchemas)
	mux.HandleFunc("GET /scim/Users", s.scimListUsers)
	mux.HandleFunc("POST /scim/Users", s.scimCreateUser)
	mux.HandleFunc("GET /scim/Users/{id}", s.scimGetUser)
	mux.HandleFunc("PUT /scim/Users/{id}", s.scimPutUser)
	mux.HandleFunc("PATCH /scim/Users/{id}", s.scimPatchUser)
	mux.HandleFunc("GET /scim/Groups", s.scimListGroups)
	mux.HandleFunc("POST /scim/Groups", s.scimCreateGroup)
	mux.HandleFunc("GET /scim/Groups/{id}", s.scimGetGroup)
	mux.HandleFunc("PUT /scim/Groups/{id}", s.scimPutGroup)
	mux.HandleFunc("PATCH /scim/Groups/{id}", s.scimPatchGroup)
	mux.HandleFunc("DELETE /scim/Groups/{id}", s.scimDeleteGroup)

	mux.HandleFunc("GET /console/v1/company", s.consoleCompany)
	mux.HandleFunc("GET /console/v1/project", s.consoleProject)
	mux.HandleFunc("GET /console/v1/users", s.consoleListUsers)
	mux.HandleFunc("GET /console/v1/users/{email}", s.consoleGetUser)
	mux.HandleFunc("GET /console/v1/roles", s.consoleRoles)

	mux.HandleFunc("GET /_sandbox/statsig-users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.StatsigUsers())
	})
	mux.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Requests())
	})
	mux.HandleFunc("GET /_sandbox/app-users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.AppUsers())
	})
	mux.HandleFunc("GET /_sandbox/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Info())
	})
	mux.HandleFunc("GET /_sandbox/push-mappings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.PushMappings())
	})
	s.registerAdmin(mux)
}

func (s *Sandbox) authenticateStatsig(w http.ResponseWriter, r *http.Request) (*principal, bool) {
	if strings.HasPrefix(r.URL.Path, "/console/") {
		key := r.Header.Get("STATSIG-API-KEY")
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, p := range s.w.Projects {
			if key != "" && key == p.ConsoleKey {
				return &principal{kind: "console", project: p.Name}, true
			}
		}
		writeStatsigError(w, http.StatusUnauthorized,
			"This endpoint only accepts an active CONSOLE key, but an invalid key was sent. Key: "+key)
		return nil, false
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") && tok != "" && strings.TrimSpace(tok) == s.creds.SCIMToken {
		return &principal{kind: "scim"}, true
	}
	scimError(w, http.StatusUnauthorized, "", "Unauthorized: invalid SCIM token")
	return nil, false
}

func writeStatsigError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"status": status, "message": msg})
}

func scimError(w http.ResponseWriter, status int, scimType, detail string) {
	body := map[string]any{"schemas": []string{scimErrSchema}, "status": strconv.Itoa(status), "detail": detail}
	if scimType != "" {
		body["scimType"] = scimType
	}
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the status is sent; a write error only means the client went away
}

func writeSCIM(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the status is sent; a write error only means the client went away
}

func scimTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Sandbox) scimUserJSON(su *statsigUserRec) map[string]any {
	groups := []map[string]any{}
	for _, id := range sortedKeys(s.w.SGroups) {
		if g := s.w.SGroups[id]; s.w.isMember(su, g) {
			groups = append(groups, map[string]any{"value": g.ID, "display": g.DisplayName})
		}
	}
	var role any = su.OrgRole
	if su.OrgRole == "" {
		role = nil
	}
	return map[string]any{
		"schemas":  []string{scimUserSchema},
		"id":       su.ID,
		"userName": su.UserName,
		"name": map[string]any{
			"givenName": su.GivenName, "familyName": su.FamilyName,
			"formatted": strings.TrimSpace(su.GivenName + " " + su.FamilyName),
		},
		"emails":         []map[string]any{{"value": su.Email, "primary": true, "type": "work"}},
		"active":         su.Active,
		"statsigOrgRole": role,
		"groups":         groups,
		"meta": map[string]any{
			"resourceType": "User", "created": scimTime(su.Created), "lastModified": scimTime(su.LastModified),
			"location": s.statsigURL + "/scim/Users/" + su.ID,
		},
	}
}

func (s *Sandbox) scimGroupJSON(g *statsigGroupRec, withMembers bool) map[string]any {
	out := map[string]any{
		"schemas":     []string{scimGroupSchema},
		"id":          g.ID,
		"displayName": g.DisplayName,
		"meta": map[string]any{
			"resourceType": "Group", "created": scimTime(g.Created), "lastModified": scimTime(g.Created),
			"location": s.statsigURL + "/scim/Groups/" + g.ID,
		},
	}
	if withMembers {
		members := []map[string]any{}
		for _, su := range s.w.groupMembers(g) {
			members = append(members, map[string]any{"value": su.ID, "display": su.UserName})
		}
		out["members"] = members
	}
	return out
}

// scimPage parses startIndex (1-based) and count.
func scimPage(r *http.Request) (start, count int, err error) {
	start, count = 1, 100
	if v := r.URL.Query().Get("startIndex"); v != "" {
		if start, err = strconv.Atoi(v); err != nil {
			return 0, 0, fmt.Errorf("startIndex must be an integer")
		}
		start = max(start, 1)
	}
	if v := r.URL.Query().Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil {
			return 0, 0, fmt.Errorf("count must be an integer")
		}
		count = min(max(count, 0), 100)
	}
	return start, count, nil
}

func scimList(resources []map[string]any, start, count int) map[string]any {
	total := len(resources)
	from := min(start-1, total)
	to := min(from+count, total)
	page := resources[from:to]
	if page == nil {
		page = []map[string]any{}
	}
	return map[string]any{
		"schemas": []string{scimListSchema}, "totalResults": total,
		"startIndex": start, "itemsPerPage": len(page), "Resources": page,
	}
}

func scimFilterRules(attrs ...string) searchRules {
	return searchRules{allowed: func(attr, op string) error {
		for _, a := range attrs {
			if strings.EqualFold(a, attr) {
				return nil
			}
		}
		return fmt.Errorf("unsupported filter attribute %q", attr)
	}}
}

func (su *statsigUserRec) attr(a string) (string, bool) {
	switch strings.ToLower(a) {
	case "id":
		return su.ID, true
	case "username":
		return su.UserName, true
	case "emails.value", "emails":
		return su.Email, true
	case "active":
		return strconv.FormatBool(su.Active), true
	case "name.givenname":
		return su.GivenName, true
	case "name.familyname":
		return su.FamilyName, true
	}
	return "", false
}

func (s *Sandbox) scimListUsers(w http.ResponseWriter, r *http.Request) {
	scimServeList(s, w, r, []string{"id", "userName", "emails.value", "emails", "active", "name.givenName", "name.familyName"},
		func() []*statsigUserRec {
			var out []*statsigUserRec
			for _, id := range s.sortedStatsigUsers() {
				out = append(out, s.w.SUsers[id])
			}
			return out
		}, s.scimUserJSON)
}

// scimFilterable is a SCIM record a list filter can read.
type scimFilterable interface {
	attr(name string) (string, bool)
}

// scimServeList answers a SCIM list request: startIndex and count, a filter
// on the attributes allowed, and one page of the records (listed in order
// under the lock), each rendered by render.
func scimServeList[T scimFilterable](s *Sandbox, w http.ResponseWriter, r *http.Request, filterAttrs []string,
	records func() []T, render func(T) map[string]any) {
	start, count, err := scimPage(r)
	if err != nil {
		scimError(w, http.StatusBadRequest, "invalidValue", err.Error())
		return
	}
	var expr exprNode
	if f := r.URL.Query().Get("filter"); f != "" {
		if expr, err = parseSearch(f, scimFilterRules(filterAttrs...)); err != nil {
			scimError(w, http.StatusBadRequest, "invalidFilter", err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	var res []map[string]any
	for _, rec := range records() {
		if expr == nil || expr.eval(rec.attr) {
			res = append(res, render(rec))
		}
	}
	writeSCIM(w, http.StatusOK, scimList(res, start, count))
}

// decodeSCIM reads a request body into v, answering invalidSyntax when it
// is not JSON of that shape; it reports whether the handler may go on.
func decodeSCIM(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return false
	}
	return true
}

// scimUpdate is the frame of every SCIM PUT and PATCH: a body that decode
// accepts (it answers the error otherwise), the record by id under the lock
// (find answers the 404), update (false once it has answered an error), and
// the record as it then is.
func scimUpdate[T any](s *Sandbox, w http.ResponseWriter, r *http.Request, decode func() bool,
	find func(http.ResponseWriter, *http.Request) *T, update func(rec *T, now time.Time) bool, render func(*T) map[string]any) {
	if !decode() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if rec := find(w, r); rec != nil && update(rec, now) {
		writeSCIM(w, http.StatusOK, render(rec))
	}
}

// scimPatchBody is a SCIM PatchOp request.
type scimPatchBody struct {
	Operations []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

// sortedStatsigUsers orders users by creation, then id (stable paging).
func (s *Sandbox) sortedStatsigUsers() []string {
	ids := sortedKeys(s.w.SUsers)
	sort.SliceStable(ids, func(i, j int) bool { return s.w.SUsers[ids[i]].Created.Before(s.w.SUsers[ids[j]].Created) })
	return ids
}

type scimUserBody struct {
	ID       string `json:"id"`
	UserName string `json:"userName"`
	Name     *struct {
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
	} `json:"name"`
	Emails []struct {
		Value   string `json:"value"`
		Primary bool   `json:"primary"`
	} `json:"emails"`
	Active         *bool   `json:"active"`
	StatsigOrgRole *string `json:"statsigOrgRole"`
}

// decode reads a user's POST or PUT body and checks the attributes Statsig
// requires; it reports whether the handler may go on.
func (b *scimUserBody) decode(w http.ResponseWriter, r *http.Request) bool {
	if !decodeSCIM(w, r, b) {
		return false
	}
	if msg := b.validate(); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
		return false
	}
	return true
}

func (b *scimUserBody) validate() string {
	switch {
	case b.UserName == "":
		return "userName is required"
	case b.Name == nil || b.Name.GivenName == "" || b.Name.FamilyName == "":
		return "name.givenName and name.familyName are required"
	case len(b.Emails) == 0 || b.Emails[0].Value == "":
		return "emails is required"
	}
	return ""
}

func (b *scimUserBody) email() string {
	for _, e := range b.Emails {
		if e.Primary {
			return e.Value
		}
	}
	return b.Emails[0].Value
}

func (s *Sandbox) scimCreateUser(w http.ResponseWriter, r *http.Request) {
	var b scimUserBody
	if !b.decode(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.w.statsigUserByName(b.UserName) != nil {
		scimError(w, http.StatusConflict, "uniqueness", fmt.Sprintf("User %s already exists", b.UserName))
		return
	}
	if !s.w.domainAllowed(b.email()) {
		scimError(w, http.StatusBadRequest, "invalidValue", fmt.Sprintf("User %s is not allowed to be created in this organization", b.UserName))
		return
	}
	role := "Member"
	if b.StatsigOrgRole != nil && *b.StatsigOrgRole != "" {
		role = *b.StatsigOrgRole
	}
	if msg := s.checkOrgRole(nil, role); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
		return
	}
	su := &statsigUserRec{ID: s.w.newStatsigID(), UserName: b.UserName, Email: b.email(),
		GivenName: b.Name.GivenName, FamilyName: b.Name.FamilyName, OrgRole: role, Active: true,
		ProjectRoles: map[string]string{}, TeamRoles: map[string]string{}, Created: now, LastModified: now}
	if b.Active != nil {
		su.Active = *b.Active
	}
	s.w.addStatsigUser(su)
	w.Header().Set("Location", s.statsigURL+"/scim/Users/"+su.ID)
	writeSCIM(w, http.StatusCreated, s.scimUserJSON(su))
}

func (s *Sandbox) scimUser(w http.ResponseWriter, r *http.Request) *statsigUserRec {
	su := s.w.SUsers[r.PathValue("id")]
	if su == nil {
		scimError(w, http.StatusNotFound, "", fmt.Sprintf("User %s not found", r.PathValue("id")))
	}
	return su
}

func (s *Sandbox) scimGetUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	if su := s.scimUser(w, r); su != nil {
		writeSCIM(w, http.StatusOK, s.scimUserJSON(su))
	}
}

// setActiveLocked applies SCIM (de)activation. Deactivation wipes all roles.
func (s *Sandbox) setActiveLocked(su *statsigUserRec, active bool, now time.Time) {
	if su.Active == active {
		return
	}
	if !active {
		oktaID := ""
		for id, au := range s.w.AppUsers {
			if au.ExternalID == su.ID {
				oktaID = id
			}
		}
		s.w.deactivateStatsigUser(su, oktaID, now)
		return
	}
	su.Active = true
	su.LastModified = now
}

func (s *Sandbox) scimPutUser(w http.ResponseWriter, r *http.Request) {
	var b scimUserBody
	scimUpdate(s, w, r, func() bool { return b.decode(w, r) }, s.scimUser, func(su *statsigUserRec, now time.Time) bool {
		if !strings.EqualFold(b.UserName, su.UserName) || !strings.EqualFold(b.email(), su.Email) {
			scimError(w, http.StatusBadRequest, "mutability", "User email management is not enabled on SCIM yet")
			return false
		}
		if b.StatsigOrgRole != nil && *b.StatsigOrgRole != "" && *b.StatsigOrgRole != su.OrgRole {
			if msg := s.checkOrgRole(su, *b.StatsigOrgRole); msg != "" {
				scimError(w, http.StatusBadRequest, "invalidValue", msg)
				return false
			}
			su.OrgRole = *b.StatsigOrgRole
		}
		su.GivenName, su.FamilyName = b.Name.GivenName, b.Name.FamilyName
		su.LastModified = now
		if b.Active != nil {
			s.setActiveLocked(su, *b.Active, now)
		}
		return true
	}, s.scimUserJSON)
}

func (s *Sandbox) scimPatchUser(w http.ResponseWriter, r *http.Request) {
	var b scimPatchBody
	decode := func() bool {
		if !decodeSCIM(w, r, &b) {
			return false
		}
		if b.Operations == nil {
			scimError(w, http.StatusBadRequest, "invalidValue", "Operations is required")
			return false
		}
		return true
	}
	scimUpdate(s, w, r, decode, s.scimUser, func(su *statsigUserRec, now time.Time) bool {
		for _, op := range b.Operations {
			switch strings.ToLower(op.Op) {
			case "replace", "add", "remove":
			default:
				scimError(w, http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("unsupported op %q", op.Op))
				return false
			}
			// Statsig only supports {"op":"replace","value":{"active":bool}}; also
			// accept the path form {"path":"active","value":false}.
			var active *bool
			if strings.EqualFold(op.Path, "active") {
				var v bool
				if json.Unmarshal(op.Value, &v) == nil {
					active = &v
				}
			} else {
				var v struct {
					Active *bool `json:"active"`
				}
				if json.Unmarshal(op.Value, &v) == nil {
					active = v.Active
				}
			}
			if active == nil {
				scimError(w, http.StatusBadRequest, "invalidValue", "Only the active attribute can be patched")
				return false
			}
			s.setActiveLocked(su, *active, now)
		}
		return true
	}, s.scimUserJSON)
}

// ---------- discovery ----------

func (s *Sandbox) scimServiceProviderConfig(w http.ResponseWriter, r *http.Request) {
	writeSCIM(w, http.StatusOK, map[string]any{
		"schemas":        []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"patch":          map[string]any{"supported": true},
		"bulk":           map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":         map[string]any{"supported": true, "maxResults": 100},
		"changePassword": map[string]any{"supported": false},
		"sort":           map[string]any{"supported": false},
		"etag":           map[string]any{"supported": false},
		"authenticationSchemes": []map[string]any{{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token",
			"description": "Authentication with the Statsig SCIM key (Bearer scim-…)",
		}},
	})
}

func (s *Sandbox) scimResourceTypes(w http.ResponseWriter, r *http.Request) {
	rt := func(name, endpoint, schema string) map[string]any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
			"id": name, "name": name, "endpoint": endpoint, "schema": schema}
	}
	writeSCIM(w, http.StatusOK, scimList([]map[string]any{
		rt("User", "/Users", scimUserSchema), rt("Group", "/Groups", scimGroupSchema)}, 1, 100))
}

func (s *Sandbox) scimSchemas(w http.ResponseWriter, r *http.Request) {
	writeSCIM(w, http.StatusOK, scimList([]map[string]any{
		{"id": scimUserSchema, "name": "User"}, {"id": scimGroupSchema, "name": "Group"}}, 1, 100))
}
