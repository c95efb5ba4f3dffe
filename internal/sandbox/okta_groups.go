package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

func (s *Sandbox) groupJSON(g *groupRec, stats, app bool) map[string]any {
	base := s.oktaURL + "/api/v1/groups/" + g.ID
	// Real Okta sends description "" when a group has none.
	profile := map[string]any{"name": g.Name, "description": g.Description}
	links := map[string]any{
		"logo": []map[string]any{
			{"name": "medium", "href": s.oktaURL + "/img/logos/groups/okta-medium.png", "type": "image/png"},
			{"name": "large", "href": s.oktaURL + "/img/logos/groups/okta-large.png", "type": "image/png"},
		},
		"users": href(base + "/users"),
		"apps":  href(base + "/apps"),
	}
	out := map[string]any{
		"id":                    g.ID,
		"created":               oktaTime(g.Created),
		"lastUpdated":           oktaTime(g.LastUpdated),
		"lastMembershipUpdated": oktaTime(g.LastMembershipUpdated),
		"objectClass":           []string{"okta:user_group"},
		"type":                  g.Type,
		"profile":               profile,
		"_links":                links,
	}
	if g.Type == "APP_GROUP" {
		// Undocumented but returned by live Okta (okta-sdk-dotnet#822).
		out["source"] = map[string]any{"id": g.SourceAppID}
		links["source"] = href(s.oktaURL + "/api/v1/apps/" + g.SourceAppID)
	}
	emb := map[string]any{}
	if stats {
		apps := 0
		if _, ok := s.w.AppGroups[g.ID]; ok {
			apps = 1
		}
		pushes := 0
		for _, m := range s.w.Mappings {
			if m.SourceGroupID == g.ID || m.TargetGroupID == g.ID {
				pushes++
			}
		}
		emb["stats"] = map[string]any{
			"usersCount": len(g.Members), "appsCount": apps,
			"groupPushMappingsCount": pushes, "hasAdminPrivilege": false,
		}
	}
	if app && g.Type == "APP_GROUP" && g.SourceAppID == s.w.App.ID {
		emb["app"] = map[string]any{"id": s.w.App.ID, "name": s.w.App.Name, "label": s.w.App.Label, "signOnMode": "AUTO_LOGIN"}
	}
	if len(emb) > 0 {
		out["_embedded"] = emb
	}
	return out
}

func (s *Sandbox) userJSON(u *userRec) map[string]any {
	return map[string]any{
		"id":              u.ID,
		"status":          u.Status,
		"created":         oktaTime(u.Created),
		"activated":       oktaTime(u.Created),
		"statusChanged":   oktaTime(u.Created),
		"lastLogin":       nil,
		"lastUpdated":     oktaTime(u.Created),
		"passwordChanged": oktaTime(u.Created),
		"type":            map[string]any{"id": "oty1defaultusertype0"},
		"profile": map[string]any{
			"firstName":   u.FirstName,
			"lastName":    u.LastName,
			"mobilePhone": nil,
			"secondEmail": nil,
			"login":       u.Login,
			"email":       u.Email,
		},
		"credentials": map[string]any{
			"password": map[string]any{},
			"provider": map[string]any{"type": "OKTA", "name": "OKTA"},
		},
		"_links": map[string]any{"self": href(s.oktaURL + "/api/v1/users/" + u.ID)},
	}
}

var groupTopLevelAttrs = []string{"id", "type", "source.id", "created", "lastUpdated", "lastMembershipUpdated"}

func groupSearchRules() searchRules {
	return searchRules{allowed: func(attr, op string) error {
		if !strings.HasPrefix(attr, "profile.") && !slices.Contains(groupTopLevelAttrs, attr) {
			return fmt.Errorf("unsupported search attribute %q", attr)
		}
		if op == "co" && attr != "profile.name" && attr != "profile.description" {
			return fmt.Errorf("the co operator is only supported on profile.name and profile.description")
		}
		return nil
	}}
}

func groupFilterRules() searchRules {
	return searchRules{caseSensitive: true, allowed: func(attr, op string) error {
		switch attr {
		case "id", "type":
			if op != "eq" {
				return fmt.Errorf("filter only supports eq on %s", attr)
			}
		case "lastUpdated", "lastMembershipUpdated":
			if op == "sw" || op == "co" || op == "pr" {
				return fmt.Errorf("unsupported operator %s on %s", op, attr)
			}
		default:
			return fmt.Errorf("unsupported filter attribute %q", attr)
		}
		return nil
	}}
}

func (g *groupRec) attr(a string) (string, bool) {
	switch a {
	case "id":
		return g.ID, true
	case "type":
		return g.Type, true
	case "source.id":
		return g.SourceAppID, g.SourceAppID != ""
	case "created":
		return oktaTime(g.Created), true
	case "lastUpdated":
		return oktaTime(g.LastUpdated), true
	case "lastMembershipUpdated":
		return oktaTime(g.LastMembershipUpdated), true
	case "profile.name":
		return g.Name, true
	case "profile.description":
		return g.Description, g.Description != ""
	}
	return "", false
}

func invalidSearch(w http.ResponseWriter, err error) {
	writeOktaError(w, http.StatusBadRequest, "E0000031", "Invalid search criteria.", err.Error())
}

func (s *Sandbox) listGroups(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	search, filter, prefix := q.Get("search"), q.Get("filter"), q.Get("q")
	def := defaultLimitGroups
	if prefix != "" {
		def = defaultLimitGroupPrefix
	}
	limit, err := parseLimit(r, def, 1, 10000)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	var searchExpr, filterExpr exprNode
	if search != "" {
		if searchExpr, err = parseSearch(search, groupSearchRules()); err != nil {
			invalidSearch(w, err)
			return
		}
	}
	if filter != "" {
		if filterExpr, err = parseSearch(filter, groupFilterRules()); err != nil {
			invalidSearch(w, err)
			return
		}
	}
	sortBy, sortOrder := q.Get("sortBy"), q.Get("sortOrder")
	if sortOrder != "" && sortOrder != "asc" && sortOrder != "desc" {
		oktaValidation(w, "sortOrder", "sortOrder: Does not match required enum values: asc, desc")
		return
	}
	expand := strings.Split(q.Get("expand"), ",")
	s.mu.Lock()
	s.advanceLocked()
	now := s.now()
	var ids []string
	for id, g := range s.w.Groups {
		if searchExpr != nil {
			// search reads an eventually consistent index: a new group is not
			// there yet, a renamed one is still indexed under its old name.
			indexed := g
			if now.Before(g.SearchVisibleAt) {
				if g.PrevName == "" {
					continue
				}
				cp := *g
				cp.Name = g.PrevName
				indexed = &cp
			}
			if !searchExpr.eval(indexed.attr) {
				continue
			}
		}
		if filterExpr != nil && !filterExpr.eval(g.attr) {
			continue
		}
		if prefix != "" && !strings.HasPrefix(strings.ToLower(g.Name), strings.ToLower(prefix)) {
			continue
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if sortBy != "" {
		key := func(id string) string {
			v, _ := s.w.Groups[id].attr(sortBy)
			return strings.ToLower(v)
		}
		sort.SliceStable(ids, func(i, j int) bool { return key(ids[i]) < key(ids[j]) })
	}
	if sortOrder == "desc" {
		slices.Reverse(ids)
	}
	page, next := paginateOrdered(ids, q.Get("after"), limit)
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		out = append(out, s.groupJSON(s.w.Groups[id], slices.Contains(expand, "stats"), slices.Contains(expand, "app")))
	}
	s.mu.Unlock()
	// q pages nothing ("Paging and searching are currently mutually
	// exclusive"), and real Okta sends no Link header at all for it.
	if prefix == "" {
		s.setLinks(w, r, next)
	}
	writeJSON(w, http.StatusOK, out)
}

// paginateOrdered pages over an already ordered list; the cursor is the last
// id of the previous page.
func paginateOrdered(ids []string, after string, limit int) ([]string, string) {
	start := 0
	if after != "" {
		if i := slices.Index(ids, after); i >= 0 {
			start = i + 1
		} else {
			// Cursor item vanished: resume after the first id greater than it.
			start = sort.SearchStrings(sortIDs(slices.Clone(ids)), after)
			start = min(start, len(ids))
		}
	}
	end := min(start+limit, len(ids))
	page := ids[start:end]
	next := ""
	if end < len(ids) && len(page) > 0 {
		next = page[len(page)-1]
	}
	return page, next
}

func (s *Sandbox) getGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	g := pathRecord(w, r, s.w.Groups, "groupId", "UserGroup")
	if g == nil {
		return
	}
	expand := strings.Split(r.URL.Query().Get("expand"), ",")
	writeJSON(w, http.StatusOK, s.groupJSON(g, slices.Contains(expand, "stats"), slices.Contains(expand, "app")))
}

func (s *Sandbox) listGroupUsers(w http.ResponseWriter, r *http.Request) {
	limit, err := parseLimit(r, defaultLimitGroupUsers, 1, 10000)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	s.mu.Lock()
	s.advanceLocked()
	g := s.w.Groups[r.PathValue("groupId")]
	if g == nil {
		s.mu.Unlock()
		oktaNotFound(w, r.PathValue("groupId"), "UserGroup")
		return
	}
	page, next := paginate(slices.Clone(g.Members), r.URL.Query().Get("after"), limit)
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		if u := s.w.Users[id]; u != nil {
			out = append(out, s.userJSON(u))
		}
	}
	s.mu.Unlock()
	s.setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

// ---------- users ----------

func (u *userRec) attr(a string) (string, bool) {
	switch a {
	case "id":
		return u.ID, true
	case "status":
		return u.Status, true
	case "created", "lastUpdated", "activated", "statusChanged":
		return oktaTime(u.Created), true
	case "profile.login":
		return u.Login, true
	case "profile.email":
		return u.Email, true
	case "profile.firstName":
		return u.FirstName, true
	case "profile.lastName":
		return u.LastName, true
	}
	return "", false
}

func userSearchRules(caseSensitive bool) searchRules {
	return searchRules{caseSensitive: caseSensitive, allowed: func(attr, op string) error {
		if op == "co" && !slices.Contains([]string{"profile.firstName", "profile.lastName", "profile.email", "profile.login"}, attr) {
			return fmt.Errorf("the co operator is not supported on %s", attr)
		}
		return nil
	}}
}

func (s *Sandbox) listUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := parseLimit(r, defaultLimitUsers, 1, 200)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	var expr exprNode
	if v := q.Get("search"); v != "" {
		if expr, err = parseSearch(v, userSearchRules(false)); err != nil {
			invalidSearch(w, err)
			return
		}
	} else if v := q.Get("filter"); v != "" {
		if expr, err = parseSearch(v, userSearchRules(true)); err != nil {
			invalidSearch(w, err)
			return
		}
	}
	prefix := strings.ToLower(q.Get("q"))
	s.mu.Lock()
	var ids []string
	for id, u := range s.w.Users {
		if expr != nil && !expr.eval(u.attr) {
			continue
		}
		if prefix != "" && !slices.ContainsFunc([]string{u.FirstName, u.LastName, u.Email}, func(c string) bool {
			return strings.HasPrefix(strings.ToLower(c), prefix)
		}) {
			continue
		}
		ids = append(ids, id)
	}
	page, next := paginate(ids, q.Get("after"), limit)
	if prefix != "" {
		next = "" // q doesn't support pagination
	}
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		out = append(out, s.userJSON(s.w.Users[id]))
	}
	s.mu.Unlock()
	s.setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) getUser(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("id")
	if k, err := url.PathUnescape(key); err == nil {
		key = k
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.w.Users[key]
	if u == nil {
		u = s.w.userByLogin(key)
	}
	if u == nil && !strings.Contains(key, "@") {
		// login shortname
		for _, id := range sortedKeys(s.w.Users) {
			if c := s.w.Users[id]; strings.EqualFold(strings.SplitN(c.Login, "@", 2)[0], key) {
				u = c
				break
			}
		}
	}
	if u == nil {
		oktaNotFound(w, key, "User")
		return
	}
	w.Header().Set("Etag", fmt.Sprintf("W/\"%x\"", u.Created.UnixNano()))
	writeJSON(w, http.StatusOK, s.userJSON(u))
}
