package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// Two links whose moves depend on each other (issue 11, invariants 1 and 5):
// a move onto the Statsig group of a link that the same apply moves away.

// pushLink is one statsigokta_group_push of linksConfig: a source group
// linked to Statsig-Checkout-<role>.
type pushLink struct{ name, source, role string }

// linksConfig links each source group to Statsig-Checkout-<role>.
func linksConfig(provider string, links ...pushLink) string {
	config := provider
	for _, l := range links {
		config += fmt.Sprintf("resource \"statsigokta_group_push\" %q {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = %q\n}\n",
			l.name, l.source, l.role)
	}
	return config
}

// twoLinksConfig links Engineering and Platform to Statsig-Checkout-<role>.
func twoLinksConfig(provider, eng, product, engRole, productRole string) string {
	return linksConfig(provider, pushLink{"eng", eng, engRole}, pushLink{"product", product, productRole})
}

// The admin moves links onto each other's Statsig groups in one change. Each
// move must keep its link until the link on its new group has let go, so
// none could apply: the plan refuses with zero writes, names the circle of
// groups, and says how to do it in two applies.
func TestAccSafety_pushSwapRefused(t *testing.T) {
	t.Parallel()
	// Each case: the links' roles before and after, for Engineering, Platform
	// and Data Science in that order.
	cases := []struct {
		name          string
		before, after []string
	}{
		{"two links swap their groups", []string{"Member", "Admin"}, []string{"Admin", "Member"}},
		{"three links rotate their groups", []string{"Member", "Admin", "Read Only"}, []string{"Admin", "Read Only", "Member"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cli := newCLIRun(t)
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
			sources := []string{groupID(t, sb, "Engineering"), groupID(t, sb, "Platform"), groupID(t, sb, "Data Science")}
			config := func(roles []string) string {
				links := make([]pushLink, len(roles))
				for i, role := range roles {
					links[i] = pushLink{fmt.Sprintf("link%d", i), sources[i], role}
				}
				return linksConfig(providerConfig(sb), links...)
			}
			cli.writeConfig(config(tc.before))
			cli.mustRun("apply", "-auto-approve", "-input=false")
			cli.writeConfig(config(tc.after))
			mark := len(sb.Requests())
			out, code := cli.run("apply", "-auto-approve", "-input=false")
			want := wrapped("Links move onto each other's Statsig groups", fmt.Sprintf("moves %d links in a circle", len(tc.after)),
				"two applies")
			group := `"Statsig-Checkout-[A-Za-z\s]+"`
			circle := regexp.MustCompile(group + strings.Repeat(`\s+->\s+`+group, len(tc.after)))
			if code == 0 || !want.MatchString(out) || !circle.MatchString(out) {
				t.Fatalf("the moves were not refused with %s and the circle %s (exit %d):\n%s", want, circle, code, out)
			}
			if err := checkWritesSince(sb, mark); err != nil {
				t.Errorf("the refused moves wrote: %v", err)
			}
			for i, role := range tc.before {
				if m, ok := mappingOf(sb, sources[i]); !ok || m.TargetGroupID != groupID(t, sb, "Statsig-Checkout-"+role) {
					t.Errorf("link%d is no longer linked to Statsig-Checkout-%s: %+v", i, role, sb.PushMappings())
				}
			}
		})
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
