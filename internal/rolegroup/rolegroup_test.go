package rolegroup

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for _, tc := range []struct {
		project, team, role string
		want                string
		wantErr             string
	}{
		{project: "Checkout", role: "Admin", want: "Statsig-Checkout-Admin"},
		{project: "Web-App Platform", role: "Read Only", want: "Statsig-Web-App Platform-Read Only"},
		{project: "Checkout", team: "Growth", role: "Member", want: "Statsig-Checkout-Growth-Member"},
		{project: "Statsig", role: "Owner", want: "Statsig-Statsig-Owner"},
		{project: "", role: "Admin", wantErr: "project must not be empty"},
		{project: "Checkout", role: "", wantErr: "role must not be empty"},
		{project: " Checkout", role: "Admin", wantErr: `project " Checkout" must not start or end with spaces`},
		{project: "Checkout", role: "Admin ", wantErr: `role "Admin " must not start or end with spaces`},
		{project: "Checkout", team: "Growth\n", role: "Admin", wantErr: `team "Growth\n" must not start or end`},
		{project: "Check\tout", role: "Admin", wantErr: "must not contain line breaks or tabs"},
	} {
		got, err := TeamName(tc.project, tc.team, tc.role)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("TeamName(%q, %q, %q) error = %v, want it to contain %q", tc.project, tc.team, tc.role, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("TeamName(%q, %q, %q) = %q, %v; want %q", tc.project, tc.team, tc.role, got, err, tc.want)
		}
		if tc.team == "" {
			if n, _ := Name(tc.project, tc.role); n != got {
				t.Errorf("Name(%q, %q) = %q, want %q", tc.project, tc.role, n, got)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		roles     []string
		want      Parsed // Name and Note are not compared
		readings  int
		ambiguous bool
	}{
		{name: "Statsig-Checkout-Admin", want: Parsed{Project: "Checkout", Role: "Admin"}},
		{name: "Statsig-Checkout-Read Only", want: Parsed{Project: "Checkout", Role: "Read Only"}},
		{name: "Statsig-Checkout-Owner", want: Parsed{Project: "Checkout", Role: "Owner"}},
		// Not a team role: the whole rest is the project, hyphens and all.
		{name: "Statsig-Web-App Platform-Read Only", want: Parsed{Project: "Web-App Platform", Role: "Read Only"}},
		{name: "Statsig-Statsig-Okta Test Project-Owner", want: Parsed{Project: "Statsig-Okta Test Project", Role: "Owner"}},
		// A custom role is recognised only when listed.
		{name: "Statsig-Data Platform-Analyst", roles: []string{"Analyst"}, want: Parsed{Project: "Data Platform", Role: "Analyst"}},
		// The longest known role wins.
		{name: "Statsig-Checkout-Team Admin", roles: []string{"Team Admin"}, want: Parsed{Project: "Checkout", Role: "Team Admin"}},
		// Team roles: a project part with a hyphen is ambiguous on its own.
		{name: "Statsig-Checkout-Growth-Member", want: Parsed{Project: "Checkout-Growth", Role: "Member"}, readings: 2, ambiguous: true},
		{name: "Statsig-Web-App Platform-Admin", want: Parsed{Project: "Web-App Platform", Role: "Admin"}, readings: 2, ambiguous: true},
		{name: "Statsig-A-B-C-Admin", want: Parsed{Project: "A-B-C", Role: "Admin"}, readings: 3, ambiguous: true},
		// A split that would leave a part starting or ending with a space is no reading.
		{name: "Statsig-Checkout - EU-Admin", want: Parsed{Project: "Checkout - EU", Role: "Admin"}},
		// The role must be a whole segment.
		{name: "Statsig-SuperAdmin-Member", want: Parsed{Project: "SuperAdmin", Role: "Member"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.name, tc.roles)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Project != tc.want.Project || got.Team != tc.want.Team || got.Role != tc.want.Role {
				t.Errorf("Parse = project %q team %q role %q; want project %q team %q role %q",
					got.Project, got.Team, got.Role, tc.want.Project, tc.want.Team, tc.want.Role)
			}
			if got.Ambiguous != tc.ambiguous || len(got.Readings) != tc.readings {
				t.Errorf("Parse ambiguous=%v readings=%v; want ambiguous=%v with %d readings", got.Ambiguous, got.Readings, tc.ambiguous, tc.readings)
			}
			if got.Ambiguous && !strings.Contains(got.Note, "reads as") {
				t.Errorf("an ambiguous result must explain itself; note = %q", got.Note)
			}
			if !got.Ambiguous && got.Note != "" {
				t.Errorf("unexpected note %q", got.Note)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		roles   []string
		notRole bool
		want    string
	}{
		{name: "Engineering", notRole: true, want: `must start with "Statsig-"`},
		{name: "statsig-Checkout-Admin", notRole: true, want: `must start with "Statsig-"`},
		{name: "Statsig-Checkout-Analyst", want: `if "Analyst" is a custom Statsig role`},
		{name: "Statsig-Admin", want: "does not end with a known role"},
		{name: "Statsig--Admin", want: "does not end with a known role"},
		{name: "Statsig-Checkout-admin", want: "does not end with a known role"},
		// Roles are whole segments after a hyphen: "Team Admin" is not "-Admin".
		{name: "Statsig-Checkout-Team Admin", want: `if "Team Admin" is a custom Statsig role`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.name, tc.roles)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) error = %v, want it to contain %q", tc.name, err, tc.want)
			}
			var unknown *UnknownRoleError
			if tc.notRole != errors.Is(err, ErrNotRoleGroup) || tc.notRole == errors.As(err, &unknown) {
				t.Fatalf("Parse(%q) error type = %T (%v)", tc.name, err, err)
			}
		})
	}
}

func TestParserWithContext(t *testing.T) {
	names := []string{
		"Statsig-Checkout-Admin", "Statsig-Checkout-Member", "Statsig-Checkout-Read Only",
		"Statsig-Checkout-Growth-Admin", "Statsig-Checkout-Growth-Member",
		"Statsig-Web-App Platform-Admin", "Statsig-Web-App Platform-Member", "Statsig-Web-App Platform-Read Only",
		"Statsig-Web-App Platform-Core UX-Member",
		// Both "Web" and "Web-App Platform" are projects here:
		"Statsig-Web-Member", "Statsig-Web-Read Only",
		// "Mobile-iOS" has only team-role groups, so nothing names it a project.
		"Statsig-Mobile-iOS-Admin",
	}
	p := NewParser(nil, nil)
	p.LearnProjects(names)

	for _, tc := range []struct {
		name, project, team string
		ambiguous           bool
		note                string
	}{
		{name: "Statsig-Checkout-Growth-Admin", project: "Checkout", team: "Growth", note: `known from group "Statsig-Checkout-`},
		{name: "Statsig-Checkout-Growth-EU-Member", project: "Checkout", team: "Growth-EU"},
		// Known projects "Web" and "Web-App Platform" both fit; the longer is shown.
		{name: "Statsig-Web-App Platform-Core UX-Member", project: "Web-App Platform", team: "Core UX", ambiguous: true},
		// "Web" is a project too, so "Web-App Platform" could be its team.
		{name: "Statsig-Web-App Platform-Admin", project: "Web-App Platform", ambiguous: true, note: "several of these projects are known"},
		{name: "Statsig-Mobile-iOS-Admin", project: "Mobile-iOS", ambiguous: true, note: "no known project name decides"},
		{name: "Statsig-Checkout-Admin", project: "Checkout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Parse(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if got.Project != tc.project || got.Team != tc.team || got.Ambiguous != tc.ambiguous {
				t.Errorf("got project %q team %q ambiguous %v; want %q %q %v (note %q)",
					got.Project, got.Team, got.Ambiguous, tc.project, tc.team, tc.ambiguous, got.Note)
			}
			if !strings.Contains(got.Note, tc.note) {
				t.Errorf("note %q does not contain %q", got.Note, tc.note)
			}
		})
	}

	// Projects known from elsewhere (an argument, the Console API) count too.
	q := NewParser(nil, map[string]string{"Mobile": "the projects argument"})
	got, _ := q.Parse("Statsig-Mobile-iOS-Admin")
	if got.Project != "Mobile" || got.Team != "iOS" || got.Ambiguous {
		t.Errorf("with Mobile known: %+v", got)
	}
	want := []Reading{{Project: "Mobile-iOS"}, {Project: "Mobile", Team: "iOS"}}
	if got, _ := Parse("Statsig-Mobile-iOS-Admin", nil); !reflect.DeepEqual(got.Readings, want) {
		t.Errorf("readings = %+v, want %+v", got.Readings, want)
	}
}

func TestSuggest(t *testing.T) {
	have := []string{
		"Statsig-Checkout-Admin", "Statsig-Checkout-Member", "Statsig-Checkout-Read Only",
		"Statsig-Checkout-Growth-Admin", "Statsig-Web-App Platform-Admin", "Statsig-Web-App Platform-Member",
		"Statsig-Billing-Owner",
	}
	for _, tc := range []struct {
		want, project, role string
		expect              []string
	}{
		// A typo in the project: the same role in other projects, closest first.
		{want: "Statsig-Chekout-Admin", project: "Chekout", role: "Admin",
			expect: []string{"Statsig-Checkout-Admin", "Statsig-Checkout-Growth-Admin", "Statsig-Web-App Platform-Admin"}},
		// A role the project does not have: that project's groups first.
		{want: "Statsig-Checkout-Owner", project: "Checkout", role: "Owner",
			expect: []string{"Statsig-Checkout-Member", "Statsig-Checkout-Admin", "Statsig-Billing-Owner"}},
		// Case differences are the closest match of all.
		{want: "Statsig-checkout-admin", project: "checkout", role: "admin",
			expect: []string{"Statsig-Checkout-Admin", "Statsig-Checkout-Member", "Statsig-Checkout-Read Only"}},
		{want: "Statsig-Nothing-Alike", project: "Nothing", role: "Alike", expect: []string{}},
	} {
		got := Suggest(tc.want, have, tc.project, tc.role, 3)
		if !reflect.DeepEqual(got, tc.expect) {
			t.Errorf("Suggest(%q) = %q, want %q", tc.want, got, tc.expect)
		}
	}
}

func TestLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"Müller", "Muller", 1}, {"same", "same", 0},
	} {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
