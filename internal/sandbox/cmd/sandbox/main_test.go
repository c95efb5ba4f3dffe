package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// -export prints the provider's variables for exactly one auth method, and
// a shell's eval of the lines sets them (and unsets the other methods').
func TestExportLines(t *testing.T) {
	s := sandbox.New(sandbox.Options{Fixture: sandbox.DefaultFixture()})
	t.Cleanup(s.Close)
	common := []string{"OKTA_ORG_URL", "STATSIGOKTA_APP_ID", "STATSIG_API_URL", "STATSIG_SCIM_TOKEN", "STATSIG_CONSOLE_API_KEY"}
	for auth, own := range map[string][]string{
		"token":        {"OKTA_API_TOKEN"},
		"oauth":        {"OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY_ID", "OKTA_PRIVATE_KEY"},
		"access-token": {"OKTA_ACCESS_TOKEN"},
	} {
		key := t.TempDir() + "/key.pem"
		lines, err := exportLines(s, auth, key)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
			if name, ok := strings.CutPrefix(l, "export "); ok {
				names = append(names, strings.SplitN(name, "=", 2)[0])
			}
		}
		if want := append(slices.Clone(common), own...); !slices.Equal(names, want) {
			t.Errorf("%s: exports %v, want %v", auth, names, want)
		}
		script := "export OKTA_API_CLIENT_ID=leftover OKTA_HTTP_PROXY=http://proxy.example:3128; echo '" + s.PrivateKeyPEM() + "' > " + key + "\n" +
			lines + "echo \"$OKTA_ORG_URL|${OKTA_API_CLIENT_ID:-unset}|${OKTA_HTTP_PROXY:-unset}|${OKTA_PRIVATE_KEY:0:27}\""
		out, err := exec.CommandContext(t.Context(), "bash", "-c", script).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", auth, err, out)
		}
		got := strings.TrimSpace(string(out))
		want := s.OktaURL() + "|unset|unset|"
		if auth == "oauth" {
			want += "-----BEGIN PRIVATE KEY-----"
		}
		if got != want {
			t.Errorf("%s: after eval %q, want %q", auth, got, want)
		}
	}
	if _, err := exportLines(s, "ssws", ""); err == nil {
		t.Error("an unknown -auth was accepted")
	}
}
