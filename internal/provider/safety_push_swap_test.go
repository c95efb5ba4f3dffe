package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Two links whose moves depend on each other (issue 11, invariants 1 and 5):
// a move onto the Statsig group of a link that the same apply moves away.

// twoLinksConfig links Engineering and Platform to Statsig-Checkout-<role>.
func twoLinksConfig(provider, eng, product, engRole, productRole string) string {
	link := func(name, source, role string) string {
		return fmt.Sprintf("resource \"statsigokta_group_push\" %q {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = %q\n}\n",
			name, source, role)
	}
	return provider + link("eng", eng, engRole) + link("product", product, productRole)
}

// The admin swaps the Statsig groups of two links in one change. Each move
// must keep its link until the other has let go, so neither could apply:
// the plan refuses with zero writes and says how to do it in two applies.
func TestAccSafety_pushSwapRefused(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, product := groupID(t, sb, "Engineering"), groupID(t, sb, "Platform")
	cli.writeConfig(twoLinksConfig(providerConfig(sb), eng, product, "Member", "Admin"))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	cli.writeConfig(twoLinksConfig(providerConfig(sb), eng, product, "Admin", "Member"))
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-auto-approve", "-input=false")
	if want := wrapped("Two links swap their Statsig groups", "two applies"); code == 0 || !want.MatchString(out) {
		t.Fatalf("the swap was not refused with %s (exit %d):\n%s", want, code, out)
	}
	if err := checkWritesSince(sb, mark); err != nil {
		t.Errorf("the refused swap wrote: %v", err)
	}
	if m, ok := mappingOf(sb, eng); !ok || m.TargetGroupID != groupID(t, sb, "Statsig-Checkout-Member") {
		t.Errorf("Engineering is no longer linked to Statsig-Checkout-Member: %+v", sb.PushMappings())
	}
}

// The admin moves Engineering onto Platform's Statsig group and Platform onto
// a third one, and Platform's move stalls (Okta fails every DELETE). Before,
// Engineering's move deleted its own mapping first and then could not link,
// leaving Engineering pushed nowhere; now it waits for Platform's mapping to
// go before it changes anything, and gives up with its link untouched.
func TestAccSafety_pushMoveWaitsBeforeUnlink(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	eng, product := groupID(t, sb, "Engineering"), groupID(t, sb, "Platform")
	provider := strings.Replace(providerConfig(sb), "app_id", "max_retries        = 0\n  app_id", 1)
	cli.writeConfig(twoLinksConfig(provider, eng, product, "Member", "Admin"))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	engMapping, _ := mappingOf(sb, eng)

	cli.writeConfig(twoLinksConfig(provider, eng, product, "Admin", "Read Only"))
	sb.SetFaults(sandbox.Faults{Seed: 1, Rate5xx: 1, Methods: []string{http.MethodDelete}})
	mark := len(sb.Requests())
	out, code := cli.run("apply", "-auto-approve", "-input=false")
	if code == 0 || !strings.Contains(out, "Group push not moved") {
		t.Fatalf("the apply with Platform's move stalled: exit %d, want Engineering's move refused:\n%s", code, out)
	}
	prefix := "/api/v1/apps/" + sb.AppID() + "/group-push/mappings/" + engMapping.ID
	for _, w := range oktaWritesSince(sb, mark) {
		if strings.HasPrefix(w.path, prefix) {
			t.Errorf("Engineering's mapping was written although its new group was still linked: %v", w)
		}
	}
	if m, ok := mappingOf(sb, eng); !ok || m.ID != engMapping.ID || m.Status != "ACTIVE" {
		t.Errorf("Engineering is no longer pushed by its mapping %s: %+v", engMapping.ID, sb.PushMappings())
	}
	sb.SetFaults(sandbox.Faults{})
	if out, code := cli.run("plan", "-input=false"); code != 0 {
		t.Errorf("plan after the stalled apply failed (exit %d):\n%s", code, out)
	}
}
