package sandbox

import (
	"maps"
	"slices"
	"time"
)

// State inspection (copies, safe for concurrent use) and out-of-band changes
// (what an admin does in the Okta or Statsig console; for drift tests).

// OktaUser is an Okta user.
type OktaUser struct{ ID, Login, Email, FirstName, LastName, Status string }

// OktaGroup is an Okta group (OKTA_GROUP or APP_GROUP).
type OktaGroup struct {
	ID, Name, Description, Type, SourceAppID string
	MemberIDs                                []string
}

// AppUser is an assignment of the Statsig app.
type AppUser struct {
	UserID, Scope, Status, SyncState, ExternalID, UserName string
	Profile                                                map[string]any
	GroupIDs                                               []string // groups granting access
}

// AppGroup is a group assignment of the Statsig app.
type AppGroup struct {
	GroupID  string
	Priority int
	Profile  map[string]any
}

// PushMapping is a group push mapping.
type PushMapping struct {
	ID, SourceGroupID, TargetGroupID, Status, ErrorSummary string
	LastPush                                               time.Time
}

// StatsigUser is a user as Statsig sees it.
type StatsigUser struct {
	ID, UserName, Email, GivenName, FamilyName, OrgRole string
	Active                                              bool
	ProjectRoles                                        map[string]string // project name -> role
	TeamRoles                                           map[string]string // "Project/Team" -> role
}

// StatsigGroup is a Statsig SCIM group (project x role or project x team x role).
type StatsigGroup struct {
	ID, DisplayName, Project, Team, Role string
	MemberIDs                            []string // Statsig user ids
}

func (s *Sandbox) inspect(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	fn()
}

func toOktaUser(u *userRec) OktaUser {
	return OktaUser{ID: u.ID, Login: u.Login, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Status: u.Status}
}

func toOktaGroup(g *groupRec) OktaGroup {
	return OktaGroup{ID: g.ID, Name: g.Name, Description: g.Description, Type: g.Type, SourceAppID: g.SourceAppID, MemberIDs: slices.Clone(g.Members)}
}

func toAppUser(au *appUserRec) AppUser {
	return AppUser{UserID: au.UserID, Scope: au.Scope, Status: au.Status, SyncState: au.SyncState, ExternalID: au.ExternalID,
		UserName: au.UserName, Profile: maps.Clone(au.Profile), GroupIDs: slices.Clone(au.GroupIDs)}
}

func toStatsigUser(su *statsigUserRec) StatsigUser {
	return StatsigUser{ID: su.ID, UserName: su.UserName, Email: su.Email, GivenName: su.GivenName, FamilyName: su.FamilyName,
		OrgRole: su.OrgRole, Active: su.Active, ProjectRoles: maps.Clone(su.ProjectRoles), TeamRoles: maps.Clone(su.TeamRoles)}
}

// UserByLogin finds an Okta user by login (case-insensitive).
func (s *Sandbox) UserByLogin(login string) (out OktaUser, ok bool) {
	s.inspect(func() {
		if u := s.w.userByLogin(login); u != nil {
			out, ok = toOktaUser(u), true
		}
	})
	return
}

// Users lists every Okta user, by id.
func (s *Sandbox) Users() (out []OktaUser) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.Users) {
			out = append(out, toOktaUser(s.w.Users[id]))
		}
	})
	return
}

// GroupByName finds an Okta group by exact name.
func (s *Sandbox) GroupByName(name string) (out OktaGroup, ok bool) {
	s.inspect(func() {
		if g := s.w.groupByName(name); g != nil {
			out, ok = toOktaGroup(g), true
		}
	})
	return
}

// Groups lists every Okta group, by id.
func (s *Sandbox) Groups() (out []OktaGroup) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.Groups) {
			out = append(out, toOktaGroup(s.w.Groups[id]))
		}
	})
	return
}

// AppUser returns the app assignment of an Okta user id.
func (s *Sandbox) AppUser(userID string) (out AppUser, ok bool) {
	s.inspect(func() {
		if au := s.w.AppUsers[userID]; au != nil {
			out, ok = toAppUser(au), true
		}
	})
	return
}

// AppUsers lists the app's user assignments, by user id.
func (s *Sandbox) AppUsers() (out []AppUser) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.AppUsers) {
			out = append(out, toAppUser(s.w.AppUsers[id]))
		}
	})
	return
}

// AppGroup returns the app assignment of a group.
func (s *Sandbox) AppGroup(groupID string) (out AppGroup, ok bool) {
	s.inspect(func() {
		if ag := s.w.AppGroups[groupID]; ag != nil {
			out, ok = AppGroup{GroupID: ag.GroupID, Priority: ag.Priority, Profile: maps.Clone(ag.Profile)}, true
		}
	})
	return
}

// AppGroups lists the app's group assignments, by group id.
func (s *Sandbox) AppGroups() (out []AppGroup) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.AppGroups) {
			ag := s.w.AppGroups[id]
			out = append(out, AppGroup{GroupID: ag.GroupID, Priority: ag.Priority, Profile: maps.Clone(ag.Profile)})
		}
	})
	return
}

// PushMappings lists every push mapping (ignoring MappingListLag), by id.
func (s *Sandbox) PushMappings() (out []PushMapping) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.Mappings) {
			m := s.w.Mappings[id]
			out = append(out, PushMapping{ID: m.ID, SourceGroupID: m.SourceGroupID, TargetGroupID: m.TargetGroupID,
				Status: m.Status, ErrorSummary: m.ErrorSummary, LastPush: m.LastPush})
		}
	})
	return
}

// StatsigUser finds a Statsig user by userName (case-insensitive).
func (s *Sandbox) StatsigUser(userName string) (out StatsigUser, ok bool) {
	s.inspect(func() {
		if su := s.w.statsigUserByName(userName); su != nil {
			out, ok = toStatsigUser(su), true
		}
	})
	return
}

// StatsigUsers lists every Statsig user (active or not), oldest first.
func (s *Sandbox) StatsigUsers() (out []StatsigUser) {
	s.inspect(func() {
		for _, id := range s.sortedStatsigUsers() {
			out = append(out, toStatsigUser(s.w.SUsers[id]))
		}
	})
	return
}

// StatsigGroups lists the Statsig SCIM groups, by display name.
func (s *Sandbox) StatsigGroups() (out []StatsigGroup) {
	s.inspect(func() {
		for _, id := range sortedKeys(s.w.SGroups) {
			g := s.w.SGroups[id]
			sg := StatsigGroup{ID: g.ID, DisplayName: g.DisplayName, Project: g.Project, Team: g.Team, Role: g.Role}
			for _, su := range s.w.groupMembers(g) {
				sg.MemberIDs = append(sg.MemberIDs, su.ID)
			}
			out = append(out, sg)
		}
	})
	slices.SortFunc(out, func(a, b StatsigGroup) int {
		if a.DisplayName < b.DisplayName {
			return -1
		}
		if a.DisplayName > b.DisplayName {
			return 1
		}
		return 0
	})
	return
}

// ---------- out-of-band changes ----------

// AssignUserOutOfBand assigns a user directly (scope USER unless "GROUP").
func (s *Sandbox) AssignUserOutOfBand(userID, scope string) {
	s.inspect(func() {
		u := s.w.Users[userID]
		if u == nil {
			return
		}
		if scope == "" {
			scope = "USER"
		}
		if au := s.w.AppUsers[userID]; au != nil {
			au.Scope = scope
			return
		}
		s.newAppUser(u, scope, nil, "", s.now())
		s.syncPushesLocked(s.now())
	})
}

// UnassignUserOutOfBand removes a user's assignment regardless of group
// sources (what the admin console's "remove" does) and deactivates them in Statsig.
func (s *Sandbox) UnassignUserOutOfBand(userID string) {
	s.inspect(func() {
		if au := s.w.AppUsers[userID]; au != nil {
			s.removeAppUserLocked(au, s.now())
		}
	})
}

// AssignGroupOutOfBand assigns a group to the app.
func (s *Sandbox) AssignGroupOutOfBand(groupID string, priority int) {
	s.inspect(func() {
		if g := s.w.Groups[groupID]; g != nil {
			s.assignGroupLocked(g, priority, nil, s.now())
			s.syncPushesLocked(s.now())
		}
	})
}

// UnassignGroupOutOfBand removes a group assignment.
func (s *Sandbox) UnassignGroupOutOfBand(groupID string) {
	s.inspect(func() {
		if s.w.AppGroups[groupID] != nil {
			s.unassignGroupLocked(groupID, s.now())
			s.syncPushesLocked(s.now())
		}
	})
}

// AddGroupMember adds an Okta user to an Okta group.
func (s *Sandbox) AddGroupMember(groupID, userID string) {
	s.inspect(func() {
		if g := s.w.Groups[groupID]; g != nil && s.w.Users[userID] != nil {
			s.addMemberLocked(g, userID, s.now())
			s.syncPushesLocked(s.now())
		}
	})
}

// RemoveGroupMember removes an Okta user from an Okta group.
func (s *Sandbox) RemoveGroupMember(groupID, userID string) {
	s.inspect(func() {
		if g := s.w.Groups[groupID]; g != nil {
			s.removeMemberLocked(g, userID, s.now())
			s.syncPushesLocked(s.now())
		}
	})
}

// CreatePushMappingOutOfBand links source to target (no validation) and
// returns the mapping id. It is visible in the list at once.
func (s *Sandbox) CreatePushMappingOutOfBand(sourceGroupID, targetGroupID, status string) (id string) {
	s.inspect(func() {
		now := s.now()
		if status == "" {
			status = "ACTIVE"
		}
		m := &mappingRec{ID: s.w.newID("gPm", 17), SourceGroupID: sourceGroupID, TargetGroupID: targetGroupID,
			Status: status, Created: now, LastUpdated: now, Pushed: []string{}}
		s.w.Mappings[m.ID] = m
		if status == "ACTIVE" {
			s.pushMappingLocked(m, now, true)
		}
		id = m.ID
	})
	return
}

// DeletePushMappingOutOfBand unlinks a mapping as the console's Unlink
// (keeping the target group) does, whatever its status.
func (s *Sandbox) DeletePushMappingOutOfBand(mappingID string) {
	s.inspect(func() { delete(s.w.Mappings, mappingID) })
}

// BackdateOutOfBand moves the creation and last-change times of every app
// user, group assignment and push mapping back by d, as if they had been
// made d earlier (an organisation that existed before Terraform).
func (s *Sandbox) BackdateOutOfBand(d time.Duration) {
	s.inspect(func() {
		for _, au := range s.w.AppUsers {
			au.Created, au.LastUpdated, au.StatusChanged = au.Created.Add(-d), au.LastUpdated.Add(-d), au.StatusChanged.Add(-d)
		}
		for _, ag := range s.w.AppGroups {
			ag.LastUpdated = ag.LastUpdated.Add(-d)
		}
		for _, m := range s.w.Mappings {
			m.Created, m.LastUpdated = m.Created.Add(-d), m.LastUpdated.Add(-d)
		}
	})
}

// SetPushMappingStatusOutOfBand changes a mapping's status (e.g. to ERROR).
func (s *Sandbox) SetPushMappingStatusOutOfBand(mappingID, status, errorSummary string) {
	s.inspect(func() {
		if m := s.w.Mappings[mappingID]; m != nil {
			m.Status, m.ErrorSummary, m.LastUpdated = status, errorSummary, s.now()
			if status == "ACTIVE" {
				s.pushMappingLocked(m, s.now(), true)
			}
		}
	})
}

// FailProvisioning makes the next (or the ongoing) provisioning of userID end
// in syncState ERROR (status stays STAGED).
func (s *Sandbox) FailProvisioning(userID, reason string) {
	s.inspect(func() {
		if reason == "" {
			reason = "Provisioning failed"
		}
		if au := s.w.AppUsers[userID]; au != nil && au.Status == "STAGED" && au.SyncState == "SYNCING" {
			au.SyncState, au.ErrorReason, au.LastUpdated = "ERROR", reason, s.now()
			return
		}
		s.w.FailNext[userID] = reason
	})
}

// RetryProvisioning re-queues a user whose provisioning ended in ERROR (what
// "Retry" in the admin console's Tasks does).
func (s *Sandbox) RetryProvisioning(userID string) {
	s.inspect(func() {
		if au := s.w.AppUsers[userID]; au != nil && au.SyncState == "ERROR" && au.Status == "STAGED" {
			au.SyncState, au.ErrorReason = "SYNCING", ""
			au.ProvisionDue = s.now().Add(s.provisioningDelay())
			if !s.now().Before(au.ProvisionDue) {
				s.provisionLocked(au, s.now())
			}
		}
	})
}

// DeactivateStatsigUserOutOfBand deactivates a user in Statsig (an admin
// removing them from the organization). Roles are wiped; Okta is not told.
func (s *Sandbox) DeactivateStatsigUserOutOfBand(userName string) {
	s.inspect(func() {
		if su := s.w.statsigUserByName(userName); su != nil {
			s.setActiveLocked(su, false, s.now())
		}
	})
}

// SetStatsigProjectRoleOutOfBand sets (or, with role "", removes) a user's
// project role in Statsig, as a Statsig admin would in the console.
func (s *Sandbox) SetStatsigProjectRoleOutOfBand(userName, project, role string) {
	s.inspect(func() {
		if su := s.w.statsigUserByName(userName); su != nil {
			if role == "" {
				delete(su.ProjectRoles, project)
			} else {
				su.ProjectRoles[project] = role
			}
			su.LastModified = s.now()
		}
	})
}

// CreateGroupOutOfBand creates an OKTA_GROUP (subject to GroupSearchLag) and returns its id.
func (s *Sandbox) CreateGroupOutOfBand(name, description string, memberIDs ...string) (id string) {
	s.inspect(func() {
		now := s.now()
		g := &groupRec{ID: s.w.newID("00g", 17), Name: name, Description: description, Type: "OKTA_GROUP",
			Created: now, LastUpdated: now, LastMembershipUpdated: now, Members: []string{},
			SearchVisibleAt: now.Add(s.opts.GroupSearchLag)}
		for _, m := range memberIDs {
			if s.w.Users[m] != nil {
				g.Members = addUnique(g.Members, m)
			}
		}
		s.w.Groups[g.ID] = g
		id = g.ID
	})
	return
}

// AddProjectRoleOutOfBand gives a Statsig project a new (custom) role, with
// its SCIM group, and imports it into Okta as the APP_GROUP
// "Statsig-<project>-<role>", which group search shows only after
// GroupSearchLag. It returns the APP_GROUP's id ("" when the project does
// not exist).
func (s *Sandbox) AddProjectRoleOutOfBand(project, role string) (id string) {
	s.inspect(func() {
		p := s.w.project(project)
		if p == nil {
			return
		}
		now := s.now()
		p.Roles = addUnique(p.Roles, role)
		sg := s.w.createStatsigGroup(p.Name, "", role, now)
		s.w.createAppGroupFor(sg, now, now.Add(s.opts.GroupSearchLag))
		for gid, g := range s.w.Groups {
			if g.StatsigGroupID == sg.ID {
				id = gid
			}
		}
	})
	return
}

// RenameGroupOutOfBand renames a group; search keeps matching the old name
// until GroupSearchLag has passed.
func (s *Sandbox) RenameGroupOutOfBand(groupID, name string) {
	s.inspect(func() {
		if g := s.w.Groups[groupID]; g != nil {
			if !s.now().Before(g.SearchVisibleAt) {
				g.PrevName = g.Name
			}
			g.Name = name
			g.LastUpdated = s.now()
			g.SearchVisibleAt = s.now().Add(s.opts.GroupSearchLag)
		}
	})
}

// CreateUserOutOfBand creates an Okta user and returns its id.
func (s *Sandbox) CreateUserOutOfBand(login, firstName, lastName string) (id string) {
	s.inspect(func() {
		u := &userRec{ID: s.w.newID("00u", 17), Login: login, Email: login, FirstName: firstName, LastName: lastName,
			Status: "ACTIVE", Created: s.now()}
		s.w.addUser(u)
		if g := s.w.everyone(); g != nil {
			s.addMemberLocked(g, u.ID, s.now())
		}
		id = u.ID
	})
	return
}

// Info summarises how to reach and authenticate to the sandbox.
type Info struct {
	OktaURL        string            `json:"oktaUrl"`
	StatsigURL     string            `json:"statsigUrl"`
	AppID          string            `json:"appId"`
	APIToken       string            `json:"apiToken"`
	ClientID       string            `json:"clientId"`
	PrivateKeyID   string            `json:"privateKeyId"`
	ECPrivateKeyID string            `json:"ecPrivateKeyId"`
	SCIMToken      string            `json:"scimToken"`
	ConsoleKeys    map[string]string `json:"consoleKeys"` // project name -> console key
	ProjectNames   []string          `json:"projects"`
	DPoPRequired   bool              `json:"dpopRequired"`
	GrantedScopes  []string          `json:"grantedScopes"`
}

// Info returns the sandbox's endpoints and credentials (also served at GET /_sandbox/info).
func (s *Sandbox) Info() Info {
	in := Info{OktaURL: s.OktaURL(), StatsigURL: s.StatsigURL(), APIToken: s.creds.APIToken, ClientID: s.creds.ClientID,
		PrivateKeyID: s.creds.RSAKid, ECPrivateKeyID: s.creds.ECKid, SCIMToken: s.creds.SCIMToken, ConsoleKeys: map[string]string{}}
	s.mu.Lock()
	in.AppID = s.w.App.ID
	for _, p := range s.w.Projects {
		in.ConsoleKeys[p.Name] = p.ConsoleKey
		in.ProjectNames = append(in.ProjectNames, p.Name)
	}
	s.mu.Unlock()
	s.oauth.mu.Lock()
	in.DPoPRequired = s.oauth.dpopRequired
	in.GrantedScopes = slices.Clone(s.oauth.granted)
	s.oauth.mu.Unlock()
	return in
}
