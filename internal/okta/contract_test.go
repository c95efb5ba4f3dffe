package okta

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
	oktaContractOnce sync.Once
	oktaContract     *sandbox.ContractValidator
	oktaContractErr  error
)

// contractTransport checks every Okta API request the client sends, and
// every response it gets, against the published OpenAPI contract. Responses
// with status >= 500 are exempt: the sandbox injects deliberately off-spec
// proxy errors (text/plain 502/503) to test the client's resilience.
type contractTransport struct {
	v    *sandbox.ContractValidator
	host string

	mu   sync.Mutex
	errs []error
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != ct.host || !strings.HasPrefix(req.URL.Path, "/api/") {
		return http.DefaultTransport.RoundTrip(req) // the token endpoint is not in the subset spec
	}
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	ct.check(ct.v.ValidateRequest(req, body))
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return res, err
	}
	rb, err := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(rb))
	if err != nil {
		return res, err
	}
	if res.StatusCode < 500 {
		ct.check(ct.v.ValidateResponse(req, res.StatusCode, res.Header, rb))
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

// contractClient returns an HTTP client that validates traffic to sb's Okta
// against the contract; violations fail the test when it ends.
func contractClient(t *testing.T, sb *sandbox.Sandbox) *http.Client {
	t.Helper()
	oktaContractOnce.Do(func() {
		oktaContract, oktaContractErr = sandbox.NewContractValidator(sandbox.SpecPath(sandbox.OktaSpec))
	})
	if oktaContractErr != nil {
		t.Fatal(oktaContractErr)
	}
	ct := &contractTransport{v: oktaContract, host: strings.TrimPrefix(sb.OktaURL(), "http://")}
	t.Cleanup(func() {
		ct.mu.Lock()
		defer ct.mu.Unlock()
		for _, err := range ct.errs {
			t.Errorf("contract: %v", err)
		}
	})
	return &http.Client{Transport: ct}
}
