package okta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// Okta error codes the provider reacts to.
const (
	ErrCodeValidation          = "E0000001"
	ErrCodeAccessDenied        = "E0000006"
	ErrCodeNotFound            = "E0000007"
	ErrCodeInvalidToken        = "E0000011"
	ErrCodeFeatureNotEnabled   = "E0000015"
	ErrCodeDeactivateForbidden = "E0000046" // unassigning a user whose group membership grants the app
	ErrCodeRateLimit           = "E0000047"
	ErrCodeMappedAttribute     = "E0000075"
)

// ConfigError reports invalid client configuration, on the provider
// attribute it concerns (shared with the Statsig client).
type ConfigError = apiclient.ConfigError

// ErrorCause is one entry of an Okta error's errorCauses.
type ErrorCause struct {
	ErrorSummary string `json:"errorSummary"`
}

// APIError is a non-2xx answer from Okta (including the token endpoint, whose
// OAuth "error"/"error_description" land in ErrorCode/ErrorSummary).
type APIError struct {
	StatusCode   int
	Method       string
	Path         string // without the query string
	ErrorCode    string
	ErrorSummary string
	ErrorLink    string
	ErrorID      string
	ErrorCauses  []ErrorCause
	// RequiredScope is the scope named by WWW-Authenticate on a 403 for an
	// OAuth token that lacks it.
	RequiredScope string
	// RetryAfter is how long Okta asked us to wait (429 only).
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "okta: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if e.ErrorSummary != "" {
		b.WriteString(" " + e.ErrorSummary)
	}
	if len(e.ErrorCauses) > 0 {
		causes := make([]string, 0, len(e.ErrorCauses))
		for _, c := range e.ErrorCauses {
			if c.ErrorSummary != "" {
				causes = append(causes, c.ErrorSummary)
			}
		}
		if len(causes) > 0 {
			b.WriteString(": " + strings.Join(causes, "; "))
		}
	}
	if e.RequiredScope != "" {
		fmt.Fprintf(&b, " (missing OAuth scope %s)", e.RequiredScope)
	}
	if e.ErrorID != "" {
		fmt.Fprintf(&b, " [errorId %s]", e.ErrorID)
	}
	return b.String()
}

// AsAPIError unwraps err to an *APIError.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr, true
	}
	return nil, false
}

// IsNotFound reports a 404 (E0000007).
func IsNotFound(err error) bool {
	e, ok := AsAPIError(err)
	return ok && (e.StatusCode == http.StatusNotFound || e.ErrorCode == ErrCodeNotFound)
}

// IsRateLimited reports a 429 (E0000047) that survived all retries.
func IsRateLimited(err error) bool {
	e, ok := AsAPIError(err)
	return ok && (e.StatusCode == http.StatusTooManyRequests || e.ErrorCode == ErrCodeRateLimit)
}

// IsForbidden reports a 403.
func IsForbidden(err error) bool {
	e, ok := AsAPIError(err)
	return ok && e.StatusCode == http.StatusForbidden
}

// HasErrorCode reports whether err is an Okta error with the given code.
func HasErrorCode(err error, code string) bool {
	e, ok := AsAPIError(err)
	return ok && e.ErrorCode == code
}

// oktaErrorBody is both Okta's error JSON and OAuth's token-endpoint error.
type oktaErrorBody struct {
	ErrorCode        string       `json:"errorCode"`
	ErrorSummary     string       `json:"errorSummary"`
	ErrorLink        string       `json:"errorLink"`
	ErrorID          string       `json:"errorId"`
	ErrorCauses      []ErrorCause `json:"errorCauses"`
	OAuthError       string       `json:"error"`
	OAuthDescription string       `json:"error_description"`
}

// NotFoundError is the error a 404 of method path would be, for caches that
// know the answer without asking (okta.IsNotFound reports it).
func NotFoundError(method, path string) error {
	return &APIError{StatusCode: http.StatusNotFound, Method: method, Path: path, ErrorCode: ErrCodeNotFound,
		ErrorSummary: "Not found (answered from this command's listing)"}
}

// newAPIError builds an APIError from a response. The body is Okta's, never
// ours, so it holds no credentials; non-JSON bodies are truncated.
func newAPIError(method, path string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path}
	var eb oktaErrorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		e.ErrorCode = eb.ErrorCode
		e.ErrorSummary = eb.ErrorSummary
		e.ErrorLink = eb.ErrorLink
		e.ErrorID = eb.ErrorID
		e.ErrorCauses = eb.ErrorCauses
		if e.ErrorCode == "" && eb.OAuthError != "" {
			e.ErrorCode = eb.OAuthError
			e.ErrorSummary = eb.OAuthDescription
		}
	}
	if e.ErrorCode == "" && e.ErrorSummary == "" {
		e.ErrorSummary = summarizeBody(status, body)
	}
	if status == http.StatusForbidden || status == http.StatusUnauthorized {
		params := parseWWWAuthenticate(header.Values("WWW-Authenticate"))
		if status == http.StatusForbidden {
			e.RequiredScope = params["scope"]
		}
		if e.ErrorCode == "" && params["error"] != "" {
			e.ErrorCode = params["error"]
			e.ErrorSummary = params["error_description"]
		}
	}
	return e
}

func summarizeBody(status int, body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" || !utf8.ValidString(s) {
		return http.StatusText(status)
	}
	const maxLen = 200
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	return s
}

// parseWWWAuthenticate returns the auth-params of WWW-Authenticate challenges,
// e.g. `Bearer realm="x", error="insufficient_scope", scope="okta.apps.manage"`.
// Later challenges do not override earlier values.
func parseWWWAuthenticate(values []string) map[string]string {
	params := map[string]string{}
	for _, v := range values {
		s := v
		for len(s) > 0 {
			s = strings.TrimLeft(s, " ,")
			eq := strings.IndexAny(s, "=, ")
			if eq < 0 {
				break
			}
			if s[eq] != '=' {
				// An auth scheme name ("Bearer", "DPoP") or a token68: skip it.
				s = s[eq:]
				continue
			}
			key := strings.ToLower(strings.TrimSpace(s[:eq]))
			s = s[eq+1:]
			var val string
			if strings.HasPrefix(s, `"`) {
				var b strings.Builder
				i := 1
				for ; i < len(s); i++ {
					if s[i] == '\\' && i+1 < len(s) {
						i++
						b.WriteByte(s[i])
						continue
					}
					if s[i] == '"' {
						break
					}
					b.WriteByte(s[i])
				}
				val = b.String()
				if i < len(s) {
					i++
				}
				s = s[i:]
			} else {
				end := strings.IndexAny(s, ", ")
				if end < 0 {
					end = len(s)
				}
				val, s = s[:end], s[end:]
			}
			if _, dup := params[key]; !dup {
				params[key] = val
			}
		}
	}
	return params
}
