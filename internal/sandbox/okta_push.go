package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

func (s *Sandbox) mappingJSON(m *mappingRec) map[string]any {
	out := map[string]any{
		"id":            m.ID,
		"sourceGroupId": m.SourceGroupID,
		"targetGroupId": m.TargetGroupID,
		"status":        m.Status,
		"created":       mappingTime(m.Created),
		"lastUpdated":   mappingTime(m.LastUpdated),
		"_links": map[string]any{
			"app":         href(s.oktaURL + "/api/v1/apps/" + s.w.App.ID),
			"sourceGroup": href(s.oktaURL + "/api/v1/groups/" + m.SourceGroupID),
			"targetGroup": href(s.oktaURL + "/api/v1/groups/" + m.TargetGroupID),
		},
	}
	// Real Okta leaves both keys out until a push happened or failed.
	if !m.LastPush.IsZero() {
		out["lastPush"] = mappingTime(m.LastPush)
	}
	if m.ErrorSummary != "" {
		out["errorSummary"] = m.ErrorSummary
	}
	return out
}

// mappingTime formats a mapping timestamp as real Okta does: whole seconds
// ("2026-03-25T06:09:58Z"), unlike the milliseconds of other objects.
func mappingTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

var mappingStatuses = []string{"ACTIVE", "INACTIVE", "ERROR"}

func (s *Sandbox) listMappings(w http.ResponseWriter, r *http.Request) {
	limit, err := parseLimit(r, 100, 1, 1000)
	if err != nil {
		oktaValidation(w, "limit", err.Error())
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status != "" && !slices.Contains(mappingStatuses, status) {
		oktaValidation(w, "status", "status: Does not match required enum values: ACTIVE, ERROR, INACTIVE")
		return
	}
	var since time.Time
	if v := q.Get("lastUpdated"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			oktaValidation(w, "lastUpdated", "lastUpdated: Expected format YYYY-MM-DDTHH:mm:ssZ")
			return
		}
		since = t
	}
	if !s.lockApp(w, r) {
		return
	}
	now := s.now()
	var ids []string
	for id, m := range s.w.Mappings {
		// New mappings reach the list index only after MappingListLag.
		if now.Before(m.ListVisibleAt) {
			continue
		}
		if src := q.Get("sourceGroupId"); src != "" && m.SourceGroupID != src {
			continue
		}
		if status != "" && m.Status != status {
			continue
		}
		if !since.IsZero() && m.LastUpdated.Before(since) {
			continue
		}
		ids = append(ids, id)
	}
	page, next := paginate(ids, q.Get("after"), limit)
	out := make([]map[string]any, 0, len(page))
	for _, id := range page {
		out = append(out, s.mappingJSON(s.w.Mappings[id]))
	}
	s.mu.Unlock()
	s.setLinks(w, r, next)
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) mappingForSource(gid string) *mappingRec {
	for _, id := range sortedKeys(s.w.Mappings) {
		if m := s.w.Mappings[id]; m.SourceGroupID == gid {
			return m
		}
	}
	return nil
}

func (s *Sandbox) mappingForTarget(gid string) *mappingRec {
	for _, id := range sortedKeys(s.w.Mappings) {
		if m := s.w.Mappings[id]; m.TargetGroupID == gid {
			return m
		}
	}
	return nil
}

func (s *Sandbox) createMapping(w http.ResponseWriter, r *http.Request) {
	var body struct {
		SourceGroupID   string         `json:"sourceGroupId"`
		TargetGroupID   string         `json:"targetGroupId"`
		TargetGroupName string         `json:"targetGroupName"`
		Status          string         `json:"status"`
		AppConfig       map[string]any `json:"appConfig"`
	}
	if err := decodeBody(r, &body); err != nil {
		oktaMalformed(w, err)
		return
	}
	if body.SourceGroupID == "" {
		oktaValidation(w, "sourceGroupId", "sourceGroupId: The field cannot be left blank")
		return
	}
	if (body.TargetGroupID == "") == (body.TargetGroupName == "") {
		oktaValidation(w, "targetGroupId", "Either targetGroupId or targetGroupName must be provided, but not both.")
		return
	}
	if body.Status == "" {
		body.Status = "ACTIVE"
	}
	if body.Status != "ACTIVE" && body.Status != "INACTIVE" {
		oktaValidation(w, "status", "status: Does not match required enum values: ACTIVE, INACTIVE")
		return
	}
	if body.AppConfig != nil {
		oktaValidation(w, "appConfig", "appConfig: App configuration is only supported for Active Directory apps")
		return
	}
	if !s.lockApp(w, r) {
		return
	}
	defer s.mu.Unlock()
	now := s.now()
	src := s.w.Groups[body.SourceGroupID]
	if src == nil {
		oktaValidation(w, "sourceGroupId", fmt.Sprintf("sourceGroupId: Group not found: %s", body.SourceGroupID))
		return
	}
	if src.Type != "OKTA_GROUP" {
		oktaValidation(w, "sourceGroupId", "sourceGroupId: Only groups of type OKTA_GROUP can be pushed.")
		return
	}
	if existing := s.mappingForSource(src.ID); existing != nil {
		oktaValidation(w, "sourceGroupId", fmt.Sprintf(
			"sourceGroupId: Group %s is already pushed to this app by group push mapping %s.", src.ID, existing.ID))
		return
	}
	m := &mappingRec{ID: s.w.newID("gPm", 17), SourceGroupID: src.ID, Status: body.Status,
		Created: now, LastUpdated: now, ListVisibleAt: now.Add(s.opts.MappingListLag), Pushed: []string{}}
	var tgt *groupRec
	if body.TargetGroupID != "" {
		tgt = s.w.Groups[body.TargetGroupID]
		if tgt == nil {
			oktaValidation(w, "targetGroupId", fmt.Sprintf("targetGroupId: Group not found: %s", body.TargetGroupID))
			return
		}
		if tgt.Type != "APP_GROUP" || tgt.SourceAppID != s.w.App.ID {
			oktaValidation(w, "targetGroupId", "targetGroupId: The target group must be an APP_GROUP of this app.")
			return
		}
	} else {
		// "If the group already exists, it links to the existing group."
		for _, id := range sortedKeys(s.w.Groups) {
			if g := s.w.Groups[id]; g.Type == "APP_GROUP" && g.SourceAppID == s.w.App.ID && g.Name == body.TargetGroupName {
				tgt = g
				break
			}
		}
		if tgt == nil {
			// Okta creates the group in the app (SCIM POST /Groups). Statsig only
			// accepts team groups; on failure the mapping lands in ERROR.
			sg, err := s.scimCreateGroupLocked(body.TargetGroupName, now)
			tgt = &groupRec{
				ID: s.w.newID("00g", 17), Name: body.TargetGroupName, Type: "APP_GROUP", SourceAppID: s.w.App.ID,
				Created: now, LastUpdated: now, LastMembershipUpdated: now, Members: []string{},
				SearchVisibleAt: now.Add(s.opts.GroupSearchLag),
			}
			if err != nil {
				m.Status = "ERROR"
				m.ErrorSummary = "Failed to create group in Statsig: " + err.Error()
			} else {
				tgt.StatsigGroupID = sg.ID
			}
			s.w.Groups[tgt.ID] = tgt
		}
	}
	if other := s.mappingForTarget(tgt.ID); other != nil {
		oktaValidation(w, "targetGroupId", fmt.Sprintf(
			"targetGroupId: Group %s is already linked to group push mapping %s.", tgt.ID, other.ID))
		return
	}
	m.TargetGroupID = tgt.ID
	s.w.Mappings[m.ID] = m
	if m.Status == "ACTIVE" {
		s.schedulePushLocked(m, now)
	}
	// Real Okta answers 200, not the spec's 201, and has not pushed yet.
	writeJSON(w, http.StatusOK, s.mappingJSON(m))
}

func (s *Sandbox) getMapping(w http.ResponseWriter, r *http.Request) {
	m := lockAppRecord(s, w, r, func(w *world) map[string]*mappingRec { return w.Mappings }, "mappingId", "GroupPushMapping")
	if m == nil {
		return
	}
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.mappingJSON(m))
}

func (s *Sandbox) patchMapping(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Status string `json:"status"`
	}
	if err := decodeBody(r, &body); err != nil {
		oktaMalformed(w, err)
		return
	}
	if body.Status != "ACTIVE" && body.Status != "INACTIVE" {
		oktaValidation(w, "status", "status: Does not match required enum values: ACTIVE, INACTIVE")
		return
	}
	m := lockAppRecord(s, w, r, func(w *world) map[string]*mappingRec { return w.Mappings }, "mappingId", "GroupPushMapping")
	if m == nil {
		return
	}
	defer s.mu.Unlock()
	now := s.now()
	if m.Status == "ERROR" {
		// terraform-provider-okta: "The Okta API doesn't allow updating the group
		// push mapping when the status is not either ACTIVE or INACTIVE".
		oktaValidation(w, "status", "The group push mapping is in ERROR status and can't be updated. Resolve the error in the Admin Console or delete the mapping.")
		return
	}
	if m.Status != body.Status {
		m.Status = body.Status
		m.LastUpdated = now
		m.PushDue = time.Time{}
		if m.Status == "ACTIVE" {
			// "performs an initial push … then begins pushing membership
			// changes", asynchronously.
			s.schedulePushLocked(m, now)
		}
	}
	writeJSON(w, http.StatusOK, s.mappingJSON(m))
}

func (s *Sandbox) deleteMapping(w http.ResponseWriter, r *http.Request) {
	dtg := r.URL.Query().Get("deleteTargetGroup")
	if dtg == "" {
		oktaValidation(w, "deleteTargetGroup", "deleteTargetGroup: The query parameter is required")
		return
	}
	if dtg != "true" && dtg != "false" {
		oktaValidation(w, "deleteTargetGroup", "deleteTargetGroup: The field must be a boolean")
		return
	}
	m := lockAppRecord(s, w, r, func(w *world) map[string]*mappingRec { return w.Mappings }, "mappingId", "GroupPushMapping")
	if m == nil {
		return
	}
	defer s.mu.Unlock()
	now := s.now()
	if m.Status == "ACTIVE" {
		oktaValidation(w, "status", "The group push mapping must be in an INACTIVE state to be deleted.")
		return
	}
	if dtg == "true" {
		tgt := s.w.Groups[m.TargetGroupID]
		var sg *statsigGroupRec
		if tgt != nil && tgt.StatsigGroupID != "" {
			sg = s.w.SGroups[tgt.StatsigGroupID]
		}
		if sg != nil && sg.Team == "" {
			// Statsig refuses project-level deletion over SCIM. Okta surfaces the
			// app's error synchronously; the mapping is left untouched (still
			// INACTIVE) so the caller can retry with deleteTargetGroup=false.
			m.ErrorSummary = "Failed to delete group in Statsig: Project deletion is not supported via SCIM"
			m.LastUpdated = now
			oktaValidation(w, "deleteTargetGroup", "Failed to delete the target group in the app: Project deletion is not supported via SCIM")
			return
		}
		delete(s.w.Mappings, m.ID)
		if sg != nil {
			s.deleteTeamLocked(sg.Project, sg.Team, now)
		}
		if tgt != nil && s.w.Groups[tgt.ID] != nil {
			s.deleteOktaGroupLocked(tgt.ID, now)
		}
		emptyOK(w)
		return
	}
	delete(s.w.Mappings, m.ID)
	emptyOK(w)
}

// emptyOK is real Okta's answer to a mapping DELETE: 200 with an empty body
// (the spec says 204).
func emptyOK(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// schedulePushLocked queues the initial push of a mapping just made ACTIVE:
// Okta pushes asynchronously, after Options.PushDelay.
func (s *Sandbox) schedulePushLocked(m *mappingRec, now time.Time) {
	m.PushDue = now.Add(s.opts.PushDelay)
}
