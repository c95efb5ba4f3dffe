package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// oauthProviderConfig configures the provider with the sandbox's OAuth
// service app (RSA key); extra goes into the provider block.
func oauthProviderConfig(sb *sandbox.Sandbox, extra string) string {
	return fmt.Sprintf(`
provider "statsigokta" {
  okta_org_url        = %q
  okta_client_id      = %q
  okta_private_key    = %q
  okta_private_key_id = %q
  app_id              = %q
  %s
}
`, sb.OktaURL(), sb.ClientID(), sb.PrivateKeyPEM(), sb.PrivateKeyID(), sb.AppID(), extra)
}

// A 403 names the missing scope and says where to grant it, and nothing is
// written. Three ways to lack a scope: the service app was not granted one
// the provider asks for (the token request is refused), or okta_scopes
// leaves out one a write needs (Okta refuses the call).
func TestAccPermissions_missingScopeIsNamed(t *testing.T) {
	for _, tc := range []struct {
		name    string
		granted []string
		scopes  string // okta_scopes, or "" for the default
		body    func(t *testing.T, sb *sandbox.Sandbox) string
		want    []string
	}{
		{
			name:    "service app not granted okta.apps.manage",
			granted: []string{"okta.apps.read", "okta.groups.read", "okta.groups.manage", "okta.users.read"},
			body: func(t *testing.T, sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_user_assignment\" \"x\" {\n  user_id = %q\n}\n", userID(t, sb, "bob@example.com"))
			},
			want: []string{"invalid_scope", "The following scopes are not allowed: okta.apps.manage",
				"Grant the missing ones in the Admin Console (Applications > the service app > Okta API Scopes > Grant)"},
		},
		{
			name:   "okta_scopes without okta.apps.manage: user assignment",
			scopes: `okta_scopes = ["okta.apps.read", "okta.groups.read", "okta.users.read"]`,
			body: func(t *testing.T, sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_user_assignment\" \"x\" {\n  user_id = %q\n}\n", userID(t, sb, "bob@example.com"))
			},
			want: []string{"Could not assign the user to the Statsig app", "missing OAuth scope okta.apps.manage",
				"An OAuth service app needs the scope okta.apps.manage granted (Okta API Scopes tab) and listed in okta_scopes"},
		},
		{
			name:   "okta_scopes without okta.groups.manage: group push",
			scopes: `okta_scopes = ["okta.apps.read", "okta.apps.manage", "okta.groups.read", "okta.users.read"]`,
			body: func(t *testing.T, sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"x\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Admin\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			want: []string{"Could not create the group push mapping", "missing OAuth scope okta.groups.manage",
				"needs the scope okta.groups.manage granted"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
			if tc.granted != nil {
				sb.SetGrantedScopes(tc.granted)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      oauthProviderConfig(sb, tc.scopes) + tc.body(t, sb),
					ExpectError: diagRE(tc.want[0], tc.want[1:]...),
				}},
			})
			applied := sb.CountRequests(func(r sandbox.Request) bool {
				return r.Service == "okta" && r.Method != "GET" && !strings.HasPrefix(r.Path, "/oauth2/") && r.Status < 300
			})
			if applied != 0 {
				t.Errorf("%d writes went through without the scope", applied)
			}
		})
	}
}
