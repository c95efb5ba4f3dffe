package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The interruption test runs the CLI itself (plugin-testing cannot kill an
// apply halfway): it builds the provider, points the CLI at it with
// dev_overrides, starts `apply` on a configuration of 50 resources, kills the
// CLI and its provider plugin with SIGKILL once Okta has taken some of the
// writes (as a cancelled CI job or a lost runner does), and runs `apply`
// again. The sandbox must then hold exactly the configuration, with no
// orphan and no duplicate; a plan must be empty; destroy must leave it clean.

const (
	interruptUsers  = 30
	interruptGroups = 10
	interruptPushes = 10
)

// cliRun is a Terraform or OpenTofu working directory driven by the test.
type cliRun struct {
	t       *testing.T
	cli     string // path to terraform or tofu
	dir     string
	env     []string
	timeout time.Duration
}

// newCLIRun writes a CLI configuration whose dev_overrides point at the
// provider built for this test binary (builtPlugin).
func newCLIRun(t *testing.T) *cliRun {
	t.Helper()
	cli := requireCLI(t)
	plugins := builtPlugin(t)
	tmp := t.TempDir()
	// "statsigokta/statsigokta" resolves to the CLI's default registry host
	// (registry.terraform.io for Terraform, registry.opentofu.org for
	// OpenTofu) both here and in required_providers, so one key serves both.
	rc := filepath.Join(tmp, "dev.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "statsigokta/statsigokta" = %q
  }
  direct {}
}
`, plugins)), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "OKTA_") ||
			strings.HasPrefix(k, "STATSIG") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	return &cliRun{t: t, cli: cli, dir: dir, env: env, timeout: 5 * time.Minute}
}

// pluginBuild is the provider binary the CLI tests run, built once per test
// binary rather than once per test; TestMain removes it.
var pluginBuild struct {
	once sync.Once
	dir  string
	err  error
}

func builtPlugin(t *testing.T) string {
	t.Helper()
	pluginBuild.once.Do(func() { pluginBuild.dir, pluginBuild.err = buildPlugin() })
	if pluginBuild.err != nil {
		t.Fatal(pluginBuild.err)
	}
	return pluginBuild.dir
}

// buildPlugin builds the provider into a new directory that outlives any one
// test (TestMain removes it).
func buildPlugin() (string, error) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "statsigokta-plugin-")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-statsigokta"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return dir, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pluginBuild.dir != "" {
		_ = os.RemoveAll(pluginBuild.dir)
	}
	os.Exit(code)
}

// requireCLI returns the CLI binary the tests that drive it themselves (the
// kill test, the secret scan, the alias test) run. Without TF_ACC they skip,
// as every acceptance test does; with TF_ACC but no TF_ACC_TERRAFORM_PATH
// they fail: a skip there would pass a run that tested nothing.
func requireCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH to run it")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC is set but TF_ACC_TERRAFORM_PATH is not: this test runs the CLI itself and needs the path " +
			"of the terraform or tofu binary")
	}
	return cli
}

func (c *cliRun) writeConfig(body string) {
	c.t.Helper()
	main := `terraform {
  required_providers {
    statsigokta = { source = "statsigokta/statsigokta" }
  }
}
` + body
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(main), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// command prepares a CLI command in its own process group, so that killing
// the group kills the provider plugin with the CLI.
func (c *cliRun) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	if len(args) > 0 && args[0] != "version" {
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, c.cli, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the CLI to completion and returns its output and exit code.
func (c *cliRun) run(args ...string) (string, int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cmd, out := c.command(ctx, args...)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	default:
		c.t.Fatalf("%s %s: %v\n%s", filepath.Base(c.cli), strings.Join(args, " "), err, out)
		return "", -1
	}
}

// mustRun runs the CLI and fails the test unless it exits with 0.
func (c *cliRun) mustRun(args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("%s %s exited with %d:\n%s", filepath.Base(c.cli), strings.Join(args, " "), code, out)
	}
	return out
}

// stateResources counts the managed resources in the local state file, or
// -1 when there is none or it cannot be read.
func (c *cliRun) stateResources() int {
	data, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate"))
	if err != nil {
		return -1
	}
	var st struct {
		Resources []struct {
			Mode      string            `json:"mode"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(data, &st) != nil {
		return -1
	}
	n := 0
	for _, r := range st.Resources {
		if r.Mode == "managed" {
			n += len(r.Instances)
		}
	}
	return n
}

// oktaObjects counts what the sandbox holds: direct assignments, group
// assignments and push mappings.
func oktaObjects(sb *sandbox.Sandbox) (users, groups, mappings int) {
	for _, au := range sb.AppUsers() {
		if au.Scope == "USER" {
			users++
		}
	}
	return users, len(sb.AppGroups()), len(sb.PushMappings())
}

func isCreate(r sandbox.Request) bool {
	return r.Service == "okta" && (r.Method == http.MethodPost || r.Method == http.MethodPut) &&
		!strings.HasPrefix(r.Path, "/oauth2/") && strings.HasPrefix(r.Path, "/api/v1/apps/")
}

func TestAccInterrupted_killedApplyConverges(t *testing.T) {
	t.Parallel()
	c := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{
		Fixture: faultFixture(),
		// Each direct assignment takes a few seconds to provision, and the
		// apply waits for it: the apply lasts long enough to be killed halfway.
		ProvisioningDelay:       3 * time.Second,
		AppsRateLimitPerMinute:  -1,
		OtherRateLimitPerMinute: -1,
	})
	c.writeConfig(faultConfigOf(t, sb, providerConfig(sb), interruptUsers, interruptGroups, interruptPushes))
	total := interruptUsers + interruptGroups + interruptPushes

	// 1. Start the apply and kill it (CLI and provider, SIGKILL) once Okta
	// has taken a third of the creates.
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cmd, out := c.command(ctx, "apply", "-auto-approve", "-input=false", "-parallelism=5")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killAt := total / 3
	deadline := time.Now().Add(3 * time.Minute)
	for sb.CountRequests(isCreate) < killAt {
		select {
		case err := <-done:
			t.Fatalf("apply ended (%v) before it could be killed; make it slower:\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("apply made only %d creates in 3 minutes:\n%s", sb.CountRequests(isCreate), out)
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	if err := <-done; err == nil {
		t.Fatalf("apply was killed but exited cleanly:\n%s", out)
	}
	killedCreates := sb.CountRequests(isCreate)
	time.Sleep(500 * time.Millisecond) // let requests in flight at the kill land
	u, g, m := oktaObjects(sb)
	inState := c.stateResources()
	t.Logf("killed the apply after %d create calls: Okta then held %d direct assignments, %d group assignments and %d links "+
		"(%d objects); the state file held %d of the %d resources", killedCreates, u, g, m, u+g+m, max(inState, 0), total)
	if u+g+m == 0 || u+g+m >= total {
		t.Fatalf("the kill was not partway: Okta holds %d of %d objects", u+g+m, total)
	}

	// 2. Run apply again: it must finish and converge.
	killedRun := sb.Requests()
	sb.ResetRequests()
	rerun := c.mustRun("apply", "-auto-approve", "-input=false", "-parallelism=10")
	adopted := strings.Count(rerun, "Adopted an existing")
	refused := sb.CountRequests(func(r sandbox.Request) bool { return isCreate(r) && r.Status == http.StatusBadRequest })
	if err := sandboxMatchesFaultConfig(t, sb, interruptUsers, interruptGroups, interruptPushes); err != nil {
		t.Fatalf("after the second apply: %v\n%s", err, rerun)
	}
	if n := c.stateResources(); n != total {
		t.Fatalf("state holds %d resources after the second apply, want %d", n, total)
	}
	if want := u + g + m - max(inState, 0); adopted != want {
		t.Errorf("the second apply adopted %d objects, want %d (in Okta but not in state at the kill):\n%s", adopted, want, rerun)
	}
	// Over both applies: no object created twice (the sandbox upserts an app
	// user, so only the log can tell), no create repeated without a look-up.
	audit := expectCreatesSafe(t, append(killedRun, sb.Requests()...))
	t.Logf("second apply: converged; %d objects left behind by the kill were adopted (each with a warning), %d creates "+
		"refused by Okta as duplicates and then adopted, %d create calls in all; over both applies %d non-idempotent "+
		"creates for %d objects, %d repeats", adopted, refused, sb.CountRequests(isCreate),
		audit.attempts, len(audit.objects), audit.repeats)

	// 3. Nothing left to do.
	if out, code := c.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the second apply exited with %d, want 0 (no changes):\n%s", code, out)
	}

	// 4. Destroy leaves the sandbox clean.
	c.mustRun("destroy", "-auto-approve", "-input=false")
	if err := checkSandboxClean(sb)(nil); err != nil {
		t.Fatal(err)
	}
}

// After an interruption, what the configuration asks for and Okta already
// holds is adopted on the next apply only when it is identical and recent;
// anything else is refused with the import command, and nothing is written.
func TestAccInterrupted_adoption(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	// bob and alice are in no group, so destroying their assignments never
	// waits for a group's.
	bob, alice := userID(t, sb, "bob@example.com"), userID(t, sb, "alice@example.com")
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	target := groupID(t, sb, "Statsig-Checkout-Admin")

	// What a killed apply leaves: identical to the configuration, just made.
	sb.AssignUserOutOfBand(bob, "USER")
	sb.AssignGroupOutOfBand(eng, 3)
	mapping := sb.CreatePushMappingOutOfBand(science, target, "ACTIVE")
	// Identical too, but with another org_role than configured.
	sb.AssignUserOutOfBand(alice, "USER")
	if _, err := testOktaClient(t, sb).UpdateAppUserProfile(context.Background(), sb.AppID(), alice,
		map[string]any{"statsigOrgRole": "Admin"}); err != nil {
		t.Fatal(err)
	}

	identical := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "bob" {
  user_id = %q
}
resource "statsigokta_group_assignment" "eng" {
  group_id = %q
  priority = 3
}
resource "statsigokta_group_push" "science" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Admin"
}
`, bob, eng, science)
	different := providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "alice" {
  user_id  = %q
  org_role = "Member"
}`, alice)

	c := newCLIRun(t)
	c.writeConfig(identical)
	sb.ResetRequests()
	plan := c.mustRun("plan", "-input=false")
	for _, want := range []string{`Existing link will be adopted`, mapping} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan output lacks %q:\n%s", want, plan)
		}
	}
	apply := c.mustRun("apply", "-auto-approve", "-input=false")
	if n := strings.Count(apply, "Adopted an existing"); n != 3 {
		t.Errorf("apply adopted %d objects with a warning, want 3:\n%s", n, apply)
	}
	posts := sb.CountRequests(func(r sandbox.Request) bool { return isCreate(r) && r.Status < 300 })
	if posts != 0 {
		t.Errorf("adoption made %d successful create calls, want 0", posts)
	}
	if ms := sb.PushMappings(); len(ms) != 1 || ms[0].ID != mapping {
		t.Errorf("mappings %+v, want only %s", ms, mapping)
	}
	if out, code := c.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after adoption exited with %d:\n%s", code, out)
	}

	// A different org_role is someone else's assignment: refused.
	c2 := newCLIRun(t)
	c2.writeConfig(different)
	out, code := c2.run("apply", "-auto-approve", "-input=false")
	want := regexp.MustCompile(`(?s)already directly assigned.*org_role is\s+"Admin", and the configuration says\s+"Member".*terraform import\s+statsigokta_user_assignment\.<name> ` + alice)
	if code == 0 || !want.MatchString(out) {
		t.Errorf("apply with another org_role: exit %d, want a refusal matching %s:\n%s", code, want, out)
	}
	if au, _ := sb.AppUser(alice); au.Profile["statsigOrgRole"] != "Admin" {
		t.Errorf("the refused assignment was changed: %+v", au)
	}
	c.mustRun("destroy", "-auto-approve", "-input=false")
}

// The other side of the adoption rule (DESIGN.md, "Interrupted applies"):
// an object that is identical but not recent, or recent but different in
// priority, status or target, is refused with the import command, and
// nothing is written to Okta.
func TestAccInterrupted_adoptionRefusals(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	bob := userID(t, sb, "bob@example.com")
	eng, science, platform := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science"), groupID(t, sb, "Platform")
	checkoutAdmin, checkoutMember := groupID(t, sb, "Statsig-Checkout-Admin"), groupID(t, sb, "Statsig-Checkout-Member")
	webAdmin := groupID(t, sb, "Statsig-Web-App Platform-Admin")

	// Identical to the configurations below, but made two hours ago.
	sb.AssignUserOutOfBand(bob, "USER")
	sb.AssignGroupOutOfBand(eng, 3)
	oldMapping := sb.CreatePushMappingOutOfBand(science, checkoutAdmin, "ACTIVE")
	sb.BackdateOutOfBand(2 * time.Hour)
	// Recent, but not what the configurations say.
	sb.AssignGroupOutOfBand(platform, 1)
	inactive := sb.CreatePushMappingOutOfBand(platform, checkoutMember, "INACTIVE")
	elsewhere := sb.CreatePushMappingOutOfBand(eng, webAdmin, "ACTIVE")
	before := fmt.Sprint(sb.AppUsers(), sb.AppGroups(), sb.PushMappings())
	sb.ResetRequests()

	oldAge := "too long ago to be left behind by an interrupted apply"
	importCmd := func(kind, id string) string { return "terraform import statsigokta_" + kind + ".<name> " + id }
	steps := []struct {
		config string
		want   []string // in this order, as the CLI wraps them
	}{
		{fmt.Sprintf("resource \"statsigokta_user_assignment\" \"bob\" {\n  user_id = %q\n}", bob),
			[]string{oldAge, importCmd("user_assignment", bob)}},
		{fmt.Sprintf("resource \"statsigokta_group_assignment\" \"eng\" {\n  group_id = %q\n  priority = 3\n}", eng),
			[]string{oldAge, importCmd("group_assignment", eng)}},
		{fmt.Sprintf("resource \"statsigokta_group_assignment\" \"platform\" {\n  group_id = %q\n  priority = 2\n}", platform),
			[]string{"its priority is 1, and the configuration says 2", importCmd("group_assignment", platform)}},
		{fmt.Sprintf("resource \"statsigokta_group_push\" \"science\" {\n  source_group_id = %q\n  target_group_id = %q\n}", science, checkoutAdmin),
			[]string{"adopts only a link made moments ago", oldAge, importCmd("group_push", oldMapping)}},
		{fmt.Sprintf("resource \"statsigokta_group_push\" \"platform\" {\n  source_group_id = %q\n  target_group_id = %q\n  status = \"ACTIVE\"\n}", platform, checkoutMember),
			[]string{"its status is INACTIVE, and the configuration says ACTIVE", importCmd("group_push", inactive)}},
		{fmt.Sprintf("resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = %q\n  target_group_id = %q\n}", eng, checkoutAdmin),
			[]string{"already pushed by group push mapping " + elsewhere, importCmd("group_push", elsewhere)}},
	}
	var testSteps []resource.TestStep
	for _, s := range steps {
		var parts []string
		for _, w := range s.want {
			parts = append(parts, strings.ReplaceAll(regexp.QuoteMeta(w), " ", `\s+`))
		}
		testSteps = append(testSteps, resource.TestStep{Config: providerConfig(sb) + s.config,
			ExpectError: regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: testSteps})
	if n := writeCalls(sb); n != 0 {
		t.Errorf("refused adoptions made %d write calls, want 0", n)
	}
	if after := fmt.Sprint(sb.AppUsers(), sb.AppGroups(), sb.PushMappings()); after != before {
		t.Errorf("Okta changed:\nbefore %s\nafter  %s", before, after)
	}
}
