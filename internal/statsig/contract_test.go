package statsig

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

var (
	contractOnce              sync.Once
	scimContract, consoleSpec *sandbox.ContractValidator
	contractErr               error
)

// contractClient returns an HTTP client that validates every request the
// client sends to sb's Statsig, and every response except injected faults,
// against the published SCIM or Console contract; violations fail the test
// when it ends.
func contractClient(t *testing.T, sb *sandbox.Sandbox) *http.Client {
	t.Helper()
	contractOnce.Do(func() {
		scimContract, contractErr = sandbox.NewContractValidator(sandbox.SpecPath(sandbox.StatsigSCIMSpec))
		if contractErr == nil {
			consoleSpec, contractErr = sandbox.NewContractValidator(sandbox.SpecPath(sandbox.StatsigConsoleSpec))
		}
	})
	if contractErr != nil {
		t.Fatal(contractErr)
	}
	host := strings.TrimPrefix(sb.StatsigURL(), "http://")
	vt := &sandbox.ValidatingTransport{
		Select: func(req *http.Request) *sandbox.ContractValidator {
			switch {
			case req.URL.Host != host:
				return nil
			case strings.HasPrefix(req.URL.Path, "/scim/"):
				return scimContract
			case strings.HasPrefix(req.URL.Path, "/console/"):
				return consoleSpec
			}
			return nil
		},
		// Injected faults (429 and 5xx) are deliberately off-spec.
		SkipResponse: func(status int) bool { return status == http.StatusTooManyRequests || status >= 500 },
	}
	t.Cleanup(func() {
		for _, err := range vt.Errors() {
			t.Errorf("contract: %v", err)
		}
	})
	return &http.Client{Transport: vt}
}
