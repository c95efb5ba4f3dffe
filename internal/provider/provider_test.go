package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The acceptance tests run the real Terraform (or OpenTofu) CLI, with the
// provider served in-process, against a sandbox of Okta and Statsig that each
// test starts for itself. TF_ACC and TF_ACC_TERRAFORM_PATH come from the
// Makefile; nothing is downloaded.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"statsigokta": NewProtocol6Server("test"),
}

// testFixture is a small organisation whose names the tests refer to.
func testFixture() *sandbox.Fixture {
	return &sandbox.Fixture{
		App: sandbox.FixtureApp{Label: "Statsig"},
		Users: []sandbox.FixtureUser{
			{Login: "alice@example.com", FirstName: "Alice", LastName: "Archer"},
			{Login: "bob@example.com", FirstName: "Bob", LastName: "Baker"},
			{Login: "carol@example.com", FirstName: "Carol", LastName: "Cook"},
			{Login: "dave@example.com", FirstName: "Dave", LastName: "Dyer"},
			{Login: "erin@example.com", FirstName: "Erin", LastName: "Evans"},
		},
		Groups: []sandbox.FixtureGroup{
			{Name: "Engineering", Members: []string{"carol@example.com", "dave@example.com"}},
			{Name: "Data Science", Members: []string{"erin@example.com"}},
		},
		Projects: []sandbox.FixtureProject{
			{Name: "Checkout", Roles: []string{"Admin", "Member", "Read Only"}},
			{Name: "Web-App Platform", Roles: []string{"Admin", "Member"}},
		},
	}
}

// newTestSandbox starts a sandbox that lives as long as the test. Unless a
// test sets them, the apps bucket is 200 a minute and the token may use all
// of it: the provider's pacer, which assumes Okta's default share of half a
// bucket, then paces to 80 a minute as it did before the sandbox knew token
// shares, and tests that are not about rate limits do not wait for windows.
// The pacer under real shares is tested in internal/okta (pacer_test.go).
func newTestSandbox(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	if opts.Fixture == nil {
		opts.Fixture = testFixture()
	}
	if opts.AppsRateLimitPerMinute == 0 && opts.TokenSharePercent == 0 {
		opts.AppsRateLimitPerMinute, opts.TokenSharePercent = 200, 100
	}
	sb := sandbox.New(opts)
	t.Cleanup(sb.Close)
	return sb
}

// providerConfig configures the provider with an API token and a Statsig
// SCIM key, so tests can assert on both sides.
func providerConfig(sb *sandbox.Sandbox) string {
	return fmt.Sprintf(`
provider "statsigokta" {
  okta_org_url       = %q
  okta_api_token     = %q
  app_id             = %q
  statsig_api_url    = %q
  statsig_scim_token = %q
}
`, sb.OktaURL(), sb.APIToken(), sb.AppID(), sb.StatsigURL(), sb.StatsigSCIMToken())
}

func userID(t *testing.T, sb *sandbox.Sandbox, login string) string {
	t.Helper()
	u, ok := sb.UserByLogin(login)
	if !ok {
		t.Fatalf("fixture has no user %s", login)
	}
	return u.ID
}

func groupID(t *testing.T, sb *sandbox.Sandbox, name string) string {
	t.Helper()
	g, ok := sb.GroupByName(name)
	if !ok {
		t.Fatalf("fixture has no group %s", name)
	}
	return g.ID
}

// expectNoWrites fails the test if, once it and all its parallel subtests
// have finished, any Okta write was recorded. (A check in the test body runs
// before parallel subtests start, and so always sees none.)
func expectNoWrites(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	t.Cleanup(func() {
		if n := writeCalls(sb); n != 0 {
			t.Errorf("made %d write calls to Okta, want none", n)
		}
	})
}

// writeCalls counts the Okta requests that change something.
func writeCalls(sb *sandbox.Sandbox) int {
	return sb.CountRequests(func(r sandbox.Request) bool {
		return r.Service == "okta" && r.Method != "GET" && !strings.HasPrefix(r.Path, "/oauth2/")
	})
}

func TestAccAppDataSource_apiToken(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(sb) + `data "statsigokta_app" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("id"), knownvalue.StringExact(sb.AppID())),
				statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("label"), knownvalue.StringExact("Statsig")),
				statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("status"), knownvalue.StringExact("ACTIVE")),
				statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("features"),
					knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact("GROUP_PUSH"), knownvalue.StringExact("PUSH_NEW_USERS")})),
			},
		}},
	})
	// The app was read through the Okta API with the SSWS token.
	if n := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/api/v1/apps/"+sb.AppID() && r.Status == 200 }); n == 0 {
		t.Fatalf("sandbox recorded no successful GET of the app")
	}
}

func TestAccAppDataSource_oauthServiceApp(t *testing.T) {
	for _, tc := range []struct {
		name      string
		key, kid  func(*sandbox.Sandbox) string
		dpop      bool
		tokenType string
	}{
		{name: "rsa", key: (*sandbox.Sandbox).PrivateKeyPEM, kid: (*sandbox.Sandbox).PrivateKeyID},
		{name: "ec", key: (*sandbox.Sandbox).ECPrivateKeyPEM, kid: (*sandbox.Sandbox).ECPrivateKeyID},
		{name: "rsa-dpop", key: (*sandbox.Sandbox).PrivateKeyPEM, kid: (*sandbox.Sandbox).PrivateKeyID, dpop: true},
		{name: "ec-p384", key: (*sandbox.Sandbox).P384PrivateKeyPEM, kid: (*sandbox.Sandbox).P384PrivateKeyID},
		{name: "ec-p384-dpop", key: (*sandbox.Sandbox).P384PrivateKeyPEM, kid: (*sandbox.Sandbox).P384PrivateKeyID, dpop: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{})
			sb.SetDPoPRequired(tc.dpop)
			config := fmt.Sprintf(`
provider "statsigokta" {
  okta_org_url        = %q
  okta_client_id      = %q
  okta_private_key    = %q
  okta_private_key_id = %q
  app_id              = %q
}
data "statsigokta_app" "this" {}
`, sb.OktaURL(), sb.ClientID(), tc.key(sb), tc.kid(sb), sb.AppID())
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("id"), knownvalue.StringExact(sb.AppID())),
					},
				}},
			})
			tokens := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/oauth2/v1/token" && r.Status == 200 })
			if tokens == 0 {
				t.Fatalf("no access token was issued by the sandbox's token endpoint")
			}
			if tc.dpop {
				nonces := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/oauth2/v1/token" && r.Status == 400 })
				if nonces == 0 {
					t.Fatalf("expected the DPoP nonce round trip (a 400 use_dpop_nonce) before the token")
				}
			}
		})
	}
}

func TestAccProvider_invalidConfiguration(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	expectNoWrites(t, sb)
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{
			name: "both auth methods",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url   = %q
  okta_api_token = "x"
  okta_client_id = "0oaclient"
  okta_private_key = "x"
  app_id         = %q
}`, sb.OktaURL(), sb.AppID()),
			want: regexp.MustCompile(`Conflicting Okta authentication`),
		},
		{
			name: "no auth",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url = %q
  app_id       = %q
}`, sb.OktaURL(), sb.AppID()),
			want: regexp.MustCompile(`Missing Okta authentication`),
		},
		{
			name: "http to a public host",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url   = "http://acme.okta.com"
  okta_api_token = "x"
  app_id         = %q
}`, sb.AppID()),
			want: regexp.MustCompile(`okta_org_url`),
		},
		{
			name: "malformed app id",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url   = %q
  okta_api_token = %q
  app_id         = "statsig"
}`, sb.OktaURL(), sb.APIToken()),
			want: regexp.MustCompile(`app_id must be the id of the Statsig app instance`),
		},
		{
			name: "app that does not exist",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url   = %q
  okta_api_token = %q
  app_id         = "0oa00000000000000000"
}`, sb.OktaURL(), sb.APIToken()),
			want: regexp.MustCompile(`Statsig app not found`),
		},
		{
			name: "private key that is not PEM",
			config: fmt.Sprintf(`provider "statsigokta" {
  okta_org_url     = %q
  okta_client_id   = %q
  okta_private_key = "not a key"
  app_id           = %q
}`, sb.OktaURL(), sb.ClientID(), sb.AppID()),
			want: regexp.MustCompile(`okta_private_key`),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config + "\ndata \"statsigokta_app\" \"this\" {}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// Several Statsig app instances (say, two Okta orgs) are managed side by side
// through provider aliases, each resource on its own app. This runs the CLI
// against the built provider binary: with the in-process (reattach) harness,
// Terraform would send both configurations to one server, whereas a real run
// starts one plugin process per provider configuration.
func TestAccProvider_aliasesForTwoApps(t *testing.T) {
	t.Parallel()
	cli := newCLIRun(t)
	prod, staging := newTestSandbox(t, sandbox.Options{}), newTestSandbox(t, sandbox.Options{})
	aliased := strings.Replace(providerConfig(staging), `provider "statsigokta" {`, "provider \"statsigokta\" {\n  alias = \"staging\"", 1)
	cli.writeConfig(providerConfig(prod) + aliased + fmt.Sprintf(`
resource "statsigokta_user_assignment" "prod" {
  user_id = %q
}
resource "statsigokta_user_assignment" "staging" {
  provider = statsigokta.staging
  login    = "bob@example.com"
}`, userID(t, prod, "alice@example.com")))

	cli.mustRun("apply", "-auto-approve", "-input=false")
	for _, check := range []resource.TestCheckFunc{
		checkProvisioned(prod, "alice@example.com", ""),
		checkProvisioned(staging, "bob@example.com", ""),
	} {
		if err := check(nil); err != nil {
			t.Fatal(err)
		}
	}
	// Each app got only its own assignment.
	if au, assigned := prod.AppUser(userID(t, prod, "bob@example.com")); assigned {
		t.Fatalf("bob was assigned in the production app too: %+v", au)
	}
	if au, assigned := staging.AppUser(userID(t, staging, "alice@example.com")); assigned {
		t.Fatalf("alice was assigned in the staging app too: %+v", au)
	}
	if out, code := cli.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after apply is not empty (exit %d):\n%s", code, out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
	if err := checkDeactivated(prod, "alice@example.com")(nil); err != nil {
		t.Fatal(err)
	}
	if err := checkDeactivated(staging, "bob@example.com")(nil); err != nil {
		t.Fatal(err)
	}
}
