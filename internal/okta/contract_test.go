package okta

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

var (
	oktaContractOnce sync.Once
	oktaContract     *sandbox.ContractValidator
	oktaContractErr  error
)

// contractClient returns an HTTP client that validates every Okta API request
// the client sends to sb, and every response it gets, against the published
// OpenAPI contract; violations fail the test when it ends.
func contractClient(t *testing.T, sb *sandbox.Sandbox) *http.Client {
	t.Helper()
	oktaContractOnce.Do(func() {
		oktaContract, oktaContractErr = sandbox.NewContractValidator(sandbox.SpecPath(sandbox.OktaSpec))
	})
	if oktaContractErr != nil {
		t.Fatal(oktaContractErr)
	}
	host := strings.TrimPrefix(sb.OktaURL(), "http://")
	vt := &sandbox.ValidatingTransport{
		Select: func(req *http.Request) *sandbox.ContractValidator {
			if req.URL.Host != host || !strings.HasPrefix(req.URL.Path, "/api/") {
				return nil // the token endpoint is not in the subset spec
			}
			return oktaContract
		},
		// Injected 5xx faults are deliberately off-spec proxy errors (text/plain 502/503).
		SkipResponse: func(status int) bool { return status >= 500 },
	}
	t.Cleanup(func() {
		for _, err := range vt.Errors() {
			t.Errorf("contract: %v", err)
		}
	})
	return &http.Client{Transport: vt}
}
