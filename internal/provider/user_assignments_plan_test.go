package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func entry(id, role, status string) setUser {
	return setUser{UserID: types.StringValue(id), OrgRole: stringOrNull(role), Status: stringOrNull(status), SyncState: types.StringNull()}
}

func TestDiffSet(t *testing.T) {
	baseline := map[string]setUser{
		"alice@example.com": entry("00ualice", "Admin", "PROVISIONED"),
		"bob@example.com":   entry("00ubob", "Member", "PROVISIONED"),
		"carol@example.com": entry("00ucarol", "", "PROVISIONED"),
		"dave@example.com":  entry("00udave", "", notAssigned),
	}
	planned := map[string]setUser{
		"00ualice":          entry("00ualice", "Admin", ""), // renamed key, same user: nothing
		"bob@example.com":   entry("00ubob", "Admin", ""),   // role change
		"dave@example.com":  entry("00udave", "", ""),       // recorded as not assigned: assign
		"erin@example.com":  entry("00uerin", "Member", ""), // new
		"frank@example.com": entry("00ufrank", "", "")}      // new, no role
	planned["carol@example.com"] = setUser{UserID: types.StringValue("00ucarol"), OrgRole: types.StringUnknown()} // unknown role: no change
	c := diffSet(baseline, planned)
	if got := fmt.Sprint(c.assign, c.roles, c.unassign); got != "[dave@example.com erin@example.com frank@example.com] [bob@example.com] []" {
		t.Errorf("diffSet = %s", got)
	}
	delete(planned, "bob@example.com")
	if c := diffSet(baseline, planned); fmt.Sprint(c.unassign) != "[bob@example.com]" {
		t.Errorf("unassign = %v", c.unassign)
	}
	// dave was never assigned: not an unassignment.
	if c := diffSet(baseline, map[string]setUser{}); fmt.Sprint(c.unassign) != "[alice@example.com bob@example.com carol@example.com]" {
		t.Errorf("an empty map unassigns %v", c.unassign)
	}
}

func TestPlannedUsers(t *testing.T) {
	baseline := map[string]setUser{"alice@example.com": entry("00ualice", "Admin", "PROVISIONED")}
	configured := map[string]setUser{
		"alice@example.com": {OrgRole: types.StringNull()},
		"bob@example.com":   {OrgRole: types.StringNull()},
	}
	ids := map[string]string{"alice@example.com": "00ualice", "bob@example.com": "00ubob"}
	p := plannedUsers(configured, ids, baseline)
	if a := p["alice@example.com"]; a.OrgRole.ValueString() != "Admin" || a.Status.ValueString() != "PROVISIONED" {
		t.Errorf("kept user planned as %+v, want Okta's role and status", a)
	}
	if b := p["bob@example.com"]; !b.OrgRole.IsUnknown() || !b.Status.IsUnknown() || b.UserID.ValueString() != "00ubob" {
		t.Errorf("new user planned as %+v", b)
	}
	configured["alice@example.com"] = setUser{OrgRole: types.StringValue("Member")}
	if a := plannedUsers(configured, ids, baseline)["alice@example.com"]; a.OrgRole.ValueString() != "Member" || !a.Status.IsUnknown() {
		t.Errorf("role change planned as %+v", a)
	}
}

func TestCheckDistinct(t *testing.T) {
	keys := []string{"00ualice", "alice@example.com", "bob@example.com", "carol@example.com"}
	ids := map[string]string{"00ualice": "00ualice", "alice@example.com": "00ualice", "bob@example.com": "00ubob", "carol@example.com": "00ucarol"}
	roles := map[string]types.String{"bob@example.com": types.StringValue("Owner"), "carol@example.com": types.StringValue("Owner")}
	diags := checkDistinct(keys, ids, roles)
	var text []string
	for _, d := range diags {
		text = append(text, d.Summary()+": "+d.Detail())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{`users["00ualice"] and users["alice@example.com"] are the same Okta user`, `"bob@example.com", "carol@example.com"`} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics %q lack %q", all, want)
		}
	}
}

func TestGuardError(t *testing.T) {
	_, detail := guardError([]string{"a@example.com", "b@example.com"}, 1, false)
	for _, want := range []string{"unassigns 2 users", `"a@example.com", "b@example.com"`, "max_unassignments = 2"} {
		if !strings.Contains(detail, want) {
			t.Errorf("guard detail %q lacks %q", detail, want)
		}
	}
	if _, detail := guardError([]string{"a@example.com"}, 0, true); !strings.Contains(detail, "removed") || !strings.Contains(detail, "then destroy") {
		t.Errorf("destroy guard detail %q", detail)
	}
}

// Keys resolve from the listing first, then with one users search per 50
// names, then one GET per login short name; an unknown name is an error
// that names its key.
func TestResolveKeys_batched(t *testing.T) {
	f := &sandbox.Fixture{App: sandbox.FixtureApp{Label: "Statsig"}}
	for i := 0; i < 120; i++ {
		f.Users = append(f.Users, sandbox.FixtureUser{Login: fmt.Sprintf("u%03d@example.com", i), FirstName: "U", LastName: fmt.Sprint(i)})
	}
	sb := newTestSandbox(t, sandbox.Options{Fixture: f})
	c, err := okta.NewClient(okta.Config{OrgURL: sb.OktaURL(), APIToken: sb.APIToken()})
	if err != nil {
		t.Fatal(err)
	}
	listed := userID(t, sb, "u000@example.com")
	idx := indexAppUsers([]okta.AppUser{{ID: listed, Scope: "USER", Embedded: &okta.AppUserEmbedded{User: &okta.User{ID: listed, Profile: okta.UserProfile{Login: "u000@example.com"}}}}})
	var keys []string
	for i := 0; i < 110; i++ {
		keys = append(keys, fmt.Sprintf("U%03d@example.com", i)) // case differs from Okta's
	}
	keys = append(keys, userID(t, sb, "u115@example.com"), "u116")
	sb.ResetRequests()
	ids, diags := resolveKeys(context.Background(), c, keys, nil, idx)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if ids["U000@example.com"] != listed || ids["U109@example.com"] != userID(t, sb, "u109@example.com") ||
		ids["u116"] != userID(t, sb, "u116@example.com") || len(ids) != len(keys) {
		t.Errorf("resolved %d of %d keys: %v", len(ids), len(keys), ids)
	}
	searches := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/api/v1/users" })
	gets := sb.CountRequests(func(r sandbox.Request) bool { return strings.HasPrefix(r.Path, "/api/v1/users/") })
	if searches != 3 || gets != 1 { // 110 names (one from the listing) = 3 searches; "u116" = 1 GET
		t.Errorf("%d searches and %d GETs, want 3 and 1", searches, gets)
	}
	_, diags = resolveKeys(context.Background(), c, []string{"nobody@example.com"}, nil, idx)
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), `users["nobody@example.com"]`) {
		t.Errorf("unknown login: %v", diags)
	}
}

// The adoption warning lists at most listCap logins and counts the rest,
// with the role changes and the removals.
func TestWarnAdoption_capped(t *testing.T) {
	baseline := map[string]setUser{"gone@example.com": entry("00ugone", "", "PROVISIONED")}
	planned := map[string]setUser{}
	for i := 0; i < 25; i++ {
		id := fmt.Sprintf("00u%02d", i)
		baseline[fmt.Sprintf("u%02d@example.com", i)] = entry(id, "Member", "PROVISIONED")
		planned[fmt.Sprintf("u%02d@example.com", i)] = entry(id, "Member", "")
	}
	planned["u03@example.com"] = entry("00u03", "Admin", "")
	var diags diag.Diagnostics
	warnAdoption(planned, baseline, diffSet(baseline, planned), &diags)
	if diags.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	detail := diags.Warnings()[0].Detail()
	for _, want := range []string{"assigns 25 of these users", `"u19@example.com" and 5 more`, `"u03@example.com" (Member -> Admin)`,
		`unassigns them`, `"gone@example.com"`} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning lacks %q:\n%s", want, detail)
		}
	}
	if strings.Contains(detail, "u20@example.com") {
		t.Errorf("warning lists more than %d logins:\n%s", listCap, detail)
	}
	// Nothing adopted, nothing removed: no warning.
	diags = nil
	warnAdoption(planned, map[string]setUser{}, diffSet(map[string]setUser{}, planned), &diags)
	if diags.WarningsCount() != 0 {
		t.Errorf("warning on a create over nothing: %v", diags)
	}
}
