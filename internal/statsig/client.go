// Package statsig is a small read-only client for Statsig's SCIM 2.0 API
// (org-wide, SCIM token) and Console API (per project, Console API key),
// used to confirm that what Okta provisioned arrived in Statsig.
package statsig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// Defaults applied by NewClient.
const (
	DefaultBaseURL        = "https://statsigapi.net"
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 30 * time.Second
	// ConsoleAPIVersion is sent as STATSIG-API-VERSION.
	ConsoleAPIVersion = "20240601"
)

// Config configures a Client. Either credential may be empty; calls that
// need a missing one fail with a clear error (see HasSCIM, HasConsole).
type Config struct {
	BaseURL        string // default https://statsigapi.net; http only for loopback
	SCIMToken      string // org SCIM key ("scim-..."), sent as Bearer
	ConsoleAPIKey  string // project Console API key ("console-...")
	UserAgent      string
	HTTPClient     *http.Client
	MaxRetries     int           // retries after the first attempt; default 5, negative disables
	RequestTimeout time.Duration // per attempt; default 30s
}

// Client calls Statsig. It is safe for concurrent use.
type Client struct {
	baseURL        *url.URL
	scimToken      string
	consoleKey     string
	userAgent      string
	httpClient     *http.Client
	maxRetries     int
	requestTimeout time.Duration

	// Test hooks.
	sleep      func(ctx context.Context, d time.Duration) error
	minBackoff time.Duration
	maxBackoff time.Duration
}

// NewClient validates cfg. Errors are *ConfigError.
func NewClient(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:        base,
		scimToken:      strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.SCIMToken), "Bearer ")),
		consoleKey:     strings.TrimSpace(cfg.ConsoleAPIKey),
		userAgent:      cfg.UserAgent,
		httpClient:     cfg.HTTPClient,
		maxRetries:     cfg.MaxRetries,
		requestTimeout: cfg.RequestTimeout,
		sleep:          apiclient.Sleep,
		minBackoff:     time.Second,
		maxBackoff:     30 * time.Second,
	}
	if hasSpace(c.scimToken) {
		return nil, &ConfigError{Service: "statsig", Field: "statsig_scim_token", Summary: "Invalid Statsig SCIM token", Detail: "The token contains whitespace or control characters."}
	}
	if hasSpace(c.consoleKey) {
		return nil, &ConfigError{Service: "statsig", Field: "statsig_console_api_key", Summary: "Invalid Statsig Console API key", Detail: "The key contains whitespace or control characters."}
	}
	c.httpClient, c.userAgent, c.maxRetries, c.requestTimeout = apiclient.Defaults(
		c.httpClient, c.userAgent, c.maxRetries, c.requestTimeout, DefaultMaxRetries, DefaultRequestTimeout)
	return c, nil
}

// HasSCIM reports whether a SCIM token is configured.
func (c *Client) HasSCIM() bool { return c.scimToken != "" }

// HasConsole reports whether a Console API key is configured.
func (c *Client) HasConsole() bool { return c.consoleKey != "" }

func hasSpace(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}

func parseBaseURL(raw string) (*url.URL, error) {
	const field = "statsig_base_url"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ConfigError{Service: "statsig", Field: field, Summary: "Invalid Statsig base URL",
			Detail: fmt.Sprintf("%q is not an absolute http(s) URL without credentials or query; expected e.g. %s.", raw, DefaultBaseURL)}
	}
	if u.Scheme == "http" && !apiclient.IsLoopback(u.Hostname()) {
		return nil, &ConfigError{Service: "statsig", Field: field, Summary: "Insecure Statsig base URL",
			Detail: fmt.Sprintf("%q uses http; only loopback test servers may.", raw)}
	}
	// The SCIM and Console paths are appended; accept a base given with
	// either suffix, as Statsig's own docs show both forms.
	u.Path = strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/scim", "/console/v1"} {
		u.Path = strings.TrimSuffix(u.Path, suffix)
	}
	u.RawPath = ""
	return u, nil
}

type api int

const (
	apiSCIM api = iota
	apiConsole
)

// get performs a GET with retries on 429, 5xx and connection errors, and
// decodes the JSON body into out.
func (c *Client) get(ctx context.Context, which api, path string, query url.Values, out any) error {
	switch {
	case which == apiSCIM && !c.HasSCIM():
		return fmt.Errorf("statsig: GET %s: no SCIM token configured", path)
	case which == apiConsole && !c.HasConsole():
		return fmt.Errorf("statsig: GET %s: no Console API key configured", path)
	}
	target := c.baseURL.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	for attempt := 1; ; attempt++ {
		status, header, body, err := c.attempt(ctx, which, target)
		var lastErr error
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return fmt.Errorf("statsig: GET %s: %w", path, ctx.Err())
			}
			lastErr = fmt.Errorf("statsig: GET %s: %w", path, c.redactErr(err))
			wait = c.backoff(attempt)
		case status < 300:
			tflog.Debug(ctx, "Statsig API request", map[string]any{"method": "GET", "path": path, "status": status, "attempt": attempt})
			if out == nil || len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("statsig: GET %s: decoding response: %w", path, err)
			}
			return nil
		case status == http.StatusTooManyRequests || status >= 500:
			apiErr := newAPIError(http.MethodGet, path, status, body)
			apiErr.Message = c.redact(apiErr.Message)
			lastErr = apiErr
			wait = c.backoff(attempt)
			if s, err := strconv.Atoi(header.Get("Retry-After")); err == nil && s >= 0 {
				wait = min(time.Duration(s)*time.Second, 2*c.maxBackoff)
			}
		default:
			tflog.Debug(ctx, "Statsig API request", map[string]any{"method": "GET", "path": path, "status": status, "attempt": attempt})
			apiErr := newAPIError(http.MethodGet, path, status, body)
			apiErr.Message = c.redact(apiErr.Message)
			return apiErr
		}
		fields := map[string]any{"method": "GET", "path": path, "attempt": attempt}
		if status != 0 {
			fields["status"] = status
		}
		if attempt > c.maxRetries {
			tflog.Debug(ctx, "Statsig API request", fields)
			return lastErr
		}
		fields["retry_wait"] = wait.String()
		tflog.Debug(ctx, "Statsig API request", fields)
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("statsig: GET %s: %w while waiting to retry (last error: %w)", path, err, lastErr)
		}
	}
}

func (c *Client) attempt(ctx context.Context, which api, target string) (int, http.Header, []byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	switch which {
	case apiSCIM:
		req.Header.Set("Accept", "application/scim+json, application/json")
		req.Header.Set("Authorization", "Bearer "+c.scimToken)
	case apiConsole:
		req.Header.Set("Accept", "application/json")
		req.Header.Set("STATSIG-API-KEY", c.consoleKey)
		req.Header.Set("STATSIG-API-VERSION", ConsoleAPIVersion)
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return 0, nil, nil, apiclient.ScrubURLError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, apiclient.ScrubURLError(err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// redact removes our credentials from text that came from the server, in
// case an error message echoes the key it rejected.
func (c *Client) redact(s string) string {
	for _, secret := range []string{c.scimToken, c.consoleKey} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

func (c *Client) redactErr(err error) error {
	msg := err.Error()
	if r := c.redact(msg); r != msg {
		return errors.New(r)
	}
	return err
}

func (c *Client) backoff(attempt int) time.Duration {
	return apiclient.Backoff(attempt, c.minBackoff, c.maxBackoff, apiclient.RandomJitter)
}
