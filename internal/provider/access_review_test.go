package provider

import (
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/rolegroup"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// Unit tests of the review's analysis; the acceptance tests in
// access_review_data_source_test.go drive it through the CLI.

func oktaUser(id, login, status string) okta.User {
	return okta.User{ID: id, Status: status, Profile: okta.UserProfile{Login: login, Email: login}}
}

func reviewAppUser(u okta.User, scope, syncState, orgRole string) okta.AppUser {
	au := okta.AppUser{ID: u.ID, Scope: scope, Status: "PROVISIONED", SyncState: syncState,
		Credentials: &okta.AppUserCredentials{UserName: u.Profile.Login}, Embedded: &okta.AppUserEmbedded{User: &u}}
	if orgRole != "" {
		au.Profile = map[string]any{orgRoleProfileAttribute: orgRole}
	}
	return au
}

func personByLogin(t *testing.T, res reviewResult, login string) *reviewPerson {
	t.Helper()
	for _, p := range res.People {
		if p.Login == login {
			return p
		}
	}
	t.Fatalf("no person %s", login)
	return nil
}

func findingKindsOf(res reviewResult) string {
	var kinds []string
	for _, f := range res.Findings {
		kinds = append(kinds, f.Kind+":"+f.Login+f.Group)
	}
	return strings.Join(kinds, " ")
}

func TestReview_accessKindsAndPaths(t *testing.T) {
	ann, ben, cat := oktaUser("00u1", "Ann@x.com", "ACTIVE"), oktaUser("00u2", "ben@x.com", "ACTIVE"), oktaUser("00u3", "cat@x.com", "ACTIVE")
	in := reviewInput{
		AppUsers: []okta.AppUser{
			reviewAppUser(ann, "USER", "SYNCHRONIZED", ""),
			reviewAppUser(ben, "GROUP", "SYNCHRONIZED", ""),
			reviewAppUser(cat, "USER", "SYNCHRONIZED", ""),
		},
		Assigned: []reviewGroup{{ID: "00gA", Name: "Zeta", Members: []okta.User{ben, cat}}, {ID: "00gB", Name: "Alpha", Members: []okta.User{cat}}},
		Mappings: []okta.GroupPushMapping{
			{SourceGroupID: "00gP", TargetGroupID: "00gT", Status: okta.GroupPushStatusActive},
			{SourceGroupID: "00gQ", TargetGroupID: "00gU", Status: okta.GroupPushStatusInactive},
			{SourceGroupID: "00gR", TargetGroupID: "00gV", Status: okta.GroupPushStatusActive},
		},
		Sources: map[string]reviewGroup{
			"00gP": {ID: "00gP", Name: "Web Team", Members: []okta.User{ann}},
			"00gQ": {ID: "00gQ", Name: "Old", Members: []okta.User{ann}},
			"00gR": {ID: "00gR", Name: "Odd", Members: []okta.User{ann}},
		},
		Targets: map[string]rolegroup.Parsed{
			"00gT": {Name: "Statsig-Web-App Platform-Growth-Admin", Project: "Web-App Platform", Team: "Growth", Role: "Admin"},
			"00gU": {Name: "Statsig-X-Admin", Project: "X", Role: "Admin"},
			"00gV": {Name: "Statsig-Unparsed"}, // no known role: no project role entry
		},
	}
	res := review(in)
	if got := findingKindsOf(res); got != "" {
		t.Fatalf("findings: %s", got)
	}
	ann2 := personByLogin(t, res, "Ann@x.com")
	if ann2.Access != accessDirect || len(ann2.ProjectRoles) != 1 ||
		ann2.ProjectRoles[0] != (reviewProjectRole{Project: "Web-App Platform", Team: "Growth", Role: "Admin", Group: "Web Team"}) {
		t.Fatalf("ann: %+v", ann2)
	}
	if p := personByLogin(t, res, "ben@x.com"); p.Access != accessGroup || strings.Join(p.ViaGroups, ",") != "Zeta" {
		t.Fatalf("ben: %+v", p)
	}
	if p := personByLogin(t, res, "cat@x.com"); p.Access != accessBoth || strings.Join(p.ViaGroups, ",") != "Alpha,Zeta" {
		t.Fatalf("cat: %+v", p)
	}
	// Without Statsig keys, nothing is said about Statsig.
	for _, p := range res.People {
		if p.StatsigActive != nil || p.StatsigRole != nil {
			t.Fatalf("%s: Statsig fields set without keys", p.Login)
		}
	}
}

func TestReview_statsigSide(t *testing.T) {
	ann, ben, dee := oktaUser("00u1", "ann@x.com", "ACTIVE"), oktaUser("00u2", "ben@x.com", "DEPROVISIONED"), oktaUser("00u4", "dee@x.com", "ACTIVE")
	in := reviewInput{
		AppUsers: []okta.AppUser{reviewAppUser(ann, "USER", "SYNCHRONIZED", "admin"), reviewAppUser(ben, "GROUP", "SYNCHRONIZED", "Member"),
			reviewAppUser(dee, "USER", "ERROR", "")},
		SCIM: []statsig.SCIMUser{
			{UserName: "ANN@x.com", Active: true, StatsigOrgRole: "Admin"}, // same role, other case: no mismatch
			{UserName: "ben@x.com", Active: true, StatsigOrgRole: "Owner"},
			{UserName: "gone@x.com", Active: false},
			{UserName: "solo@x.com", Active: true, Emails: []statsig.SCIMEmail{{Value: "solo@x.com", Primary: true}}},
		},
		Console: []statsig.ConsoleUser{{Email: "ann@x.com", Role: "admin"}, {Email: "solo@x.com", Role: "Member"}, {Email: "console@x.com", Role: "Read Only"}},
	}
	res := review(in)
	want := "statsig_only:console@x.com statsig_only:solo@x.com provisioning_error:dee@x.com role_mismatch:ben@x.com inactive_okta_user:ben@x.com"
	if got := findingKindsOf(res); got != want {
		t.Fatalf("findings:\n got %s\nwant %s", got, want)
	}
	if len(res.People) != 5 {
		t.Fatalf("%d people, want ann, ben, dee, solo and console (not gone)", len(res.People))
	}
	if p := personByLogin(t, res, "dee@x.com"); p.StatsigActive == nil || *p.StatsigActive {
		t.Fatalf("dee is not in Statsig: %+v", p)
	}
	if p := personByLogin(t, res, "console@x.com"); p.Access != accessNone || p.StatsigActive == nil || *p.StatsigActive || *p.StatsigRole != "Read Only" {
		t.Fatalf("console-only person: %+v", p)
	}
	if p := personByLogin(t, res, "ann@x.com"); !*p.StatsigActive || *p.StatsigRole != "admin" {
		t.Fatalf("ann: %+v", p)
	}
	if p := personByLogin(t, res, "ben@x.com"); p.StatsigRole != nil {
		t.Fatalf("ben is in no Console project: %+v", p)
	}
}

// A member of an assigned group whose app user Okta has not made yet is
// assigned: neither not_pushed nor statsig_only.
func TestReview_groupMemberWithoutAppUserYet(t *testing.T) {
	eve := oktaUser("00u5", "eve@x.com", "ACTIVE")
	res := review(reviewInput{
		Assigned: []reviewGroup{{ID: "00gA", Name: "Sales", Members: []okta.User{eve}}},
		Mappings: []okta.GroupPushMapping{{SourceGroupID: "00gA", TargetGroupID: "00gT", Status: okta.GroupPushStatusActive}},
		Sources:  map[string]reviewGroup{"00gA": {ID: "00gA", Name: "Sales", Members: []okta.User{eve}}},
		Targets:  map[string]rolegroup.Parsed{"00gT": {Name: "Statsig-P-Member", Project: "P", Role: "Member"}},
		SCIM:     []statsig.SCIMUser{{UserName: "eve@x.com", Active: true}},
	})
	if got := findingKindsOf(res); got != "" {
		t.Fatalf("findings: %s", got)
	}
	if p := personByLogin(t, res, "eve@x.com"); p.Access != accessGroup || len(p.ProjectRoles) != 1 {
		t.Fatalf("eve: %+v", p)
	}
}

func TestReview_filterAndSummary(t *testing.T) {
	res := reviewResult{
		People: []*reviewPerson{{Login: "a@x.com", Access: accessDirect}, {Login: "B@x.com", Access: accessNone}, {Login: "c@x.com", Access: accessGroup}},
		Findings: []reviewFinding{
			{Kind: findingNotPushed, Login: "B@x.com", Group: "G"},
			{Kind: findingPushError, Group: "G"},
		},
	}
	got := reviewFilter{loginPrefix: "b", onlyFindings: true}.apply(res)
	if len(got.People) != 1 || got.People[0].Login != "B@x.com" || len(got.Findings) != 2 {
		t.Fatalf("prefix b, only findings: %+v %+v", got.People, got.Findings)
	}
	if got := (reviewFilter{onlyFindings: true}).apply(res); len(got.People) != 1 {
		t.Fatalf("only findings: %d people", len(got.People))
	}
	access, findings := summarize(res)
	if len(access) != 4 || access[accessDirect] != 1 || access[accessBoth] != 0 || len(findings) != len(findingKinds) ||
		findings[findingNotPushed] != 1 || findings[findingRoleMismatch] != 0 {
		t.Fatalf("summary: %v %v", access, findings)
	}
}
