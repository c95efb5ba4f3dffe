package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Access safety of replacing an assignment in place (terraform apply
// -replace, terraform taint, create_before_destroy) and of in-place updates:
// each case asserts on the sandbox's recorded writes (method, path, body)
// and on state.

const engAddr = "statsigokta_group_assignment.eng"

// inPlaceTarget is a resource to replace in place.
type inPlaceTarget struct {
	addr   string
	config func(sb *sandbox.Sandbox, lifecycle string) string
	// replaced is what a replacement writes: the unassign, then the assign.
	replaced func(sb *sandbox.Sandbox) []oktaWrite
	assigned func(sb *sandbox.Sandbox) error // the sandbox holds the assignment as configured
}

// expectSettled checks the end of a replacement: the sandbox holds the
// assignment as configured, state holds the one resource, and the next plan
// is empty.
func (target inPlaceTarget) expectSettled(t *testing.T, cli *cliRun, sb *sandbox.Sandbox) {
	t.Helper()
	if err := target.assigned(sb); err != nil {
		t.Error(err)
	}
	if n := cli.stateResources(); n != 1 {
		t.Errorf("state holds %d resources, want 1", n)
	}
	if out, code := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Errorf("the plan after the replacement is not empty (exit %d):\n%s", code, out)
	}
}

func userTarget(t *testing.T) inPlaceTarget {
	return inPlaceTarget{
		addr: aliceAddr,
		config: func(sb *sandbox.Sandbox, lifecycle string) string {
			return fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  user_id = %q\n  org_role = \"Admin\"\n%s}\n",
				userID(t, sb, "alice@example.com"), lifecycle)
		},
		replaced: func(sb *sandbox.Sandbox) []oktaWrite {
			alice := userID(t, sb, "alice@example.com")
			return []oktaWrite{unassignUserWrite(sb, alice), assignUserWrite(sb, alice, "Admin")}
		},
		assigned: func(sb *sandbox.Sandbox) error { return checkProvisioned(sb, "alice@example.com", "Admin")(nil) },
	}
}

func groupTarget(t *testing.T) inPlaceTarget {
	return inPlaceTarget{
		addr: engAddr,
		config: func(sb *sandbox.Sandbox, lifecycle string) string {
			return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"eng\" {\n  group_id = %q\n  priority = 1\n  org_role = \"Member\"\n%s}\n",
				groupID(t, sb, "Engineering"), lifecycle)
		},
		replaced: func(sb *sandbox.Sandbox) []oktaWrite {
			eng := groupID(t, sb, "Engineering")
			return []oktaWrite{unassignGroupWrite(sb, eng),
				assignGroupWrite(sb, eng, map[string]any{"priority": 1, "profile": map[string]any{"statsigOrgRole": "Member"}})}
		},
		assigned: func(sb *sandbox.Sandbox) error {
			if _, ok := sb.AppGroup(groupID(t, sb, "Engineering")); !ok {
				return fmt.Errorf("sandbox: Engineering is not assigned to the app")
			}
			return nil
		},
	}
}

// A replacement the admin asked for goes through: the plan shows it (and,
// where Terraform shows the provider's warnings, what it does to access),
// and the apply unassigns and assigns again, and nothing else.
func TestAccSafety_replaceInPlace(t *testing.T) {
	replaceArg := func(addr string) (string, []string) { return "", []string{"-replace=" + addr} }
	taint := func(addr string) (string, []string) { return addr, nil }
	// Without a refresh Terraform still reads the tainted instance from
	// state, which tells its replacement from a create over an object an
	// interrupted apply left (reviewed: the plan said "Will adopt ... without
	// changing anything in Okta", and the apply unassigned and assigned).
	taintNoRefresh := func(addr string) (string, []string) { return addr, []string{"-refresh=false"} }
	for _, tc := range []struct {
		name   string // the admin's action
		target func(*testing.T) inPlaceTarget
		how    func(addr string) (taint string, args []string)
		warned bool // the plan shows the provider's replacement warning
	}{
		// Terraform 1.5 and OpenTofu drop the warnings of the second plan of a -replace,
		// the only one that knows it replaces.
		{"a user assignment replaced with -replace (to retry provisioning)", userTarget, replaceArg, false},
		{"a user assignment tainted with terraform taint", userTarget, taint, true},
		{"a group assignment replaced with -replace", groupTarget, replaceArg, false},
		{"a group assignment tainted with terraform taint", groupTarget, taint, true},
		{"a user assignment tainted, planned and applied with -refresh=false", userTarget, taintNoRefresh, true},
		{"a group assignment tainted, planned and applied with -refresh=false", groupTarget, taintNoRefresh, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			target := tc.target(t)
			cli.writeConfig(providerConfig(sb) + target.config(sb, ""))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			mark := len(sb.Requests())
			tainted, args := tc.how(target.addr)
			if tainted != "" {
				cli.mustRun("taint", tainted)
			}
			out := cli.mustRun(append([]string{"plan", "-input=false"}, args...)...)
			if !regexp.MustCompile(regexp.QuoteMeta(target.addr) + ` (is tainted, so (it )?must|will) be replaced`).MatchString(out) {
				t.Fatalf("the plan does not show the replacement:\n%s", out)
			}
			if tc.warned && !diagRE("Replacing removes and restores access", "deactivates").MatchString(out) {
				t.Errorf("the plan does not warn what the replacement does to access:\n%s", out)
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Fatalf("the plan wrote: %v", err)
			}
			cli.mustRun(append([]string{"apply", "-auto-approve", "-input=false"}, args...)...)
			if err := checkWritesSince(sb, mark, target.replaced(sb)...); err != nil {
				t.Error(err)
			}
			target.expectSettled(t, cli, sb)
		})
	}
}

// A replacement that would hide a mistake is still refused at plan, with no
// write.
func TestAccSafety_replaceRefused(t *testing.T) {
	dupUser := func(sb *sandbox.Sandbox) string {
		return "resource \"statsigokta_user_assignment\" \"dup\" {\n  login = \"alice@example.com\"\n  org_role = \"Admin\"\n}\n"
	}
	for _, tc := range []struct {
		name    string // the admin mistake
		target  func(*testing.T) inPlaceTarget
		taint   bool
		args    []string
		extra   func(sb *sandbox.Sandbox) string // added to the configuration after the first apply
		summary string
		detail  []string
	}{
		{name: "a tainted user assignment and a second declaration of the same user", target: userTarget, taint: true,
			extra: dupUser, summary: "One Okta object, one declaration", detail: []string{"is declared by two resources"}},
		{name: "a -replace of a user assignment and a second declaration of the same user", target: userTarget,
			args: []string{"-replace=" + aliceAddr}, extra: dupUser,
			summary: "One Okta object, one declaration", detail: []string{"is declared by two resources"}},
		{name: "a tainted group assignment and a second declaration of the same group", target: groupTarget, taint: true,
			extra: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"dup\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			summary: "One Okta object, one declaration", detail: []string{"group assignment", "is declared by two resources"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			target := tc.target(t)
			cli.writeConfig(providerConfig(sb) + target.config(sb, ""))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			if tc.extra != nil {
				cli.writeConfig(providerConfig(sb) + target.config(sb, "") + tc.extra(sb))
			}
			if tc.taint {
				cli.mustRun("taint", target.addr)
			}
			mark := len(sb.Requests())
			out, code := cli.run(append([]string{"apply", "-auto-approve", "-input=false"}, tc.args...)...)
			if code == 0 || !diagRE(tc.summary, tc.detail...).MatchString(out) {
				t.Fatalf("apply exited with %d, want the plan refused with %q:\n%s", code, tc.summary, out)
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Error(err)
			}
			if err := target.assigned(sb); err != nil {
				t.Error(err)
			}
		})
	}
}

// create_before_destroy: the replacement's create takes over the object it
// finds (its own), and the old instance's destroy must then not remove it,
// or the user would be deactivated while state says assigned.
func TestAccSafety_replaceCreateBeforeDestroy(t *testing.T) {
	for _, tc := range []struct {
		name   string // the admin's action
		target func(*testing.T) inPlaceTarget
	}{
		{"a user assignment with create_before_destroy replaced with -replace", userTarget},
		{"a group assignment with create_before_destroy replaced with -replace", groupTarget},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			target := tc.target(t)
			cli.writeConfig(providerConfig(sb) + target.config(sb, "  lifecycle {\n    create_before_destroy = true\n  }\n"))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			mark := len(sb.Requests())
			cli.mustRun("apply", "-auto-approve", "-input=false", "-replace="+target.addr)
			if err := checkWritesSince(sb, mark); err != nil {
				t.Error(err)
			}
			target.expectSettled(t, cli, sb)
		})
	}
}

// An in-place update writes the org_role only when the plan shows it
// changing, and nothing for any other change.
func TestAccSafety_updateWritesOnlyThePlannedRole(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{})
	alice := userID(t, sb, "alice@example.com")
	config := func(role, wait string) string {
		return providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_user_assignment\" \"alice\" {\n  user_id = %q\n  org_role = %q\n"+
			"  wait_for_provisioning = %s\n}\n", alice, role, wait)
	}
	cli.writeConfig(config("Admin", "true"))
	cli.mustRun("apply", "-auto-approve", "-input=false")

	// The mistake: someone changed her role in the Okta console, and the
	// admin applies an unrelated change with -refresh=false. The plan shows
	// only wait_for_provisioning; the update must not put Admin back.
	client := testOktaClient(t, sb)
	ctx := context.Background()
	au, err := client.GetAppUser(ctx, sb.AppID(), alice)
	if err != nil {
		t.Fatal(err)
	}
	au.Profile["statsigOrgRole"] = "Member"
	if _, err := client.UpdateAppUserProfile(ctx, sb.AppID(), alice, au.Profile); err != nil {
		t.Fatal(err)
	}
	mark := len(sb.Requests())
	cli.writeConfig(config("Admin", "false"))
	cli.mustRun("apply", "-auto-approve", "-input=false", "-refresh=false")
	if err := checkWritesSince(sb, mark); err != nil {
		t.Error(err)
	}
	if got := cli.stateAttr(t, aliceAddr, "org_role"); got != "Admin" {
		t.Errorf("state org_role = %q, want the planned \"Admin\"", got)
	}

	// With a refresh the plan shows Member -> Admin, and the update sends it.
	mark = len(sb.Requests())
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if err := checkWritesSince(sb, mark, setRoleWrite(sb, alice, "Admin")); err != nil {
		t.Error(err)
	}
	if err := checkProvisioned(sb, "alice@example.com", "Admin")(nil); err != nil {
		t.Error(err)
	}
}

// Replacing a user assignment with one of another user, while the old user
// keeps Statsig through an assigned group: refused at plan, naming the
// group, as a destroy is.
func TestAccSafety_replaceUserKeptByGroup(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	erin, alice := userID(t, sb, "erin@example.com"), userID(t, sb, "alice@example.com")
	science := groupID(t, sb, "Data Science")
	config := func(user string) string {
		return providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_group_assignment\" \"science\" {\n  group_id = %q\n}\n"+
			"resource \"statsigokta_user_assignment\" \"erin\" {\n  user_id = %q\n}\n", science, user)
	}
	var mark int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(erin)},
			{
				PreConfig:   markRequests(sb, &mark),
				Config:      config(alice),
				PlanOnly:    true,
				ExpectError: diagRE("User keeps access to Statsig through a group", "Replacing this assignment with one of user "+alice, `"Data Science"`),
			},
			{
				PreConfig: func() {
					if err := checkWritesSince(sb, mark); err != nil {
						t.Errorf("the refused plan wrote: %v", err)
					}
				},
				Config:   config(erin),
				PlanOnly: true,
			},
		},
	})
}

// stateAttr reads an attribute of a resource instance from the local state.
func (c *cliRun) stateAttr(t *testing.T, addr, attr string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			}
		}
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Resources {
		if r.Type+"."+r.Name == addr && len(r.Instances) == 1 {
			return fmt.Sprint(r.Instances[0].Attributes[attr])
		}
	}
	t.Fatalf("state has no single instance of %s", addr)
	return ""
}

// Owner given to a user while someone outside this configuration is the
// Statsig Owner already: refused at plan, naming that person; handing Owner
// over in the same plan (the Owner declared, with another role) goes through.
func TestAccSafety_ownerHeldOutsideConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string // the admin's mistake, or the handover
		extra string // what else the configuration declares
		err   *regexp.Regexp
	}{
		{name: "Owner given to alice while bob, assigned by hand, is the Owner",
			err: diagRE("Statsig already has an Owner", "bob@example.com", `org_role = "Admin"`)},
		// Statsig answers "Owner cannot be modified" to any change of its Owner
		// over SCIM, so a handover in Terraform would end in provisioning errors.
		{name: "Owner handed over from bob (imported, made Admin) to alice",
			extra: "import {\n  to = statsigokta_user_assignment.bob\n  id = \"bob@example.com\"\n}\n" +
				"resource \"statsigokta_user_assignment\" \"bob\" {\n  login = \"bob@example.com\"\n  org_role = \"Admin\"\n}\n",
			err: diagRE("The Statsig Owner cannot be demoted", "Statsig console")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{})
			bob := userID(t, sb, "bob@example.com")
			if _, err := testOktaClient(t, sb).AssignUserToApp(context.Background(), sb.AppID(), okta.AppUserAssignRequest{
				ID: bob, Scope: "USER", Profile: map[string]any{"statsigOrgRole": "Owner"}}); err != nil {
				t.Fatal(err)
			}
			mark := len(sb.Requests())
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(sb) + tc.extra +
						"resource \"statsigokta_user_assignment\" \"alice\" {\n  login = \"alice@example.com\"\n  org_role = \"Owner\"\n}\n",
					PlanOnly:           true,
					ExpectNonEmptyPlan: tc.err == nil,
					ExpectError:        tc.err,
				}},
			})
			if err := checkWritesSince(sb, mark); err != nil {
				t.Error(err)
			}
		})
	}
}
