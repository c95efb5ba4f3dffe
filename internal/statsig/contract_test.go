package statsig

import (
	"bytes"
	"io"
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

// contractTransport validates every request the client sends to the sandbox
// against the published SCIM or Console contract, and every response except
// injected faults (429 and 5xx, which the sandbox makes deliberately
// off-spec to test resilience).
type contractTransport struct {
	host string
	mu   sync.Mutex
	errs []error
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var v *sandbox.ContractValidator
	switch {
	case req.URL.Host != ct.host:
	case strings.HasPrefix(req.URL.Path, "/scim/"):
		v = scimContract
	case strings.HasPrefix(req.URL.Path, "/console/"):
		v = consoleSpec
	}
	if v == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	ct.check(v.ValidateRequest(req, nil)) // the client only sends GETs
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return res, err
	}
	if res.StatusCode != http.StatusTooManyRequests && res.StatusCode < 500 {
		ct.check(v.ValidateResponse(req, res.StatusCode, res.Header, body))
	}
	return res, nil
}

func (ct *contractTransport) check(err error) {
	if err != nil {
		ct.mu.Lock()
		ct.errs = append(ct.errs, err)
		ct.mu.Unlock()
	}
}

// contractClient returns an HTTP client validating traffic to sb's Statsig;
// violations fail the test when it ends.
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
	ct := &contractTransport{host: strings.TrimPrefix(sb.StatsigURL(), "http://")}
	t.Cleanup(func() {
		ct.mu.Lock()
		defer ct.mu.Unlock()
		for _, err := range ct.errs {
			t.Errorf("contract: %v", err)
		}
	})
	return &http.Client{Transport: ct}
}
