// Package rolegroup builds and parses the names of the groups Statsig exposes
// to Okta over SCIM: "Statsig-<Project>-<Role>" for a project role and
// "Statsig-<Project>-<Team>-<Role>" for a team role.
//
// Project, team and role names are used verbatim and may themselves contain
// hyphens and spaces ("Web-App Platform", "Read Only"), so a name is never
// split on "-". The role is recognised as a known suffix; what is left is the
// project, or the project and a team, which only context can tell apart (see
// Parser). Everything here is pure: no I/O, no clock.
package rolegroup

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Prefix starts the name of every Statsig group.
const Prefix = "Statsig-"

// BuiltinRoles are the project roles every Statsig project has. Custom roles
// (Statsig Enterprise) are passed to Parse and NewParser.
var BuiltinRoles = []string{"Admin", "Member", "Read Only", "Owner"}

// TeamRoles are the only roles a team group carries.
var TeamRoles = []string{"Admin", "Member"}

// IsTeamRole reports whether a team group can carry role.
func IsTeamRole(role string) bool { return slices.Contains(TeamRoles, role) }

// CheckPart reports why s cannot be the project, team or role part of a
// group name (what names the part in the message), or nil.
func CheckPart(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%s must not be empty", what)
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("%s %q must not start or end with spaces: Statsig group names use the name exactly as shown in the Statsig Console", what, s)
	case strings.ContainsAny(s, "\n\r\t"):
		return fmt.Errorf("%s %q must not contain line breaks or tabs", what, s)
	}
	return nil
}

// Name returns "Statsig-<project>-<role>".
func Name(project, role string) (string, error) {
	if err := errors.Join(CheckPart("project", project), CheckPart("role", role)); err != nil {
		return "", err
	}
	return Prefix + project + "-" + role, nil
}

// TeamName returns "Statsig-<project>-<team>-<role>", or Name(project, role)
// when team is empty.
func TeamName(project, team, role string) (string, error) {
	if team == "" {
		return Name(project, role)
	}
	if err := errors.Join(CheckPart("project", project), CheckPart("team", team), CheckPart("role", role)); err != nil {
		return "", err
	}
	return Prefix + project + "-" + team + "-" + role, nil
}

// Reading is one way to split what precedes the role into a project and an
// optional team.
type Reading struct {
	Project string
	Team    string // "" for a project group
}

// Parsed is the result of parsing a group name.
type Parsed struct {
	Name    string
	Project string // the best reading when Ambiguous
	Team    string // "" for a project group (or when the best reading has none)
	Role    string
	// Ambiguous is set when the name reads both as a project group and as a
	// team group (or as several teams) and nothing known decides between
	// them. Readings then lists every possibility, best first.
	Ambiguous bool
	Readings  []Reading
	// Known lists the readings whose project is known (from the parser's
	// projects), when the name reads more than one way.
	Known []Reading
	// Note explains an ambiguity, or how one was resolved; "" otherwise.
	Note string
}

// ErrNotRoleGroup is returned for names without the "Statsig-" prefix.
var ErrNotRoleGroup = errors.New("not a Statsig role group name")

// UnknownRoleError is returned when a name does not end with a known role.
type UnknownRoleError struct {
	Name  string
	Roles []string // the roles that were tried
}

func (e *UnknownRoleError) Error() string {
	quoted := make([]string, len(e.Roles))
	for i, r := range e.Roles {
		quoted[i] = fmt.Sprintf("%q", r)
	}
	msg := fmt.Sprintf("%q does not end with a known role (%s)", e.Name, strings.Join(quoted, ", "))
	if i := strings.LastIndexByte(e.Name, '-'); i >= len(Prefix) && i < len(e.Name)-1 {
		msg += fmt.Sprintf("; if %q is a custom Statsig role, add it to the known roles", e.Name[i+1:])
	}
	return msg
}

// Parse reads one name on its own. roles are custom role names known in
// addition to BuiltinRoles. A team-role name whose project part contains a
// hyphen is reported Ambiguous, with the whole part as the project.
func Parse(name string, roles []string) (Parsed, error) {
	return NewParser(roles, nil).Parse(name)
}

// Parser parses names in the context of known project names, which resolve
// names that Parse alone finds ambiguous.
type Parser struct {
	roles    []string          // longest first
	projects map[string]string // project name -> why it is known
}

// NewParser returns a parser that knows BuiltinRoles plus roles. projects
// maps project names known from elsewhere (an argument, the Statsig Console)
// to a short reason, used in notes.
func NewParser(roles []string, projects map[string]string) *Parser {
	p := &Parser{projects: map[string]string{}}
	seen := map[string]bool{}
	for _, r := range append(slices.Clone(BuiltinRoles), roles...) {
		if r != "" && !seen[r] {
			seen[r] = true
			p.roles = append(p.roles, r)
		}
	}
	// Longest first, so "Team Admin" wins over "Admin".
	sort.SliceStable(p.roles, func(i, j int) bool { return len(p.roles[i]) > len(p.roles[j]) })
	for name, why := range projects {
		p.projects[name] = why
	}
	return p
}

// LearnProjects records the project names that names prove to exist: a name
// whose role is not a team role, or whose project part has no hyphen, can
// only be a project group, so its project part is a project. Statsig creates
// a group for every project and role (Read Only and Owner included), so a
// full listing of the app's groups normally names every project this way.
func (p *Parser) LearnProjects(names []string) {
	for _, name := range names {
		role, rest, ok := p.split(name)
		if !ok || (IsTeamRole(role) && strings.Contains(rest, "-")) {
			continue
		}
		if _, known := p.projects[rest]; !known {
			p.projects[rest] = fmt.Sprintf("group %q", name)
		}
	}
}

// Roles returns the roles the parser recognises, longest first.
func (p *Parser) Roles() []string { return slices.Clone(p.roles) }

// split strips the prefix and the longest known role suffix.
func (p *Parser) split(name string) (role, rest string, ok bool) {
	body, found := strings.CutPrefix(name, Prefix)
	if !found {
		return "", "", false
	}
	for _, r := range p.roles {
		if rest, found := strings.CutSuffix(body, "-"+r); found && rest != "" {
			return r, rest, true
		}
	}
	return "", "", false
}

// Parse reads name: the prefix, then the longest known role suffix, then the
// project (and team) from what is left.
func (p *Parser) Parse(name string) (Parsed, error) {
	if !strings.HasPrefix(name, Prefix) {
		return Parsed{}, fmt.Errorf("%q: %w (it must start with %q)", name, ErrNotRoleGroup, Prefix)
	}
	role, rest, ok := p.split(name)
	if !ok {
		builtinFirst := append(slices.Clone(BuiltinRoles), slices.DeleteFunc(slices.Clone(p.roles), func(r string) bool {
			return slices.Contains(BuiltinRoles, r)
		})...)
		return Parsed{}, &UnknownRoleError{Name: name, Roles: builtinFirst}
	}
	out := Parsed{Name: name, Role: role, Project: rest}
	if !IsTeamRole(role) {
		return out, nil // only Admin and Member exist for teams
	}
	readings := possibleReadings(rest)
	if len(readings) == 1 {
		return out, nil
	}

	var known []Reading
	for _, rd := range readings {
		if _, ok := p.projects[rd.Project]; ok {
			known = append(known, rd)
		}
	}
	out.Known = known
	if len(known) == 1 {
		rd := known[0]
		out.Project, out.Team = rd.Project, rd.Team
		if rd.Team == "" {
			out.Note = fmt.Sprintf("Read as a group of project %q (known from %s) rather than of a team.", rd.Project, p.projects[rd.Project])
		} else {
			out.Note = fmt.Sprintf("Read as team %q of project %q (known from %s).", rd.Team, rd.Project, p.projects[rd.Project])
		}
		return out, nil
	}

	// Still ambiguous: prefer a known reading, then the whole part as the
	// project, and list every reading so nothing is guessed silently.
	candidates := readings
	if len(known) > 1 {
		candidates = known
	}
	best := candidates[0] // possibleReadings puts the whole part first
	if len(known) > 1 && !slices.Contains(known, readings[0]) {
		best = known[len(known)-1] // the longest known project
	}
	out.Project, out.Team = best.Project, best.Team
	out.Ambiguous = true
	out.Readings = append([]Reading{best}, slices.DeleteFunc(slices.Clone(candidates), func(r Reading) bool { return r == best })...)
	var alts []string
	for _, rd := range out.Readings {
		if rd.Team == "" {
			alts = append(alts, fmt.Sprintf("project %q", rd.Project))
		} else {
			alts = append(alts, fmt.Sprintf("project %q with team %q", rd.Project, rd.Team))
		}
	}
	why := "no known project name decides between them"
	if len(known) > 1 {
		why = "several of these projects are known"
	}
	out.Note = fmt.Sprintf("%q reads as %s: team groups use the same roles (Admin, Member) and a hyphen separates "+
		"the team from the project, and %s. Shown as %s.", name, strings.Join(alts, ", or "), why, alts[0])
	return out, nil
}

// possibleReadings lists the ways rest can be project or project-team: the
// whole first, then every split at a hyphen, shortest project first. A split
// that leaves a part starting or ending with a space ("A - B") is not a
// reading, since Statsig names do not start or end with spaces.
func possibleReadings(rest string) []Reading {
	readings := []Reading{{Project: rest}}
	for i := 0; i < len(rest); i++ {
		if rest[i] != '-' {
			continue
		}
		project, team := rest[:i], rest[i+1:]
		if CheckPart("project", project) == nil && CheckPart("team", team) == nil {
			readings = append(readings, Reading{Project: project, Team: team})
		}
	}
	return readings
}

// Suggest returns up to limit names from have that are close to want, for a
// "did you mean" hint: names of the same project or with the same role, and
// any within a small edit distance, closest first. Matching ignores case.
func Suggest(want string, have []string, project, role string, limit int) []string {
	lw := strings.ToLower(want)
	projectPrefix := strings.ToLower(Prefix + project + "-")
	roleSuffix := strings.ToLower("-" + role)
	near := max(2, len([]rune(want))/5)
	type scored struct {
		name string
		dist int
	}
	var out []scored
	for _, h := range have {
		if h == want {
			continue
		}
		lh := strings.ToLower(h)
		d := levenshtein(lw, lh)
		sameProject := project != "" && strings.HasPrefix(lh, projectPrefix)
		sameRole := role != "" && strings.HasSuffix(lh, roleSuffix)
		if d <= near || sameProject || sameRole {
			out = append(out, scored{h, d})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].dist != out[j].dist {
			return out[i].dist < out[j].dist
		}
		return out[i].name < out[j].name
	})
	names := make([]string, 0, min(limit, len(out)))
	for _, s := range out[:min(limit, len(out))] {
		names = append(names, s.name)
	}
	return names
}

// levenshtein is the edit distance between a and b, counted in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
