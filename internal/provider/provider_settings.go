package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/net/http/httpproxy"
)

// Where each provider argument comes from: the configuration first, then the
// environment variables listed for it, in order (ours, then
// terraform-provider-okta's, so a workspace that already runs okta/okta
// needs nothing new but the app id). Every value goes through the same
// check whatever its source, and a refusal names the attribute and, for a
// value from the environment, the variable.

// terraform-provider-okta's variables, read after ours.
const (
	envOktaOrgName      = "OKTA_ORG_NAME"
	envOktaBaseURL      = "OKTA_BASE_URL"
	envOktaClientID     = "OKTA_API_CLIENT_ID"
	envOktaPrivateKey   = "OKTA_API_PRIVATE_KEY"
	envOktaPrivateKeyID = "OKTA_API_PRIVATE_KEY_ID"
	envOktaScopes       = "OKTA_API_SCOPES"
	envAccessToken      = "OKTA_ACCESS_TOKEN"
	envOktaHTTPProxy    = "OKTA_HTTP_PROXY"
	// terraform-provider-okta's default for base_url.
	defaultOktaBaseURL = "okta.com"
)

// setting is one argument's text and where it came from: the attribute's
// name, or the environment variable it was read from.
type setting struct {
	text, from, attr string
	inConfig         bool // set in the configuration, possibly to ""
}

// set reports whether the argument has a value.
func (s setting) set() bool { return s.text != "" }

// given reports whether the argument is to be checked: any value in the
// configuration ("" included), or a non-empty variable (an empty one
// counts as unset).
func (s setting) given() bool { return s.set() || s.inConfig }

// resolver reads arguments from the configuration, then the environment.
type resolver struct {
	ctx        context.Context
	getenv     func(string) string
	anyUnknown bool
}

// value reads one attribute: unknown (then Configure waits for apply), set
// in the configuration (text renders it), or else from the environment.
func (r *resolver) value(v attr.Value, text func() string, name string, envs ...string) setting {
	switch {
	case v.IsUnknown():
		r.anyUnknown = true
		return setting{from: name, attr: name}
	case !v.IsNull():
		return setting{text: text(), from: name, attr: name, inConfig: true}
	}
	return r.env(name, envs...)
}

func (r *resolver) env(attr string, envs ...string) setting {
	for _, e := range envs {
		if t := strings.TrimSpace(r.getenv(e)); t != "" {
			return setting{text: t, from: e, attr: attr}
		}
	}
	return setting{from: attr, attr: attr}
}

func (r *resolver) str(v types.String, name string, envs ...string) setting {
	return r.value(v, v.ValueString, name, envs...)
}

func (r *resolver) int(v types.Int64, name string, envs ...string) setting {
	return r.value(v, func() string { return strconv.FormatInt(v.ValueInt64(), 10) }, name, envs...)
}

func (r *resolver) bool(v types.Bool, name string, envs ...string) setting {
	return r.value(v, func() string { return strconv.FormatBool(v.ValueBool()) }, name, envs...)
}

// orgURL is okta_org_url, OKTA_ORG_URL, or terraform-provider-okta's
// OKTA_ORG_NAME + OKTA_BASE_URL (https://<org_name>.<base_url>).
func (r *resolver) orgURL(v types.String) setting {
	if s := r.str(v, "okta_org_url", envOrgURL); s.set() || !v.IsNull() {
		return s
	}
	name := strings.TrimSpace(r.getenv(envOktaOrgName))
	if name == "" {
		return setting{from: "okta_org_url", attr: "okta_org_url"}
	}
	base := strings.Trim(strings.TrimSpace(r.getenv(envOktaBaseURL)), "/")
	if base == "" {
		base = defaultOktaBaseURL
	}
	return setting{text: "https://" + name + "." + base, from: envOktaOrgName + " and " + envOktaBaseURL, attr: "okta_org_url"}
}

// auth resolves the authentication method. The configuration's method wins:
// when the provider block sets one, the environment's credentials of other
// methods are ignored (a leftover OKTA_CLIENT_ID does not conflict with
// okta_api_token). Only the environment alone may name two methods, which is
// refused in checkAuth.
func (r *resolver) auth(cfg providerModel, s *providerSettings) {
	inConfig := func(v types.String) bool { return !v.IsNull() }
	token, access := inConfig(cfg.OktaAPIToken), inConfig(cfg.OktaAccessToken)
	oauth := inConfig(cfg.OktaClientID) || inConfig(cfg.OktaPrivateKey)
	fromEnv := !token && !access && !oauth
	if token || fromEnv {
		s.apiToken = r.str(cfg.OktaAPIToken, "okta_api_token", envAPIToken)
	}
	if access || fromEnv {
		s.accessToken = r.str(cfg.OktaAccessToken, "okta_access_token", envAccessToken)
	}
	if oauth || fromEnv {
		s.clientID = r.str(cfg.OktaClientID, "okta_client_id", envClientID, envOktaClientID)
		s.privateKey = r.str(cfg.OktaPrivateKey, "okta_private_key", envPrivateKey, envOktaPrivateKey)
		if s.privateKey.from == envOktaPrivateKey {
			s.privateKey.text = keyFromPath(s.privateKey.text)
		}
	}
	// The key id and scopes belong to OAuth; without it they are unused.
	s.privateKeyID = r.str(cfg.OktaPrivateKeyID, "okta_private_key_id", envPrivateKeyID, envOktaPrivateKeyID)
	switch {
	case cfg.OktaScopes.IsUnknown():
		r.anyUnknown = true
	case !cfg.OktaScopes.IsNull():
		var scopes []string
		cfg.OktaScopes.ElementsAs(r.ctx, &scopes, false)
		s.scopes, s.scopesFrom = scopes, "okta_scopes"
	default:
		if e := r.env("okta_scopes", envScopes, envOktaScopes); e.set() {
			for _, sc := range strings.Split(e.text, ",") {
				if sc = strings.TrimSpace(sc); sc != "" {
					s.scopes = append(s.scopes, sc)
				}
			}
			s.scopesFrom = e.from
		}
	}
	// Without OAuth, the environment's key id and scopes (say, okta/okta's
	// OKTA_API_SCOPES beside an API token) are unused and not checked; the
	// configuration's are still checked.
	if !s.clientID.set() && !s.privateKey.set() {
		if s.privateKeyID.from != "okta_private_key_id" {
			s.privateKeyID = setting{from: "okta_private_key_id", attr: "okta_private_key_id"}
		}
		if s.scopesFrom != "okta_scopes" {
			s.scopes, s.scopesFrom = nil, ""
		}
	}
}

// keyFromPath reads the key file that OKTA_API_PRIVATE_KEY may name:
// terraform-provider-okta documents its private_key as "a filepath, or the
// key itself" (UNCONFIRMED here: not in the fact sheet). Anything that is not
// a readable file is taken as the key, and checked as such.
func keyFromPath(v string) string {
	if strings.HasPrefix(v, "-----BEGIN") {
		return v
	}
	if b, err := os.ReadFile(v); err == nil {
		return string(b)
	}
	return v
}

// checkAuth refuses two authentication methods at once, naming where each
// came from.
func checkAuth(s providerSettings, diags *diag.Diagnostics) {
	var methods []string
	for _, m := range []setting{s.apiToken, s.accessToken, s.clientID} {
		if m.set() {
			methods = append(methods, m.from)
		}
	}
	if !s.clientID.set() && s.privateKey.set() {
		methods = append(methods, s.privateKey.from)
	}
	if len(methods) < 2 {
		return
	}
	diags.AddAttributeError(path.Root("okta_api_token"), "Conflicting Okta authentication",
		fmt.Sprintf("Set exactly one of okta_api_token (API token), okta_access_token (a bearer token obtained "+
			"elsewhere), or okta_client_id with okta_private_key (OAuth service app); got %s. A method set in the "+
			"provider block wins over the environment, so either set one there or unset the others.",
			strings.Join(methods, " and ")))
}

// checkSettings checks every value that is set, whatever its source, with
// one message per argument that names the source.
func checkSettings(s providerSettings, diags *diag.Diagnostics) {
	checkAuth(s, diags)
	if v := s.maxRetriesText; v.given() {
		if n, err := strconv.Atoi(v.text); err != nil || n < 0 || n > maxRetriesLimit {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("%s must be a whole number between 0 and %d; got %s.", v.from, maxRetriesLimit, quoteUnlessNumber(v.text)))
		}
	}
	if v := s.requestTimeoutText; v.given() {
		if d, err := time.ParseDuration(v.text); err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout",
				fmt.Sprintf("%s must be a positive Go duration such as \"30s\" or \"2m\"; got %q.", v.from, v.text))
		}
	}
	if v := s.headroomText; v.given() {
		if n, err := strconv.Atoi(v.text); err != nil || n < 0 || n > maxHeadroom {
			diags.AddAttributeError(path.Root("rate_limit_headroom_percent"), "Invalid rate_limit_headroom_percent",
				fmt.Sprintf("%s must be between 0 and %d (a whole number of percent); got %s.", v.from, maxHeadroom, quoteUnlessNumber(v.text)))
		}
	}
	if v := s.sharedReadsText; v.given() {
		if _, ok := boolLikeTerraform(v.text); !ok {
			diags.AddAttributeError(path.Root("shared_reads"), "Invalid shared_reads",
				fmt.Sprintf("%s must be true or false; got %q.", v.from, v.text))
		}
	}
	if v := s.appID; v.given() && !looksLikeOktaID(v.text, "0oa") {
		diags.AddAttributeError(path.Root("app_id"), "Invalid app_id",
			fmt.Sprintf("%s must be the id of the Statsig app instance in Okta, which starts with \"0oa\" (Admin Console > "+
				"Applications > the app: the id is in the URL); got %q.", v.from, v.text))
	}
	checkScopes(s.scopes, s.scopesFrom, diags)
	if v := s.statsigURL; v.given() {
		if summary, detail := checkStatsigURL(v.from, v.text); summary != "" {
			diags.AddAttributeError(path.Root("statsig_api_url"), summary, detail)
		}
	}
	if v := s.httpProxy; v.set() {
		if u, err := url.Parse(v.text); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			diags.AddError("Invalid "+envOktaHTTPProxy,
				fmt.Sprintf("%s must be a proxy URL such as http://proxy.example.com:3128; got %q.", v.from, v.text))
		}
	}
}

// providerSettings is the provider configuration after environment
// fallbacks, checked (problems) and parsed.
type providerSettings struct {
	orgURL, apiToken, accessToken, clientID, privateKey, privateKeyID setting
	scopes                                                            []string
	scopesFrom                                                        string
	appID, scimToken, consoleKey, statsigURL                          setting
	maxRetriesText, requestTimeoutText, headroomText, sharedReadsText setting
	httpProxy                                                         setting
	getenv                                                            func(string) string // for the proxy variables

	maxRetries      int
	requestTimeout  time.Duration
	headroomPercent int
	sharedReads     bool
	anyUnknown      bool
	problems        diag.Diagnostics
}

// quoteUnlessNumber shows a number as written and anything else quoted.
func quoteUnlessNumber(s string) string {
	if _, err := strconv.Atoi(s); err == nil {
		return s
	}
	return strconv.Quote(s)
}

// settingsFromConfig merges the configuration with the process environment.
func settingsFromConfig(ctx context.Context, cfg providerModel) providerSettings {
	return resolveSettings(ctx, cfg, osGetenv)
}

// resolveSettings merges the configuration with an environment, checks
// every value and parses it. Problems are kept in the result
// (providerSettings.problems) for newProviderData to report.
func resolveSettings(ctx context.Context, cfg providerModel, getenv func(string) string) providerSettings {
	r := &resolver{ctx: ctx, getenv: getenv}
	var s providerSettings
	s.orgURL = r.orgURL(cfg.OktaOrgURL)
	r.auth(cfg, &s)
	s.appID = r.str(cfg.AppID, "app_id", envAppID)
	s.scimToken = r.str(cfg.StatsigSCIMToken, "statsig_scim_token", envSCIMToken)
	s.consoleKey = r.str(cfg.StatsigConsoleAPIKey, "statsig_console_api_key", envConsoleAPIKey)
	s.statsigURL = r.str(cfg.StatsigAPIURL, "statsig_api_url", envStatsigAPIURL)
	s.maxRetriesText = r.int(cfg.MaxRetries, "max_retries", envMaxRetries)
	s.requestTimeoutText = r.str(cfg.RequestTimeout, "request_timeout", envRequestTimeout)
	s.headroomText = r.int(cfg.RateLimitHeadroom, "rate_limit_headroom_percent", envHeadroomPercent)
	s.sharedReadsText = r.bool(cfg.SharedReads, "shared_reads", envSharedReads)
	s.httpProxy = r.env(envOktaHTTPProxy, envOktaHTTPProxy)
	s.getenv = getenv
	s.anyUnknown = r.anyUnknown
	checkSettings(s, &s.problems)

	s.maxRetries = defaultMaxRetries
	if n, err := strconv.Atoi(s.maxRetriesText.text); err == nil {
		s.maxRetries = n
	}
	s.requestTimeout = defaultRequestLimit
	if d, err := time.ParseDuration(s.requestTimeoutText.text); err == nil && d > 0 {
		s.requestTimeout = d
	}
	s.headroomPercent = defaultHeadroom
	if n, err := strconv.Atoi(s.headroomText.text); err == nil {
		s.headroomPercent = n
	}
	s.sharedReads = true
	if b, ok := boolLikeTerraform(s.sharedReadsText.text); ok {
		s.sharedReads = b
	}
	return s
}

// fromEnvironment is " (from VAR)" when attr's value came from the
// environment, for a refusal to name what to fix.
func (s providerSettings) fromEnvironment(attr string) string {
	for _, v := range []setting{s.orgURL, s.apiToken, s.accessToken, s.clientID, s.privateKey, s.privateKeyID,
		s.appID, s.scimToken, s.consoleKey, s.statsigURL} {
		if v.set() && v.attr == attr && v.from != attr {
			return " (The value came from " + v.from + ".)"
		}
	}
	if attr == "okta_scopes" && s.scopesFrom != "" && s.scopesFrom != attr {
		return " (The value came from " + s.scopesFrom + ".)"
	}
	return ""
}

// transports are the HTTP transports of the two clients. Both honour
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (read through getenv, as Go reads
// them, loopback never proxied); OKTA_HTTP_PROXY, as in
// terraform-provider-okta, sends every Okta request through that proxy.
type transports struct{ okta, statsig http.RoundTripper }

func proxyTransport(s providerSettings) (transports, error) {
	getenv := s.getenv
	if getenv == nil {
		getenv = osGetenv
	}
	either := func(upper string) string {
		if v := getenv(upper); v != "" {
			return v
		}
		return getenv(strings.ToLower(upper))
	}
	fromEnv := (&httpproxy.Config{
		HTTPProxy:  either("HTTP_PROXY"),
		HTTPSProxy: either("HTTPS_PROXY"),
		NoProxy:    either("NO_PROXY"),
	}).ProxyFunc()
	base := func(proxy func(*http.Request) (*url.URL, error)) http.RoundTripper {
		t := &http.Transport{}
		if d, ok := http.DefaultTransport.(*http.Transport); ok {
			t = d.Clone()
		}
		t.Proxy = proxy
		return t
	}
	envProxy := func(r *http.Request) (*url.URL, error) { return fromEnv(r.URL) }
	out := transports{okta: base(envProxy), statsig: base(envProxy)}
	if s.httpProxy.set() {
		u, err := url.Parse(s.httpProxy.text)
		if err != nil {
			return transports{}, fmt.Errorf("%s: %w", s.httpProxy.from, err)
		}
		out.okta = base(http.ProxyURL(u))
	}
	return out, nil
}

// boolLikeTerraform reads a bool from the environment as Terraform converts
// a string to a bool attribute: "true" or "1", "false" or "0", nothing else
// (strconv.ParseBool would also take "t" or "TRUE").
func boolLikeTerraform(text string) (value, ok bool) {
	switch text {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}
