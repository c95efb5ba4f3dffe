package provider

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The bad-input catalogue: every argument of the provider, the resources,
// the data sources and the functions, given a wrong value. Each case is the
// exact diagnostic a user sees at plan time (summary, then the part of the
// detail that names the attribute and the fix), and none of them may make a
// write call to Okta. Terraform wraps long diagnostics, so the texts match
// across line breaks.

// badInput is one catalogue entry.
type badInput struct {
	name    string
	config  string            // the whole configuration, provider block included
	summary string            // the diagnostic's summary, exactly
	detail  []string          // phrases of the detail, in order, exactly
	env     map[string]string // the provider's environment (nothing else is read)
}

// diagRE matches a diagnostic's summary followed by the phrases of its
// detail, whatever line breaks Terraform put in.
func diagRE(summary string, detail ...string) *regexp.Regexp {
	parts := []string{summary}
	parts = append(parts, detail...)
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// badKeys are private keys (and things that are not) Okta would not accept.
func badKeys(t *testing.T) (certificate, ed25519Key, smallRSA, p521 string) {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallRSA = pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "statsig"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ecKey.PublicKey, ecKey)
	if err != nil {
		t.Fatal(err)
	}
	certificate = pemOf("CERTIFICATE", der)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err = x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	ed25519Key = pemOf("PRIVATE KEY", der)
	bigEC, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err = x509.MarshalPKCS8PrivateKey(bigEC)
	if err != nil {
		t.Fatal(err)
	}
	p521 = pemOf("PRIVATE KEY", der)
	return
}

// providerCases are the provider's arguments. Each configuration reads the
// app, so the provider is configured and used at plan time.
func providerCases(t *testing.T, sb *sandbox.Sandbox) []badInput {
	certificate, ed25519Key, smallRSA, p521 := badKeys(t)
	token := fmt.Sprintf("okta_api_token = %q\n  app_id = %q", sb.APIToken(), sb.AppID())
	oauth := func(key string, extra string) string {
		return fmt.Sprintf("okta_org_url = %q\n  okta_client_id = %q\n  okta_private_key = %q\n  app_id = %q\n  %s",
			sb.OktaURL(), sb.ClientID(), key, sb.AppID(), extra)
	}
	org := fmt.Sprintf("okta_org_url = %q", sb.OktaURL())
	p := func(body string) string {
		return "provider \"statsigokta\" {\n  " + body + "\n}\ndata \"statsigokta_app\" \"this\" {}\n"
	}
	return []badInput{
		{name: "okta_org_url http to a public host", config: p(`okta_org_url = "http://acme.okta.com"` + "\n  " + token),
			summary: "Insecure Okta org URL", detail: []string{`"http://acme.okta.com" uses http; Okta requires https`}},
		{name: "okta_org_url not a URL", config: p(`okta_org_url = "acme"` + "\n  " + token),
			summary: "Invalid Okta org URL", detail: []string{`"acme" is not an absolute http(s) URL; expected e.g. https://acme.okta.com.`}},
		{name: "okta_org_url empty", config: p(`okta_org_url = ""` + "\n  " + token),
			summary: "Missing Okta org URL", detail: []string{"Set okta_org_url, or the OKTA_ORG_URL environment variable (or OKTA_ORG_NAME with OKTA_BASE_URL), to your Okta org, for example https://acme.okta.com."}},
		{name: "okta_org_url admin console", config: p(`okta_org_url = "https://acme-admin.okta.com"` + "\n  " + token),
			summary: "Okta admin URL given instead of the org URL", detail: []string{`use the org URL without "-admin"`}},
		{name: "okta_org_url with a query", config: p(`okta_org_url = "https://acme.okta.com/?x=1"` + "\n  " + token),
			summary: "Invalid Okta org URL", detail: []string{"The org URL must not contain credentials, a query or a fragment"}},
		{name: "okta_api_token and okta_client_id", config: p(org + "\n  " + token + fmt.Sprintf("\n  okta_client_id = %q\n  okta_private_key = %q", sb.ClientID(), sb.PrivateKeyPEM())),
			summary: "Conflicting Okta authentication", detail: []string{"Set exactly one of okta_api_token (API token), okta_access_token", "got okta_api_token and okta_client_id."}},
		{name: "no authentication", config: p(org + fmt.Sprintf("\n  app_id = %q", sb.AppID())),
			summary: "Missing Okta authentication", detail: []string{"Set okta_api_token (OKTA_API_TOKEN), or okta_client_id with okta_private_key"}},
		{name: "okta_api_token with a space", config: p(org + fmt.Sprintf("\n  okta_api_token = \"00a b\"\n  app_id = %q", sb.AppID())),
			summary: "Invalid Okta API token", detail: []string{"The API token contains whitespace or control characters."}},
		{name: "okta_client_id without okta_private_key", config: p(org + fmt.Sprintf("\n  okta_client_id = %q\n  app_id = %q", sb.ClientID(), sb.AppID())),
			summary: "Missing private key", detail: []string{"okta_client_id is set, so okta_private_key (OKTA_PRIVATE_KEY) must hold the PEM private key"}},
		{name: "okta_private_key without okta_client_id", config: p(org + fmt.Sprintf("\n  okta_private_key = %q\n  app_id = %q", sb.PrivateKeyPEM(), sb.AppID())),
			summary: "Missing client id", detail: []string{"okta_private_key is set, so okta_client_id (OKTA_CLIENT_ID) must name the service app"}},
		{name: "okta_private_key not PEM", config: p(oauth("not a key", "")),
			summary: "Invalid private key", detail: []string{"The value is not PEM-encoded (expected the key content, not a file path)."}},
		{name: "okta_private_key a file path", config: p(oauth("/home/ci/okta.pem", "")),
			summary: "Invalid private key", detail: []string{"The value is not PEM-encoded (expected the key content, not a file path)."}},
		{name: "okta_private_key a certificate", config: p(oauth(certificate, "")),
			summary: "Public key given instead of private key", detail: []string{`Found a "CERTIFICATE" PEM block; the provider signs with the private key.`}},
		{name: "okta_private_key Ed25519", config: p(oauth(ed25519Key, "")),
			summary: "Unsupported private key type", detail: []string{"Found an Ed25519 key (PKCS#8); Okta accepts RSA and EC keys."}},
		{name: "okta_private_key RSA 1024", config: p(oauth(smallRSA, "")),
			summary: "Private key too small", detail: []string{"Found a 1024-bit RSA key"}},
		{name: "okta_private_key EC P-521", config: p(oauth(p521, "")),
			summary: "Unsupported EC curve", detail: []string{"Found an EC key on curve P-521"}},
		{name: "okta_private_key truncated", config: p(oauth(sb.PrivateKeyPEM()[:200], "")),
			summary: "Invalid private key", detail: []string{"The value starts like PEM but is not a complete PEM block"}},
		{name: "okta_private_key_id empty", config: p(oauth(sb.PrivateKeyPEM(), `okta_private_key_id = ""`)),
			summary: "Invalid okta_private_key_id", detail: []string{"okta_private_key_id is empty: remove it, or set it to the key id (kid)"}},
		{name: "okta_private_key_id with a space", config: p(oauth(sb.PrivateKeyPEM(), `okta_private_key_id = "my key"`)),
			summary: "Invalid Okta private key ID", detail: []string{"The key ID contains whitespace."}},
		{name: "okta_client_id with a space", config: p(fmt.Sprintf("okta_org_url = %q\n  okta_client_id = \"0oa client\"\n  okta_private_key = %q\n  app_id = %q", sb.OktaURL(), sb.PrivateKeyPEM(), sb.AppID())),
			summary: "Invalid Okta client ID", detail: []string{"The client ID contains whitespace."}},
		{name: "okta_scopes empty", config: p(oauth(sb.PrivateKeyPEM(), `okta_scopes = []`)),
			summary: "Invalid okta_scopes", detail: []string{"okta_scopes is empty: remove it to request the default scopes"}},
		{name: "okta_scopes unknown scope", config: p(oauth(sb.PrivateKeyPEM(), `okta_scopes = ["okta.apps.read", "okta.apps.write"]`)),
			summary: "Invalid okta_scopes", detail: []string{`"okta.apps.write" is not an Okta API scope`, "okta.apps.manage"}},
		{name: "okta_scopes with a space", config: p(oauth(sb.PrivateKeyPEM(), `okta_scopes = ["okta.apps.read okta.apps.manage"]`)),
			summary: "Invalid okta_scopes", detail: []string{`"okta.apps.read okta.apps.manage" is not an Okta API scope`, "one scope per list element"}},
		{name: "app_id malformed", config: p(org + "\n  " + fmt.Sprintf("okta_api_token = %q\n  app_id = \"statsig\"", sb.APIToken())),
			summary: "Invalid app_id", detail: []string{`app_id must be the id of the Statsig app instance in Okta, which starts with "0oa"`, `got "statsig"`}},
		{name: "app_id that does not exist", config: p(org + "\n  " + fmt.Sprintf("okta_api_token = %q\n  app_id = \"0oa00000000000000000\"", sb.APIToken())),
			summary: "Statsig app not found", detail: []string{`Okta has no app with id "0oa00000000000000000", or the credentials cannot see it.`}},
		{name: "app_id that does not exist, resources only", config: fmt.Sprintf("provider \"statsigokta\" {\n  %s\n  okta_api_token = %q\n  app_id = \"0oa00000000000000000\"\n}\n"+
			"resource \"statsigokta_group_assignment\" \"x\" {\n  group_id = %q\n}\n", org, sb.APIToken(), groupID(t, sb, "Engineering")),
			summary: "Statsig app not found", detail: []string{`Okta has no app with id "0oa00000000000000000", or the credentials cannot see it.`, "Check app_id"}},
		{name: "app_id missing", config: p(org + "\n  " + fmt.Sprintf("okta_api_token = %q", sb.APIToken())),
			summary: "Missing app_id", detail: []string{"Set app_id, or the STATSIGOKTA_APP_ID environment variable, to the id of the Statsig app instance in Okta (0oa...)."}},
		{name: "statsig_api_url http to a public host", config: p(org + "\n  " + token + "\n  statsig_api_url = \"http://statsigapi.net\""),
			summary: "Insecure Statsig API URL", detail: []string{`statsig_api_url "http://statsigapi.net" uses http`}},
		{name: "statsig_api_url not a URL", config: p(org + "\n  " + token + "\n  statsig_api_url = \"statsigapi.net\""),
			summary: "Invalid Statsig API URL", detail: []string{`statsig_api_url "statsigapi.net" is not an absolute https URL`}},
		{name: "statsig_scim_token with a space", config: p(org + "\n  " + token + "\n  statsig_scim_token = \"scim- x\""),
			summary: "Invalid Statsig SCIM token", detail: []string{"The token contains whitespace or control characters."}},
		{name: "statsig_console_api_key with a space", config: p(org + "\n  " + token + "\n  statsig_console_api_key = \"console- x\""),
			summary: "Invalid Statsig Console API key", detail: []string{"The key contains whitespace or control characters."}},
		{name: "max_retries negative", config: p(org + "\n  " + token + "\n  max_retries = -1"),
			summary: "Invalid max_retries", detail: []string{"max_retries must be a whole number between 0 and 20; got -1."}},
		{name: "max_retries too large", config: p(org + "\n  " + token + "\n  max_retries = 100"),
			summary: "Invalid max_retries", detail: []string{"max_retries must be a whole number between 0 and 20; got 100."}},
		{name: "request_timeout not a duration", config: p(org + "\n  " + token + "\n  request_timeout = \"30\""),
			summary: "Invalid request_timeout", detail: []string{`request_timeout must be a positive Go duration such as "30s" or "2m"; got "30".`}},
		{name: "request_timeout zero", config: p(org + "\n  " + token + "\n  request_timeout = \"0s\""),
			summary: "Invalid request_timeout", detail: []string{`got "0s".`}},
		{name: "rate_limit_headroom_percent out of range", config: p(org + "\n  " + token + "\n  rate_limit_headroom_percent = 95"),
			summary: "Invalid rate_limit_headroom_percent", detail: []string{"rate_limit_headroom_percent must be between 0 and 90 (a whole number of percent); got 95."}},
		{name: "okta_org_url with a path", config: p(`okta_org_url = "https://acme.okta.com/oauth2/default"` + "\n  " + token),
			summary: "Invalid Okta org URL", detail: []string{`"https://acme.okta.com/oauth2/default" has the path "/oauth2/default"; the org URL is the scheme and host only, e.g. https://acme.okta.com.`}},
		{name: "okta_access_token and okta_api_token", config: p(org + "\n  " + token + "\n  okta_access_token = \"eyJ\""),
			summary: "Conflicting Okta authentication", detail: []string{"got okta_api_token and okta_access_token"}},
		{name: "okta_scopes unknown scope beside an API token", config: p(org + "\n  " + token + "\n  okta_scopes = [\"okta.apps.write\"]"),
			summary: "Invalid okta_scopes", detail: []string{`okta_scopes: "okta.apps.write" is not an Okta API scope`}},
		{name: "request_timeout empty", config: p(org + "\n  " + token + "\n  request_timeout = \"\""),
			summary: "Invalid request_timeout", detail: []string{`request_timeout must be a positive Go duration such as "30s" or "2m"; got "".`}},
		{name: "statsig_api_url empty", config: p(org + "\n  " + token + "\n  statsig_api_url = \"\""),
			summary: "Invalid Statsig API URL", detail: []string{`statsig_api_url "" is not an absolute https URL`}},
		{name: "okta_access_token with a space", config: p(org + fmt.Sprintf("\n  okta_access_token = \"ey J\"\n  app_id = %q", sb.AppID())),
			summary: "Invalid Okta access token", detail: []string{"The access token contains whitespace or control characters."}},
	}
}

// environmentCases give each argument's environment variable the value
// that the configuration case above gives the attribute: the same refusal,
// naming the variable. The provider block holds only what the case does not
// take from the environment.
func environmentCases(t *testing.T, sb *sandbox.Sandbox) []badInput {
	p := func(body string) string {
		return "provider \"statsigokta\" {\n  " + body + "\n}\ndata \"statsigokta_app\" \"this\" {}\n"
	}
	org, app := fmt.Sprintf("okta_org_url = %q", sb.OktaURL()), fmt.Sprintf("app_id = %q", sb.AppID())
	configured := p(org + "\n  " + app + fmt.Sprintf("\n  okta_api_token = %q", sb.APIToken()))
	env := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	return []badInput{
		{name: "STATSIGOKTA_MAX_RETRIES not a number", config: configured, env: env(envMaxRetries, "lots"),
			summary: "Invalid max_retries", detail: []string{`STATSIGOKTA_MAX_RETRIES must be a whole number between 0 and 20; got "lots".`}},
		{name: "STATSIGOKTA_MAX_RETRIES too large", config: configured, env: env(envMaxRetries, "100"),
			summary: "Invalid max_retries", detail: []string{"STATSIGOKTA_MAX_RETRIES must be a whole number between 0 and 20; got 100."}},
		{name: "STATSIGOKTA_MAX_RETRIES negative", config: configured, env: env(envMaxRetries, "-1"),
			summary: "Invalid max_retries", detail: []string{"STATSIGOKTA_MAX_RETRIES must be a whole number between 0 and 20; got -1."}},
		{name: "STATSIGOKTA_REQUEST_TIMEOUT zero", config: configured, env: env(envRequestTimeout, "0s"),
			summary: "Invalid request_timeout", detail: []string{`STATSIGOKTA_REQUEST_TIMEOUT must be a positive Go duration such as "30s" or "2m"; got "0s".`}},
		{name: "STATSIGOKTA_RATE_LIMIT_HEADROOM_PERCENT out of range", config: configured, env: env(envHeadroomPercent, "95"),
			summary: "Invalid rate_limit_headroom_percent", detail: []string{"STATSIGOKTA_RATE_LIMIT_HEADROOM_PERCENT must be between 0 and 90 (a whole number of percent); got 95."}},
		{name: "STATSIGOKTA_SHARED_READS not a boolean", config: configured, env: env(envSharedReads, "sometimes"),
			summary: "Invalid shared_reads", detail: []string{`STATSIGOKTA_SHARED_READS must be true or false; got "sometimes".`}},
		{name: "STATSIGOKTA_APP_ID malformed", config: p(org + fmt.Sprintf("\n  okta_api_token = %q", sb.APIToken())), env: env(envAppID, "statsig"),
			summary: "Invalid app_id", detail: []string{`STATSIGOKTA_APP_ID must be the id of the Statsig app instance in Okta, which starts with "0oa"`, `got "statsig"`}},
		{name: "STATSIG_API_URL http to a public host", config: configured, env: env(envStatsigAPIURL, "http://statsigapi.net"),
			summary: "Insecure Statsig API URL", detail: []string{`STATSIG_API_URL "http://statsigapi.net" uses http`}},
		{name: "STATSIG_SCIM_TOKEN with a space", config: configured, env: env(envSCIMToken, "scim- x"),
			summary: "Invalid Statsig SCIM token", detail: []string{"The token contains whitespace or control characters.", "(The value came from STATSIG_SCIM_TOKEN.)"}},
		{name: "OKTA_ORG_URL with a path", config: p(app + fmt.Sprintf("\n  okta_api_token = %q", sb.APIToken())), env: env(envOrgURL, "https://acme.okta.com/admin"),
			summary: "Invalid Okta org URL", detail: []string{`has the path "/admin"`, "(The value came from OKTA_ORG_URL.)"}},
		{name: "OKTA_ORG_NAME of the admin console", config: p(app + fmt.Sprintf("\n  okta_api_token = %q", sb.APIToken())), env: env(envOktaOrgName, "acme-admin"),
			summary: "Okta admin URL given instead of the org URL", detail: []string{`"https://acme-admin.okta.com" is the Admin Console host`, "(The value came from OKTA_ORG_NAME and OKTA_BASE_URL.)"}},
		{name: "OKTA_API_TOKEN with a space", config: p(org + "\n  " + app), env: env(envAPIToken, "00a b"),
			summary: "Invalid Okta API token", detail: []string{"The API token contains whitespace or control characters.", "(The value came from OKTA_API_TOKEN.)"}},
		{name: "OKTA_SCOPES unknown scope", config: p(org + "\n  " + app + fmt.Sprintf("\n  okta_client_id = %q\n  okta_private_key = %q", sb.ClientID(), sb.PrivateKeyPEM())),
			env:     env(envScopes, "okta.apps.read,okta.apps.write"),
			summary: "Invalid okta_scopes", detail: []string{`OKTA_SCOPES: "okta.apps.write" is not an Okta API scope`}},
		{name: "OKTA_API_SCOPES unknown scope", config: p(org + "\n  " + app), env: env(envOktaClientID, sb.ClientID(), envOktaPrivateKey, sb.PrivateKeyPEM(), envOktaScopes, "okta.apps.write"),
			summary: "Invalid okta_scopes", detail: []string{`OKTA_API_SCOPES: "okta.apps.write" is not an Okta API scope`}},
		{name: "OKTA_API_PRIVATE_KEY_ID is the kid sent", config: p(org + "\n  " + app),
			env:     env(envOktaClientID, sb.ClientID(), envOktaPrivateKey, sb.PrivateKeyPEM(), envOktaPrivateKeyID, "wrong-kid"),
			summary: "Could not read the Statsig app", detail: []string{`no key registered with kid "wrong-kid"`}},
		{name: "OKTA_API_SCOPES are the scopes requested",
			config: "provider \"statsigokta\" {\n  " + org + "\n  " + app + "\n}\n" +
				fmt.Sprintf("resource \"statsigokta_user_assignment\" \"x\" {\n  user_id = %q\n}\n", userID(t, sb, "bob@example.com")),
			env:     env(envOktaClientID, sb.ClientID(), envOktaPrivateKey, sb.PrivateKeyPEM(), envOktaScopes, "okta.apps.read,okta.groups.read,okta.users.read"),
			summary: "Missing Okta OAuth scope", detail: []string{"granted the service app's access token only okta.apps.read, okta.groups.read, okta.users.read"}},
		{name: "two methods in the environment", config: p(org + "\n  " + app), env: env(envAPIToken, sb.APIToken(), envClientID, sb.ClientID(), envPrivateKey, sb.PrivateKeyPEM()),
			summary: "Conflicting Okta authentication", detail: []string{"got OKTA_API_TOKEN and OKTA_CLIENT_ID", "A method set in the provider block wins over the environment"}},
		{name: "OKTA_ACCESS_TOKEN and OKTA_API_CLIENT_ID", config: p(org + "\n  " + app), env: env(envAccessToken, "eyJ", envOktaClientID, sb.ClientID(), envOktaPrivateKey, sb.PrivateKeyPEM()),
			summary: "Conflicting Okta authentication", detail: []string{"got OKTA_ACCESS_TOKEN and OKTA_API_CLIENT_ID"}},
		{name: "OKTA_HTTP_PROXY not a URL", config: configured, env: env(envOktaHTTPProxy, "proxy:3128"),
			summary: "Invalid OKTA_HTTP_PROXY", detail: []string{`OKTA_HTTP_PROXY must be a proxy URL such as http://proxy.example.com:3128; got "proxy:3128".`}},
	}
}

// resourceCases are the resources' and data sources' arguments.
func resourceCases(t *testing.T, sb *sandbox.Sandbox) []badInput {
	eng, appGroup := groupID(t, sb, "Engineering"), groupID(t, sb, "Statsig-Checkout-Member")
	alice := userID(t, sb, "alice@example.com")
	r := func(typ, body string) string {
		return providerConfig(sb) + fmt.Sprintf("resource %q \"x\" {\n%s\n}\n", typ, body)
	}
	d := func(typ, body string) string {
		return providerConfig(sb) + fmt.Sprintf("data %q \"x\" {\n%s\n}\n", typ, body)
	}
	const (
		ua = "statsigokta_user_assignment"
		ga = "statsigokta_group_assignment"
		gp = "statsigokta_group_push"
	)
	return []badInput{
		// statsigokta_user_assignment
		{name: "user_assignment user_id malformed", config: r(ua, `user_id = "alice"`),
			summary: "Invalid Okta id", detail: []string{`user_id must be an Okta user id: 20 letters and digits starting with "00u"`, `got "alice"`}},
		{name: "user_assignment user_id of a group", config: r(ua, fmt.Sprintf("user_id = %q", eng)),
			summary: "Invalid Okta id", detail: []string{`user_id must be an Okta user id: 20 letters and digits starting with "00u"`}},
		{name: "user_assignment user_id that does not exist", config: r(ua, `user_id = "00u00000000000000000"`),
			summary: "Okta user not found", detail: []string{`Okta has no user with id "00u00000000000000000"`}},
		{name: "user_assignment neither user_id nor login", config: r(ua, `org_role = "Member"`),
			summary: "Missing Attribute Configuration", detail: []string{`At least one of these attributes must be configured: [user_id,login]`}},
		{name: "user_assignment login empty", config: r(ua, `login = ""`),
			summary: "Invalid Attribute Value Length", detail: []string{"Attribute login string length must be between 1 and 100, got: 0"}},
		{name: "user_assignment login unknown", config: r(ua, `login = "nobody@example.com"`),
			summary: "Okta user not found", detail: []string{`Okta has no user with login "nobody@example.com". Check the spelling, or use user_id`}},
		{name: "user_assignment login and user_id of different users", config: r(ua, fmt.Sprintf("user_id = %q\nlogin = \"bob@example.com\"", alice)),
			summary: "login and user_id name different users", detail: []string{`login "bob@example.com" is Okta user`, "but user_id is " + alice}},
		{name: "user_assignment org_role unknown", config: r(ua, fmt.Sprintf("user_id = %q\norg_role = \"Superuser\"", alice)),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute org_role value must be one of: ["Member" "Admin" "Owner"], got: "Superuser"`}},
		{name: "user_assignment org_role wrong case", config: r(ua, fmt.Sprintf("user_id = %q\norg_role = \"admin\"", alice)),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute org_role value must be one of: ["Member" "Admin" "Owner"], got: "admin"`}},
		{name: "user_assignment timeouts.create not a duration", config: r(ua, fmt.Sprintf("user_id = %q\ntimeouts = { create = \"5\" }", alice)),
			summary: "Invalid Attribute Value Time Duration", detail: []string{`"5" must be a string containing a sequence of decimal numbers, each with optional fraction and a unit suffix, such as "300ms"`}},

		// statsigokta_group_assignment
		{name: "group_assignment group_id malformed", config: r(ga, `group_id = "Engineering"`),
			summary: "Invalid Okta id", detail: []string{`group_id must be an Okta group id: 20 letters and digits starting with "00g"`, `got "Engineering"`}},
		{name: "group_assignment group_id empty", config: r(ga, `group_id = ""`),
			summary: "Invalid Okta id", detail: []string{`group_id must be an Okta group id`, `got "".`}},
		{name: "group_assignment group_id that does not exist", config: r(ga, `group_id = "00g00000000000000000"`),
			summary: "Okta group not found", detail: []string{`Okta has no group with id "00g00000000000000000".`}},
		{name: "group_assignment of an APP_GROUP", config: r(ga, fmt.Sprintf("group_id = %q", appGroup)),
			summary: "Group comes from an app", detail: []string{`"Statsig-Checkout-Member" (` + appGroup + `) is an APP_GROUP imported from an application`, "Assign an Okta-managed group (type OKTA_GROUP) instead"}},
		{name: "group_assignment priority negative", config: r(ga, fmt.Sprintf("group_id = %q\npriority = -1", eng)),
			summary: "Invalid Attribute Value", detail: []string{"Attribute priority value must be at least 0, got: -1"}},
		{name: "group_assignment org_role unknown", config: r(ga, fmt.Sprintf("group_id = %q\norg_role = \"Root\"", eng)),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute org_role value must be one of: ["Member" "Admin" "Owner"], got: "Root"`}},

		// statsigokta_group_push
		{name: "group_push source_group_id malformed", config: r(gp, "source_group_id = \"eng\"\nproject = \"Checkout\"\nrole = \"Admin\""),
			summary: "Invalid Okta id", detail: []string{`source_group_id must be an Okta group id`, `got "eng"`}},
		{name: "group_push source_group_id that does not exist", config: r(gp, "source_group_id = \"00g00000000000000000\"\nproject = \"Checkout\"\nrole = \"Admin\""),
			summary: "Okta group not found", detail: []string{`Okta has no group with id "00g00000000000000000".`}},
		{name: "group_push source is an APP_GROUP", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"", appGroup)),
			summary: "Source group comes from an app", detail: []string{`"Statsig-Checkout-Member" (` + appGroup + `) is an APP_GROUP imported from the Statsig app itself`, "set source_group_id to the Okta group whose members should get the Statsig role"}},
		{name: "group_push target_group_id malformed", config: r(gp, fmt.Sprintf("source_group_id = %q\ntarget_group_id = \"Statsig-Checkout-Admin\"", eng)),
			summary: "Invalid Okta id", detail: []string{`target_group_id must be an Okta group id`, `got "Statsig-Checkout-Admin"`}},
		{name: "group_push target_group_id that does not exist", config: r(gp, fmt.Sprintf("source_group_id = %q\ntarget_group_id = \"00g00000000000000000\"", eng)),
			summary: "Target group not found", detail: []string{`Okta has no group with id "00g00000000000000000". Use the id of a Statsig-... group of the Statsig app, or set project and role instead.`}},
		{name: "group_push target_group_id of an Okta group", config: r(gp, fmt.Sprintf("source_group_id = %q\ntarget_group_id = %q", eng, eng)),
			summary: "Target is not a Statsig group", detail: []string{`"Engineering" (` + eng + `, type OKTA_GROUP) is not a group imported from the Statsig app`}},
		{name: "group_push neither target_group_id nor project", config: r(gp, fmt.Sprintf("source_group_id = %q", eng)),
			summary: "Missing Attribute Configuration", detail: []string{"At least one of these attributes must be configured: [target_group_id,project]"}},
		{name: "group_push project without role", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"", eng)),
			summary: "Invalid Attribute Combination", detail: []string{"These attributes must be configured together: [project,role]"}},
		{name: "group_push team without project", config: r(gp, fmt.Sprintf("source_group_id = %q\ntarget_group_id = %q\nteam = \"Growth\"", eng, appGroup)),
			summary: "Invalid Attribute Combination", detail: []string{`Attribute "project" must be specified when "team" is specified`}},
		{name: "group_push project empty", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"\"\nrole = \"Admin\"", eng)),
			summary: "Invalid Statsig name", detail: []string{"project must not be empty."}},
		{name: "group_push role with spaces around", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \" Admin\"", eng)),
			summary: "Invalid Statsig name", detail: []string{`role " Admin" must not start or end with spaces`}},
		{name: "group_push unknown role", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Owner\"", eng)),
			summary: "Statsig group not found", detail: []string{`The Statsig app has no group named "Statsig-Checkout-Owner"`, "Did you mean:"}},
		{name: "group_push unknown project", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Chekout\"\nrole = \"Admin\"", eng)),
			summary: "Statsig group not found", detail: []string{`"Statsig-Chekout-Admin"`, `Did you mean:`, `"Statsig-Checkout-Admin"`}},
		{name: "group_push target_group_id and project disagree", config: r(gp, fmt.Sprintf("source_group_id = %q\ntarget_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"", eng, appGroup)),
			summary: "target_group_id and project name different groups", detail: []string{`project, team and role name "Statsig-Checkout-Admin"`, "but target_group_id is " + appGroup}},
		{name: "group_push status unknown", config: r(gp, fmt.Sprintf("source_group_id = %q\nproject = \"Checkout\"\nrole = \"Admin\"\nstatus = \"PAUSED\"", eng)),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute status value must be one of: ["ACTIVE" "INACTIVE"], got: "PAUSED"`}},

		// Data sources.
		{name: "role_group neither name nor project", config: d("statsigokta_role_group", ""),
			summary: "Missing Attribute Configuration", detail: []string{"Exactly one of these attributes must be configured: [name,project]"}},
		{name: "role_group name and project", config: d("statsigokta_role_group", "name = \"Statsig-Checkout-Admin\"\nproject = \"Checkout\"\nrole = \"Admin\""),
			summary: "Invalid Attribute Combination", detail: []string{"Exactly one of these attributes must be configured: [name,project]"}},
		{name: "role_group name empty", config: d("statsigokta_role_group", `name = ""`),
			summary: "Invalid Attribute Value Length", detail: []string{"Attribute name string length must be at least 1, got: 0"}},
		{name: "role_group name that does not exist", config: d("statsigokta_role_group", `name = "Statsig-Checkout-Owner"`),
			summary: "Statsig group not found", detail: []string{`The Statsig app has no group named "Statsig-Checkout-Owner"`}},
		{name: "role_group role without project", config: d("statsigokta_role_group", "name = \"Statsig-Checkout-Admin\"\nrole = \"Admin\""),
			summary: "Invalid Attribute Combination", detail: []string{"These attributes must be configured together: [project,role]"}},
		{name: "role_group team without project", config: d("statsigokta_role_group", "name = \"Statsig-Checkout-Admin\"\nteam = \"Growth\""),
			summary: "Invalid Attribute Combination", detail: []string{`Attribute "project" must be specified when "team" is specified`}},
		{name: "role_groups project with spaces around", config: d("statsigokta_role_groups", `project = "Checkout "`),
			summary: "Invalid Statsig name", detail: []string{`project "Checkout " must not start or end with spaces`}},
		{name: "role_groups role empty", config: d("statsigokta_role_groups", `role = ""`),
			summary: "Invalid Statsig name", detail: []string{"role must not be empty."}},
		{name: "group_pushes status unknown", config: d("statsigokta_group_pushes", `status = "FAILED"`),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute status value must be one of: ["ACTIVE" "INACTIVE" "ERROR"], got: "FAILED"`}},
		{name: "imported_users status unknown", config: d("statsigokta_imported_users", `statuses = ["ACTIVE", "DONE"]`),
			summary: "Invalid Attribute Value Match", detail: []string{`got: "DONE"`}},
		{name: "imported_users scope unknown", config: d("statsigokta_imported_users", `scope = "ALL"`),
			summary: "Invalid Attribute Value Match", detail: []string{`Attribute scope value must be one of: ["USER" "GROUP"], got: "ALL"`}},
		{name: "imported_users login_prefix empty", config: d("statsigokta_imported_users", `login_prefix = ""`),
			summary: "Invalid Attribute Value Length", detail: []string{"Attribute login_prefix string length must be at least 1, got: 0"}},
	}
}

// functionCases need provider-defined functions: Terraform 1.8+, OpenTofu 1.7+.
func functionCases() []badInput {
	out := func(expr string) string {
		return fmt.Sprintf("output \"x\" {\n  value = %s\n}\n", expr)
	}
	return []badInput{
		{name: "role_group_name empty project", config: out(`provider::statsigokta::role_group_name("", "Admin")`),
			summary: "Invalid function argument", detail: []string{`"project"`, "project must not be empty"}},
		{name: "role_group_name role with spaces around", config: out(`provider::statsigokta::role_group_name("Checkout", "Admin ")`),
			summary: "Invalid function argument", detail: []string{`"role"`, `role "Admin " must not start or end with spaces`}},
		{name: "parse_role_group_name not a Statsig group", config: out(`provider::statsigokta::parse_role_group_name("Engineering", [])`),
			summary: "Invalid function argument", detail: []string{`Invalid value for "name" parameter: "Engineering": not a Statsig role group name (it must start with "Statsig-").`}},
		{name: "parse_role_group_name unknown role", config: out(`provider::statsigokta::parse_role_group_name("Statsig-Checkout-Superuser", [])`),
			summary: "Invalid function argument", detail: []string{`"Statsig-Checkout-Superuser" does not end with a known role`, "(pass custom roles in the second argument)"}},
		{name: "parse_role_group_name empty custom role", config: out(`provider::statsigokta::parse_role_group_name("Statsig-Checkout-Admin", [""])`),
			summary: "Invalid function argument", detail: []string{`"roles"`, "roles[0]: role must not be empty"}},
	}
}

func runBadInputs(t *testing.T, cases []badInput, checks ...tfversion.TerraformVersionCheck) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			factories := testAccProtoV6ProviderFactories
			if tc.env != nil {
				factories = factoriesWithEnv(tc.env)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories,
				TerraformVersionChecks:   checks,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: diagRE(tc.summary, tc.detail...),
				}},
			})
		})
	}
}

func TestAccBadInput_catalogue(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture()})
	expectNoWrites(t, sb) // bad input never writes
	t.Run("provider", func(t *testing.T) { runBadInputs(t, providerCases(t, sb)) })
	t.Run("environment", func(t *testing.T) { runBadInputs(t, environmentCases(t, sb)) })
	t.Run("resources and data sources", func(t *testing.T) { runBadInputs(t, resourceCases(t, sb)) })
	t.Run("functions", func(t *testing.T) {
		runBadInputs(t, functionCases(), tfversion.SkipBelow(tfversion.Version1_8_0))
	})
}
