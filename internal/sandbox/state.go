package sandbox

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// world is the whole emulated state of both services. Every field is exported
// and JSON-tagged so the standalone server can persist it (-state-file).
// It is only ever touched with Sandbox.mu held.
type world struct {
	Seed      int64                       `json:"seed"`
	Counter   uint64                      `json:"counter"`
	App       appRec                      `json:"app"`
	Users     map[string]*userRec         `json:"users"`
	Groups    map[string]*groupRec        `json:"groups"`
	AppUsers  map[string]*appUserRec      `json:"appUsers"`
	AppGroups map[string]*appGroupRec     `json:"appGroups"`
	Mappings  map[string]*mappingRec      `json:"mappings"`
	SUsers    map[string]*statsigUserRec  `json:"statsigUsers"`
	SGroups   map[string]*statsigGroupRec `json:"statsigGroups"`
	Projects  []*projectRec               `json:"projects"`
	FailNext  map[string]string           `json:"failNext"` // userID -> reason for the next provisioning
	Domains   []string                    `json:"domains"`  // email domains Statsig accepts ("" list = any)
	OrgID     string                      `json:"orgId"`
	OrgName   string                      `json:"orgName"`

	// Not persisted: lookups by name (index.go).
	logins    foldIndex[userRec]
	userNames foldIndex[statsigUserRec]
}

type appRec struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Label    string    `json:"label"`
	Status   string    `json:"status"`
	Features []string  `json:"features"`
	Created  time.Time `json:"created"`
}

type userRec struct {
	ID        string    `json:"id"`
	Login     string    `json:"login"`
	Email     string    `json:"email"`
	FirstName string    `json:"firstName"`
	LastName  string    `json:"lastName"`
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
}

type groupRec struct {
	ID                    string    `json:"id"`
	Name                  string    `json:"name"`
	Description           string    `json:"description"`
	Type                  string    `json:"type"`
	SourceAppID           string    `json:"sourceAppId,omitempty"`
	Members               []string  `json:"members"`
	Created               time.Time `json:"created"`
	LastUpdated           time.Time `json:"lastUpdated"`
	LastMembershipUpdated time.Time `json:"lastMembershipUpdated"`
	// SearchVisibleAt models the eventually consistent search index.
	SearchVisibleAt time.Time `json:"searchVisibleAt"`
	// PrevName is what the search index still shows before SearchVisibleAt
	// after a rename ("" for a new group: invisible until then).
	PrevName string `json:"prevName,omitempty"`
	// StatsigGroupID links an APP_GROUP to the Statsig SCIM group it mirrors.
	StatsigGroupID string `json:"statsigGroupId,omitempty"`
}

type appUserRec struct {
	UserID        string         `json:"userId"`
	Scope         string         `json:"scope"`
	Status        string         `json:"status"`
	SyncState     string         `json:"syncState"`
	ExternalID    string         `json:"externalId,omitempty"`
	UserName      string         `json:"userName"`
	Profile       map[string]any `json:"profile"`
	GroupIDs      []string       `json:"groupIds"`
	Created       time.Time      `json:"created"`
	LastUpdated   time.Time      `json:"lastUpdated"`
	StatusChanged time.Time      `json:"statusChanged"`
	LastSync      time.Time      `json:"lastSync"`
	ProvisionDue  time.Time      `json:"provisionDue"`
	ErrorReason   string         `json:"errorReason,omitempty"`
}

type appGroupRec struct {
	GroupID  string `json:"groupId"`
	Priority int    `json:"priority"`
	// Assigned orders assignments of equal priority by creation, as Okta
	// lists them (a world counter value: fixture groups share one timestamp).
	Assigned    uint64         `json:"assigned"`
	Profile     map[string]any `json:"profile"`
	LastUpdated time.Time      `json:"lastUpdated"`
}

type mappingRec struct {
	ID            string    `json:"id"`
	SourceGroupID string    `json:"sourceGroupId"`
	TargetGroupID string    `json:"targetGroupId"`
	Status        string    `json:"status"`
	ErrorSummary  string    `json:"errorSummary"`
	Created       time.Time `json:"created"`
	LastUpdated   time.Time `json:"lastUpdated"`
	LastPush      time.Time `json:"lastPush"`
	ListVisibleAt time.Time `json:"listVisibleAt"`
	Pushed        []string  `json:"pushed"` // Okta user ids this mapping has pushed into the target
	// PushDue, when set, is when the pending initial push happens.
	PushDue time.Time `json:"pushDue,omitzero"`
}

type statsigUserRec struct {
	ID           string            `json:"id"`
	UserName     string            `json:"userName"`
	Email        string            `json:"email"`
	GivenName    string            `json:"givenName"`
	FamilyName   string            `json:"familyName"`
	OrgRole      string            `json:"orgRole"`
	Active       bool              `json:"active"`
	ProjectRoles map[string]string `json:"projectRoles"`
	TeamRoles    map[string]string `json:"teamRoles"`
	Created      time.Time         `json:"created"`
	LastModified time.Time         `json:"lastModified"`
}

type statsigGroupRec struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"displayName"`
	Project     string    `json:"project"`
	Team        string    `json:"team,omitempty"`
	Role        string    `json:"role"`
	Created     time.Time `json:"created"`
}

type projectRec struct {
	Name       string     `json:"name"`
	ID         string     `json:"id"`
	Roles      []string   `json:"roles"`
	Teams      []*teamRec `json:"teams"`
	ConsoleKey string     `json:"consoleKey"`
}

type teamRec struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newID returns a deterministic Okta-looking id: prefix + 17 alphanumerics.
// Deterministic (seed + counter) so fixtures and test runs are reproducible.
func (w *world) newID(prefix string, n int) string {
	w.Counter++
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(w.Seed))
	binary.BigEndian.PutUint64(buf[8:], w.Counter)
	sum := sha256.Sum256(append(buf[:], prefix...))
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < n; i++ {
		b.WriteByte(alnum[int(sum[i%len(sum)]+byte(i/len(sum)))%len(alnum)])
	}
	return b.String()
}

func (w *world) groupByName(name string) *groupRec {
	for _, id := range sortedKeys(w.Groups) {
		if w.Groups[id].Name == name {
			return w.Groups[id]
		}
	}
	return nil
}

func (w *world) project(name string) *projectRec {
	for _, p := range w.Projects {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (p *projectRec) team(name string) *teamRec {
	for _, t := range p.Teams {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func addUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

func removeValue(list []string, v string) []string {
	return slices.DeleteFunc(list, func(x string) bool { return x == v })
}

func groupDisplayName(project, team, role string) string {
	if team == "" {
		return fmt.Sprintf("Statsig-%s-%s", project, role)
	}
	return fmt.Sprintf("Statsig-%s-%s-%s", project, team, role)
}

func teamKey(project, team string) string { return project + "/" + team }

// ---------- Statsig role model ----------
//
// A Statsig user holds one role per project and one role per team. Membership of
// a SCIM group "Statsig-<P>-<R>" is exactly "ProjectRoles[P] == R" (and likewise
// for team groups), so group views are always derived from the user records.

func (w *world) isMember(su *statsigUserRec, g *statsigGroupRec) bool {
	if !su.Active {
		return false
	}
	if g.Team == "" {
		return su.ProjectRoles[g.Project] == g.Role
	}
	return su.TeamRoles[teamKey(g.Project, g.Team)] == g.Role
}

func (w *world) grant(su *statsigUserRec, g *statsigGroupRec, now time.Time) {
	if g.Team == "" {
		su.ProjectRoles[g.Project] = g.Role
	} else {
		su.TeamRoles[teamKey(g.Project, g.Team)] = g.Role
	}
	su.LastModified = now
}

func (w *world) revoke(su *statsigUserRec, g *statsigGroupRec, now time.Time) {
	if g.Team == "" {
		if su.ProjectRoles[g.Project] == g.Role {
			delete(su.ProjectRoles, g.Project)
		}
	} else if su.TeamRoles[teamKey(g.Project, g.Team)] == g.Role {
		delete(su.TeamRoles, teamKey(g.Project, g.Team))
	}
	su.LastModified = now
}

func (w *world) groupMembers(g *statsigGroupRec) []*statsigUserRec {
	var out []*statsigUserRec
	for _, id := range sortedKeys(w.SUsers) {
		if su := w.SUsers[id]; w.isMember(su, g) {
			out = append(out, su)
		}
	}
	return out
}

// deactivateStatsigUser is what Statsig does on SCIM deactivation: the user
// leaves the organization and every project/team role is wiped.
func (w *world) deactivateStatsigUser(su *statsigUserRec, oktaUserID string, now time.Time) {
	su.Active = false
	su.ProjectRoles = map[string]string{}
	su.TeamRoles = map[string]string{}
	su.LastModified = now
	if oktaUserID != "" {
		for _, m := range w.Mappings {
			m.Pushed = removeValue(m.Pushed, oktaUserID)
		}
	}
}

func (w *world) domainAllowed(email string) bool {
	if len(w.Domains) == 0 {
		return true
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	return slices.Contains(w.Domains, strings.ToLower(email[at+1:]))
}

// createStatsigGroup adds a SCIM group for project/team/role.
func (w *world) createStatsigGroup(project, team, role string, now time.Time) *statsigGroupRec {
	g := &statsigGroupRec{
		ID:          w.newStatsigID(),
		DisplayName: groupDisplayName(project, team, role),
		Project:     project, Team: team, Role: role, Created: now,
	}
	w.SGroups[g.ID] = g
	return g
}

func (w *world) newStatsigID() string {
	// Statsig ids are opaque; use a 22-char base62 string.
	return w.newID("", 22)
}

func (w *world) statsigGroupByName(name string) *statsigGroupRec {
	for _, id := range sortedKeys(w.SGroups) {
		if w.SGroups[id].DisplayName == name {
			return w.SGroups[id]
		}
	}
	return nil
}

// createAppGroupFor creates the Okta APP_GROUP mirroring a Statsig group (what
// an Okta import of the app's groups produces).
func (w *world) createAppGroupFor(g *statsigGroupRec, now time.Time, visibleAt time.Time) {
	og := &groupRec{
		ID:                    w.newID("00g", 17),
		Name:                  g.DisplayName,
		Type:                  "APP_GROUP",
		SourceAppID:           w.App.ID,
		Created:               now,
		LastUpdated:           now,
		LastMembershipUpdated: now,
		SearchVisibleAt:       visibleAt,
		StatsigGroupID:        g.ID,
		Members:               []string{},
	}
	w.Groups[og.ID] = og
}

// deleteTeam removes a Statsig team: its SCIM groups, the team roles of every
// user, and the Okta APP_GROUPs that mirrored it (an import would drop them).
func (s *Sandbox) deleteTeamLocked(project, team string, now time.Time) {
	w := s.w
	p := w.project(project)
	if p != nil {
		p.Teams = slices.DeleteFunc(p.Teams, func(t *teamRec) bool { return t.Name == team })
	}
	for _, su := range w.SUsers {
		if _, ok := su.TeamRoles[teamKey(project, team)]; ok {
			delete(su.TeamRoles, teamKey(project, team))
			su.LastModified = now
		}
	}
	for id, g := range w.SGroups {
		if g.Project == project && g.Team == team {
			delete(w.SGroups, id)
			for gid, og := range w.Groups {
				if og.StatsigGroupID == id {
					s.deleteOktaGroupLocked(gid, now)
				}
			}
		}
	}
}

// deleteOktaGroup removes an Okta group and whatever referenced it.
func (s *Sandbox) deleteOktaGroupLocked(gid string, now time.Time) {
	w := s.w
	if _, ok := w.AppGroups[gid]; ok {
		s.unassignGroupLocked(gid, now)
	}
	for _, m := range w.Mappings {
		if m.TargetGroupID == gid || m.SourceGroupID == gid {
			if m.Status == "ACTIVE" {
				m.Status = "ERROR"
				m.ErrorSummary = "The target group no longer exists in the app."
				m.LastUpdated = now
			}
		}
	}
	delete(w.Groups, gid)
}

// Every Okta org has these BUILT_IN groups (okta-api.md section 7): Everyone
// holds every user; Okta Administrators is left empty here. Neither may be a
// push source or target, which the provider must refuse itself.
const (
	groupEveryone           = "Everyone"
	groupOktaAdministrators = "Okta Administrators"
)

func (w *world) addBuiltInGroups(now time.Time) {
	for _, name := range []string{groupEveryone, groupOktaAdministrators} {
		g := &groupRec{ID: w.newID("00g", 17), Name: name, Type: "BUILT_IN",
			Created: now, LastUpdated: now, LastMembershipUpdated: now, Members: []string{}}
		if name == groupEveryone {
			g.Members = sortedKeys(w.Users)
		}
		w.Groups[g.ID] = g
	}
}

// everyone is the BUILT_IN Everyone group (nil in a state saved before it existed).
func (w *world) everyone() *groupRec {
	for _, g := range w.Groups {
		if g.Type == "BUILT_IN" && g.Name == groupEveryone {
			return g
		}
	}
	return nil
}
