package sandbox

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Statsig Console API (version 20240601). Console keys are per project; a
// project's console users are the active Statsig users holding a role in it.

func (s *Sandbox) consoleProjectLocked(r *http.Request) *projectRec {
	if p := principalFrom(r); p != nil {
		return s.w.project(p.project)
	}
	return nil
}

// StatsigConsoleKey is the console key of the first fixture project.
func (s *Sandbox) StatsigConsoleKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.w.Projects) == 0 {
		return ""
	}
	return s.w.Projects[0].ConsoleKey
}

// StatsigConsoleKeyFor returns the console key of the named project ("" if unknown).
func (s *Sandbox) StatsigConsoleKeyFor(project string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.w.project(project); p != nil {
		return p.ConsoleKey
	}
	return ""
}

func (s *Sandbox) consoleCompany(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.consoleProjectLocked(r)
	if p == nil {
		writeStatsigError(w, http.StatusForbidden, "Forbidden resource")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"message": "Company read successfully.",
		"data": map[string]any{
			"companyID": p.ID, "companyName": p.Name, "isWarehouseNative": false,
			"orgID": s.w.OrgID, "orgName": s.w.OrgName,
		},
	})
}

func (s *Sandbox) consoleProject(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.consoleProjectLocked(r)
	if p == nil {
		writeStatsigError(w, http.StatusForbidden, "Forbidden resource")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Project Info Retrieved Successfully", "data": map[string]any{"id": p.ID}})
}

func (s *Sandbox) consoleUserJSON(su *statsigUserRec, role string) map[string]any {
	return map[string]any{"email": su.Email, "firstName": su.GivenName, "lastName": su.FamilyName, "role": role}
}

// consolePaging reads limit and page, answering Statsig's 400 when either
// is not a positive whole number; it reports whether the handler may go on.
func consolePaging(w http.ResponseWriter, r *http.Request) (limit, page int, ok bool) {
	positive := func(name string) (int, bool) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return 0, true
		}
		n, err := strconv.Atoi(v)
		return n, err == nil && n >= 1
	}
	limit, okLimit := positive("limit")
	page, okPage := positive("page")
	if !okLimit || !okPage {
		writeStatsigError(w, http.StatusBadRequest, "Invalid request. Please check the request input and try again.")
		return 0, 0, false
	}
	if limit == 0 {
		limit = 100
	}
	return limit, max(page, 1), true
}

func consoleList(path, message string, items []map[string]any, limit, page int) map[string]any {
	total := len(items)
	from := min((page-1)*limit, total)
	to := min(from+limit, total)
	data := items[from:to]
	if data == nil {
		data = []map[string]any{}
	}
	var next, prev any
	if to < total {
		next = fmt.Sprintf("%s?page=%d&limit=%d", path, page+1, limit)
	}
	if page > 1 {
		prev = fmt.Sprintf("%s?page=%d&limit=%d", path, page-1, limit)
	}
	return map[string]any{
		"message": message,
		"data":    data,
		"pagination": map[string]any{
			"itemsPerPage": limit, "pageNumber": page, "totalItems": total,
			"nextPage": next, "previousPage": prev, "all": path,
		},
	}
}

func (s *Sandbox) consoleListUsers(w http.ResponseWriter, r *http.Request) {
	limit, page, ok := consolePaging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	p := s.consoleProjectLocked(r)
	var users []*statsigUserRec
	for _, su := range s.w.SUsers {
		if su.Active && p != nil && su.ProjectRoles[p.Name] != "" {
			users = append(users, su)
		}
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Email < users[j].Email })
	items := make([]map[string]any, 0, len(users))
	for _, su := range users {
		items = append(items, s.consoleUserJSON(su, su.ProjectRoles[p.Name]))
	}
	writeJSON(w, http.StatusOK, consoleList("/console/v1/users", "User listed successfully.", items, limit, page))
}

func (s *Sandbox) consoleGetUser(w http.ResponseWriter, r *http.Request) {
	email := r.PathValue("email")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	p := s.consoleProjectLocked(r)
	for _, su := range s.w.SUsers {
		if strings.EqualFold(su.Email, email) && su.Active && p != nil && su.ProjectRoles[p.Name] != "" {
			writeJSON(w, http.StatusOK, map[string]any{"message": "User read successfully.", "data": s.consoleUserJSON(su, su.ProjectRoles[p.Name])})
			return
		}
	}
	writeStatsigError(w, http.StatusNotFound, "Not Found. The requested resource could not be found.")
}

var rolePermissionNames = []string{
	"invitation_access", "create_configs", "edit_or_delete_configs", "launch_to_production", "launch_or_disable_configs",
	"start_experiments", "create_or_edit_templates", "create_or_edit_dashboards", "create_teams", "edit_dynamic_config_schemas",
	"create_release_pipelines", "approve_required_review_release_pipeline_phase", "self_approve_review", "approve_reviews",
	"bypass_reviews_for_overrides", "metric_management", "verify_metrics", "use_metrics_explorer", "local_metrics",
	"manage_alerts", "integrations_edit_access", "source_connection_and_creation",
	"data_warehouse_ingestion_and_exports_edit_access", "edit_and_tag_configs_with_core_tag", "reset_experiments",
}

func (s *Sandbox) consoleRoles(w http.ResponseWriter, r *http.Request) {
	limit, page, ok := consolePaging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.consoleProjectLocked(r)
	var items []map[string]any
	if p != nil {
		for _, role := range p.Roles {
			perms := map[string]any{}
			for _, n := range rolePermissionNames {
				switch role {
				case "Admin":
					perms[n] = true
				case "Read Only":
					perms[n] = false
				default:
					perms[n] = n == "create_configs" || n == "edit_or_delete_configs" || n == "start_experiments" || n == "use_metrics_explorer"
				}
			}
			items = append(items, map[string]any{"name": role, "permissions": perms})
		}
	}
	writeJSON(w, http.StatusOK, consoleList("/console/v1/roles", "Roles listed successfully.", items, limit, page))
}

// InviteStatsigUserOutOfBand makes an active Statsig user with a project role
// and no Okta assignment: what a Statsig admin's console invite (or re-invite
// of a user Okta deactivated) does. An existing user is reactivated. orgRole
// defaults to Member.
func (s *Sandbox) InviteStatsigUserOutOfBand(email, givenName, familyName, orgRole, project, role string) {
	s.inspect(func() {
		now := s.now()
		if orgRole == "" {
			orgRole = "Member"
		}
		su := s.w.statsigUserByName(email)
		if su == nil {
			su = &statsigUserRec{ID: s.w.newStatsigID(), UserName: email, Email: email,
				ProjectRoles: map[string]string{}, TeamRoles: map[string]string{}, Created: now}
			s.w.addStatsigUser(su)
		}
		su.GivenName, su.FamilyName, su.OrgRole, su.Active, su.LastModified = givenName, familyName, orgRole, true, now
		if project != "" && role != "" {
			su.ProjectRoles[project] = role
		}
	})
}

// SetStatsigOrgRoleOutOfBand changes a Statsig user's org role in the
// Statsig console; Okta's statsigOrgRole is not told.
func (s *Sandbox) SetStatsigOrgRoleOutOfBand(userName, orgRole string) {
	s.inspect(func() {
		if su := s.w.statsigUserByName(userName); su != nil {
			su.OrgRole, su.LastModified = orgRole, s.now()
		}
	})
}
