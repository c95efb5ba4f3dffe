package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Two provider blocks (one an alias) for the same org and app: Terraform runs
// each in its own process, so only the run's shared declarations file
// (declarations_shared.go) can see that both declare one object. These run
// the CLI against the built provider, as a real run does.

// aliasConfig is the sandbox's provider block twice, the second as
// statsigokta.team, followed by body.
func aliasConfig(sb *sandbox.Sandbox, body string) string {
	team := strings.Replace(providerConfig(sb), `provider "statsigokta" {`, "provider \"statsigokta\" {\n  alias = \"team\"", 1)
	return providerConfig(sb) + team + body
}

// Invariant 2: the second declaration, through the other block, fails the
// plan naming both, with zero writes.
func TestAccSafety_aliasDeclaresSameUser(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{})
	for _, tc := range []struct {
		name, body, first, this string
	}{
		{"user", `
resource "statsigokta_user_assignment" "a" {
  login = "alice@example.com"
}
resource "statsigokta_user_assignment" "b" {
  provider = statsigokta.team
  user_id  = %[1]q
}
`, `login = "alice@example.com"`, `user_id = "` + userID(t, sb, "alice@example.com") + `"`},
		{"group", `
resource "statsigokta_group_assignment" "a" {
  group_id = %[2]q
}
resource "statsigokta_group_assignment" "b" {
  provider = statsigokta.team
  group_id = %[2]q
}
`, `group_id = "` + groupID(t, sb, "Engineering") + `"`, `group_id = "` + groupID(t, sb, "Engineering") + `"`},
		{"provider for_each", `
resource "statsigokta_user_assignment" "x" {
  provider = statsigokta.each["x"]
  login    = "alice@example.com"
}
resource "statsigokta_user_assignment" "y" {
  provider = statsigokta.each["y"]
  user_id  = %[1]q
}
`, `login = "alice@example.com"`, `user_id = "` + userID(t, sb, "alice@example.com") + `"`},
		// OpenTofu starts one instance's process once the one before is
		// configured, so x may have exited before z starts.
		{"provider for_each, three instances", `
resource "statsigokta_user_assignment" "x" {
  provider = statsigokta.each["x"]
  login    = "alice@example.com"
}
resource "statsigokta_user_assignment" "y" {
  provider = statsigokta.each["y"]
  login    = "bob@example.com"
}
resource "statsigokta_user_assignment" "z" {
  provider = statsigokta.each["z"]
  user_id  = %[1]q
}
`, `login = "alice@example.com"`, `user_id = "` + userID(t, sb, "alice@example.com") + `"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			config := aliasConfig(sb, "")
			if strings.HasPrefix(tc.name, "provider for_each") {
				if !strings.Contains(filepath.Base(cli.cli), "tofu") {
					t.Skip("provider for_each exists only in OpenTofu; Terraform 1.5.7 cannot parse it (the row runs in make testacc-tofu)")
				}
				// Each instance of the block is its own provider process.
				config = strings.Replace(providerConfig(sb), `provider "statsigokta" {`,
					"provider \"statsigokta\" {\n  alias    = \"each\"\n  for_each = toset([\"x\", \"y\", \"z\"])", 1)
			}
			cli.writeConfig(config + fmt.Sprintf(tc.body, userID(t, sb, "alice@example.com"), groupID(t, sb, "Engineering")))
			mark := len(sb.Requests())
			out, code := cli.run("apply", "-auto-approve", "-input=false")
			out = strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ") // unwrapped
			if code == 0 || !strings.Contains(out, "declared by two resources") ||
				!strings.Contains(out, "through another provider block") {
				t.Fatalf("two declarations through two provider blocks were not refused (exit %d):\n%s", code, out)
			}
			for _, label := range []string{tc.first, tc.this} {
				if !strings.Contains(out, label) {
					t.Errorf("the refusal does not name %s:\n%s", label, out)
				}
			}
			if got := oktaWritesSince(sb, mark); len(got) > 0 {
				t.Errorf("writes: %v\n%s", got, out)
			}
		})
	}
}

// The control: two blocks declaring different users apply, apply again
// without change, and destroy; one block applied twice in a row (its plan
// and apply walks meet in the file one after the other) is no conflict.
func TestAccSafety_aliasDeclaresDifferentUsers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config func(*sandbox.Sandbox, string) string
	}{
		{"two blocks", func(sb *sandbox.Sandbox, role string) string {
			return aliasConfig(sb, fmt.Sprintf(`
resource "statsigokta_user_assignment" "a" {
  login    = "alice@example.com"
  org_role = %q
}
resource "statsigokta_user_assignment" "b" {
  provider = statsigokta.team
  login    = "bob@example.com"
  org_role = %[1]q
}
`, role))
		}},
		{"one block", func(sb *sandbox.Sandbox, role string) string {
			return providerConfig(sb) + fmt.Sprintf(`
resource "statsigokta_user_assignment" "a" {
  login    = "alice@example.com"
  org_role = %q
}
`, role)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb := newTestSandbox(t, sandbox.Options{})
			cli := newCLIRun(t)
			for _, role := range []string{"Member", "Admin"} {
				cli.writeConfig(tc.config(sb, role))
				cli.mustRun("apply", "-auto-approve", "-input=false")
				if au, ok := sb.AppUser(userID(t, sb, "alice@example.com")); !ok {
					t.Fatalf("alice is not assigned after the apply with %s: %+v", role, au)
				}
			}
			if out, code := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
				t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, out)
			}
			cli.mustRun("destroy", "-auto-approve", "-input=false")
		})
	}
}
