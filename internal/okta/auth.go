package okta

import (
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/apiclient"
)

// authenticator adds credentials to requests.
type authenticator interface {
	method() string
	// masked is the Authorization header as logs show it: the scheme, and
	// the credential replaced by [redacted].
	masked() string
	// apply sets Authorization (and DPoP) on an outgoing API request.
	apply(ctx context.Context, req *http.Request) error
	// retryUnauthorized inspects a 401 and reports whether trying again
	// could help (a new DPoP nonce was issued, or the token was dropped).
	retryUnauthorized(h http.Header) bool
	// observe records response headers (DPoP-Nonce rotation).
	observe(h http.Header)
}

func newAuthenticator(c *Client, cfg Config) (authenticator, error) {
	token := strings.TrimSpace(cfg.APIToken)
	token = strings.TrimSpace(strings.TrimPrefix(token, "SSWS "))
	wantsOAuth := cfg.ClientID != "" || cfg.PrivateKey != "" || cfg.PrivateKeyID != ""
	bearer := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.AccessToken), "Bearer "))
	switch {
	case bearer != "" && (token != "" || wantsOAuth):
		return nil, &ConfigError{Field: "okta_access_token", Summary: "Conflicting Okta credentials",
			Detail: "Set either okta_access_token, okta_api_token, or okta_client_id with okta_private_key, not two of them."}
	case bearer != "":
		if strings.IndexFunc(bearer, unicode.IsSpace) >= 0 || strings.IndexFunc(bearer, unicode.IsControl) >= 0 {
			return nil, &ConfigError{Field: "okta_access_token", Summary: "Invalid Okta access token",
				Detail: "The access token contains whitespace or control characters."}
		}
		return newStaticAuth("Bearer", bearer), nil
	case token != "" && wantsOAuth:
		field := "okta_client_id"
		if cfg.ClientID == "" {
			field = "okta_private_key"
		}
		return nil, &ConfigError{Field: field, Summary: "Conflicting Okta credentials",
			Detail: "Set either okta_api_token, or okta_client_id with okta_private_key (OAuth 2.0 service app), not both."}
	case token != "":
		if strings.IndexFunc(token, unicode.IsSpace) >= 0 || strings.IndexFunc(token, unicode.IsControl) >= 0 {
			return nil, &ConfigError{Field: "okta_api_token", Summary: "Invalid Okta API token",
				Detail: "The API token contains whitespace or control characters."}
		}
		return newStaticAuth("SSWS", token), nil
	case !wantsOAuth:
		return nil, &ConfigError{Field: "okta_api_token", Summary: "Missing Okta credentials",
			Detail: "Set okta_api_token, or okta_client_id with okta_private_key for an OAuth 2.0 service app."}
	case strings.TrimSpace(cfg.ClientID) == "":
		return nil, &ConfigError{Field: "okta_client_id", Summary: "Missing Okta client ID",
			Detail: "okta_private_key is set, so OAuth is used; set okta_client_id to the service app's client ID."}
	case strings.TrimSpace(cfg.PrivateKey) == "":
		return nil, &ConfigError{Field: "okta_private_key", Summary: "Missing Okta private key",
			Detail: "okta_client_id is set, so OAuth is used; set okta_private_key to the PEM private key registered on the service app."}
	}
	clientID := strings.TrimSpace(cfg.ClientID)
	if strings.IndexFunc(clientID, unicode.IsSpace) >= 0 {
		return nil, &ConfigError{Field: "okta_client_id", Summary: "Invalid Okta client ID", Detail: "The client ID contains whitespace."}
	}
	kid := strings.TrimSpace(cfg.PrivateKeyID)
	if strings.IndexFunc(kid, unicode.IsSpace) >= 0 {
		return nil, &ConfigError{Field: "okta_private_key_id", Summary: "Invalid Okta private key ID", Detail: "The key ID contains whitespace."}
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	for _, s := range scopes {
		if s == "" || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
			return nil, &ConfigError{Field: "okta_scopes", Summary: "Invalid Okta OAuth scope",
				Detail: fmt.Sprintf("Scope %q is empty or contains whitespace; give one scope per list element, e.g. okta.apps.read.", s)}
		}
	}
	key, alg, err := parsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	return &oauthAuth{
		c:        c,
		clientID: clientID,
		key:      key,
		alg:      alg,
		kid:      kid,
		scope:    strings.Join(scopes, " "),
		tokenURL: c.baseURL.String() + "/oauth2/v1/token",
		sem:      make(chan struct{}, 1),
	}, nil
}

// staticAuth sends a fixed credential: an API token (scheme SSWS) or an
// access token obtained elsewhere (scheme Bearer). Okta's answer to an
// expired one is a 401 that retrying cannot fix.
type staticAuth struct{ scheme, header string }

func newStaticAuth(scheme, secret string) *staticAuth {
	return &staticAuth{scheme: scheme, header: scheme + " " + secret}
}

func (a *staticAuth) method() string { return a.scheme }

func (a *staticAuth) apply(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", a.header)
	return nil
}

func (a *staticAuth) masked() string                     { return a.scheme + " [redacted]" }
func (a *staticAuth) retryUnauthorized(http.Header) bool { return false }
func (a *staticAuth) observe(http.Header)                {}

// oauthAuth gets access tokens with client credentials + private_key_jwt and
// switches to DPoP when the org demands it.
type oauthAuth struct {
	c        *Client
	clientID string
	key      crypto.Signer
	alg      jose.SignatureAlgorithm
	kid      string
	scope    string
	tokenURL string

	// sem serializes token requests so concurrent API calls share one
	// token; unlike a mutex, waiting for it honors ctx.
	sem chan struct{}

	mu         sync.Mutex // guards the fields below
	token      string
	tokenType  string // "Bearer" or "DPoP"
	expiry     time.Time
	dpop       *dpopKey // set once Okta asks for DPoP
	tokenNonce string   // DPoP-Nonce from the authorization server
	apiNonce   string   // DPoP-Nonce from the resource server
	granted    []string // scopes of the current token; nil when Okta did not say
}

func (a *oauthAuth) method() string { return "OAuth" }

func (a *oauthAuth) masked() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tokenType == "DPoP" {
		return "DPoP [redacted]" // and the DPoP proof header, never logged
	}
	return "Bearer [redacted]"
}

// tokenRefreshMargin makes cached tokens expire early so a token never dies
// in flight.
const tokenRefreshMargin = 60 * time.Second

func (a *oauthAuth) apply(ctx context.Context, req *http.Request) error {
	token, tokenType, err := a.accessToken(ctx)
	if err != nil {
		return err
	}
	if tokenType != "DPoP" {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
	a.mu.Lock()
	key, nonce := a.dpop, a.apiNonce
	a.mu.Unlock()
	proof, err := key.proof(req.Method, req.URL.String(), nonce, token, a.c.now())
	if err != nil {
		return fmt.Errorf("okta: signing DPoP proof: %w", err)
	}
	req.Header.Set("Authorization", "DPoP "+token)
	req.Header.Set("DPoP", proof)
	return nil
}

func (a *oauthAuth) cached() (token, tokenType string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.c.now().Before(a.expiry) {
		return a.token, a.tokenType, true
	}
	return "", "", false
}

func (a *oauthAuth) accessToken(ctx context.Context) (string, string, error) {
	if t, typ, ok := a.cached(); ok {
		return t, typ, nil
	}
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
	defer func() { <-a.sem }()
	// Another caller may have fetched a token while we waited.
	if t, typ, ok := a.cached(); ok {
		return t, typ, nil
	}
	return a.fetchToken(ctx)
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	// Scope is what Okta granted, space separated: the requested scopes
	// the service app holds.
	Scope string `json:"scope"`
}

// fetchToken runs the client-credentials grant. Okta's DPoP dance takes up to
// three requests: no proof -> invalid_dpop_proof; proof without nonce ->
// use_dpop_nonce + DPoP-Nonce; proof with nonce -> token.
func (a *oauthAuth) fetchToken(ctx context.Context) (string, string, error) {
	const path = "/oauth2/v1/token"
	for try := 0; try < 4; try++ {
		now := a.c.now()
		assertion, err := a.assertion(now)
		if err != nil {
			return "", "", fmt.Errorf("okta: signing client assertion: %w", err)
		}
		form := url.Values{
			"grant_type":            {"client_credentials"},
			"scope":                 {a.scope},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.tokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return "", "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", a.c.userAgent)

		a.mu.Lock()
		key, nonce := a.dpop, a.tokenNonce
		a.mu.Unlock()
		if key != nil {
			proof, err := key.proof(http.MethodPost, a.tokenURL, nonce, "", now)
			if err != nil {
				return "", "", fmt.Errorf("okta: signing DPoP proof: %w", err)
			}
			req.Header.Set("DPoP", proof)
		}

		resp, err := a.c.httpClient.Do(req)
		if err != nil {
			return "", "", fmt.Errorf("okta: POST %s: %w", path, apiclient.ScrubURLError(err))
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return "", "", fmt.Errorf("okta: POST %s: %w", path, apiclient.ScrubURLError(err))
		}
		tflog.Debug(ctx, "Okta token request", map[string]any{
			"method": http.MethodPost, "path": path, "status": resp.StatusCode,
			"attempt": try + 1, "dpop": key != nil,
		})
		newNonce := resp.Header.Get("DPoP-Nonce")
		if newNonce != "" {
			a.mu.Lock()
			a.tokenNonce = newNonce
			a.mu.Unlock()
		}

		if resp.StatusCode == http.StatusOK {
			var tr tokenResponse
			if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
				return "", "", fmt.Errorf("okta: POST %s: malformed token response", path)
			}
			typ := "Bearer"
			if strings.EqualFold(tr.TokenType, "DPoP") {
				typ = "DPoP"
				if key == nil {
					// A DPoP-bound token needs proofs from a key we hold;
					// ask again with one.
					if err := a.enableDPoP(); err != nil {
						return "", "", err
					}
					continue
				}
			}
			lifetime := time.Duration(tr.ExpiresIn) * time.Second
			if lifetime <= 0 {
				lifetime = time.Hour
			}
			margin := min(tokenRefreshMargin, lifetime/2)
			a.mu.Lock()
			a.token, a.tokenType, a.expiry = tr.AccessToken, typ, now.Add(lifetime-margin)
			a.granted = nil
			if tr.Scope != "" {
				a.granted = strings.Fields(tr.Scope)
			}
			a.mu.Unlock()
			return tr.AccessToken, typ, nil
		}

		apiErr := newAPIError(http.MethodPost, path, resp.StatusCode, resp.Header, body)
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
			switch apiErr.ErrorCode {
			case "invalid_dpop_proof", "use_dpop_nonce":
				if key == nil {
					if err := a.enableDPoP(); err != nil {
						return "", "", err
					}
					continue
				}
				if apiErr.ErrorCode == "use_dpop_nonce" && newNonce != "" && newNonce != nonce {
					continue
				}
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			apiErr.RetryAfter = a.c.rateLimitWait(resp.Header, 1)
		}
		return "", "", apiErr
	}
	return "", "", fmt.Errorf("okta: POST %s: the authorization server kept rejecting DPoP proofs", path)
}

func (a *oauthAuth) enableDPoP() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.dpop != nil {
		return nil
	}
	k, err := newDPoPKey()
	if err != nil {
		return fmt.Errorf("okta: generating DPoP key: %w", err)
	}
	a.dpop = k
	return nil
}

// assertion is the private_key_jwt client assertion (RFC 7523).
func (a *oauthAuth) assertion(now time.Time) (string, error) {
	claims := map[string]any{
		"iss": a.clientID,
		"sub": a.clientID,
		"aud": a.tokenURL,
		"iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(),
		"jti": randomID(),
	}
	return signJWS(a.key, a.alg, jwsHeader{typ: "JWT", kid: a.kid}, claims)
}

func (a *oauthAuth) retryUnauthorized(h http.Header) bool {
	params := parseWWWAuthenticate(h.Values("WWW-Authenticate"))
	a.mu.Lock()
	defer a.mu.Unlock()
	switch params["error"] {
	case "use_dpop_nonce":
		n := h.Get("DPoP-Nonce")
		if n == "" || a.dpop == nil {
			return false
		}
		a.apiNonce = n
		return true
	case "invalid_dpop_proof", "insufficient_scope":
		// A refused proof is retried, as an ordinary failed attempt, by do.
		return false
	default:
		// invalid_token (or a bare 401): the token was revoked or expired
		// early; drop it so the next attempt fetches a new one.
		a.token = ""
		return true
	}
}

func (a *oauthAuth) observe(h http.Header) {
	if n := h.Get("DPoP-Nonce"); n != "" {
		a.mu.Lock()
		if a.dpop != nil {
			a.apiNonce = n
		}
		a.mu.Unlock()
	}
}
