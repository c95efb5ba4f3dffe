package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Fixture declares the initial state of the emulated Okta org and Statsig
// organization. It is JSON-taggable so the standalone server can load it.
type Fixture struct {
	App          FixtureApp           `json:"app"`
	Users        []FixtureUser        `json:"users"`
	Groups       []FixtureGroup       `json:"groups"`
	Projects     []FixtureProject     `json:"projects"`
	AppUsers     []FixtureAppUser     `json:"appUsers,omitempty"`
	AppGroups    []FixtureAppGroup    `json:"appGroups,omitempty"`
	PushMappings []FixturePushMapping `json:"pushMappings,omitempty"`
}

// FixtureApp describes the Statsig SCIM app in Okta.
type FixtureApp struct {
	ID       string   `json:"id,omitempty"`
	Label    string   `json:"label,omitempty"`
	Name     string   `json:"name,omitempty"`
	Status   string   `json:"status,omitempty"`
	Features []string `json:"features,omitempty"`
}

// FixtureUser is an Okta user. ID is generated (00u…) when empty; Email defaults to Login.
type FixtureUser struct {
	ID        string `json:"id,omitempty"`
	Login     string `json:"login"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// FixtureGroup is an OKTA_GROUP; Members are logins.
type FixtureGroup struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Members     []string `json:"members,omitempty"`
}

// FixtureProject is a Statsig project. Each role becomes a Statsig SCIM group
// and an Okta APP_GROUP "Statsig-<Project>-<Role>" sourced from the app.
type FixtureProject struct {
	Name  string        `json:"name"`
	Roles []string      `json:"roles,omitempty"` // default Admin, Member, Read Only
	Teams []FixtureTeam `json:"teams,omitempty"`
}

// FixtureTeam is a Statsig team: groups "Statsig-<Project>-<Team>-<Role>".
type FixtureTeam struct {
	Name  string   `json:"name"`
	Roles []string `json:"roles,omitempty"` // default Admin, Member
}

// FixtureAppUser is a pre-existing direct assignment; its Statsig user exists and is active.
type FixtureAppUser struct {
	Login   string `json:"login"`
	Scope   string `json:"scope,omitempty"`   // default USER
	Status  string `json:"status,omitempty"`  // default PROVISIONED
	OrgRole string `json:"orgRole,omitempty"` // default Member
}

// FixtureAppGroup is a pre-existing group assignment.
type FixtureAppGroup struct {
	GroupName string `json:"groupName"`
	Priority  int    `json:"priority,omitempty"`
}

// FixturePushMapping is a pre-existing group push mapping.
type FixturePushMapping struct {
	SourceGroupName string `json:"sourceGroupName"`
	TargetGroupName string `json:"targetGroupName"`
	Status          string `json:"status,omitempty"` // default ACTIVE
}

var (
	defaultFeatures     = []string{"IMPORT_NEW_USERS", "PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION", "PUSH_PROFILE_UPDATES", "GROUP_PUSH"}
	defaultProjectRoles = []string{"Admin", "Member", "Read Only"}
	defaultTeamRoles    = []string{"Admin", "Member"}
)

// DefaultFixture is a small org for tests.
func DefaultFixture() *Fixture {
	return &Fixture{
		App: FixtureApp{Label: "Statsig"},
		Users: []FixtureUser{
			{Login: "alice@example.com", FirstName: "Alice", LastName: "Anders"},
			{Login: "bob@example.com", FirstName: "Bob", LastName: "Brown"},
			{Login: "carol@example.com", FirstName: "Carol", LastName: "Chen"},
			{Login: "dave@example.com", FirstName: "Dave", LastName: "Diaz"},
			{Login: "erin@example.com", FirstName: "Erin", LastName: "Evans"},
			{Login: "frank@example.com", FirstName: "Frank", LastName: "Fischer"},
			{Login: "grace@example.com", FirstName: "Grace", LastName: "Garcia"},
			{Login: "heidi@example.com", FirstName: "Heidi", LastName: "Hall"},
		},
		Groups: []FixtureGroup{
			{Name: "Engineering", Description: "All engineers", Members: []string{"alice@example.com", "bob@example.com", "carol@example.com"}},
			{Name: "Product", Description: "Product managers", Members: []string{"dave@example.com", "erin@example.com"}},
			{Name: "Checkout Admins", Description: "Admins of the Checkout project", Members: []string{"alice@example.com", "frank@example.com"}},
		},
		Projects: []FixtureProject{
			{Name: "Checkout", Teams: []FixtureTeam{{Name: "Growth"}}},
			{Name: "Web-App Platform"},
		},
	}
}

// DemoFixture is a realistic small org for demos.
func DemoFixture() *Fixture {
	first := []string{"Ava", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Gia", "Hugo", "Isla", "Jack",
		"Kai", "Luna", "Mason", "Nora", "Owen", "Priya", "Quinn", "Ravi", "Sofia", "Theo",
		"Uma", "Victor", "Wren", "Xavier", "Yara", "Zane", "Amir", "Bea", "Carlos", "Dana",
		"Elif", "Finn", "Greta", "Hiro", "Ines", "Jonas", "Keira", "Leo", "Mila", "Nico"}
	last := []string{"Adams", "Baker", "Clark", "Dubois", "Evans", "Fong", "Gupta", "Hughes", "Ito", "Jensen",
		"Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Patel", "Quint", "Rossi", "Silva", "Tanaka",
		"Ueda", "Varga", "Weber", "Xu", "Young", "Zimmer", "Ahmed", "Brennan", "Castro", "Dalton",
		"Erdem", "Fischer", "Gallo", "Hayashi", "Ibarra", "Johansson", "Kim", "Larsen", "Moreau", "Novak"}
	f := &Fixture{App: FixtureApp{Label: "Statsig"}}
	for i := range first {
		login := fmt.Sprintf("%s.%s@acme.example", strings.ToLower(first[i]), strings.ToLower(asciiFold(last[i])))
		f.Users = append(f.Users, FixtureUser{Login: login, FirstName: first[i], LastName: last[i]})
	}
	pick := func(idx ...int) []string {
		var out []string
		for _, i := range idx {
			out = append(out, f.Users[i].Login)
		}
		return out
	}
	f.Groups = []FixtureGroup{
		{ID: "00g0engineering00001", Name: "Engineering", Description: "Product engineering", Members: pick(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)},
		{ID: "00g0datascience00001", Name: "Data Science", Description: "Analysts and data scientists", Members: pick(14, 15, 16, 17, 18)},
		{Name: "Product Management", Description: "PMs", Members: pick(19, 20, 21, 22)},
		{Name: "Growth Squad", Description: "Cross-functional growth team", Members: pick(2, 5, 15, 19, 23)},
		{Name: "Platform On-Call", Description: "Platform SREs", Members: pick(0, 1, 24, 25)},
		{Name: "Statsig Admins", Description: "People who administer Statsig", Members: pick(0, 19)},
	}
	f.Projects = []FixtureProject{
		{Name: "Checkout", Teams: []FixtureTeam{{Name: "Growth"}, {Name: "Payments"}}},
		{Name: "Web-App Platform", Teams: []FixtureTeam{{Name: "Core UX"}}},
		{Name: "Mobile App"},
		{Name: "Data Platform", Roles: []string{"Admin", "Member", "Read Only", "Analyst"}},
	}
	return f
}

func asciiFold(s string) string {
	return strings.NewReplacer("ü", "u", "ö", "o", "ä", "a").Replace(s)
}

// GenerateFixture builds a large deterministic fixture for benchmarks.
func GenerateFixture(users, groups int) *Fixture {
	f := &Fixture{App: FixtureApp{Label: "Statsig"}}
	for i := 0; i < users; i++ {
		f.Users = append(f.Users, FixtureUser{
			Login:     fmt.Sprintf("user%05d@example.com", i),
			FirstName: fmt.Sprintf("First%05d", i), LastName: fmt.Sprintf("Last%05d", i),
		})
	}
	for g := 0; g < groups; g++ {
		fg := FixtureGroup{Name: fmt.Sprintf("Group %04d", g), Description: fmt.Sprintf("Generated group %d", g)}
		// Each group gets a deterministic, overlapping slice of users.
		for i := g; i < users; i += groups + 1 {
			fg.Members = append(fg.Members, f.Users[i].Login)
		}
		f.Groups = append(f.Groups, fg)
	}
	nProjects := max(2, groups/10)
	for p := 0; p < nProjects; p++ {
		fp := FixtureProject{Name: fmt.Sprintf("Project %d-%c", p, 'A'+p%26)}
		if p%2 == 0 {
			fp.Teams = []FixtureTeam{{Name: fmt.Sprintf("Team %d", p)}}
		}
		f.Projects = append(f.Projects, fp)
	}
	return f
}

// LoadFixture reads a Fixture from a JSON file.
func LoadFixture(path string) (*Fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Fixture
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixture %s: %w", path, err)
	}
	return &f, nil
}

// loadFixtureLocked builds the world from f. Fixture state is fully settled:
// provisioning is immediate and everything is visible to search at once.
func (s *Sandbox) loadFixtureLocked(f *Fixture) error {
	now := s.now()
	w := s.w
	app := f.App
	w.App = appRec{
		ID: app.ID, Name: app.Name, Label: app.Label, Status: app.Status,
		Features: slices.Clone(app.Features), Created: now,
	}
	if w.App.ID == "" {
		w.App.ID = w.newID("0oa", 17)
	}
	if w.App.Label == "" {
		w.App.Label = "Statsig"
	}
	if w.App.Name == "" {
		w.App.Name = "statsigscim"
	}
	if w.App.Status == "" {
		w.App.Status = "ACTIVE"
	}
	if len(w.App.Features) == 0 {
		w.App.Features = slices.Clone(defaultFeatures)
	}
	domains := map[string]bool{}
	for _, fu := range f.Users {
		if fu.Login == "" {
			return fmt.Errorf("fixture user without login")
		}
		u := &userRec{ID: fu.ID, Login: fu.Login, Email: fu.Email, FirstName: fu.FirstName, LastName: fu.LastName, Status: "ACTIVE", Created: now}
		if u.ID == "" {
			u.ID = w.newID("00u", 17)
		}
		if u.Email == "" {
			u.Email = u.Login
		}
		if w.userByLogin(u.Login) != nil {
			return fmt.Errorf("fixture: duplicate user %s", u.Login)
		}
		w.addUser(u)
		if at := strings.LastIndexByte(u.Email, '@'); at >= 0 {
			domains[strings.ToLower(u.Email[at+1:])] = true
		}
	}
	w.Domains = sortedKeys(domains)
	w.addBuiltInGroups(now)
	for _, fg := range f.Groups {
		g := &groupRec{ID: fg.ID, Name: fg.Name, Description: fg.Description, Type: "OKTA_GROUP",
			Created: now, LastUpdated: now, LastMembershipUpdated: now, Members: []string{}}
		if g.ID == "" {
			g.ID = w.newID("00g", 17)
		}
		for _, login := range fg.Members {
			u := w.userByLogin(login)
			if u == nil {
				return fmt.Errorf("fixture group %q: unknown member %s", fg.Name, login)
			}
			g.Members = addUnique(g.Members, u.ID)
		}
		w.Groups[g.ID] = g
	}
	for _, fp := range f.Projects {
		p := &projectRec{Name: fp.Name, ID: w.newID("", 22), Roles: fp.Roles, ConsoleKey: "console-" + randToken(24)}
		if len(p.Roles) == 0 {
			p.Roles = slices.Clone(defaultProjectRoles)
		}
		for _, ft := range fp.Teams {
			t := &teamRec{Name: ft.Name, Roles: ft.Roles}
			if len(t.Roles) == 0 {
				t.Roles = slices.Clone(defaultTeamRoles)
			}
			p.Teams = append(p.Teams, t)
		}
		w.Projects = append(w.Projects, p)
		for _, r := range p.Roles {
			w.createAppGroupFor(w.createStatsigGroup(p.Name, "", r, now), now, time.Time{})
		}
		for _, t := range p.Teams {
			for _, r := range t.Roles {
				w.createAppGroupFor(w.createStatsigGroup(p.Name, t.Name, r, now), now, time.Time{})
			}
		}
	}
	if len(w.Projects) > 0 {
		w.OrgName = w.Projects[0].Name + " Org"
	}
	w.OrgID = w.newID("", 22)

	s.settling = true
	defer func() { s.settling = false }()
	for _, fag := range f.AppGroups {
		g := w.groupByName(fag.GroupName)
		if g == nil {
			return fmt.Errorf("fixture app group: unknown group %q", fag.GroupName)
		}
		s.assignGroupLocked(g, fag.Priority, nil, now)
	}
	for _, fau := range f.AppUsers {
		u := w.userByLogin(fau.Login)
		if u == nil {
			return fmt.Errorf("fixture app user: unknown user %s", fau.Login)
		}
		var profile map[string]any
		if fau.OrgRole != "" {
			profile = map[string]any{"statsigOrgRole": fau.OrgRole}
		}
		au := w.AppUsers[u.ID]
		if au == nil {
			au = s.newAppUser(u, "USER", profile, "", now)
		}
		au.Scope = "USER"
		if fau.Scope != "" {
			au.Scope = fau.Scope
		}
		if fau.Status != "" {
			au.Status = fau.Status
		}
	}
	for _, fm := range f.PushMappings {
		src, tgt := w.groupByName(fm.SourceGroupName), w.groupByName(fm.TargetGroupName)
		if src == nil || tgt == nil {
			return fmt.Errorf("fixture push mapping %q -> %q: unknown group", fm.SourceGroupName, fm.TargetGroupName)
		}
		m := &mappingRec{ID: w.newID("gPm", 17), SourceGroupID: src.ID, TargetGroupID: tgt.ID,
			Status: fm.Status, Created: now, LastUpdated: now, Pushed: []string{}}
		if m.Status == "" {
			m.Status = "ACTIVE"
		}
		w.Mappings[m.ID] = m
		if m.Status == "ACTIVE" {
			s.pushMappingLocked(m, now, true)
		}
	}
	return nil
}
