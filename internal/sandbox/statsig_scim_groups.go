package sandbox

// Statsig SCIM groups: project and team role groups, their members, and
// team creation and deletion through SCIM.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

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
	withMembers := !strings.Contains(r.URL.Query().Get("excludedAttributes"), "members")
	scimServeList(s, w, r, []string{"id", "displayName"},
		func() []*statsigGroupRec {
			ids := sortedKeys(s.w.SGroups)
			sort.SliceStable(ids, func(i, j int) bool { return s.w.SGroups[ids[i]].DisplayName < s.w.SGroups[ids[j]].DisplayName })
			out := make([]*statsigGroupRec, 0, len(ids))
			for _, id := range ids {
				out = append(out, s.w.SGroups[id])
			}
			return out
		}, func(g *statsigGroupRec) map[string]any { return s.scimGroupJSON(g, withMembers) })
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

// scimGroupBody is a group's POST and PUT body.
type scimGroupBody struct {
	DisplayName string       `json:"displayName"`
	Members     []scimMember `json:"members"`
}

type scimMember struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

func (s *Sandbox) scimCreateGroup(w http.ResponseWriter, r *http.Request) {
	var b scimGroupBody
	if !decodeSCIM(w, r, &b) {
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

// scimGroupWithMembers renders a group as PUT and PATCH answer it.
func (s *Sandbox) scimGroupWithMembers(g *statsigGroupRec) map[string]any {
	return s.scimGroupJSON(g, true)
}

func (s *Sandbox) scimPutGroup(w http.ResponseWriter, r *http.Request) {
	var b scimGroupBody
	scimUpdate(s, w, r, func() bool { return decodeSCIM(w, r, &b) }, s.scimGroup, func(g *statsigGroupRec, now time.Time) bool {
		if b.DisplayName != "" && b.DisplayName != g.DisplayName {
			scimError(w, http.StatusBadRequest, "mutability", "SCIM doesn't support updating group names")
			return false
		}
		if msg := s.applyMembersLocked(g, "replace", b.Members, now); msg != "" {
			scimError(w, http.StatusBadRequest, "invalidValue", msg)
			return false
		}
		return true
	}, s.scimGroupWithMembers)
}

func (s *Sandbox) scimPatchGroup(w http.ResponseWriter, r *http.Request) {
	var b scimPatchBody
	scimUpdate(s, w, r, func() bool { return decodeSCIM(w, r, &b) }, s.scimGroup, func(g *statsigGroupRec, now time.Time) bool {
		for _, op := range b.Operations {
			kind := strings.ToLower(op.Op)
			if kind != "add" && kind != "remove" && kind != "replace" {
				scimError(w, http.StatusBadRequest, "invalidSyntax", fmt.Sprintf("unsupported op %q", op.Op))
				return false
			}
			var members []scimMember
			switch {
			case strings.EqualFold(op.Path, "members"):
				if len(op.Value) > 0 {
					if err := json.Unmarshal(op.Value, &members); err != nil {
						scimError(w, http.StatusBadRequest, "invalidValue", "value must be a list of members")
						return false
					}
				}
			case strings.HasPrefix(strings.ToLower(op.Path), "members[value eq "):
				// Okta's removal form: members[value eq "<id>"]
				id := strings.Trim(op.Path[len("members[value eq "):], "\"]")
				members = []scimMember{{Value: id}}
			case strings.EqualFold(op.Path, "displayName"):
				scimError(w, http.StatusBadRequest, "mutability", "SCIM doesn't support updating group names")
				return false
			default:
				scimError(w, http.StatusBadRequest, "invalidPath", fmt.Sprintf("unsupported path %q", op.Path))
				return false
			}
			if kind != "remove" {
				for _, m := range members {
					if m.Value == "" || m.Display == "" {
						scimError(w, http.StatusBadRequest, "invalidValue", "each member needs value and display")
						return false
					}
				}
			}
			if msg := s.applyMembersLocked(g, kind, members, now); msg != "" {
				scimError(w, http.StatusBadRequest, "invalidValue", msg)
				return false
			}
		}
		return true
	}, s.scimGroupWithMembers)
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
