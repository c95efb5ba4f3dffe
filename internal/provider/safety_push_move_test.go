package provider

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Moves of a link to another Statsig group (group_push_move.go), issue 11
// invariants 5 and 6, through the real CLI.

const engPushAddr = "statsigokta_group_push.eng"

// engPushConfig links Engineering to Statsig-Checkout-<role>, with extra
// lines in the resource block (a lifecycle block).
func engPushConfig(provider, eng, role, extra string) string {
	return provider + "resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = \"" + eng + "\"\n" +
		"  project = \"Checkout\"\n  role = \"" + role + "\"\n" + extra + "}\n"
}

// moveWrites are the writes of a move: the old mapping deactivated and
// deleted (keeping the Statsig group), then the new one created.
func moveWrites(sb *sandbox.Sandbox, oldMapping, source, target string) []oktaWrite {
	mappings := "/api/v1/apps/" + sb.AppID() + "/group-push/mappings"
	return []oktaWrite{
		wantWrite(http.MethodPatch, mappings+"/"+oldMapping, map[string]any{"status": "INACTIVE"}),
		wantWrite(http.MethodDelete, mappings+"/"+oldMapping, nil),
		wantWrite(http.MethodPost, mappings, map[string]any{"sourceGroupId": source, "targetGroupId": target, "status": "ACTIVE"}),
	}
}

// expectLinked fails the test unless source is pushed, by one mapping, to
// the named Statsig group and state holds that mapping.
func expectLinked(t *testing.T, cli *cliRun, sb *sandbox.Sandbox, source, targetName string) {
	t.Helper()
	m, ok := mappingOf(sb, source)
	if !ok || m.TargetGroupID != groupID(t, sb, targetName) || len(sb.PushMappings()) != 1 {
		t.Fatalf("want one link to %s; sandbox has %+v", targetName, sb.PushMappings())
	}
	if id := cli.stateAttr(t, engPushAddr, "id"); id != m.ID {
		t.Errorf("state id %q, want the new mapping %s", id, m.ID)
	}
	if out, code := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the move is not empty (exit %d):\n%s", code, out)
	}
}

// The admin keeps lifecycle { create_before_destroy = true } on a link (a
// habit from other resources) and moves it from Member to Admin. Okta keeps
// one mapping per source group, so a replacement could never create first:
// the plan shows an update in place, with the new mapping id unknown, and
// the apply deletes the old mapping and creates the new one, nothing else.
func TestAccSafety_pushMoveWithCreateBeforeDestroy(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng := groupID(t, sb, "Engineering")
	cbd := "  lifecycle {\n    create_before_destroy = true\n  }\n"
	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Member", cbd))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	old := cli.stateAttr(t, engPushAddr, "id")

	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Admin", cbd))
	mark := len(sb.Requests())
	plan := cli.mustRun("plan", "-input=false")
	for _, want := range []string{
		engPushAddr + ` will be updated in-place`,
		`~ id\s+= "` + old + `" -> \(known after apply\)`,
		`~ target_group_name\s+= "Statsig-Checkout-Member" -> "Statsig-Checkout-Admin"`,
		`1 to change, 0 to destroy`,
	} {
		if !regexp.MustCompile(want).MatchString(plan) {
			t.Errorf("the plan does not show %q:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "must be replaced") {
		t.Errorf("the plan replaces the link:\n%s", plan)
	}
	if err := checkWritesSince(sb, mark); err != nil {
		t.Errorf("the plan wrote: %v", err)
	}

	mark = len(sb.Requests())
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if err := checkWritesSince(sb, mark, moveWrites(sb, old, eng, groupID(t, sb, "Statsig-Checkout-Admin"))...); err != nil {
		t.Error(err)
	}
	expectLinked(t, cli, sb, eng, "Statsig-Checkout-Admin")
}

// The move fails part way: Okta deletes the old mapping, then every create
// fails (an outage). The apply reports it; afterwards the refresh finds the
// old mapping gone, so the plan offers the create instead of failing, and
// either destroy works or a re-apply, once Okta is back, completes the move.
func TestAccSafety_pushMoveFailsPartWay(t *testing.T) {
	for _, then := range []string{"destroy", "apply"} {
		t.Run("then "+then, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
			eng := groupID(t, sb, "Engineering")
			// No retries: the failing create gives up after one look-up.
			provider := strings.Replace(providerConfig(sb), "app_id", "max_retries        = 0\n  app_id", 1)
			cli.writeConfig(engPushConfig(provider, eng, "Member", ""))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			old := cli.stateAttr(t, engPushAddr, "id")

			cli.writeConfig(engPushConfig(provider, eng, "Admin", ""))
			sb.SetFaults(sandbox.Faults{Seed: 1, Rate5xx: 1, Methods: []string{http.MethodPost}})
			mark := len(sb.Requests())
			out, code := cli.run("apply", "-auto-approve", "-input=false")
			if code == 0 || !strings.Contains(out, "Group push moved only part way") {
				t.Fatalf("the apply with failing creates: exit %d, want a failure that says the move stopped part way:\n%s", code, out)
			}
			if ms := sb.PushMappings(); len(ms) != 0 {
				t.Fatalf("the fault did not hit after the delete; sandbox has %+v", ms)
			}
			if got := oktaWritesSince(sb, mark); !writesMatch(got, moveWrites(sb, old, eng, "")[:2]) {
				t.Errorf("writes before the failed create: %v", got)
			}

			out, code = cli.run("plan", "-input=false", "-detailed-exitcode")
			if code != 2 || !strings.Contains(out, engPushAddr+" will be created") {
				t.Fatalf("the plan after the failed move: exit %d, want the link planned as a create:\n%s", code, out)
			}
			if then == "destroy" {
				cli.mustRun("destroy", "-auto-approve", "-input=false")
				if n, ms := cli.stateResources(), sb.PushMappings(); n != 0 || len(ms) != 0 {
					t.Errorf("after destroy: %d resources in state, mappings %+v", n, ms)
				}
				return
			}
			sb.SetFaults(sandbox.Faults{})
			cli.mustRun("apply", "-auto-approve", "-input=false")
			expectLinked(t, cli, sb, eng, "Statsig-Checkout-Admin")
		})
	}
}

// Between the plan and the apply of a move, someone links the new target
// to another group in the Admin Console. The apply must refuse before it
// deletes the old link: the group keeps its push, nothing is written, and
// once the console link is gone the apply moves it.
func TestAccSafety_pushMoveTargetTakenAtApply(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, science, admin := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science"), groupID(t, sb, "Statsig-Checkout-Admin")
	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Member", ""))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	old := cli.stateAttr(t, engPushAddr, "id")

	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Admin", ""))
	cli.mustRun("plan", "-input=false", "-out=move.tfplan")
	mark := len(sb.Requests())
	taken := sb.CreatePushMappingOutOfBand(science, admin, "ACTIVE")
	out, code := cli.run("apply", "-input=false", "move.tfplan")
	if code == 0 || !strings.Contains(out, "Statsig group already linked") {
		t.Fatalf("the apply onto a target linked since the plan: exit %d, want the one-to-one refusal:\n%s", code, out)
	}
	// A new plan refuses the move too (a target linked outside the plan).
	if out, code := cli.run("plan", "-input=false"); code == 0 || !strings.Contains(out, "Statsig group already linked") {
		t.Errorf("the plan onto a linked target: exit %d, want the one-to-one refusal:\n%s", code, out)
	}
	if err := checkWritesSince(sb, mark); err != nil {
		t.Errorf("the refused move wrote: %v", err)
	}
	if m, ok := mappingOf(sb, eng); !ok || m.ID != old {
		t.Errorf("the refused move touched the old link: %+v (found %v)", m, ok)
	}

	sb.SetPushMappingStatusOutOfBand(taken, "INACTIVE", "") // Okta deletes only an INACTIVE mapping
	if err := testOktaClient(t, sb).DeleteGroupPushMapping(t.Context(), sb.AppID(), taken, false); err != nil {
		t.Fatal(err)
	}
	cli.mustRun("apply", "-auto-approve", "-input=false")
	expectLinked(t, cli, sb, eng, "Statsig-Checkout-Admin")
}

// In one apply, Engineering moves from Checkout-Member to Checkout-Admin and
// a new link gives Checkout-Member to Data Science: the move frees its old
// target for the other link, in the plan and in the apply, which runs both
// at once.
func TestAccSafety_pushMoveFreesOldTarget(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	// Latency makes the move's delete (a PATCH, then a DELETE) overlap the new link's POST.
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(), Latency: 300 * time.Millisecond})
	eng, science := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science")
	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Member", ""))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	cli.writeConfig(engPushConfig(providerConfig(sb), eng, "Admin", "") + "resource \"statsigokta_group_push\" \"science\" {\n" +
		"  source_group_id = \"" + science + "\"\n  project = \"Checkout\"\n  role = \"Member\"\n}\n")
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if m, ok := mappingOf(sb, eng); !ok || m.TargetGroupID != groupID(t, sb, "Statsig-Checkout-Admin") {
		t.Errorf("Engineering: %+v (found %v), want the link to Statsig-Checkout-Admin", m, ok)
	}
	if m, ok := mappingOf(sb, science); !ok || m.TargetGroupID != groupID(t, sb, "Statsig-Checkout-Member") {
		t.Errorf("Data Science: %+v (found %v), want the link to Statsig-Checkout-Member", m, ok)
	}
	if out, code := cli.run("plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the apply is not empty (exit %d):\n%s", code, out)
	}
}

// The apply runs a link's create alongside the delete that frees its target
// (another link's destroy or move). The create waits for that delete
// instead of failing on Okta's one-to-one refusal; here the delete comes a
// second after the create starts.
func TestSafety_pushCreateWaitsForFreedTarget(t *testing.T) {
	t.Parallel()
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, science, member := groupID(t, sb, "Engineering"), groupID(t, sb, "Data Science"), groupID(t, sb, "Statsig-Checkout-Member")
	held := sb.CreatePushMappingOutOfBand(eng, member, "INACTIVE")
	data := &providerData{okta: testOktaClient(t, sb), appID: sb.AppID()}
	data.rememberPlannedMapping(byTarget, member, held) // as the plan of its destroy or move does
	push := &groupPushResource{data: data}
	go func() {
		time.Sleep(time.Second)
		if err := data.okta.DeleteGroupPushMapping(context.Background(), sb.AppID(), held, false); err != nil {
			t.Errorf("the freeing delete: %v", err)
		}
	}()
	plan := groupPushModel{SourceGroupID: types.StringValue(science), TargetGroupID: types.StringValue(member),
		Status: types.StringValue("ACTIVE")}
	var diags diag.Diagnostics
	if m := push.link(context.Background(), &plan, &diags); m == nil || diags.HasError() {
		t.Fatalf("the create onto the freed target failed: %v", diags)
	}
	if m, ok := mappingOf(sb, science); !ok || m.TargetGroupID != member {
		t.Errorf("Data Science: %+v (found %v), want the link to Statsig-Checkout-Member", m, ok)
	}
}
