package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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
	start, count, err := scimPage(r)
	if err != nil {
		scimError(w, http.StatusBadRequest, "invalidValue", err.Error())
		return
	}
	var expr exprNode
	if f := r.URL.Query().Get("filter"); f != "" {
		if expr, err = parseSearch(f, scimFilterRules("id", "userName", "emails.value", "emails", "active", "name.givenName", "name.familyName")); err != nil {
			scimError(w, http.StatusBadRequest, "invalidFilter", err.Error())
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	var res []map[string]any
	for _, id := range s.sortedStatsigUsers() {
		su := s.w.SUsers[id]
		if expr == nil || expr.eval(su.attr) {
			res = append(res, s.scimUserJSON(su))
		}
	}
	writeSCIM(w, http.StatusOK, scimList(res, start, count))
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
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	if msg := b.validate(); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
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
	s.w.SUsers[su.ID] = su
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
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	if msg := b.validate(); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	su := s.scimUser(w, r)
	if su == nil {
		return
	}
	if !strings.EqualFold(b.UserName, su.UserName) || !strings.EqualFold(b.email(), su.Email) {
		scimError(w, http.StatusBadRequest, "mutability", "User email management is not enabled on SCIM yet")
		return
	}
	if b.StatsigOrgRole != nil && *b.StatsigOrgRole != "" && *b.StatsigOrgRole != su.OrgRole {
		if msg := s.checkOrgRole(su, *b.StatsigOrgRole); msg != "" {
			scimError(w, http.StatusBadRequest, "invalidValue", msg)
			return
		}
		su.OrgRole = *b.StatsigOrgRole
	}
	su.GivenName, su.FamilyName = b.Name.GivenName, b.Name.FamilyName
	su.LastModified = now
	if b.Active != nil {
		s.setActiveLocked(su, *b.Active, now)
	}
	writeSCIM(w, http.StatusOK, s.scimUserJSON(su))
}

func (s *Sandbox) scimPatchUser(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Operations []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Operations"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	if b.Operations == nil {
		scimError(w, http.StatusBadRequest, "invalidValue", "Operations is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	su := s.scimUser(w, r)
	if su == nil {
		return
	}
	for _, op := range b.Operations {
		switch strings.ToLower(op.Op) {
		case "replace", "add", "remove":
		default:
			scimError(w, http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("unsupported op %q", op.Op))
			return
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
			return
		}
		s.setActiveLocked(su, *active, now)
	}
	writeSCIM(w, http.StatusOK, s.scimUserJSON(su))
}

// ---------- groups ----------

func (g *statsigGroupRec) attr(a string) (string, bool) {
	switch strings.ToLower(a) {
	case "id":
		return g.ID, true
	case "displayname":
		return g.DisplayName, true
	}
	return "", false
}

func (s *Sandbox) scimListGroups(w http.ResponseWriter, r *http.Request) {
	start, count, err := scimPage(r)
	if err != nil {
		scimError(w, http.StatusBadRequest, "invalidValue", err.Error())
		return
	}
	var expr exprNode
	if f := r.URL.Query().Get("filter"); f != "" {
		if expr, err = parseSearch(f, scimFilterRules("id", "displayName")); err != nil {
			scimError(w, http.StatusBadRequest, "invalidFilter", err.Error())
			return
		}
	}
	withMembers := !strings.Contains(r.URL.Query().Get("excludedAttributes"), "members")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	var res []map[string]any
	ids := sortedKeys(s.w.SGroups)
	sort.SliceStable(ids, func(i, j int) bool { return s.w.SGroups[ids[i]].DisplayName < s.w.SGroups[ids[j]].DisplayName })
	for _, id := range ids {
		g := s.w.SGroups[id]
		if expr == nil || expr.eval(g.attr) {
			res = append(res, s.scimGroupJSON(g, withMembers))
		}
	}
	writeSCIM(w, http.StatusOK, scimList(res, start, count))
}

func (s *Sandbox) scimGroup(w http.ResponseWriter, r *http.Request) *statsigGroupRec {
	g := s.w.SGroups[r.PathValue("id")]
	if g == nil {
		scimError(w, http.StatusNotFound, "", fmt.Sprintf("Group %s not found", r.PathValue("id")))
	}
	return g
}

func (s *Sandbox) scimGetGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	if g := s.scimGroup(w, r); g != nil {
		writeSCIM(w, http.StatusOK, s.scimGroupJSON(g, !strings.Contains(r.URL.Query().Get("excludedAttributes"), "members")))
	}
}

// scimDetail is an error whose text reaches clients verbatim (as a SCIM error
// detail, or in a push mapping's errorSummary), so it reproduces Statsig's
// message (capitalised) rather than following Go's error-string style.
type scimDetail string

func (d scimDetail) Error() string { return string(d) }

var errProjectCreation = scimDetail("Project creation is not supported via SCIM")

// scimCreateGroupLocked is Statsig's group creation: only team groups
// "Statsig-<Project>-<Team>-<Admin|Member>" can be created; it creates the team.
func (s *Sandbox) scimCreateGroupLocked(name string, now time.Time) (*statsigGroupRec, error) {
	if g := s.w.statsigGroupByName(name); g != nil {
		return g, nil
	}
	rest, ok := strings.CutPrefix(name, "Statsig-")
	if !ok {
		return nil, errProjectCreation
	}
	projects := slices.Clone(s.w.Projects)
	sort.Slice(projects, func(i, j int) bool { return len(projects[i].Name) > len(projects[j].Name) })
	for _, p := range projects {
		tail, ok := strings.CutPrefix(rest, p.Name+"-")
		if !ok {
			continue
		}
		if slices.Contains(p.Roles, tail) {
			return nil, scimDetail("Project role groups are managed by Statsig and cannot be created via SCIM")
		}
		i := strings.LastIndexByte(tail, '-')
		if i <= 0 {
			return nil, scimDetail("Role creation is not supported via SCIM")
		}
		team, role := tail[:i], tail[i+1:]
		if !slices.Contains(defaultTeamRoles, role) {
			return nil, scimDetail(fmt.Sprintf("Invalid team role %q: team roles are Admin and Member", role))
		}
		t := p.team(team)
		if t == nil {
			t = &teamRec{Name: team, Roles: slices.Clone(defaultTeamRoles)}
			p.Teams = append(p.Teams, t)
		}
		var out *statsigGroupRec
		for _, r := range t.Roles {
			g := s.w.statsigGroupByName(groupDisplayName(p.Name, team, r))
			if g == nil {
				g = s.w.createStatsigGroup(p.Name, team, r, now)
			}
			if r == role {
				out = g
			}
		}
		if out == nil {
			return nil, scimDetail(fmt.Sprintf("Team %q has no role %q", team, role))
		}
		return out, nil
	}
	return nil, errProjectCreation
}

type scimMember struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

func (s *Sandbox) scimCreateGroup(w http.ResponseWriter, r *http.Request) {
	var b struct {
		DisplayName string       `json:"displayName"`
		Members     []scimMember `json:"members"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	if b.DisplayName == "" {
		scimError(w, http.StatusBadRequest, "invalidValue", "displayName is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.w.statsigGroupByName(b.DisplayName) != nil {
		scimError(w, http.StatusConflict, "uniqueness", fmt.Sprintf("Group %s already exists", b.DisplayName))
		return
	}
	g, err := s.scimCreateGroupLocked(b.DisplayName, now)
	if err != nil {
		scimError(w, http.StatusBadRequest, "invalidValue", err.Error())
		return
	}
	if msg := s.applyMembersLocked(g, "add", b.Members, now); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
		return
	}
	w.Header().Set("Location", s.statsigURL+"/scim/Groups/"+g.ID)
	writeSCIM(w, http.StatusCreated, s.scimGroupJSON(g, true))
}

// applyMembersLocked adds, removes or replaces group members (Statsig user ids).
func (s *Sandbox) applyMembersLocked(g *statsigGroupRec, op string, members []scimMember, now time.Time) string {
	var users []*statsigUserRec
	for _, m := range members {
		su := s.w.SUsers[m.Value]
		if su == nil {
			return fmt.Sprintf("User %s not found", m.Value)
		}
		if !su.Active && op != "remove" {
			return fmt.Sprintf("User %s is not active in this organization", m.Value)
		}
		users = append(users, su)
	}
	switch op {
	case "replace":
		for _, su := range s.w.groupMembers(g) {
			s.w.revoke(su, g, now)
		}
		fallthrough
	case "add":
		for _, su := range users {
			s.w.grant(su, g, now)
		}
	case "remove":
		for _, su := range users {
			s.w.revoke(su, g, now)
		}
	}
	return ""
}

func (s *Sandbox) scimPutGroup(w http.ResponseWriter, r *http.Request) {
	var b struct {
		DisplayName string       `json:"displayName"`
		Members     []scimMember `json:"members"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	g := s.scimGroup(w, r)
	if g == nil {
		return
	}
	if b.DisplayName != "" && b.DisplayName != g.DisplayName {
		scimError(w, http.StatusBadRequest, "mutability", "SCIM doesn't support updating group names")
		return
	}
	if msg := s.applyMembersLocked(g, "replace", b.Members, now); msg != "" {
		scimError(w, http.StatusBadRequest, "invalidValue", msg)
		return
	}
	writeSCIM(w, http.StatusOK, s.scimGroupJSON(g, true))
}

func (s *Sandbox) scimPatchGroup(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Operations []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Operations"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		scimError(w, http.StatusBadRequest, "invalidSyntax", err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	g := s.scimGroup(w, r)
	if g == nil {
		return
	}
	for _, op := range b.Operations {
		kind := strings.ToLower(op.Op)
		if kind != "add" && kind != "remove" && kind != "replace" {
			scimError(w, http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("unsupported op %q", op.Op))
			return
		}
		var members []scimMember
		switch {
		case strings.EqualFold(op.Path, "members"):
			if len(op.Value) > 0 {
				if err := json.Unmarshal(op.Value, &members); err != nil {
					scimError(w, http.StatusBadRequest, "invalidValue", "value must be a list of members")
					return
				}
			}
		case strings.HasPrefix(strings.ToLower(op.Path), "members[value eq "):
			// Okta's removal form: members[value eq "<id>"]
			id := strings.Trim(op.Path[len("members[value eq "):], "\"]")
			members = []scimMember{{Value: id}}
		case strings.EqualFold(op.Path, "displayName"):
			scimError(w, http.StatusBadRequest, "mutability", "SCIM doesn't support updating group names")
			return
		default:
			scimError(w, http.StatusBadRequest, "invalidPath", fmt.Sprintf("unsupported path %q", op.Path))
			return
		}
		if kind != "remove" {
			for _, m := range members {
				if m.Value == "" || m.Display == "" {
					scimError(w, http.StatusBadRequest, "invalidValue", "each member needs value and display")
					return
				}
			}
		}
		if msg := s.applyMembersLocked(g, kind, members, now); msg != "" {
			scimError(w, http.StatusBadRequest, "invalidValue", msg)
			return
		}
	}
	writeSCIM(w, http.StatusOK, s.scimGroupJSON(g, true))
}

func (s *Sandbox) scimDeleteGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.scimGroup(w, r)
	if g == nil {
		return
	}
	if g.Team == "" {
		scimError(w, http.StatusBadRequest, "mutability", "Project deletion is not supported via SCIM")
		return
	}
	s.deleteTeamLocked(g.Project, g.Team, s.now())
	w.WriteHeader(http.StatusOK) // the spec documents 200 (not RFC 7644's 204)
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
