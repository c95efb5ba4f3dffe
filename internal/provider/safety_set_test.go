package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// timeouts <= 0 are refused at plan time, as on the single resource.
func TestAccSafety_setZeroTimeout(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      setConfig(sb, `timeouts = { create = "0s" }`, map[string]string{"alice@example.com": ""}),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Invalid timeout`),
		}},
	})
}

// A token lacking okta.apps.manage fails the set's plan, not its apply.
func TestAccSafety_setReadOnlyToken(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	sb.SetGrantedScopes([]string{"okta.apps.read", "okta.groups.read", "okta.users.read"})
	config := oauthProviderConfig(sb, `okta_scopes = ["okta.apps.read", "okta.groups.read", "okta.users.read"]`) + `
resource "statsigokta_user_assignments" "all" {
  users = { "alice@example.com" = {} }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(`Missing Okta OAuth scope`)}},
	})
}
