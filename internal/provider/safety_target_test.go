package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The admin adds a second declaration of an object that is already declared
// and applied (overlapping for_each lists, say) and applies only the new
// resource with -target. The plan sees only the targeted instances (a limit
// of the protocol: Terraform does not read the others), so it cannot name the
// first declaration; what it can do is announce the adoption in the plan,
// say that under -target this may be a second declaration, and write
// nothing. A full plan then refuses the pair and names the way out.
func TestAccSafety_targetSecondDeclaration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string // the admin mistake
		fixture func() *sandbox.Fixture
		a, b    func(sb *sandbox.Sandbox) string
		addrB   string
	}{
		{name: "one user declared again by login, applied with -target",
			fixture: testFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_user_assignment\" \"a\" {\n  user_id = %q\n}\n", userID(t, sb, "alice@example.com"))
			},
			b: func(*sandbox.Sandbox) string {
				return "resource \"statsigokta_user_assignment\" \"b\" {\n  login = \"alice@example.com\"\n}\n"
			},
			addrB: "statsigokta_user_assignment.b"},
		{name: "one group assigned again, applied with -target",
			fixture: testFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"a\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			b: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"b\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			addrB: "statsigokta_group_assignment.b"},
		{name: "one source group linked again to the same Statsig group, applied with -target",
			fixture: pushFixture,
			a: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"a\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			b: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"b\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Member\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			addrB: "statsigokta_group_push.b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{Fixture: tc.fixture()})
			a, b := tc.a(sb), tc.b(sb)
			cli.writeConfig(providerConfig(sb) + a)
			cli.mustRun("apply", "-auto-approve", "-input=false")

			cli.writeConfig(providerConfig(sb) + a + b)
			mark := len(sb.Requests())
			out, code := cli.run("plan", "-input=false", "-target="+tc.addrB)
			flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
			for _, want := range []string{"A plan with -target sees only the targeted resources",
				"this is a second declaration of it. Do not apply", "adopted = true"} {
				if code != 0 || !strings.Contains(flat, want) {
					t.Errorf("the -target plan of a second declaration does not say %q (exit %d):\n%s", want, code, out)
				}
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Errorf("writes during the -target plan: %v", err)
			}
			// Without -target the plan sees both and refuses them.
			out, code = cli.run("plan", "-input=false")
			if code == 0 || !strings.Contains(out, "declared by two resources") {
				t.Errorf("the full plan with both declarations was not refused:\n%s", out)
			}
		})
	}
}
