package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// TestAccSafety_savedPlanDoesNotAdopt for a link: the admin saves a plan
// that links Engineering to Statsig-Checkout-Member, and before it is
// applied a colleague makes that very link in the Okta console (or removes
// the one a plan announced it adopts). Invariant 1: an adoption is
// announced in the plan, never only at apply. The saved plan's apply stops
// before any write; a new plan announces the adoption and applies it with
// zero writes.
func TestAccSafety_savedPlanDoesNotAdoptLink(t *testing.T) {
	t.Parallel()
	const addr = "statsigokta_group_push.eng"
	setup := func(t *testing.T) (*cliRun, *sandbox.Sandbox, func() string) {
		cli := newCLIRun(t)
		sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
		cli.writeConfig(providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_group_push\" \"eng\" {\n  source_group_id = %q\n"+
			"  project = \"Checkout\"\n  role = \"Member\"\n}\n", groupID(t, sb, "Engineering")))
		link := func() string {
			return sb.CreatePushMappingOutOfBand(groupID(t, sb, "Engineering"), groupID(t, sb, "Statsig-Checkout-Member"), "ACTIVE")
		}
		return cli, sb, link
	}
	t.Run("linked in the console after a plan that creates the link", func(t *testing.T) {
		t.Parallel()
		cli, sb, link := setup(t)
		if out := cli.mustRun("plan", "-input=false", "-out=reviewed.tfplan"); strings.Contains(out, "will be adopted") {
			t.Fatalf("the reviewed plan mentions an adoption:\n%s", out)
		}
		if got := plannedAdopted(t, cli, "reviewed.tfplan", addr); got != "false" {
			t.Errorf("the reviewed plan has adopted = %s, want false (known at plan)", got)
		}
		mapping := link()
		mark := applyRefused(t, cli, sb, diagRE("Existing link will be adopted", mapping))
		applyAnnouncedAdoption(t, cli, sb, addr, mark, diagRE("Existing link will be adopted", mapping))
		if got := cli.stateAttr(t, addr, "id"); got != mapping {
			t.Errorf("state holds mapping %s, want the console's %s", got, mapping)
		}
	})
	t.Run("unlinked in the console after a plan that adopts the link", func(t *testing.T) {
		t.Parallel()
		cli, sb, link := setup(t)
		mapping := link()
		cli.mustRun("plan", "-input=false", "-out=reviewed.tfplan")
		if got := plannedAdopted(t, cli, "reviewed.tfplan", addr); got != "true" {
			t.Errorf("the reviewed plan has adopted = %s, want true", got)
		}
		sb.DeletePushMappingOutOfBand(mapping)
		applyRefused(t, cli, sb)
		if _, ok := mappingOf(sb, groupID(t, sb, "Engineering")); ok {
			t.Errorf("the refused apply linked Engineering again")
		}
	})
}
