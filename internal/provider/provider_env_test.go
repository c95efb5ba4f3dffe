package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// factoriesWithEnv serves a provider whose environment is env and nothing
// else, so tests of environment variables run in parallel without
// t.Setenv and without the test process's own variables.
func factoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"statsigokta": func() (tfprotov6.ProviderServer, error) {
			p := &statsigOktaProvider{version: "test", getenv: func(k string) string { return env[k] }}
			server, err := providerserver.NewProtocol6WithError(p)()
			if err != nil {
				return nil, err
			}
			return releaseContexts{server}, nil
		},
	}
}

// keyFile writes pem to a file of its own and returns the path.
func keyFile(t *testing.T, pem string) string {
	name := t.TempDir() + "/okta-key.pem"
	if err := os.WriteFile(name, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// Each way to configure the provider from the environment, including
// terraform-provider-okta's variables, reads the app with the method it
// names; a configuration value wins over any variable.
func TestAccProvider_environment(t *testing.T) {
	appRead := `data "statsigokta_app" "this" {}`
	for _, tc := range []struct {
		name   string
		config func(sb *sandbox.Sandbox) string
		env    func(t *testing.T, sb *sandbox.Sandbox) map[string]string
		oauth  bool // whether the provider asked the token endpoint for a token
	}{
		{
			name: "okta_api_token in the configuration wins over a leftover OKTA_CLIENT_ID",
			config: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("provider \"statsigokta\" {\n  okta_org_url = %q\n  okta_api_token = %q\n  app_id = %q\n}\n", sb.OktaURL(), sb.APIToken(), sb.AppID())
			},
			env: func(_ *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envClientID: sb.ClientID(), envPrivateKey: "leftover", envAccessToken: "leftover"}
			},
			oauth: false,
		},
		{
			name: "okta_client_id in the configuration wins over OKTA_API_TOKEN; the key comes from OKTA_PRIVATE_KEY",
			config: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("provider \"statsigokta\" {\n  okta_org_url = %q\n  okta_client_id = %q\n  app_id = %q\n}\n", sb.OktaURL(), sb.ClientID(), sb.AppID())
			},
			env: func(_ *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envAPIToken: "leftover", envPrivateKey: sb.PrivateKeyPEM()}
			},
			oauth: true,
		},
		{
			name:   "terraform-provider-okta's OAuth variables",
			config: func(*sandbox.Sandbox) string { return "" },
			env: func(_ *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envOrgURL: sb.OktaURL(), envAppID: sb.AppID(),
					envOktaClientID: sb.ClientID(), envOktaPrivateKey: sb.ECPrivateKeyPEM(), envOktaPrivateKeyID: sb.ECPrivateKeyID(),
					envOktaScopes: "okta.apps.read,okta.apps.manage,okta.groups.read,okta.groups.manage,okta.users.read"}
			},
			oauth: true,
		},
		{
			name:   "OKTA_API_PRIVATE_KEY naming a key file, as terraform-provider-okta allows",
			config: func(*sandbox.Sandbox) string { return "" },
			env: func(t *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envOrgURL: sb.OktaURL(), envAppID: sb.AppID(),
					envOktaClientID: sb.ClientID(), envOktaPrivateKey: keyFile(t, sb.PrivateKeyPEM())}
			},
			oauth: true,
		},
		{
			name:   "ours before terraform-provider-okta's",
			config: func(*sandbox.Sandbox) string { return "" },
			env: func(_ *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envOrgURL: sb.OktaURL(), envAppID: sb.AppID(),
					envClientID: sb.ClientID(), envOktaClientID: "0oawrongwrongwrong00",
					envPrivateKey: sb.PrivateKeyPEM(), envOktaPrivateKey: "not a key"}
			},
			oauth: true,
		},
		{
			name:   "OKTA_ACCESS_TOKEN, a bearer token obtained elsewhere",
			config: func(*sandbox.Sandbox) string { return "" },
			env: func(_ *testing.T, sb *sandbox.Sandbox) map[string]string {
				return map[string]string{envOrgURL: sb.OktaURL(), envAppID: sb.AppID(),
					envAccessToken: sb.IssueAccessToken("okta.apps.read", "okta.groups.read", "okta.users.read")}
			},
			oauth: false,
		},
		{
			name: "okta_org_url ending in /api/v1/ is the org URL",
			config: func(sb *sandbox.Sandbox) string {
				return fmt.Sprintf("provider \"statsigokta\" {\n  okta_org_url = %q\n  okta_api_token = %q\n  app_id = %q\n}\n", sb.OktaURL()+"/api/v1/", sb.APIToken(), sb.AppID())
			},
			env:   func(*testing.T, *sandbox.Sandbox) map[string]string { return nil },
			oauth: false,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(tc.env(t, sb)),
				Steps: []resource.TestStep{{
					Config: tc.config(sb) + appRead,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("id"), knownvalue.StringExact(sb.AppID())),
					},
				}},
			})
			// SSWS and a bearer token obtained elsewhere never call the
			// token endpoint; OAuth does.
			tokens := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/oauth2/v1/token" })
			if (tokens > 0) != tc.oauth {
				t.Fatalf("%d token requests; want OAuth: %v", tokens, tc.oauth)
			}
		})
	}
}

// OKTA_HTTP_PROXY sends every Okta call through the proxy (the sandbox is
// on loopback, which HTTPS_PROXY never proxies; proxyTransport's unit test
// covers that variable).
func TestAccProvider_oktaHTTPProxy(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		r.RequestURI = ""
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{
			envOrgURL: sb.OktaURL(), envAPIToken: sb.APIToken(), envAppID: sb.AppID(), envOktaHTTPProxy: proxy.URL,
		}),
		Steps: []resource.TestStep{{
			Config: `data "statsigokta_app" "this" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.statsigokta_app.this", tfjsonpath.New("id"), knownvalue.StringExact(sb.AppID())),
			},
		}},
	})
	if proxied.Load() == 0 {
		t.Fatal("no Okta request went through OKTA_HTTP_PROXY")
	}
}

// HTTPS_PROXY and NO_PROXY are read from the provider's environment; the
// configuration's org URL host is proxied unless NO_PROXY names it.
func TestProxyTransport_environment(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HTTPS_PROXY": "http://proxy.example:3128"}, "http://proxy.example:3128"},
		{map[string]string{"https_proxy": "http://lower.example:3128"}, "http://lower.example:3128"},
		{map[string]string{"HTTPS_PROXY": "http://proxy.example:3128", "NO_PROXY": "acme.okta.com"}, ""},
		{map[string]string{"HTTPS_PROXY": "http://proxy.example:3128", envOktaHTTPProxy: "http://okta-only.example:8080"}, "http://okta-only.example:8080"},
		{map[string]string{}, ""},
	} {
		s := resolveSettings(t.Context(), providerModel{}, func(k string) string { return tc.env[k] })
		tr, err := proxyTransport(s)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://acme.okta.com/api/v1/apps", nil)
		transport, _ := tr.okta.(*http.Transport)
		u, err := transport.Proxy(req)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != tc.want {
			t.Errorf("env %v: proxy %q (%v), want %q", tc.env, got, err, tc.want)
		}
	}
}

// OKTA_ORG_NAME + OKTA_BASE_URL make the org URL, after OKTA_ORG_URL.
func TestResolveSettings_orgURL(t *testing.T) {
	for _, tc := range []struct {
		env        map[string]string
		want, from string
	}{
		{map[string]string{envOktaOrgName: "acme"}, "https://acme.okta.com", "OKTA_ORG_NAME and OKTA_BASE_URL"},
		{map[string]string{envOktaOrgName: "acme", envOktaBaseURL: "oktapreview.com"}, "https://acme.oktapreview.com", "OKTA_ORG_NAME and OKTA_BASE_URL"},
		{map[string]string{envOktaOrgName: "acme", envOrgURL: "https://other.okta.com"}, "https://other.okta.com", envOrgURL},
		{map[string]string{}, "", "okta_org_url"},
	} {
		s := resolveSettings(t.Context(), providerModel{}, func(k string) string { return tc.env[k] })
		if s.orgURL.text != tc.want || s.orgURL.from != tc.from {
			t.Errorf("env %v: org URL %q from %q, want %q from %q", tc.env, s.orgURL.text, s.orgURL.from, tc.want, tc.from)
		}
	}
}

// A workspace that runs okta/okta has only its variables; with
// STATSIGOKTA_APP_ID added, the provider is fully configured by them, for
// either of okta/okta's methods, and nothing is refused.
func TestResolveSettings_oktaOktaWorkspace(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	org := map[string]string{envOktaOrgName: "acme", envOktaBaseURL: "oktapreview.com", envAppID: sb.AppID(),
		envOktaScopes: "okta.apps.read, okta.apps.manage,okta.groups.read,okta.groups.manage,okta.users.read"}
	with := func(more map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := more[k]; ok {
				return v
			}
			return org[k]
		}
	}
	oauth := resolveSettings(t.Context(), providerModel{}, with(map[string]string{
		envOktaClientID: sb.ClientID(), envOktaPrivateKey: sb.ECPrivateKeyPEM(), envOktaPrivateKeyID: sb.ECPrivateKeyID()}))
	if oauth.problems.HasError() {
		t.Fatalf("okta/okta OAuth variables refused: %v", oauth.problems)
	}
	if oauth.orgURL.text != "https://acme.oktapreview.com" || oauth.clientID.from != envOktaClientID ||
		oauth.privateKey.text != strings.TrimSpace(sb.ECPrivateKeyPEM()) || oauth.privateKeyID.from != envOktaPrivateKeyID ||
		len(oauth.scopes) != 5 || oauth.scopesFrom != envOktaScopes || oauth.appID.from != envAppID {
		t.Fatalf("OAuth: org %q, client id from %q, key id from %q, scopes %v from %q, app id from %q",
			oauth.orgURL.text, oauth.clientID.from, oauth.privateKeyID.from, oauth.scopes, oauth.scopesFrom, oauth.appID.from)
	}
	token := resolveSettings(t.Context(), providerModel{}, with(map[string]string{"OKTA_API_TOKEN": sb.APIToken()}))
	if token.problems.HasError() {
		t.Fatalf("okta/okta API token variables refused: %v", token.problems)
	}
	if token.apiToken.from != "OKTA_API_TOKEN" || token.clientID.set() || token.scopes != nil {
		t.Fatalf("API token: token from %q, client id %q, scopes %v (OKTA_API_SCOPES is unused beside a token)",
			token.apiToken.from, token.clientID.text, token.scopes)
	}
}

// Invariant 8 of the safety issue: STATSIGOKTA_SHARED_READS is read exactly
// as Terraform converts a string to the bool attribute (found by review).
func TestResolveSettings_sharedReadsLikeAttribute(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "1": true, "false": false, "0": false} {
		s := resolveSettings(t.Context(), providerModel{}, func(k string) string {
			if k == envSharedReads {
				return v
			}
			return ""
		})
		if s.problems.HasError() || s.sharedReads != want {
			t.Errorf("%s=%q: shared_reads = %v, problems %v; want %v", envSharedReads, v, s.sharedReads, s.problems, want)
		}
	}
	for _, v := range []string{"t", "F", "TRUE", "False", "yes"} {
		s := resolveSettings(t.Context(), providerModel{}, func(k string) string {
			if k == envSharedReads {
				return v
			}
			return ""
		})
		if !s.problems.HasError() {
			t.Errorf("%s=%q accepted (shared_reads = %v); the attribute takes only true or false", envSharedReads, v, s.sharedReads)
		}
	}
}
