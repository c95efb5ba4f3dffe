package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// This file holds Okta's assignment/provisioning/push semantics. All functions
// run with Sandbox.mu held. Time-based transitions (provisioning delay, group
// push) are evaluated lazily by advance() on every request and inspection, which
// keeps the emulator deterministic and goroutine-free.

var validOrgRoles = []string{"Member", "Admin", "Owner"}

func (s *Sandbox) advanceLocked() {
	now := s.now()
	w := s.w
	// Runs on every request: collect the due users first and sort only
	// them (in id order, as before), not every app user of a large org.
	var due []string
	for id, au := range w.AppUsers {
		if au.Status == "STAGED" && au.SyncState == "SYNCING" && !now.Before(au.ProvisionDue) {
			due = append(due, id)
		}
	}
	sort.Strings(due)
	for _, id := range due {
		s.provisionLocked(w.AppUsers[id], now)
	}
	s.syncPushesLocked(now)
}

// newAppUser creates a STAGED app user and queues its provisioning.
// userName overrides the login as the app username (credentials.userName).
func (s *Sandbox) newAppUser(u *userRec, scope string, profile map[string]any, userName string, now time.Time) *appUserRec {
	if userName == "" {
		userName = u.Login
	}
	p := map[string]any{
		"email":          u.Email,
		"givenName":      u.FirstName,
		"familyName":     u.LastName,
		"statsigOrgRole": nil,
	}
	maps.Copy(p, profile)
	au := &appUserRec{
		UserID: u.ID, Scope: scope, Status: "STAGED", SyncState: "SYNCING",
		UserName: userName, Profile: p, GroupIDs: []string{},
		Created: now, LastUpdated: now, StatusChanged: now,
		ProvisionDue: now.Add(s.provisioningDelay()),
	}
	s.w.AppUsers[u.ID] = au
	if !slices.Contains(s.w.App.Features, "PUSH_NEW_USERS") {
		// Provisioning off (To App > Create Users): Okta answers as recorded
		// from real orgs, ACTIVE and DISABLED with no externalId, and never
		// creates the user in Statsig.
		au.Status, au.SyncState = "ACTIVE", "DISABLED"
		return au
	}
	if !now.Before(au.ProvisionDue) {
		s.provisionLocked(au, now)
	}
	return au
}

func orgRoleOf(profile map[string]any) string {
	if r, ok := profile["statsigOrgRole"].(string); ok && r != "" {
		return r
	}
	return "Member"
}

// provisionLocked is the Okta -> Statsig SCIM create/reactivate of one user.
func (s *Sandbox) provisionLocked(au *appUserRec, now time.Time) {
	w := s.w
	fail := func(reason string) {
		au.SyncState = "ERROR"
		au.ErrorReason = reason
		au.LastUpdated = now
	}
	if reason, ok := w.FailNext[au.UserID]; ok {
		delete(w.FailNext, au.UserID)
		fail(reason)
		return
	}
	u := w.Users[au.UserID]
	if u == nil {
		fail("user no longer exists")
		return
	}
	if !w.domainAllowed(u.Email) {
		fail(fmt.Sprintf("User %s is not allowed to be created in this organization", u.Login))
		return
	}
	role := orgRoleOf(au.Profile)
	su := w.statsigUserByName(au.UserName)
	if err := s.checkOrgRole(su, role); err != "" {
		fail(err)
		return
	}
	if su == nil {
		su = &statsigUserRec{
			ID: w.newStatsigID(), UserName: au.UserName, Email: u.Email,
			ProjectRoles: map[string]string{}, TeamRoles: map[string]string{}, Created: now,
		}
		w.addStatsigUser(su)
	}
	su.GivenName, su.FamilyName = strOr(au.Profile["givenName"], u.FirstName), strOr(au.Profile["familyName"], u.LastName)
	su.Active = true
	su.OrgRole = role
	su.LastModified = now
	au.ExternalID = su.ID
	au.Status = "PROVISIONED"
	au.SyncState = "SYNCHRONIZED"
	au.ErrorReason = ""
	au.StatusChanged, au.LastUpdated, au.LastSync = now, now, now
}

// checkOrgRole mirrors Statsig's documented SCIM errors for org roles.
func (s *Sandbox) checkOrgRole(su *statsigUserRec, role string) string {
	if !slices.Contains(validOrgRoles, role) {
		return fmt.Sprintf("Invalid statsigOrgRole %q", role)
	}
	if su != nil && su.OrgRole == "Owner" && role != "Owner" {
		return "Owner cannot be modified"
	}
	if role == "Owner" {
		for _, o := range s.w.SUsers {
			if o != su && o.Active && o.OrgRole == "Owner" {
				return "Cannot set multiple owners"
			}
		}
	}
	return ""
}

func strOr(v any, def string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// pushProfileLocked pushes a profile update of a provisioned app user.
func (s *Sandbox) pushProfileLocked(au *appUserRec, now time.Time) {
	if au.ExternalID == "" || au.Status != "PROVISIONED" {
		return // provisioning (still pending) will pick the new profile up
	}
	su := s.w.SUsers[au.ExternalID]
	if su == nil {
		return
	}
	role := orgRoleOf(au.Profile)
	if err := s.checkOrgRole(su, role); err != "" {
		au.SyncState = "ERROR"
		au.ErrorReason = err
		return
	}
	su.OrgRole = role
	su.GivenName = strOr(au.Profile["givenName"], su.GivenName)
	su.FamilyName = strOr(au.Profile["familyName"], su.FamilyName)
	su.LastModified = now
	au.SyncState = "SYNCHRONIZED"
	au.ErrorReason = ""
	au.LastSync = now
}

// removeAppUserLocked deletes the assignment and deactivates the Statsig user
// (PUSH_USER_DEACTIVATION): Statsig wipes all roles.
func (s *Sandbox) removeAppUserLocked(au *appUserRec, now time.Time) {
	delete(s.w.AppUsers, au.UserID)
	if au.ExternalID != "" {
		if su := s.w.SUsers[au.ExternalID]; su != nil {
			s.w.deactivateStatsigUser(su, au.UserID, now)
		}
	}
	for _, m := range s.w.Mappings {
		m.Pushed = removeValue(m.Pushed, au.UserID)
	}
}

// assignGroupLocked assigns a group to the app: members get GROUP-scoped app users.
func (s *Sandbox) assignGroupLocked(g *groupRec, priority int, profile map[string]any, now time.Time) *appGroupRec {
	ag := s.w.AppGroups[g.ID]
	if ag == nil {
		s.w.Counter++
		ag = &appGroupRec{GroupID: g.ID, Profile: map[string]any{}, Assigned: s.w.Counter}
		s.w.AppGroups[g.ID] = ag
	}
	ag.Priority = priority
	if profile != nil {
		ag.Profile = profile
	}
	ag.LastUpdated = now
	for _, uid := range g.Members {
		s.grantViaGroupLocked(uid, g.ID, now)
	}
	return ag
}

func (s *Sandbox) grantViaGroupLocked(uid, gid string, now time.Time) {
	u := s.w.Users[uid]
	if u == nil {
		return
	}
	au := s.w.AppUsers[uid]
	if au == nil {
		au = s.newAppUser(u, "GROUP", nil, "", now)
	}
	au.GroupIDs = addUnique(au.GroupIDs, gid)
}

// revokeViaGroupLocked drops one group source; a GROUP-scoped app user with no
// source left is unassigned (and deactivated in Statsig).
func (s *Sandbox) revokeViaGroupLocked(uid, gid string, now time.Time) {
	au := s.w.AppUsers[uid]
	if au == nil {
		return
	}
	au.GroupIDs = removeValue(au.GroupIDs, gid)
	if len(au.GroupIDs) == 0 && au.Scope == "GROUP" {
		s.removeAppUserLocked(au, now)
	}
}

func (s *Sandbox) unassignGroupLocked(gid string, now time.Time) {
	delete(s.w.AppGroups, gid)
	for _, id := range sortedKeys(s.w.AppUsers) {
		if au := s.w.AppUsers[id]; slices.Contains(au.GroupIDs, gid) {
			s.revokeViaGroupLocked(id, gid, now)
		}
	}
}

func (s *Sandbox) addMemberLocked(g *groupRec, uid string, now time.Time) {
	if slices.Contains(g.Members, uid) {
		return
	}
	g.Members = append(g.Members, uid)
	g.LastMembershipUpdated = now
	if _, ok := s.w.AppGroups[g.ID]; ok {
		s.grantViaGroupLocked(uid, g.ID, now)
	}
}

func (s *Sandbox) removeMemberLocked(g *groupRec, uid string, now time.Time) {
	if !slices.Contains(g.Members, uid) {
		return
	}
	g.Members = removeValue(g.Members, uid)
	g.LastMembershipUpdated = now
	if _, ok := s.w.AppGroups[g.ID]; ok {
		s.revokeViaGroupLocked(uid, g.ID, now)
	}
}

// ---------- group push ----------

func (s *Sandbox) targetStatsigGroup(m *mappingRec) *statsigGroupRec {
	tg := s.w.Groups[m.TargetGroupID]
	if tg == nil || tg.StatsigGroupID == "" {
		return nil
	}
	return s.w.SGroups[tg.StatsigGroupID]
}

// syncPushesLocked makes every ACTIVE mapping's target reflect the members of
// its source group that are assigned (and provisioned) in the app. Members who
// are not assigned are skipped, as Okta does.
func (s *Sandbox) syncPushesLocked(now time.Time) {
	for _, id := range sortedKeys(s.w.Mappings) {
		m := s.w.Mappings[id]
		switch {
		case m.Status != "ACTIVE" || !slices.Contains(s.w.App.Features, "GROUP_PUSH"):
			// UNCONFIRMED: real Okta accepts a mapping on an app without
			// GROUP_PUSH; the sandbox then never pushes it.
		case !m.PushDue.IsZero() && now.Before(m.PushDue):
			// the initial push is still pending
		case !m.PushDue.IsZero():
			m.PushDue = time.Time{}
			s.pushMappingLocked(m, now, true)
		default:
			s.pushMappingLocked(m, now, false)
		}
	}
}

// pushMappingLocked pushes one mapping; initial forces lastPush to be set.
func (s *Sandbox) pushMappingLocked(m *mappingRec, now time.Time, initial bool) {
	w := s.w
	src := w.Groups[m.SourceGroupID]
	tgt := s.targetStatsigGroup(m)
	if src == nil || tgt == nil {
		m.Status = "ERROR"
		m.ErrorSummary = "Failed to push group: the target group does not exist in Statsig."
		m.LastUpdated = now
		return
	}
	desired := map[string]*statsigUserRec{}
	for _, uid := range src.Members {
		au := w.AppUsers[uid]
		if au == nil || au.ExternalID == "" || au.Status != "PROVISIONED" {
			continue
		}
		if su := w.SUsers[au.ExternalID]; su != nil && su.Active {
			desired[uid] = su
		}
	}
	changed := initial
	for _, uid := range sortedKeys(desired) {
		su := desired[uid]
		// Only newly pushed members are granted: when two mappings target the
		// same project with different roles, the last push wins (no flapping).
		if !slices.Contains(m.Pushed, uid) {
			w.grant(su, tgt, now)
			m.Pushed = append(m.Pushed, uid)
			changed = true
		}
	}
	for _, uid := range slices.Clone(m.Pushed) {
		if _, ok := desired[uid]; ok {
			continue
		}
		if au := w.AppUsers[uid]; au != nil && au.ExternalID != "" {
			if su := w.SUsers[au.ExternalID]; su != nil {
				w.revoke(su, tgt, now)
			}
		}
		m.Pushed = removeValue(m.Pushed, uid)
		changed = true
	}
	if changed {
		m.LastPush = now
		if m.ErrorSummary != "" && m.Status == "ACTIVE" {
			m.ErrorSummary = ""
		}
	}
}
