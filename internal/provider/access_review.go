package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// The analysis behind statsigokta_access_review: pure, no I/O. The data
// source lists what it needs (access_review_data_source.go) and hands it
// here; everything it says follows from those lists.

// Access kinds.
const (
	accessDirect = "direct"
	accessGroup  = "group"
	accessBoth   = "both"
	accessNone   = "none"
)

var accessKinds = []string{accessDirect, accessGroup, accessBoth, accessNone}

// Finding kinds.
const (
	findingStatsigOnly       = "statsig_only"
	findingProvisioningError = "provisioning_error"
	findingProvisioningOff   = "provisioning_off"
	findingNotPushed         = "not_pushed"
	findingPushError         = "push_error"
	findingRoleMismatch      = "role_mismatch"
	findingInactiveOktaUser  = "inactive_okta_user"
)

var findingKinds = []string{findingStatsigOnly, findingProvisioningError, findingProvisioningOff,
	findingNotPushed, findingPushError, findingRoleMismatch, findingInactiveOktaUser}

// inactiveOktaStatuses are the Okta user statuses in which nobody should keep
// an assignment.
var inactiveOktaStatuses = map[string]bool{"SUSPENDED": true, "DEPROVISIONED": true}

// reviewGroup is an Okta group with its members.
type reviewGroup struct {
	ID, Name string
	Members  []okta.User
}

// reviewInput is everything a review reads.
type reviewInput struct {
	AppUsers []okta.AppUser
	// Assigned are the groups assigned to the app.
	Assigned []reviewGroup
	Mappings []okta.GroupPushMapping
	// Sources are the mappings' source groups, by id (a group that no
	// longer exists is absent).
	Sources map[string]reviewGroup
	// Targets are the mappings' target groups parsed as Statsig groups, by
	// id; a name that does not parse has an empty Role.
	Targets map[string]rolegroup.Parsed
	// SCIM and Console are nil when the key is not configured.
	SCIM    []statsig.SCIMUser
	Console []statsig.ConsoleUser
}

type reviewProjectRole struct {
	Project, Team, Role, Group string
}

type reviewPerson struct {
	Login, UserID, OktaStatus, Access string
	Email                             string // not an attribute: matches Console users
	OrgRole                           string
	ViaGroups                         []string
	ProjectRoles                      []reviewProjectRole
	StatsigActive                     *bool
	StatsigRole                       *string

	appUser     *okta.AppUser
	direct      bool
	userName    string // the name Okta sends to Statsig
	statsigOnly bool   // reported as statsig_only already
}

// assigned reports whether Okta assigns the person the app: an app user, or
// membership of an assigned group (whose app user Okta may not have made yet).
func (p *reviewPerson) assigned() bool { return p.appUser != nil || len(p.ViaGroups) > 0 }

type reviewFinding struct {
	Kind, Login, Group, Detail string
}

type reviewResult struct {
	People   []*reviewPerson
	Findings []reviewFinding
}

// review builds the people and findings. Everyone who holds Statsig through
// Okta (an assignment), is meant to (a member of a pushed group) or is
// active in Statsig is a person; nobody else is.
func review(in reviewInput) reviewResult {
	r := &reviewer{byKey: map[string]*reviewPerson{}, byID: map[string]*reviewPerson{}}
	r.addAppUsers(in.AppUsers)
	r.addAssignedGroups(in.Assigned)
	r.addMappings(in.Mappings, in.Sources, in.Targets)
	for _, p := range r.people {
		switch {
		case p.direct && len(p.ViaGroups) > 0:
			p.Access = accessBoth
		case p.direct:
			p.Access = accessDirect
		case len(p.ViaGroups) > 0 || p.appUser != nil:
			p.Access = accessGroup
		default:
			p.Access = accessNone
		}
	}
	if in.SCIM != nil {
		r.addSCIM(in.SCIM)
	}
	if in.Console != nil {
		r.addConsole(in.Console)
	}
	sort.Slice(r.people, func(i, j int) bool { return strings.ToLower(r.people[i].Login) < strings.ToLower(r.people[j].Login) })
	sort.SliceStable(r.findings, func(i, j int) bool {
		a, b := r.findings[i], r.findings[j]
		if a.Kind != b.Kind {
			return slices.Index(findingKinds, a.Kind) < slices.Index(findingKinds, b.Kind)
		}
		if a.Login != b.Login {
			return strings.ToLower(a.Login) < strings.ToLower(b.Login)
		}
		return a.Group < b.Group
	})
	return reviewResult{People: r.people, Findings: r.findings}
}

type reviewer struct {
	people   []*reviewPerson
	byKey    map[string]*reviewPerson // lower-cased login, email and user name
	byID     map[string]*reviewPerson // Okta user id
	findings []reviewFinding
	// scimKnown: Statsig's SCIM users were read, so statsig_active is known
	// (false) for everyone SCIM does not list as active.
	scimKnown bool
}

func (r *reviewer) find(ids ...string) *reviewPerson {
	for _, k := range ids {
		if p := r.byKey[strings.ToLower(k)]; k != "" && p != nil {
			return p
		}
	}
	return nil
}

// person returns the person for an Okta user, adding them when new.
func (r *reviewer) person(u okta.User) *reviewPerson {
	if p := r.byID[u.ID]; p != nil {
		return p
	}
	p := &reviewPerson{Login: u.Profile.Login, UserID: u.ID, OktaStatus: u.Status, Email: u.Profile.Email}
	r.add(p)
	return p
}

func (r *reviewer) add(p *reviewPerson) {
	r.people = append(r.people, p)
	if p.UserID != "" {
		r.byID[p.UserID] = p
	}
	for _, k := range []string{p.Login, p.Email, p.userName} {
		if k != "" {
			r.byKey[strings.ToLower(k)] = p
		}
	}
}

func (r *reviewer) finding(kind, login, group, detail string, args ...any) {
	r.findings = append(r.findings, reviewFinding{Kind: kind, Login: login, Group: group, Detail: fmt.Sprintf(detail, args...)})
}

func (r *reviewer) addAppUsers(appUsers []okta.AppUser) {
	for i := range appUsers {
		au := &appUsers[i]
		u := okta.User{ID: au.ID}
		if au.Embedded != nil && au.Embedded.User != nil {
			u = *au.Embedded.User
		}
		if u.Profile.Login == "" {
			u.Profile.Login = appUserLogin(au)
		}
		p := r.person(u)
		p.appUser, p.direct, p.OrgRole = au, au.Scope == "USER", profileOrgRole(au.Profile)
		p.userName = appUserName(au, p.Login)
		r.byKey[strings.ToLower(p.userName)] = p

		switch au.SyncState {
		case "ERROR":
			r.finding(findingProvisioningError, p.Login, "",
				"Okta could not provision %s to Statsig (app user status %s, syncState ERROR). The Apps API does not return Okta's reason: "+
					"read it in the Okta Admin Console under Dashboard > Tasks (often an email domain Statsig does not allow, or a second org Owner), "+
					"fix it and retry the task there, or remove the assignment.", p.Login, au.Status)
		case "DISABLED":
			r.finding(findingProvisioningOff, p.Login, "",
				"Okta assigns %s but does not provision them (syncState DISABLED): switch on Provisioning > To App > Create Users "+
					"(and Deactivate Users) for the Statsig app in Okta, then re-save the assignment so Okta pushes it.", p.Login)
		}
		if inactiveOktaStatuses[u.Status] {
			r.finding(findingInactiveOktaUser, p.Login, "",
				"%s is %s in Okta but still assigned to the Statsig app (%s): remove the assignment (the statsigokta_user_assignment, "+
					"or their membership of the assigned group) so Statsig deactivates them.", p.Login, u.Status, assignmentPath(au))
		}
	}
}

func assignmentPath(au *okta.AppUser) string {
	if au.Scope == "USER" {
		return "assigned directly"
	}
	return "assigned through a group"
}

func (r *reviewer) addAssignedGroups(groups []reviewGroup) {
	for _, g := range groups {
		for _, u := range g.Members {
			p := r.person(u)
			if !slices.Contains(p.ViaGroups, g.Name) {
				p.ViaGroups = append(p.ViaGroups, g.Name)
			}
		}
	}
	for _, p := range r.people {
		sort.Strings(p.ViaGroups)
	}
}

func (r *reviewer) addMappings(mappings []okta.GroupPushMapping, sources map[string]reviewGroup, targets map[string]rolegroup.Parsed) {
	sorted := slices.Clone(mappings)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sources[sorted[i].SourceGroupID].Name < sources[sorted[j].SourceGroupID].Name
	})
	for _, m := range sorted {
		src, srcOK := sources[m.SourceGroupID]
		target, tgtOK := targets[m.TargetGroupID]
		srcName, tgtName := src.Name, target.Name
		if !srcOK {
			srcName = m.SourceGroupID
		}
		if !tgtOK {
			tgtName = m.TargetGroupID
		}
		switch m.Status {
		case okta.GroupPushStatusError:
			summary := m.ErrorSummary
			if summary == "" {
				summary = "Okta gives no errorSummary"
			}
			r.finding(findingPushError, "", srcName,
				"Okta's push of %s to %s failed: %s. Fix the cause in Statsig, then destroy and re-create its statsigokta_group_push "+
					"(an ERROR mapping cannot be re-activated).", srcName, tgtName, strings.TrimSuffix(summary, "."))
			continue
		case okta.GroupPushStatusActive:
		default:
			continue // INACTIVE: pushes nothing
		}
		for _, u := range src.Members {
			p := r.person(u)
			if tgtOK && target.Role != "" {
				p.ProjectRoles = append(p.ProjectRoles, reviewProjectRole{Project: target.Project, Team: target.Team, Role: target.Role, Group: srcName})
			}
			if !p.assigned() {
				r.finding(findingNotPushed, p.Login, srcName,
					"%s is in %s, which is pushed to %s, but is not assigned to the Statsig app, so Okta never pushes them: "+
						"assign them (statsigokta_user_assignment) or a group they are in (statsigokta_group_assignment), or remove them from %s.",
					p.Login, srcName, tgtName, srcName)
			}
		}
	}
}

func (r *reviewer) addSCIM(users []statsig.SCIMUser) {
	r.scimKnown = true
	for _, p := range r.people {
		p.StatsigActive = new(bool)
	}
	for i := range users {
		su := &users[i]
		p := r.find(su.UserName, su.PrimaryEmail())
		if p == nil {
			if !su.Active {
				continue // no access anywhere: not part of the review
			}
			p = &reviewPerson{Login: su.UserName, Access: accessNone, StatsigActive: new(bool), userName: su.UserName, Email: su.PrimaryEmail()}
			r.add(p)
		}
		*p.StatsigActive = su.Active
		if !su.Active {
			continue
		}
		if !p.assigned() {
			r.statsigOnly(p, "SCIM")
			continue
		}
		if p.OrgRole != "" && su.StatsigOrgRole != "" && !strings.EqualFold(p.OrgRole, su.StatsigOrgRole) {
			r.finding(findingRoleMismatch, p.Login, "",
				"Statsig's org role for %s is %s, Okta's statsigOrgRole is %s (changed in the Statsig console?): set org_role on their "+
					"statsigokta_user_assignment to the role intended, and re-save the assignment in Okta if it already says so, so Okta pushes it.",
				p.Login, su.StatsigOrgRole, p.OrgRole)
		}
	}
}

func (r *reviewer) addConsole(users []statsig.ConsoleUser) {
	for i := range users {
		cu := &users[i]
		p := r.find(cu.Email)
		if p == nil {
			p = &reviewPerson{Login: cu.Email, Access: accessNone, Email: cu.Email}
			if r.scimKnown {
				p.StatsigActive = new(bool)
			}
			r.add(p)
		}
		role := cu.Role
		p.StatsigRole = &role
		if !p.assigned() {
			r.statsigOnly(p, "Console")
		}
	}
}

// statsigOnly reports a person active in Statsig whom Okta does not assign,
// once whichever Statsig API shows them first.
func (r *reviewer) statsigOnly(p *reviewPerson, api string) {
	if p.statsigOnly {
		return
	}
	p.statsigOnly = true
	r.finding(findingStatsigOnly, p.Login, "",
		"%s is active in Statsig (%s API) but not assigned to the Statsig app in Okta, so Okta neither manages nor removes them "+
			"(created or re-invited in the Statsig console?): assign them with statsigokta_user_assignment, or remove them in the Statsig console.",
		p.Login, api)
}

// reviewFilter keeps the people whose login starts with loginPrefix (case
// ignored) and, with onlyFindings, only those with a finding. Findings about
// a person follow the person; findings about a group are always kept.
type reviewFilter struct {
	loginPrefix  string
	onlyFindings bool
}

func (f reviewFilter) apply(res reviewResult) reviewResult {
	prefix := strings.ToLower(f.loginPrefix)
	withFinding := map[string]bool{}
	var findings []reviewFinding
	for _, fd := range res.Findings {
		if fd.Login != "" && !strings.HasPrefix(strings.ToLower(fd.Login), prefix) {
			continue
		}
		withFinding[fd.Login] = true
		findings = append(findings, fd)
	}
	var people []*reviewPerson
	for _, p := range res.People {
		if strings.HasPrefix(strings.ToLower(p.Login), prefix) && (!f.onlyFindings || withFinding[p.Login]) {
			people = append(people, p)
		}
	}
	return reviewResult{People: people, Findings: findings}
}

// summarize counts people per access kind and findings per kind, every kind
// present (zero included) so outputs can index them.
func summarize(res reviewResult) (access, findings map[string]int) {
	access, findings = map[string]int{}, map[string]int{}
	for _, k := range accessKinds {
		access[k] = 0
	}
	for _, k := range findingKinds {
		findings[k] = 0
	}
	for _, p := range res.People {
		access[p.Access]++
	}
	for _, f := range res.Findings {
		findings[f.Kind]++
	}
	return access, findings
}
