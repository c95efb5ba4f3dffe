// Package okta is a small typed client for the parts of the Okta Management
// API the provider uses: app user and group assignments, group push mappings,
// groups and users. It is hand-written on net/http, with go-jose for the
// JWS it signs: okta-sdk-golang v6 covers group push but retries a dropped
// POST without limit, refuses P-384 keys and loses the org URL's port
// (measured; see DESIGN.md).
package okta

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// Defaults applied by NewClient.
const (
	DefaultMaxRetries       = 5
	DefaultRequestTimeout   = 30 * time.Second
	DefaultMaxRateLimitWait = 90 * time.Second
	// DefaultTokenSharePercent is the share of an org bucket Okta lets one
	// API token or service app use unless an admin raises it.
	DefaultTokenSharePercent = 50
	// OrgMaxInFlight is Okta's limit on requests in flight per org.
	OrgMaxInFlight = 75
)

// The scopes the provider's writes need.
const (
	ScopeAppsManage   = "okta.apps.manage"
	ScopeGroupsManage = "okta.groups.manage"
)

// DefaultScopes are requested for OAuth when Config.Scopes is empty.
var DefaultScopes = []string{
	"okta.apps.read", "okta.apps.manage",
	"okta.groups.read", "okta.groups.manage",
	"okta.users.read",
}

// Config configures a Client. Exactly one of APIToken, AccessToken or
// ClientID+PrivateKey must be set.
type Config struct {
	// OrgURL is the org's base URL, e.g. https://acme.okta.com. http is only
	// accepted for loopback hosts (tests and the local sandbox).
	OrgURL string
	// APIToken authenticates with "Authorization: SSWS <token>".
	APIToken string
	// AccessToken is an OAuth 2.0 access token obtained elsewhere, sent as
	// "Authorization: Bearer <token>"; it cannot be renewed.
	AccessToken string
	// ClientID, PrivateKey (PEM) and PrivateKeyID configure an OAuth 2.0
	// service app using private_key_jwt client authentication.
	ClientID     string
	PrivateKey   string
	PrivateKeyID string
	// Scopes requested with OAuth; DefaultScopes when empty.
	Scopes []string
	// UserAgent is sent on every request.
	UserAgent string
	// MaxRetries caps retries after the first attempt (default 5; a negative
	// value disables retries).
	MaxRetries int
	// RequestTimeout bounds each attempt (default 30s).
	RequestTimeout time.Duration
	// MaxRateLimitWait caps a single wait for X-Rate-Limit-Reset (default 90s).
	MaxRateLimitWait time.Duration
	// HTTPClient is used for all requests when set.
	HTTPClient *http.Client

	// Pacing holds requests back, per rate-limit bucket, so that a share of
	// each bucket (RateLimitHeadroomPercent) stays free for the org's other
	// API clients and requests do not run into 429s (see pacer.go).
	Pacing bool
	// RateLimitHeadroomPercent is the share (0-90) of each bucket's limit
	// that pacing leaves unused. Ignored without Pacing.
	RateLimitHeadroomPercent int
	// TokenSharePercent is the share of each org bucket this API token or
	// service app may use (Okta's default is 50; 0 means 50, 100 when an
	// admin raised it). Ignored without Pacing.
	TokenSharePercent int
	// RateLimitHeadersPerToken says X-Rate-Limit-Limit reports the token's
	// share, not the org bucket. Which one Okta does is UNCONFIRMED; by
	// default pacing assumes the org bucket and also counts its own
	// requests against the share, which is safe under either reading.
	RateLimitHeadersPerToken bool
	// OnWrite, when set, is called after every request other than GET that
	// Okta applied or may have applied: a 2xx answer, a 5xx answer, or a
	// connection error after the request was sent. method is the HTTP method
	// and path the escaped request path without query, or, for a create
	// that names its object in the body (POST /apps/{id}/users), the path of
	// that object (/apps/{id}/users/{userId}). Caches use it to drop what
	// the write touched.
	OnWrite func(method, path string)
}

// Client calls the Okta Management API. It is safe for concurrent use.
type Client struct {
	baseURL          *url.URL // scheme://host, no path
	httpClient       *http.Client
	userAgent        string
	maxRetries       int
	requestTimeout   time.Duration
	maxRateLimitWait time.Duration
	auth             authenticator
	rateLimits       *rateLimits
	pacing           bool
	headroomPercent  int
	sharePercent     int  // of each bucket this token may use (1-100)
	headersPerToken  bool // X-Rate-Limit-Limit is already the token's share
	inFlight         chan struct{}
	onWrite          func(method, path string)

	// Test hooks: how to wait, the clock, the 5xx backoff range and jitter.
	sleep func(ctx context.Context, d time.Duration) error
	// sleepUntil waits for a point in time (pacing waits for a window's end).
	sleepUntil func(ctx context.Context, t time.Time) error
	now        func() time.Time
	minBackoff time.Duration
	maxBackoff time.Duration
	jitter     func(limit time.Duration) time.Duration
}

// NewClient validates cfg and returns a client. Errors are *ConfigError.
func NewClient(cfg Config) (*Client, error) {
	base, err := parseOrgURL(cfg.OrgURL)
	if err != nil {
		return nil, newClientError(err)
	}
	c := &Client{
		baseURL:          base,
		httpClient:       cfg.HTTPClient,
		userAgent:        cfg.UserAgent,
		maxRetries:       cfg.MaxRetries,
		requestTimeout:   cfg.RequestTimeout,
		maxRateLimitWait: cfg.MaxRateLimitWait,
		rateLimits:       newRateLimits(),
		pacing:           cfg.Pacing,
		headroomPercent:  max(0, min(cfg.RateLimitHeadroomPercent, 90)),
		sharePercent:     cmp.Or(max(0, min(cfg.TokenSharePercent, 100)), DefaultTokenSharePercent),
		headersPerToken:  cfg.RateLimitHeadersPerToken,
		onWrite:          cfg.OnWrite,
		sleep:            apiclient.Sleep,
		now:              time.Now,
		minBackoff:       time.Second,
		maxBackoff:       30 * time.Second,
		jitter:           apiclient.RandomJitter,
	}
	c.sleepUntil = func(ctx context.Context, t time.Time) error { return c.sleep(ctx, t.Sub(c.now())) }
	c.httpClient, c.userAgent, c.maxRetries, c.requestTimeout = apiclient.Defaults(
		c.httpClient, c.userAgent, c.maxRetries, c.requestTimeout, DefaultMaxRetries, DefaultRequestTimeout)
	if c.maxRateLimitWait <= 0 {
		c.maxRateLimitWait = DefaultMaxRateLimitWait
	}
	c.inFlight = make(chan struct{}, c.maxInFlight())
	c.auth, err = newAuthenticator(c, cfg)
	if err != nil {
		return nil, newClientError(err)
	}
	return c, nil
}

// newClientError names the service on configuration errors.
func newClientError(err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		ce.Service = "okta"
	}
	return err
}

// OrgURL returns the normalized org URL.
func (c *Client) OrgURL() string { return c.baseURL.String() }

// AuthMethod returns "SSWS", "OAuth" or "Bearer" (for logs and diagnostics).
func (c *Client) AuthMethod() string { return c.auth.method() }

// GrantedScopes returns the scopes Okta granted the OAuth access token,
// fetching a token when none is cached. ok is false for an API token or an
// access token obtained elsewhere, whose scopes the client cannot know, and
// when Okta's token response named none.
func (c *Client) GrantedScopes(ctx context.Context) (scopes []string, ok bool, err error) {
	a, isOAuth := c.auth.(*oauthAuth)
	if !isOAuth {
		return nil, false, nil
	}
	if _, _, err := a.accessToken(ctx); err != nil {
		return nil, false, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.granted), a.granted != nil, nil
}

// MaxRetries is how many times a call is retried after its first attempt.
// Callers that repeat a write themselves, after looking whether a failed
// attempt was applied, use the same budget.
func (c *Client) MaxRetries() int { return c.maxRetries }

// RequestTimeout is how long the client gives one attempt.
func (c *Client) RequestTimeout() time.Duration { return c.requestTimeout }

func parseOrgURL(raw string) (*url.URL, error) {
	const field = "okta_org_url"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, &ConfigError{Field: field, Summary: "Missing Okta org URL",
			Detail: "Set okta_org_url to your org's URL, e.g. https://acme.okta.com."}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &ConfigError{Field: field, Summary: "Invalid Okta org URL",
			Detail: fmt.Sprintf("%q is not an absolute http(s) URL; expected e.g. https://acme.okta.com.", raw)}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ConfigError{Field: field, Summary: "Invalid Okta org URL",
			Detail: "The org URL must not contain credentials, a query or a fragment; expected e.g. https://acme.okta.com."}
	}
	if u.Scheme == "http" && !apiclient.IsLoopback(u.Hostname()) {
		return nil, &ConfigError{Field: field, Summary: "Insecure Okta org URL",
			Detail: fmt.Sprintf("%q uses http; Okta requires https (http is only allowed for loopback test servers).", raw)}
	}
	if host := u.Hostname(); strings.Contains(host, "-admin.") {
		return nil, &ConfigError{Field: field, Summary: "Okta admin URL given instead of the org URL",
			Detail: fmt.Sprintf("%q is the Admin Console host; use the org URL without \"-admin\" (e.g. https://acme.okta.com).", raw)}
	}
	// The API's own prefix is a common slip (copied from an API call); any
	// other path would send requests to /<path>/api/v1/... and fail obscurely.
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v1")
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if u.Path != "" {
		return nil, &ConfigError{Field: field, Summary: "Invalid Okta org URL",
			Detail: fmt.Sprintf("%q has the path %q; the org URL is the scheme and host only, e.g. https://%s.", raw, u.Path, u.Host)}
	}
	return u, nil
}

// endpoint returns the absolute URL of an API path (already escaped) and query.
func (c *Client) endpoint(escapedPath string, query url.Values) string {
	s := c.baseURL.String() + escapedPath
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s
}

// pathf builds an API path, escaping every argument as one path segment.
// An empty segment would silently address a different resource, so it is an
// error.
func pathf(format string, segments ...string) (string, error) {
	args := make([]any, len(segments))
	for i, s := range segments {
		if s == "" {
			return "", fmt.Errorf("okta: %s: empty id in path", strings.TrimSpace(strings.ReplaceAll(format, "%s", "{}")))
		}
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...), nil
}
