package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// pushFixture adds team groups and app assignments to testFixture: carol
// (Engineering) and erin (Data Science) are assigned to the app; dave
// (Engineering) is not, so Okta never pushes him.
func pushFixture() *sandbox.Fixture {
	f := testFixture()
	f.Projects = []sandbox.FixtureProject{
		{Name: "Checkout", Roles: []string{"Admin", "Member", "Read Only"}, Teams: []sandbox.FixtureTeam{{Name: "Growth"}}},
		{Name: "Web-App Platform", Roles: []string{"Admin", "Member", "Read Only"}, Teams: []sandbox.FixtureTeam{{Name: "Core UX"}}},
	}
	f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: "Platform", Members: []string{"erin@example.com"}})
	f.AppUsers = []sandbox.FixtureAppUser{{Login: "carol@example.com"}, {Login: "erin@example.com"}}
	return f
}

var gPmID = regexp.MustCompile(`^gPm[0-9A-Za-z]{17}$`)

// mappingOf returns the sandbox's mapping for a source group.
func mappingOf(sb *sandbox.Sandbox, sourceGroupID string) (sandbox.PushMapping, bool) {
	for _, m := range sb.PushMappings() {
		if m.SourceGroupID == sourceGroupID {
			return m, true
		}
	}
	return sandbox.PushMapping{}, false
}

// checkMapping asserts on the sandbox's records that exactly one mapping
// pushes source into the named Statsig group, with the given status.
func checkMapping(t *testing.T, sb *sandbox.Sandbox, source, targetName, status string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, m := range sb.PushMappings() {
			if m.SourceGroupID == source {
				n++
			}
		}
		m, ok := mappingOf(sb, source)
		if !ok || n != 1 {
			return fmt.Errorf("sandbox: %d mappings for source %s, want 1", n, source)
		}
		if want := groupID(t, sb, targetName); m.TargetGroupID != want || m.Status != status {
			return fmt.Errorf("sandbox: mapping %s targets %s with status %s; want %s (%s) with %s", m.ID, m.TargetGroupID, m.Status, want, targetName, status)
		}
		return nil
	}
}

// checkProjectRole asserts the Statsig role of a user in a project, or with
// key "Project/Team", in a team; role "" means none.
func checkProjectRole(sb *sandbox.Sandbox, login, key, role string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		su, ok := sb.StatsigUser(login)
		got := ""
		if ok {
			got = su.ProjectRoles[key]
			if strings.Contains(key, "/") {
				got = su.TeamRoles[key]
			}
		}
		if got != role {
			return fmt.Errorf("sandbox: Statsig role of %s in %s is %q, want %q", login, key, got, role)
		}
		return nil
	}
}

// checkUnlinked is the CheckDestroy of group pushes: no mapping is left, and
// every named Statsig group is still there, since destroy keeps the target.
func checkUnlinked(sb *sandbox.Sandbox, keep ...string) acc.TestCheckFunc {
	return func(*terraform.State) error {
		if ms := sb.PushMappings(); len(ms) != 0 {
			return fmt.Errorf("sandbox: %d push mappings left after destroy: %+v", len(ms), ms)
		}
		for _, name := range keep {
			if _, ok := sb.GroupByName(name); !ok {
				return fmt.Errorf("sandbox: destroy deleted the Statsig group %s", name)
			}
		}
		deletes := sb.CountRequests(func(r sandbox.Request) bool {
			return r.Method == http.MethodDelete && strings.Contains(r.Path, "/group-push/mappings/")
		})
		keeping := sb.CountRequests(func(r sandbox.Request) bool {
			return r.Method == http.MethodDelete && strings.Contains(r.Path, "/group-push/mappings/") && r.RawQuery == "deleteTargetGroup=false"
		})
		if deletes == 0 || deletes != keeping {
			return fmt.Errorf("sandbox: %d mapping deletes, %d of them with deleteTargetGroup=false; want all", deletes, keeping)
		}
		return nil
	}
}

func TestAccGroupPush_byProjectAndRole(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	target := groupID(t, sb, "Statsig-Checkout-Member")
	addr := "statsigokta_group_push.eng"
	var lookups int
	config := func(status string) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
  status          = %q
  wait_for_push   = true
}`, eng, status)
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Member"),
		Steps: []acc.TestStep{
			{
				Config: config("ACTIVE"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					// The reviewer sees the Statsig group, not "known after apply".
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_name"), knownvalue.StringExact("Statsig-Checkout-Member")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_id"), knownvalue.StringExact(target)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("source_group_name"), knownvalue.StringExact("Engineering")),
					// No link exists, and the plan says it makes one.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(gPmID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_id"), knownvalue.StringExact(target)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("team"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_push"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error_summary"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("adopted"), knownvalue.Bool(false)),
				},
				Check: acc.ComposeAggregateTestCheckFunc(
					checkMapping(t, sb, eng, "Statsig-Checkout-Member", "ACTIVE"),
					// carol is assigned to the app and pushed; dave is not assigned, so skipped.
					checkProjectRole(sb, "carol@example.com", "Checkout", "Member"),
					checkProjectRole(sb, "dave@example.com", "Checkout", ""),
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				// A create-time setting, not something Okta records; an import
				// says nothing of how the link was made.
				ImportStateVerifyIgnore: []string{"wait_for_push", "adopted"},
				ImportStateCheck:        adoptedNullAfterImport,
			},
			{
				// By the id of the pushed Okta group.
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     eng,
				ImportStateVerify: true,
				// A create-time setting, not something Okta records.
				ImportStateVerifyIgnore: []string{"wait_for_push", "adopted"},
				ImportStateCheck:        adoptedNullAfterImport,
			},
			{
				Config: config("INACTIVE"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("INACTIVE")),
				},
				Check: checkMapping(t, sb, eng, "Statsig-Checkout-Member", "INACTIVE"),
			},
			{
				// While paused, a new member is not pushed; reactivating pushes the group.
				PreConfig: func() { sb.AddGroupMember(eng, userID(t, sb, "erin@example.com")) },
				Config:    config("ACTIVE"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: acc.ComposeAggregateTestCheckFunc(
					checkMapping(t, sb, eng, "Statsig-Checkout-Member", "ACTIVE"),
					checkProjectRole(sb, "erin@example.com", "Checkout", "Member"),
				),
			},
			{
				// Nothing to do: an empty plan, and no lookup beyond the refresh.
				PreConfig: func() { lookups = planLookups(sb) },
				Config:    config("ACTIVE"),
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					if n := planLookups(sb) - lookups; n != 0 {
						t.Errorf("a plan with nothing to do made %d group or mapping lookups", n)
					}
				},
				Config:   config("ACTIVE"),
				PlanOnly: true,
			},
		},
	})
}

// planLookups counts the calls only ModifyPlan makes: group reads and
// searches, mapping lists by source group, and lists of app users. The
// refresh reads mappings from one listing of all of them (shared reads,
// reads.go), which is not counted; ModifyPlan's own check of all mappings is
// served from that same listing.
func planLookups(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool {
		return strings.HasPrefix(r.Path, "/api/v1/groups") ||
			strings.HasSuffix(r.Path, "/group-push/mappings") && strings.Contains(r.RawQuery, "sourceGroupId=") ||
			strings.HasSuffix(r.Path, "/users") && strings.HasPrefix(r.Path, "/api/v1/apps/")
	})
}

func TestAccGroupPush_teamAndByID(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	coreUX := groupID(t, sb, "Statsig-Web-App Platform-Core UX-Member")
	configFrom := func(scienceTarget, engSource string) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "science" {
  source_group_id = %q
  %s
}

resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  target_group_id = %q
}`, science, scienceTarget, engSource, coreUX)
	}
	config := func(scienceTarget string) string { return configFrom(scienceTarget, eng) }
	team := `project = "Checkout"
  team    = "Growth"
  role    = "Admin"`
	project := `project = "Checkout"
  role    = "Admin"`
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Growth-Admin", "Statsig-Checkout-Admin", "Statsig-Web-App Platform-Core UX-Member"),
		Steps: []acc.TestStep{
			{
				Config: config(team),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("statsigokta_group_push.science", tfjsonpath.New("target_group_name"),
						knownvalue.StringExact("Statsig-Checkout-Growth-Admin")),
					// By id, the plan reads the project, team and role from the name,
					// using the app's other groups to place the hyphens.
					plancheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("target_group_name"),
						knownvalue.StringExact("Statsig-Web-App Platform-Core UX-Member")),
					plancheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("project"), knownvalue.StringExact("Web-App Platform")),
					plancheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("team"), knownvalue.StringExact("Core UX")),
					plancheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("role"), knownvalue.StringExact("Member")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("statsigokta_group_push.science", tfjsonpath.New("team"), knownvalue.StringExact("Growth")),
					statecheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("project"), knownvalue.StringExact("Web-App Platform")),
				},
				Check: acc.ComposeAggregateTestCheckFunc(
					checkMapping(t, sb, science, "Statsig-Checkout-Growth-Admin", "ACTIVE"),
					checkMapping(t, sb, eng, "Statsig-Web-App Platform-Core UX-Member", "ACTIVE"),
					checkProjectRole(sb, "erin@example.com", "Checkout/Growth", "Admin"),
					checkProjectRole(sb, "carol@example.com", "Web-App Platform/Core UX", "Member"),
					checkProjectRole(sb, "dave@example.com", "Web-App Platform/Core UX", ""),
				),
			},
			{
				ResourceName:      "statsigokta_group_push.eng",
				ImportState:       true,
				ImportStateVerify: true,
				// Okta pushed after the create returned (wait_for_push is off): the
				// state then had no last_push, and the import reads the one Okta has now.
				ImportStateVerifyIgnore: []string{"last_push", "adopted"},
			},
			{
				// Another target moves the link in place (a new mapping); the
				// team group stays.
				Config: config(project),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_group_push.science", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("statsigokta_group_push.science", tfjsonpath.New("id")),
					// The move makes a new mapping, never adopts one.
					plancheck.ExpectKnownValue("statsigokta_group_push.science", tfjsonpath.New("adopted"), knownvalue.Bool(false)),
					plancheck.ExpectKnownValue("statsigokta_group_push.science", tfjsonpath.New("target_group_name"),
						knownvalue.StringExact("Statsig-Checkout-Admin")),
					plancheck.ExpectResourceAction("statsigokta_group_push.eng", plancheck.ResourceActionNoop),
				}},
				Check: acc.ComposeAggregateTestCheckFunc(
					checkMapping(t, sb, science, "Statsig-Checkout-Admin", "ACTIVE"),
					checkProjectRole(sb, "erin@example.com", "Checkout", "Admin"),
					func(*terraform.State) error {
						if _, ok := sb.GroupByName("Statsig-Checkout-Growth-Admin"); !ok {
							return fmt.Errorf("sandbox: moving the link deleted the team group")
						}
						return nil
					},
				),
			},
			{
				// Another source for the same Statsig group replaces the mapping:
				// the plan knows the mapping holding the target is the one it deletes.
				Config: configFrom(project, groupID(t, sb, "Platform")),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("statsigokta_group_push.eng", plancheck.ResourceActionReplace),
					plancheck.ExpectKnownValue("statsigokta_group_push.eng", tfjsonpath.New("source_group_name"), knownvalue.StringExact("Platform")),
				}},
				Check: acc.ComposeAggregateTestCheckFunc(
					checkMapping(t, sb, groupID(t, sb, "Platform"), "Statsig-Web-App Platform-Core UX-Member", "ACTIVE"),
					checkProjectRole(sb, "erin@example.com", "Web-App Platform/Core UX", "Member"),
				),
			},
		},
	})
}

func TestAccGroupPush_planTimeChecks(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	// Data Science already pushes into Web-App Platform-Admin, outside Terraform.
	existing := sb.CreatePushMappingOutOfBand(science, groupID(t, sb, "Statsig-Web-App Platform-Admin"), "ACTIVE")
	for _, tc := range []struct{ name, body, want string }{
		{
			name: "source is an app group",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"", groupID(t, sb, "Statsig-Checkout-Member")),
			want: `(?s)Source group comes from an app.*"Statsig-Checkout-Member".*the Statsig app itself.*OKTA_GROUP`,
		},
		{
			name: "role the project does not have",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Owner\"", eng),
			want: `(?s)Statsig group not found.*"Statsig-Checkout-Owner".*Did you mean:.*"Statsig-Checkout-Member"`,
		},
		{
			name: "project typo",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Chekout\"\nrole = \"Admin\"", eng),
			want: `(?s)"Statsig-Chekout-Admin".*Did you mean:\s+- "Statsig-Checkout-Admin"`,
		},
		{
			name: "source already pushed",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Member\"", science),
			want: `(?s)already pushed by group\s+push\s+mapping\s+` + existing + `.*"Statsig-Web-App\s+Platform-Admin".*` +
				`terraform import statsigokta_group_push\.<name> ` + existing,
		},
		{
			name: "target already linked",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Web-App Platform\"\nrole = \"Admin\"", eng),
			want: `(?s)Statsig group already linked.*"Data Science".*` + existing,
		},
		{
			name: "unknown source group",
			body: "source_group_id = \"00g00000000000000000\"\nproject = \"Checkout\"\nrole = \"Admin\"",
			want: `Okta has no group with id "00g00000000000000000"`,
		},
		{
			name: "target id of an Okta group",
			body: fmt.Sprintf("source_group_id = %q\ntarget_group_id = %q", science, eng),
			want: `(?s)Target is not a Statsig group.*"Engineering"`,
		},
		{
			name: "both target forms naming different groups",
			body: fmt.Sprintf("source_group_id = %q\ntarget_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"", eng, eng),
			want: `target_group_id and project name different groups`,
		},
		{
			name: "project without role",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"", eng),
			want: `Invalid Attribute Combination`,
		},
		{
			name: "name with surrounding spaces",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout \"\nrole = \"Admin\"", eng),
			want: `project "Checkout " must not start or end with spaces`,
		},
		{
			name: "status ERROR",
			body: fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"\nstatus = \"ERROR\"", eng),
			want: `(?s)status.*value must be one of`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc.ParallelTest(t, acc.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []acc.TestStep{{
					Config:      providerConfig(sb) + "resource \"statsigokta_group_push\" \"x\" {\n" + tc.body + "\n}\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	t.Cleanup(func() {
		// Runs after the parallel subtests: a refused plan never writes.
		if n := writeCalls(sb); n != 0 {
			t.Errorf("refused plans made %d write calls", n)
		}
		if ms := sb.PushMappings(); len(ms) != 1 || ms[0].ID != existing {
			t.Errorf("the existing mapping must be left alone; mappings now %+v", ms)
		}
	})
}

func TestAccGroupPush_errorStatusAndDrift(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	addr := "statsigokta_group_push.eng"
	config := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_group_push" "eng" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Admin"
}`, eng)
	mappingID := func() string { m, _ := mappingOf(sb, eng); return m.ID }
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Admin"),
		Steps: []acc.TestStep{
			{Config: config, Check: checkMapping(t, sb, eng, "Statsig-Checkout-Admin", "ACTIVE")},
			{
				// A failing push is reported (a warning and error_summary) but is
				// not a change Terraform could make: the plan stays empty.
				PreConfig: func() {
					sb.SetPushMappingStatusOutOfBand(mappingID(), "ERROR", "Failed to push: user not found in Statsig")
				},
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error_summary"), knownvalue.StringExact("Failed to push: user not found in Statsig")),
				},
			},
			{
				// Unlinked in the Okta console: the plan links it again.
				PreConfig: func() {
					id := mappingID()
					sb.SetPushMappingStatusOutOfBand(id, "INACTIVE", "")
					if err := testOktaClient(t, sb).DeleteGroupPushMapping(context.Background(), sb.AppID(), id, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("error_summary"), knownvalue.Null()),
				},
				Check: checkMapping(t, sb, eng, "Statsig-Checkout-Admin", "ACTIVE"),
			},
			{
				// A mapping in ERROR cannot be deactivated; destroy still deletes it.
				PreConfig: func() { sb.SetPushMappingStatusOutOfBand(mappingID(), "ERROR", "Failed to push") },
				Config:    config,
			},
		},
	})
}

func testOktaClient(t *testing.T, sb *sandbox.Sandbox) *okta.Client {
	t.Helper()
	return testOktaClientWith(t, sb, nil)
}

func testOktaClientWith(t *testing.T, sb *sandbox.Sandbox, transport http.RoundTripper) *okta.Client {
	t.Helper()
	cfg := okta.Config{OrgURL: sb.OktaURL(), APIToken: sb.APIToken(), MaxRetries: 2}
	if transport != nil {
		cfg.HTTPClient = &http.Client{Transport: transport}
	}
	c, err := okta.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lostResponse lets the first create of a mapping through to the server but
// loses its answer, as a dropped connection does.
type lostResponse struct {
	next http.RoundTripper
	lost bool
}

func (l *lostResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if !l.lost && err == nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/group-push/mappings") {
		l.lost = true
		resp.Body.Close()
		return nil, errors.New("read: connection reset by peer")
	}
	return resp, err
}

// A create whose answer is lost is looked for before it is repeated, so
// Okta ends up with one mapping. When the list shows the lost create's
// mapping within the first look, there is one POST; when the list lags
// longer, the provider tries once more, Okta refuses that POST (the source is
// pushed already), and a longer look finds the first one.
func TestGroupPush_lostCreateAnswerMakesOneMapping(t *testing.T) {
	for _, tc := range []struct {
		name         string
		lag          time.Duration
		wantStatuses []int // of the POSTs, in order
	}{
		{name: "short list lag", lag: 2 * time.Second, wantStatuses: []int{http.StatusOK}},
		{name: "long list lag", lag: 7 * time.Second, wantStatuses: []int{http.StatusOK, http.StatusBadRequest}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), MappingListLag: tc.lag})
			lost := &lostResponse{next: http.DefaultTransport}
			data := &providerData{okta: testOktaClientWith(t, sb, lost), appID: sb.AppID()}
			r := &groupPushResource{data: data}
			source, target := groupID(t, sb, "Engineering"), groupID(t, sb, "Statsig-Checkout-Admin")

			m, adopted, err := r.createOrAdoptMapping(context.Background(), okta.CreateGroupPushMappingRequest{SourceGroupID: source, TargetGroupID: target, Status: "ACTIVE"})
			if err != nil {
				t.Fatalf("createOrAdoptMapping: %v", err)
			}
			if !lost.lost {
				t.Fatal("the first create's answer was never lost: the test did not test anything")
			}
			if adopted != nil {
				t.Errorf("the provider's own lost create was reported as an adoption: %+v", adopted)
			}
			if ms := sb.PushMappings(); len(ms) != 1 || ms[0].ID != m.ID || ms[0].TargetGroupID != target {
				t.Fatalf("want exactly the one mapping %s; sandbox has %+v", m.ID, ms)
			}
			var statuses []int
			for _, req := range sb.Requests() {
				if req.Method == http.MethodPost && strings.HasSuffix(req.Path, "/group-push/mappings") {
					statuses = append(statuses, req.Status)
				}
			}
			if fmt.Sprint(statuses) != fmt.Sprint(tc.wantStatuses) {
				t.Fatalf("POST statuses %v, want %v", statuses, tc.wantStatuses)
			}
		})
	}
}

// The unassigned-members warning cannot be observed through the CLI harness,
// so ModifyPlan is called directly, against a sandbox.
func TestGroupPush_planWarnsAboutUnassignedMembers(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	data := &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}
	r := &groupPushResource{data: data}

	diags := modifyPlanForCreate(t, r, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, groupID(t, sb, "Engineering")),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Member"),
	})
	if diags.HasError() {
		t.Fatalf("unexpected errors: %v", diags)
	}
	warnings := diags.Warnings()
	if len(warnings) != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	detail := warnings[0].Detail()
	for _, want := range []string{`1 of the 2 members of Okta group "Engineering"`, "dave@example.com", "statsigokta_user_assignment", "statsigokta_group_assignment"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning %q does not mention %q", detail, want)
		}
	}
	if strings.Contains(detail, "carol@example.com") {
		t.Errorf("carol is assigned and must not be named: %q", detail)
	}

	// Assignments planned in the same run count as made: dave's own, or
	// the whole group's. Each plan is a new walk (a new providerData).
	for _, tc := range []struct {
		name string
		kind objectKind
		id   string
	}{
		{"dave is assigned in this plan", declaredUser, userID(t, sb, "dave@example.com")},
		{"the group is assigned in this plan", declaredGroup, groupID(t, sb, "Engineering")},
	} {
		walk := &groupPushResource{data: &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}}
		if err := walk.data.declared.claim(tc.kind, tc.id, "planned"); err != nil {
			t.Fatal(err)
		}
		diags := modifyPlanForCreate(t, walk, map[string]tftypes.Value{
			"source_group_id": tftypes.NewValue(tftypes.String, groupID(t, sb, "Engineering")),
			"project":         tftypes.NewValue(tftypes.String, "Checkout"),
			"role":            tftypes.NewValue(tftypes.String, "Member"),
		})
		if len(diags) != 0 {
			t.Errorf("%s: want no diagnostics, got %v", tc.name, diags)
		}
	}

	// Everyone assigned: no warning.
	diags = modifyPlanForCreate(t, r, map[string]tftypes.Value{
		"source_group_id": tftypes.NewValue(tftypes.String, groupID(t, sb, "Data Science")),
		"project":         tftypes.NewValue(tftypes.String, "Checkout"),
		"role":            tftypes.NewValue(tftypes.String, "Admin"),
	})
	if len(diags) != 0 {
		t.Fatalf("want no diagnostics, got %v", diags)
	}
}

// modifyPlanForCreate runs ModifyPlan for a new resource with the given
// configuration and returns its diagnostics.
func modifyPlanForCreate(t *testing.T, r *groupPushResource, config map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	objType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the resource schema is not an object")
	}
	cfgVals, planVals := map[string]tftypes.Value{}, map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		cfgVals[name] = tftypes.NewValue(typ, nil)
		planVals[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		if v, ok := config[name]; ok {
			cfgVals[name], planVals[name] = v, v
		}
	}
	planVals["status"] = tftypes.NewValue(tftypes.String, "ACTIVE")
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, cfgVals)},
		Plan:   tfsdk.Plan{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, planVals)},
		State:  tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, nil)},
	}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	return resp.Diagnostics
}

func TestGroupPush_unassignedMembersWarning(t *testing.T) {
	many := make([]string, 12)
	for i := range many {
		many[i] = fmt.Sprintf("user%02d@example.com", 11-i)
	}
	for _, tc := range []struct {
		name       string
		unassigned []string
		total      int
		want       []string
		dontWant   []string
	}{
		{name: "some", unassigned: []string{"b@x", "a@x"}, total: 5, want: []string{"2 of the 5 members", "a@x, b@x."}},
		{name: "all", unassigned: []string{"a@x", "b@x"}, total: 2, want: []string{"None of the 2 members of Okta group \"Engineering\" is assigned"}},
		{name: "one", unassigned: []string{"a@x"}, total: 1, want: []string{"The only member of Okta group \"Engineering\" is not assigned"}},
		{
			name: "more than ten", unassigned: many, total: 20,
			want:     []string{"12 of the 20 members", "user00@example.com", "user09@example.com, and 2 more."},
			dontWant: []string{"user10@example.com", "user11@example.com"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail, ok := unassignedMembersWarning("Engineering", tc.unassigned, tc.total)
			if !ok || summary == "" {
				t.Fatalf("no warning")
			}
			for _, w := range tc.want {
				if !strings.Contains(detail, w) {
					t.Errorf("detail %q does not contain %q", detail, w)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(detail, w) {
					t.Errorf("detail %q contains %q", detail, w)
				}
			}
		})
	}
	if _, _, ok := unassignedMembersWarning("Engineering", nil, 3); ok {
		t.Errorf("no unassigned members must give no warning")
	}
}

// Inputs known only after apply (here from terraform_data) are resolved and
// checked by Create, before anything is written.
func TestAccGroupPush_inputsUnknownAtPlan(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	addr := "statsigokta_group_push.eng"
	config := func(project string) string {
		return providerConfig(sb) + fmt.Sprintf(`
resource "terraform_data" "source" {
  input = %q
}
resource "terraform_data" "project" {
  input = %q
}
resource "statsigokta_group_push" "eng" {
  source_group_id = terraform_data.source.output
  project         = terraform_data.project.output
  role            = "Admin"
}`, eng, project)
	}
	acc.ParallelTest(t, acc.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnlinked(sb, "Statsig-Checkout-Admin"),
		Steps: []acc.TestStep{
			{
				Config:      config("Chekout"),
				ExpectError: regexp.MustCompile(`(?s)Statsig group not found.*Did you mean:\s+- "Statsig-Checkout-Admin"`),
			},
			{
				PreConfig: func() {
					if n := writeCalls(sb); n != 0 {
						t.Errorf("the refused create made %d write calls", n)
					}
				},
				Config: config("Checkout"),
				ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("target_group_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_group_name"), knownvalue.StringExact("Statsig-Checkout-Admin")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_group_name"), knownvalue.StringExact("Engineering")),
				},
				Check: checkMapping(t, sb, eng, "Statsig-Checkout-Admin", "ACTIVE"),
			},
		},
	})
}

// Create and Update end through save: the link in state with its identity,
// and a failing push as a warning (the CLI harness shows no warnings, so
// save is called directly).
func TestGroupPush_saveReportsPushError(t *testing.T) {
	ctx := context.Background()
	r := &groupPushResource{data: &providerData{appID: "0oaapp"}}
	var schemaResp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &schemaResp)
	var idResp resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &idResp)
	objType, _ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		nulls[name] = tftypes.NewValue(typ, nil)
	}
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objType, nulls)}
	identity := &tfsdk.ResourceIdentity{Schema: idResp.IdentitySchema, Raw: tftypes.NewValue(idResp.IdentitySchema.Type().TerraformType(ctx), nil)}
	var m groupPushModel
	state.Get(ctx, &m) // the null values of every attribute, timeouts included
	m.ID, m.SourceGroupID, m.TargetGroupID = types.StringValue("gPm1"), types.StringValue("00gsrc"), types.StringValue("00gtgt")
	m.ErrorSummary = types.StringValue("Failed to push: user not found in Statsig")
	var diags diag.Diagnostics
	r.save(ctx, &m, &state, identity, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 || diags.Warnings()[0].Summary() != "Group push is failing" ||
		!strings.Contains(diags.Warnings()[0].Detail(), "Failed to push: user not found in Statsig") {
		t.Fatalf("diagnostics %v, want one warning naming the push error", diags)
	}
	var saved groupPushModel
	state.Get(ctx, &saved)
	var mappingID types.String
	identity.GetAttribute(ctx, path.Root("mapping_id"), &mappingID)
	if saved.ID.ValueString() != "gPm1" || mappingID.ValueString() != "gPm1" {
		t.Fatalf("state id %s, identity mapping_id %s; want gPm1 in both", saved.ID, mappingID)
	}
	m.ErrorSummary = types.StringNull()
	diags = nil
	r.save(ctx, &m, &state, identity, &diags)
	if len(diags) != 0 {
		t.Fatalf("a working push: diagnostics %v, want none", diags)
	}
}
