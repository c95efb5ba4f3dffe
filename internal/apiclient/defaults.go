package apiclient

import (
	"net/http"
	"time"
)

// Defaults fills in what a client's configuration left unset: an HTTP
// client, the User-Agent, the retry budget (0: defRetries; below 0: none)
// and the per-attempt timeout (0 or less: defTimeout).
func Defaults(hc *http.Client, userAgent string, maxRetries int, timeout time.Duration,
	defRetries int, defTimeout time.Duration,
) (*http.Client, string, int, time.Duration) {
	if hc == nil {
		hc = &http.Client{}
	}
	if userAgent == "" {
		userAgent = "terraform-provider-statsigokta"
	}
	switch {
	case maxRetries == 0:
		maxRetries = defRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	if timeout <= 0 {
		timeout = defTimeout
	}
	return hc, userAgent, maxRetries, timeout
}
