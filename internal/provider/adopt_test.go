package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// handMadeOrgFixture is an organisation set up by hand in the Okta console:
// 50 people directly assigned and 5 Okta groups linked to 5 Statsig groups.
func handMadeOrgFixture() *sandbox.Fixture {
	f := &sandbox.Fixture{
		App: sandbox.FixtureApp{Label: "Statsig"},
		Projects: []sandbox.FixtureProject{
			{Name: "Checkout", Roles: []string{"Admin", "Member", "Read Only"}},
			{Name: "Web-App Platform", Roles: []string{"Admin", "Member"}},
		},
	}
	for i := 0; i < 50; i++ {
		login := fmt.Sprintf("person%02d@example.com", i)
		f.Users = append(f.Users, sandbox.FixtureUser{Login: login, FirstName: "Person", LastName: fmt.Sprint(i)})
		f.AppUsers = append(f.AppUsers, sandbox.FixtureAppUser{Login: login})
	}
	targets := []string{"Statsig-Checkout-Admin", "Statsig-Checkout-Member", "Statsig-Checkout-Read Only",
		"Statsig-Web-App Platform-Admin", "Statsig-Web-App Platform-Member"}
	for i, target := range targets {
		name := fmt.Sprintf("Team %d", i)
		f.Groups = append(f.Groups, sandbox.FixtureGroup{Name: name, Members: []string{f.Users[i*10].Login, f.Users[i*10+1].Login}})
		f.PushMappings = append(f.PushMappings, sandbox.FixturePushMapping{SourceGroupName: name, TargetGroupName: target})
	}
	return f
}

// exampleConfig reads an example and drops its terraform block, which the
// test harness writes itself with the provider address of the CLI under test.
func exampleConfig(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	config := regexp.MustCompile(`(?s)terraform \{.*?\n\}\n`).ReplaceAllString(string(raw), "")
	return strings.Replace(config, `provider "statsigokta" {}`, "", 1)
}

// adoptedEverything checks that state holds each assignment and link once,
// and that adopting made no write call to Okta. It is a state check rather
// than a legacy Check because the legacy state shim cannot hold for_each keys.
type adoptedEverything struct {
	sb                 *sandbox.Sandbox
	assignments, links int
}

func (c adoptedEverything) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	counts := map[string]int{}
	if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			counts[r.Type]++
		}
	}
	switch {
	case counts["statsigokta_user_assignment"] != c.assignments || counts["statsigokta_group_push"] != c.links:
		resp.Error = fmt.Errorf("state holds %d user assignments and %d links, want %d and %d",
			counts["statsigokta_user_assignment"], counts["statsigokta_group_push"], c.assignments, c.links)
	case writeCalls(c.sb) != 0:
		resp.Error = fmt.Errorf("adoption made %d write calls to Okta, want 0", writeCalls(c.sb))
	case len(c.sb.PushMappings()) != c.links:
		resp.Error = fmt.Errorf("sandbox holds %d mappings after adoption, want %d", len(c.sb.PushMappings()), c.links)
	}
}

// TestAccAdopt_forEachImportBlocks applies examples/adopt (import blocks with
// for_each: Terraform 1.7+, OpenTofu 1.7+) to a hand-made organisation. It
// drives the CLI itself, since plugin-testing's state shim rejects for_each
// instance keys.
func TestAccAdopt_forEachImportBlocks(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	if !cliAtLeast(t, cli, 1, 7) {
		t.Skip("import blocks with for_each need Terraform 1.7+ or OpenTofu 1.7+; examples/adopt/terraform-1.5 covers older CLIs")
	}
	sb := newTestSandbox(t, sandbox.Options{Fixture: handMadeOrgFixture()})
	cli.writeConfig(providerConfig(sb) + exampleConfig(t, "../../examples/adopt/main.tf"))

	out := cli.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "55 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the adoption apply did not import exactly the 55 objects:\n%s", out)
	}
	if n := cli.stateResources(); n != 55 {
		t.Fatalf("state holds %d resources, want 55", n)
	}
	if n := writeCalls(sb); n != 0 {
		t.Fatalf("adoption made %d write calls to Okta, want 0", n)
	}
	if out, code := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after adoption is not empty (exit %d):\n%s", code, out)
	}
}

// cliAtLeast reports whether the CLI under test is at least major.minor.
func cliAtLeast(t *testing.T, cli *cliRun, major, minor int) bool {
	t.Helper()
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(cli.mustRun("version", "-json")), &v); err != nil {
		t.Fatalf("reading the CLI version: %v", err)
	}
	var gotMajor, gotMinor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &gotMajor, &gotMinor); err != nil {
		t.Fatalf("parsing the CLI version %q: %v", v.Version, err)
	}
	return gotMajor > major || gotMajor == major && gotMinor >= minor
}

// TestAccAdopt_singleImportBlocks follows examples/adopt/terraform-1.5 on
// Terraform 1.5: read the import blocks from its output, then apply them with
// the resource blocks `terraform plan -generate-config-out` writes (both
// user_id and login; both target_group_id and project/role).
func TestAccAdopt_singleImportBlocks(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{Fixture: handMadeOrgFixture()})
	lister := providerConfig(sb) + exampleConfig(t, "../../examples/adopt/terraform-1.5/main.tf")

	var imports string
	generated := func() string {
		var b strings.Builder
		for _, au := range sb.AppUsers() {
			fmt.Fprintf(&b, "resource \"statsigokta_user_assignment\" \"user_%s\" {\n  user_id = %q\n  login = %q\n  wait_for_provisioning = true\n}\n",
				au.UserID, au.UserID, au.UserName)
		}
		for _, m := range sb.PushMappings() {
			target := ""
			for _, g := range []string{"Statsig-Checkout-Admin", "Statsig-Checkout-Member", "Statsig-Checkout-Read Only",
				"Statsig-Web-App Platform-Admin", "Statsig-Web-App Platform-Member"} {
				if grp, _ := sb.GroupByName(g); grp.ID == m.TargetGroupID {
					target = g
				}
			}
			project, role := "Checkout", strings.TrimPrefix(target, "Statsig-Checkout-")
			if strings.HasPrefix(target, "Statsig-Web-App Platform-") {
				project, role = "Web-App Platform", strings.TrimPrefix(target, "Statsig-Web-App Platform-")
			}
			fmt.Fprintf(&b, "resource \"statsigokta_group_push\" \"link_%s\" {\n  source_group_id = %q\n  target_group_id = %q\n  project = %q\n  role = %q\n  status = %q\n}\n",
				m.SourceGroupID, m.SourceGroupID, m.TargetGroupID, project, role, m.Status)
		}
		return b.String()
	}
	// Two test cases in a row, as a user runs two configurations: first the
	// listing, then the import blocks with the generated resource blocks.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lister,
				Check: func(s *terraform.State) error {
					out, ok := s.RootModule().Outputs["adoption_import_blocks"]
					if !ok {
						return fmt.Errorf("the example has no adoption_import_blocks output")
					}
					imports, _ = out.Value.(string)
					if n := strings.Count(imports, "import {"); n != 55 {
						return fmt.Errorf("the example lists %d import blocks, want 55 (50 assignments, 5 links)", n)
					}
					return nil
				},
			},
		},
	})
	if imports == "" {
		t.Fatal("no import blocks were listed")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: providerConfig(sb) + imports + generated(), ConfigStateChecks: []statecheck.StateCheck{adoptedEverything{sb, 50, 5}}},
			{Config: providerConfig(sb) + imports + generated(), PlanOnly: true},
		},
	})
}
