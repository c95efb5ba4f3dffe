package statsig

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// ConfigError reports invalid client configuration, on the provider
// attribute it concerns (shared with the Okta client).
type ConfigError = apiclient.ConfigError

// APIError is a non-2xx answer from Statsig.
type APIError struct {
	StatusCode int
	Method     string
	Path       string // without the query string
	Message    string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("statsig: %s %s: %d %s", e.Method, e.Path, e.StatusCode, msg)
}

// AsAPIError unwraps err to an *APIError.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool {
	e, ok := AsAPIError(err)
	return ok && e.StatusCode == http.StatusNotFound
}

// IsUnauthorized reports a 401 or 403 (bad, revoked or under-scoped key).
func IsUnauthorized(err error) bool {
	e, ok := AsAPIError(err)
	return ok && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// IsRateLimited reports a 429 that survived all retries.
func IsRateLimited(err error) bool {
	e, ok := AsAPIError(err)
	return ok && e.StatusCode == http.StatusTooManyRequests
}

// newAPIError reads Console ({status,message}) and SCIM ({detail}) errors.
func newAPIError(method, path string, status int, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	var eb struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
		Errors  any    `json:"errors"`
	}
	if json.Unmarshal(body, &eb) == nil {
		switch {
		case eb.Message != "":
			e.Message = eb.Message
		case eb.Detail != "":
			e.Message = eb.Detail
		}
	}
	if e.Message == "" {
		s := strings.TrimSpace(string(body))
		if s != "" && utf8.ValidString(s) && !strings.HasPrefix(s, "{") {
			if len(s) > 200 {
				s = s[:200] + "…"
			}
			e.Message = s
		}
	}
	return e
}
