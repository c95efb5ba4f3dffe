package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// adoptedNullAfterImport checks that an import leaves adopted null: the
// import says nothing about how the object was made.
func adoptedNullAfterImport(states []*terraform.InstanceState) error {
	for _, s := range states {
		if v, ok := s.Attributes["adopted"]; ok {
			return fmt.Errorf("adopted is %q after import, want null", v)
		}
	}
	return nil
}

// The admin saves a reviewed plan (plan -out, the usual CI pattern), and
// before it is applied someone changes in the Okta console the very
// assignment it plans. Invariant 1: an adoption is announced in the plan,
// never only at apply. The plan says adopted = false (a new assignment) or
// true (an announced adoption), and the apply of that saved plan does
// exactly that or nothing: an assignment made after a plan that said false
// is not taken over, and one removed after a plan that said true is not
// made again. Zero writes either way; a new plan shows the way on.
func TestAccSafety_savedPlanDoesNotAdopt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		config func(sb *sandbox.Sandbox) string
		what   func(sb *sandbox.Sandbox) string // the object, as the messages name it
		assign func(sb *sandbox.Sandbox)        // in the Okta console
		remove func(sb *sandbox.Sandbox)
	}{
		{name: "user assignment",
			config: func(*sandbox.Sandbox) string {
				return "resource \"statsigokta_user_assignment\" \"x\" {\n  login = \"alice@example.com\"\n}\n"
			},
			what:   func(sb *sandbox.Sandbox) string { return "assignment of user " + userID(t, sb, "alice@example.com") },
			assign: func(sb *sandbox.Sandbox) { sb.AssignUserOutOfBand(userID(t, sb, "alice@example.com"), "USER") },
			remove: func(sb *sandbox.Sandbox) { sb.UnassignUserOutOfBand(userID(t, sb, "alice@example.com")) }},
		{name: "group assignment",
			config: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_assignment\" \"x\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
			},
			what:   func(sb *sandbox.Sandbox) string { return "assignment of group " + groupID(t, sb, "Engineering") },
			assign: func(sb *sandbox.Sandbox) { sb.AssignGroupOutOfBand(groupID(t, sb, "Engineering"), 0) },
			remove: func(sb *sandbox.Sandbox) { sb.UnassignGroupOutOfBand(groupID(t, sb, "Engineering")) }},
	} {
		addr := "statsigokta_" + strings.ReplaceAll(tc.name, " ", "_") + ".x"
		t.Run(tc.name+", assigned in the console after a plan that creates it", func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			cli.writeConfig(providerConfig(sb) + tc.config(sb))
			if out := cli.mustRun("plan", "-input=false", "-out=reviewed.tfplan"); strings.Contains(out, "Will adopt") {
				t.Fatalf("the reviewed plan mentions an adoption:\n%s", out)
			}
			if got := plannedAdopted(t, cli, "reviewed.tfplan", addr); got != "false" {
				t.Errorf("the reviewed plan has adopted = %s, want false (known at plan)", got)
			}
			tc.assign(sb)
			mark := applyRefused(t, cli, sb, diagRE("Will adopt an existing "+tc.what(sb), "saved plan that showed adopted = false",
				"made in Okta after that plan", "run terraform plan again"))
			applyAnnouncedAdoption(t, cli, sb, addr, mark, diagRE("Will adopt an existing "+tc.what(sb)))
		})
		t.Run(tc.name+", removed in the console after a plan that adopts it", func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{})
			tc.assign(sb)
			cli.writeConfig(providerConfig(sb) + tc.config(sb))
			cli.mustRun("plan", "-input=false", "-out=reviewed.tfplan")
			if got := plannedAdopted(t, cli, "reviewed.tfplan", addr); got != "true" {
				t.Errorf("the reviewed plan has adopted = %s, want true", got)
			}
			tc.remove(sb)
			applyRefused(t, cli, sb)
		})
	}
}

// applyAnnouncedAdoption plans again (the plan must announce the adoption,
// matching announce, with adopted = true), applies that plan and checks that
// state records the adoption and nothing was written since mark.
func applyAnnouncedAdoption(t *testing.T, cli *cliRun, sb *sandbox.Sandbox, addr string, mark int, announce *regexp.Regexp) {
	t.Helper()
	if out := cli.mustRun("plan", "-input=false", "-out=again.tfplan"); !announce.MatchString(out) {
		t.Fatalf("the new plan does not announce the adoption:\n%s", out)
	}
	if got := plannedAdopted(t, cli, "again.tfplan", addr); got != "true" {
		t.Fatalf("the new plan has adopted = %s, want true", got)
	}
	cli.mustRun("apply", "-input=false", "again.tfplan")
	if got := cli.stateAttr(t, addr, "adopted"); got != "true" {
		t.Errorf("adopted in state is %s after the announced adoption, want true", got)
	}
	if got := oktaWritesSince(sb, mark); len(got) > 0 {
		t.Errorf("the adoption wrote to Okta: %v", got)
	}
}

// applyRefused applies the saved reviewed.tfplan and checks that it stops
// with Terraform's check of adopted (and the messages in want), writing
// nothing and saving no resource. It returns the request mark it took.
func applyRefused(t *testing.T, cli *cliRun, sb *sandbox.Sandbox, want ...*regexp.Regexp) int {
	t.Helper()
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-input=false", "reviewed.tfplan")
	if code == 0 {
		t.Fatalf("the saved plan applied although Okta changed the planned object after the plan (exit 0):\n%s", out)
	}
	for _, re := range append(want, regexp.MustCompile(`(?s)inconsistent final plan.*adopted`)) {
		if !re.MatchString(out) {
			t.Errorf("the refused apply does not match %s:\n%s", re, out)
		}
	}
	if got := oktaWritesSince(sb, mark); len(got) > 0 {
		t.Errorf("the refused apply wrote to Okta: %v", got)
	}
	if n := cli.stateResources(); n > 0 {
		t.Errorf("state holds %d resources after the refused apply, want none", n)
	}
	return mark
}

// plannedAdopted reads adopted from a saved plan: "true", "false", or
// "unknown".
func plannedAdopted(t *testing.T, cli *cliRun, file, addr string) string {
	t.Helper()
	out := cli.mustRun("show", "-json", file)
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct {
				After        map[string]any `json:"after"`
				AfterUnknown map[string]any `json:"after_unknown"`
			}
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out[max(strings.Index(out, "{"), 0):]), &plan); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr {
			if rc.Change.AfterUnknown["adopted"] == true {
				return "unknown"
			}
			return fmt.Sprint(rc.Change.After["adopted"])
		}
	}
	t.Fatalf("the plan has no change for %s:\n%s", addr, out)
	return ""
}

// createOrAdopt does what the plan's adopted says, whether it uses what the
// plan found or looks for itself, and only what the plan could not tell
// (unknown) is decided at apply by the interrupted-apply rule.
func TestCreateOrAdopt_followsPlan(t *testing.T) {
	type obj struct{ made bool }
	for _, tc := range []struct {
		planned types.Bool
		exists  bool
		want    string // "create", "adopt", or the refusal's summary
	}{
		{types.BoolValue(false), false, "create"},
		{types.BoolValue(false), true, "Assigned in Okta after the plan"},
		{types.BoolValue(true), true, "adopt"},
		{types.BoolValue(true), false, "Removed from Okta after the plan"},
		{types.BoolUnknown(), false, "create"},
		{types.BoolUnknown(), true, "adopt"},
	} {
		for _, cached := range []bool{true, false} {
			t.Run(fmt.Sprintf("planned %s, exists %v, cached %v", tc.planned, tc.exists, cached), func(t *testing.T) {
				var existing *obj
				if tc.exists {
					existing = &obj{}
				}
				c := existingCheck[obj]{kind: declaredUser, id: "00u1", what: "assignment of user 00u1",
					exists: "Okta user 00u1 is already directly assigned to the app", resource: "statsigokta_user_assignment",
					find:   func(context.Context) (*obj, error) { return existing, nil },
					decide: func(*obj) adoption { return adoption{matches: "scope USER", changed: time.Now()} }}
				d := &providerData{}
				if cached {
					d.found.Store(c.key(), plannedExisting[obj]{existing})
				}
				creates := 0
				var diags diag.Diagnostics
				got, adopted := createOrAdopt(context.Background(), d, c, tc.planned, func(context.Context) (*obj, error) {
					creates++
					return &obj{made: true}, nil
				}, &diags)
				switch tc.want {
				case "create":
					if got == nil || !got.made || adopted || creates != 1 {
						t.Errorf("want one create: got %+v, adopted %v, %d creates, %v", got, adopted, creates, diags)
					}
				case "adopt":
					if got != existing || !adopted || creates != 0 {
						t.Errorf("want the existing object adopted: got %+v, adopted %v, %d creates, %v", got, adopted, creates, diags)
					}
				default:
					if got != nil || creates != 0 || !diags.HasError() || diags.Errors()[0].Summary() != tc.want {
						t.Errorf("want the refusal %q and no create: got %+v, %d creates, %v", tc.want, got, creates, diags)
					}
				}
			})
		}
	}
}
