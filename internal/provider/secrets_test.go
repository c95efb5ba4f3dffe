package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// The secret scan: a whole plan, apply, plan and destroy runs with
// TF_LOG=TRACE written to a file, through the real provider binary (so the
// provider's own DEBUG and TRACE lines land in the log the way a user's do),
// with an API token and with an OAuth service app using DPoP, a Statsig SCIM
// token and a Console API key, under injected faults so that retries and
// errors are logged too. Then runs that fail on a wrong credential or a
// missing scope. The log files, the state files, `show -json` and every line
// the CLI printed are scanned for every credential: the API token, the SCIM
// token, the Console key, any 40-character piece of the private key, and
// every access token, client assertion and DPoP proof the sandbox issued or
// received.

type secret struct{ what, value string }

// pemChunks returns every 40-character piece of a PEM key's base64 body.
func pemChunks(what, pemText string) []secret {
	var body strings.Builder
	for _, line := range strings.Split(pemText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "-----") {
			body.WriteString(line)
		}
	}
	b := body.String()
	var out []secret
	for i := 0; i+40 <= len(b); i++ {
		out = append(out, secret{fmt.Sprintf("%s (characters %d-%d of its body)", what, i, i+40), b[i : i+40]})
	}
	return out
}

// jwtSecrets returns a JWT and its signature (a leak of the signature alone
// is a leak too).
func jwtSecrets(what, jwt string) []secret {
	out := []secret{{what, jwt}}
	if i := strings.LastIndexByte(jwt, '.'); i >= 0 && len(jwt)-i > 20 {
		out = append(out, secret{what + " (signature)", jwt[i+1:]})
	}
	return out
}

// scanned is one text that must hold no secret.
type scanned struct{ name, text string }

// findLeaks returns, for each text, each secret it contains.
func findLeaks(texts []scanned, secrets []secret) []string {
	var leaks []string
	for _, tx := range texts {
		for _, s := range secrets {
			if i := strings.Index(tx.text, s.value); i >= 0 {
				lo, hi := max(0, i-80), min(len(tx.text), i+len(s.value)+20)
				leaks = append(leaks, fmt.Sprintf("%s contains %s: ...%s...", tx.name, s.what, tx.text[lo:hi]))
			}
		}
	}
	return leaks
}

func scanForSecrets(t *testing.T, texts []scanned, secrets []secret) {
	t.Helper()
	for _, s := range secrets {
		if len(s.value) < 8 {
			t.Fatalf("secret %s is too short to scan for", s.what)
		}
	}
	leaks := findLeaks(texts, secrets)
	for i, l := range leaks {
		if i == 10 {
			t.Errorf("... %d leaks in all", len(leaks))
			break
		}
		t.Error(l)
	}
}

// authHeaderValue matches an Authorization header logged with its value.
var authHeaderValue = regexp.MustCompile(`(?i)authorization"?\s*[:=]\s*"?(SSWS|Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}`)

func TestAccSecrets_traceLogStateAndErrors(t *testing.T) {
	t.Parallel()
	for _, variant := range []string{"api-token", "oauth-dpop", "access-token"} {
		t.Run(variant, func(t *testing.T) {
			sb := newTestSandbox(t, sandbox.Options{Fixture: pushFixture(),
				// Retries and their errors are logged too.
				Faults: sandbox.Faults{Seed: 5, Rate5xx: 0.05, RateReset: 0.03, Rate429: 0.03}})
			auth := fmt.Sprintf("okta_api_token = %q", sb.APIToken())
			if variant == "oauth-dpop" {
				sb.SetDPoPRequired(true)
				auth = fmt.Sprintf("okta_client_id = %q\n  okta_private_key = %q\n  okta_private_key_id = %q",
					sb.ClientID(), sb.PrivateKeyPEM(), sb.PrivateKeyID())
			}
			accessToken := sb.IssueAccessToken(sandbox.DefaultGrantedScopes...)
			if variant == "access-token" {
				auth = fmt.Sprintf("okta_access_token = %q", accessToken)
			}
			consoleKey := sb.StatsigConsoleKeyFor("Checkout")
			provider := func(auth, scim, console string) string {
				return fmt.Sprintf(`provider "statsigokta" {
  okta_org_url            = %q
  %s
  app_id                  = %q
  statsig_api_url         = %q
  statsig_scim_token      = %q
  statsig_console_api_key = %q
}
`, sb.OktaURL(), auth, sb.AppID(), sb.StatsigURL(), scim, console)
			}
			resources := fmt.Sprintf(`
resource "statsigokta_user_assignment" "bob" {
  login    = "bob@example.com"
  org_role = "Admin"
}
resource "statsigokta_group_assignment" "platform" {
  group_id = %q
}
resource "statsigokta_group_push" "platform" {
  source_group_id = %q
  project         = "Checkout"
  role            = "Member"
}
data "statsigokta_imported_users" "all" {}
data "statsigokta_role_groups" "checkout" {
  project = "Checkout"
}
`, groupID(t, sb, "Platform"), groupID(t, sb, "Platform"))

			c := newCLIRun(t)
			logPath := filepath.Join(t.TempDir(), "trace.log")
			c.env = append(c.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath)
			var texts []scanned
			record := func(name, out string) { texts = append(texts, scanned{name, out}) }

			// The whole lifecycle.
			c.writeConfig(provider(auth, sb.StatsigSCIMToken(), consoleKey) + resources)
			record("plan output", c.mustRun("plan", "-input=false"))
			record("apply output", c.mustRun("apply", "-auto-approve", "-input=false"))
			record("second plan output", c.mustRun("plan", "-input=false"))
			record("show -json", c.mustRun("show", "-json"))
			for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
				if data, err := os.ReadFile(filepath.Join(c.dir, f)); err == nil {
					record(f, string(data))
				}
			}
			record("destroy output", c.mustRun("destroy", "-auto-approve", "-input=false"))
			if data, err := os.ReadFile(filepath.Join(c.dir, "terraform.tfstate")); err == nil {
				record("terraform.tfstate after destroy", string(data))
			}

			// Runs that fail on a credential: each error message is scanned.
			sb.SetFaults(sandbox.Faults{})
			wrongToken := "00Wrong" + strings.Repeat("x", 35)
			wrongSCIM := "scim-wrong" + strings.Repeat("y", 30)
			wrongConsole := "console-wrong" + strings.Repeat("z", 30)
			// Wrong Statsig keys only warn (Statsig is read to confirm), and
			// Statsig's 401 repeats the key it was sent: the warning must not.
			c.writeConfig(provider(auth, wrongSCIM, wrongConsole) + resources)
			out := c.mustRun("plan", "-input=false")
			if !strings.Contains(out, "Key: [redacted]") {
				t.Errorf("the plan with a wrong Console key does not show Statsig's answer redacted:\n%s", out)
			}
			record("output of the plan with wrong Statsig keys", out)
			var failing []struct{ name, config string }
			wrongAccess := "eyWrong" + strings.Repeat("w", 40)
			switch variant {
			case "access-token":
				failing = append(failing, struct{ name, config string }{"wrong access token",
					provider(fmt.Sprintf("okta_access_token = %q", wrongAccess), sb.StatsigSCIMToken(), consoleKey) + resources})
			case "api-token":
				failing = append(failing, struct{ name, config string }{"wrong API token",
					provider(fmt.Sprintf("okta_api_token = %q", wrongToken), sb.StatsigSCIMToken(), consoleKey) + resources})
			default:
				failing = append(failing,
					struct{ name, config string }{"key id Okta does not know",
						provider(fmt.Sprintf("okta_client_id = %q\n  okta_private_key = %q\n  okta_private_key_id = \"unknown-kid\"",
							sb.ClientID(), sb.PrivateKeyPEM()), sb.StatsigSCIMToken(), consoleKey) + resources},
					struct{ name, config string }{"scope not granted",
						provider(auth+"\n  okta_scopes = [\"okta.apps.read\", \"okta.apps.manage\", \"okta.groups.read\", \"okta.groups.manage\", \"okta.users.read\", \"okta.logs.read\"]",
							sb.StatsigSCIMToken(), consoleKey) + resources})
			}
			for _, f := range failing {
				c.writeConfig(f.config)
				out, code := c.run("apply", "-auto-approve", "-input=false")
				if code == 0 {
					t.Errorf("%s: apply succeeded, want an error:\n%s", f.name, out)
				}
				record("output of the failing run ("+f.name+")", out)
			}

			logData, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			log := string(logData)
			record("TF_LOG=TRACE log", log)
			// The provider's own lines are in the log, at DEBUG and TRACE,
			// with the Authorization header masked.
			masked := "authorization=\"SSWS [redacted]\""
			switch variant {
			case "oauth-dpop":
				masked = "authorization=\"DPoP [redacted]"
			case "access-token":
				masked = "authorization=\"Bearer [redacted]\""
			}
			for _, want := range []string{"Okta API request", "Statsig API request", "@module=statsigokta", masked} {
				if !strings.Contains(log, want) {
					t.Errorf("the TRACE log has no %q: the provider's logs were not captured", want)
				}
			}

			secrets := []secret{
				{"the Okta API token", sb.APIToken()},
				{"the Statsig SCIM token", sb.StatsigSCIMToken()},
				{"the Statsig Console API key", consoleKey},
				{"the wrong API token", wrongToken},
				{"the wrong SCIM token", wrongSCIM},
				{"the wrong Console API key", wrongConsole},
				{"the access token obtained elsewhere", accessToken},
				{"the wrong access token", wrongAccess},
			}
			secrets = append(secrets, pemChunks("the RSA private key", sb.PrivateKeyPEM())...)
			issued := sb.IssuedSecrets()
			for _, v := range issued {
				if strings.Count(v, ".") == 2 {
					secrets = append(secrets, jwtSecrets("a client assertion or DPoP proof", v)...)
				} else {
					secrets = append(secrets, secret{"an access token the sandbox issued", v})
				}
			}
			if variant == "oauth-dpop" && len(issued) < 3 {
				t.Fatalf("the sandbox saw only %d OAuth credentials; the OAuth run did not happen", len(issued))
			}
			// The scanner finds a planted leak: a line of the key, or a token
			// in a longer string.
			keyLine := strings.Split(sb.PrivateKeyPEM(), "\n")[5]
			canary := []scanned{{"canary", "x" + keyLine[3:50] + "y"}, {"canary", "Bearer" + sb.StatsigSCIMToken() + "."}}
			if n := len(findLeaks(canary, secrets)); n < 2 {
				t.Fatalf("the scanner found %d of the planted leaks", n)
			}
			start := time.Now()
			scanForSecrets(t, texts, secrets)
			for _, tx := range texts {
				if m := authHeaderValue.FindString(tx.text); m != "" {
					t.Errorf("%s logs an Authorization header with its value: %s", tx.name, m)
				}
			}
			size := 0
			for _, tx := range texts {
				size += len(tx.text)
			}
			t.Logf("%s: scanned %d texts (%d KB, the TRACE log %d KB) for %d secrets (%d issued or received by the sandbox) in %s: none found",
				variant, len(texts), size/1024, len(log)/1024, len(secrets), len(issued), time.Since(start).Round(time.Millisecond))
		})
	}
}
