package provider

import (
	"fmt"
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
			want: []string{"Missing Okta OAuth scope", "needs the OAuth scope okta.apps.manage",
				"Grant okta.apps.manage in the Admin Console (Applications > the service app > Okta API Scopes > Grant)"},
		},
		{
			name:   "okta_scopes without okta.groups.manage: group push",
			scopes: `okta_scopes = ["okta.apps.read", "okta.apps.manage", "okta.groups.read", "okta.users.read"]`,
			body: func(t *testing.T, sb *sandbox.Sandbox) string {
				return fmt.Sprintf("resource \"statsigokta_group_push\" \"x\" {\n  source_group_id = %q\n  project = \"Checkout\"\n  role = \"Admin\"\n}\n",
					groupID(t, sb, "Engineering"))
			},
			want: []string{"Missing Okta OAuth scope", "needs the OAuth scope okta.groups.manage", "Grant okta.groups.manage"},
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
			// Refused at plan time: not even a refused write was sent.
			if n := writeCalls(sb); n != 0 {
				t.Errorf("%d write calls without the scope", n)
			}
		})
	}
}

// A read-only service app (granted, and asking for, only the read scopes)
// plans reads fine but is refused any planned write, from the scopes in its
// token response, with zero writes: a create, and a destroy of what a
// full-scope run made. An API token's scopes are unknown: no check.
func TestAccPermissions_readOnlyTokenRefusedAtPlan(t *testing.T) {
	readOnly := []string{"okta.apps.read", "okta.groups.read", "okta.users.read"}
	readOnlyScopes := `okta_scopes = ["okta.apps.read", "okta.groups.read", "okta.users.read"]`
	want := diagRE("Missing Okta OAuth scope", "needs the OAuth scope okta.apps.manage", "but Okta granted the service app's access token only okta.apps.read, okta.groups.read, okta.users.read")

	t.Run("create", func(t *testing.T) {
		sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
		sb.SetGrantedScopes(readOnly)
		assign := fmt.Sprintf("resource \"statsigokta_group_assignment\" \"x\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering"))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				// Reads work with the read scopes.
				{Config: oauthProviderConfig(sb, readOnlyScopes) + `data "statsigokta_app" "this" {}`},
				{Config: oauthProviderConfig(sb, readOnlyScopes) + assign, PlanOnly: true, ExpectError: want},
			},
		})
		if n := writeCalls(sb); n != 0 {
			t.Errorf("%d write calls with a read-only token", n)
		}
	})

	t.Run("destroy", func(t *testing.T) {
		sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
		assign := fmt.Sprintf("resource \"statsigokta_user_assignment\" \"x\" {\n  user_id = %q\n}\n", userID(t, sb, "bob@example.com"))
		var deletes int
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: oauthProviderConfig(sb, "") + assign},
				{
					PreConfig: func() { sb.SetGrantedScopes(readOnly); sb.ResetRequests() },
					Config:    oauthProviderConfig(sb, readOnlyScopes), ExpectError: want,
				},
				{
					PreConfig: func() {
						deletes = writeCalls(sb)
						sb.SetGrantedScopes(sandbox.DefaultGrantedScopes)
					},
					Config: oauthProviderConfig(sb, "") + assign, PlanOnly: true,
				},
			},
		})
		if deletes != 0 {
			t.Errorf("%d write calls while the read-only token was refused", deletes)
		}
	})

	t.Run("api token: no check", func(t *testing.T) {
		sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: providerConfig(sb) + fmt.Sprintf("resource \"statsigokta_group_assignment\" \"x\" {\n  group_id = %q\n}\n", groupID(t, sb, "Engineering")),
			}},
		})
	})
}
