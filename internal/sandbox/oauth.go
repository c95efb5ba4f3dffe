package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// OAuth 2.0 client_credentials with private_key_jwt, plus DPoP (RFC 9449),
// implemented with the standard library only: the credentials, the token
// endpoint and resource authentication here; the checks of client
// assertions and DPoP proofs in oauth_verify.go.

const (
	assertionType     = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	tokenLifetime     = time.Hour
	dpopIatSkew       = 5 * time.Minute
	dpopNonceLifetime = 10 * time.Minute
)

// DefaultGrantedScopes are the scopes the service app may request by default.
var DefaultGrantedScopes = []string{"okta.apps.read", "okta.apps.manage", "okta.groups.read", "okta.groups.manage", "okta.users.read"}

type credentials struct {
	APIToken  string `json:"apiToken"`
	SCIMToken string `json:"scimToken"`
	ClientID  string `json:"clientId"`
	RSAKeyPEM string `json:"rsaKeyPem"`
	ECKeyPEM  string `json:"ecKeyPem"`
	P384PEM   string `json:"p384KeyPem"`
	RSAKid    string `json:"rsaKid"`
	ECKid     string `json:"ecKid"`
	P384Kid   string `json:"p384Kid"`

	rsaPub  *rsa.PublicKey
	ecPub   *ecdsa.PublicKey
	p384Pub *ecdsa.PublicKey
}

var (
	keysOnce           sync.Once
	sharedRSA          *rsa.PrivateKey
	sharedEC           *ecdsa.PrivateKey
	sharedRSAPEM, sECP string
	sharedP384PEM      string
)

// Generating a 2048-bit RSA key is slow, so every Sandbox in a process shares
// one key pair; tokens, client ids and kids are still per Sandbox.
func sharedKeys() {
	keysOnce.Do(func() {
		var err error
		if sharedRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if sharedEC, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		sharedRSAPEM = pkcs8PEM(sharedRSA)
		sECP = pkcs8PEM(sharedEC)
		p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if err != nil {
			panic(err)
		}
		sharedP384PEM = pkcs8PEM(p384)
	})
}

func pkcs8PEM(key any) string {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func newCredentials() credentials {
	sharedKeys()
	c := credentials{
		APIToken:  "00" + randToken(40),
		SCIMToken: "scim-" + randToken(32),
		ClientID:  "0oa" + randToken(17),
		RSAKeyPEM: sharedRSAPEM,
		ECKeyPEM:  sECP,
		P384PEM:   sharedP384PEM,
		RSAKid:    "rsa-" + randToken(12),
		ECKid:     "ec-" + randToken(12),
		P384Kid:   "p384-" + randToken(12),
	}
	c.parseKeys()
	return c
}

func (c *credentials) parseKeys() {
	if b, _ := pem.Decode([]byte(c.RSAKeyPEM)); b != nil {
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			if rk, ok := k.(*rsa.PrivateKey); ok {
				c.rsaPub = &rk.PublicKey
			}
		}
	}
	c.ecPub = ecPublicKey(c.ECKeyPEM)
	c.p384Pub = ecPublicKey(c.P384PEM)
}

func ecPublicKey(pemText string) *ecdsa.PublicKey {
	if b, _ := pem.Decode([]byte(pemText)); b != nil {
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			if ek, ok := k.(*ecdsa.PrivateKey); ok {
				return &ek.PublicKey
			}
		}
	}
	return nil
}

// APIToken is a valid SSWS token.
func (s *Sandbox) APIToken() string { return s.creds.APIToken }

// ClientID is the OAuth service app's client id.
func (s *Sandbox) ClientID() string { return s.creds.ClientID }

// PrivateKeyPEM is the service app's RSA key (PKCS#8 PEM).
func (s *Sandbox) PrivateKeyPEM() string { return s.creds.RSAKeyPEM }

// ECPrivateKeyPEM is the service app's EC P-256 key (PKCS#8 PEM).
func (s *Sandbox) ECPrivateKeyPEM() string { return s.creds.ECKeyPEM }

// PrivateKeyID is the kid of the RSA key.
func (s *Sandbox) PrivateKeyID() string { return s.creds.RSAKid }

// P384PrivateKeyPEM is a PKCS#8 EC P-384 key registered for the service app
// (signs ES384).
func (s *Sandbox) P384PrivateKeyPEM() string { return s.creds.P384PEM }

// P384PrivateKeyID is the kid of P384PrivateKeyPEM.
func (s *Sandbox) P384PrivateKeyID() string { return s.creds.P384Kid }

// ECPrivateKeyID is the kid of the EC key.
func (s *Sandbox) ECPrivateKeyID() string { return s.creds.ECKid }

// StatsigSCIMToken is the organization's SCIM bearer key.
func (s *Sandbox) StatsigSCIMToken() string { return s.creds.SCIMToken }

// TokenURL is the OAuth token endpoint (the client assertion audience).
func (s *Sandbox) TokenURL() string { return s.oktaURL + "/oauth2/v1/token" }

type accessToken struct {
	scopes []string
	exp    time.Time
	jkt    string // DPoP key thumbprint the token is bound to
}

type oauthState struct {
	mu           sync.Mutex
	dpopRequired bool
	granted      []string
	tokens       map[string]*accessToken
	jtis         map[string]time.Time // client assertion jti -> expiry
	dpopJtis     map[string]time.Time
	nonces       map[string]time.Time
	// seen holds every access token issued and every client assertion and
	// DPoP proof received, for tests that scan logs and state for them. It
	// grows with every OAuth request: the sandbox is for tests and demos.
	seen map[string]bool
}

func newOAuthState() *oauthState {
	return &oauthState{
		granted:  slices.Clone(DefaultGrantedScopes),
		tokens:   map[string]*accessToken{},
		jtis:     map[string]time.Time{},
		dpopJtis: map[string]time.Time{},
		nonces:   map[string]time.Time{},
		seen:     map[string]bool{},
	}
}

// IssuedSecrets returns every access token the token endpoint issued and
// every client assertion and DPoP proof the sandbox received (whether
// accepted or not), so that tests can check none of them leaks into logs,
// state or error messages.
func (s *Sandbox) IssuedSecrets() []string {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	out := make([]string, 0, len(s.oauth.seen))
	for v := range s.oauth.seen {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// remember records a credential for IssuedSecrets.
func (o *oauthState) remember(values ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, v := range values {
		if v != "" {
			o.seen[v] = true
		}
	}
}

// SetDPoPRequired makes the service app require DPoP-bound tokens.
func (s *Sandbox) SetDPoPRequired(v bool) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.dpopRequired = v
}

// SetGrantedScopes sets the scopes the service app may be granted.
func (s *Sandbox) SetGrantedScopes(scopes []string) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.granted = slices.Clone(scopes)
}

// IssueAccessToken mints a Bearer token directly (test helper, skips the flow).
func (s *Sandbox) IssueAccessToken(scopes ...string) string {
	tok := randToken(48)
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.tokens[tok] = &accessToken{scopes: slices.Clone(scopes), exp: s.now().Add(tokenLifetime)}
	return tok
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Sandbox) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be parsed.")
		return
	}
	now := s.now()
	f := r.PostForm
	s.oauth.remember(f.Get("client_assertion"), r.Header.Get("DPoP"))
	if gt := f.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials]. (%q)", gt))
		return
	}
	if f.Get("client_assertion_type") != assertionType {
		oauthError(w, http.StatusBadRequest, "invalid_client", "The client_assertion_type must be "+assertionType+".")
		return
	}
	claims, err := s.verifyClientAssertion(f.Get("client_assertion"), now)
	if err != nil {
		oauthError(w, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}

	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.gc(now)

	var jkt string
	proof := r.Header.Get("DPoP")
	if proof == "" && s.oauth.dpopRequired {
		oauthError(w, http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
		return
	}
	if proof != "" {
		p, err := s.verifyDPoPProofLocked(proof, r.Method, s.TokenURL(), r, now)
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_dpop_proof", err.Error())
			return
		}
		if exp, ok := s.oauth.nonces[p.nonce]; p.nonce == "" || !ok || now.After(exp) {
			nonce := randToken(32)
			s.oauth.nonces[nonce] = now.Add(dpopNonceLifetime)
			w.Header().Set("DPoP-Nonce", nonce)
			oauthError(w, http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")
			return
		}
		s.oauth.dpopJtis[p.jti] = now.Add(2 * dpopIatSkew)
		jkt = p.jkt
	}

	// The assertion jti is consumed only now, so a nonce round-trip may reuse it.
	if _, seen := s.oauth.jtis[claims.JTI]; seen {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "The client_assertion token has already been used (jti replay).")
		return
	}
	s.oauth.jtis[claims.JTI] = claims.exp

	requested := strings.Fields(f.Get("scope"))
	if len(requested) == 0 {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
		return
	}
	var denied []string
	for _, sc := range requested {
		if !slices.Contains(s.oauth.granted, sc) {
			denied = append(denied, sc)
		}
	}
	if len(denied) > 0 {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: "+strings.Join(denied, ", "))
		return
	}
	tok := randToken(64)
	s.oauth.tokens[tok] = &accessToken{scopes: requested, exp: now.Add(tokenLifetime), jkt: jkt}
	s.oauth.seen[tok] = true
	typ := "Bearer"
	if jkt != "" {
		typ = "DPoP"
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": typ, "expires_in": int(tokenLifetime.Seconds()),
		"access_token": tok, "scope": strings.Join(requested, " "),
	})
}

func (o *oauthState) gc(now time.Time) {
	for k, exp := range o.jtis {
		if now.After(exp.Add(time.Hour)) {
			delete(o.jtis, k)
		}
	}
	for k, exp := range o.dpopJtis {
		if now.After(exp) {
			delete(o.dpopJtis, k)
		}
	}
	for k, exp := range o.nonces {
		if now.After(exp) {
			delete(o.nonces, k)
		}
	}
}

// ---------- resource authentication ----------

func unauthorized(w http.ResponseWriter, cause string) {
	if cause == "" {
		writeOktaError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
		return
	}
	writeOktaError(w, http.StatusUnauthorized, "E0000011", "Invalid token provided", cause)
}

func (s *Sandbox) authenticate(service string, w http.ResponseWriter, r *http.Request) (*principal, bool) {
	if service == "statsig" {
		return s.authenticateStatsig(w, r)
	}
	authz := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(authz, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "SSWS") {
		s.oauth.remember(tok, r.Header.Get("DPoP"))
	}
	switch strings.ToUpper(scheme) {
	case "SSWS":
		if tok != "" && tok == s.creds.APIToken {
			return &principal{kind: "ssws"}, true
		}
		unauthorized(w, "")
		return nil, false
	case "BEARER", "DPOP":
		now := s.now()
		s.oauth.mu.Lock()
		defer s.oauth.mu.Unlock()
		at := s.oauth.tokens[tok]
		if at == nil || !now.Before(at.exp) {
			unauthorized(w, "")
			return nil, false
		}
		if strings.ToUpper(scheme) == "BEARER" {
			if at.jkt != "" {
				w.Header().Set("WWW-Authenticate", `DPoP algs="RS256 ES256 ES384", error="invalid_token", error_description="The access token is DPoP-bound; use the DPoP authorization scheme."`)
				unauthorized(w, "The access token is DPoP-bound and must be sent with the DPoP scheme and a DPoP proof.")
				return nil, false
			}
			return &principal{kind: "bearer", scopes: at.scopes}, true
		}
		if at.jkt == "" {
			unauthorized(w, "The access token is not DPoP-bound; use the Bearer scheme.")
			return nil, false
		}
		proof := r.Header.Get("DPoP")
		fail := func(msg string) (*principal, bool) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP algs="RS256 ES256 ES384", error="invalid_dpop_proof", error_description="%s"`, msg))
			unauthorized(w, msg)
			return nil, false
		}
		if proof == "" {
			return fail("The DPoP proof JWT header is missing.")
		}
		p, err := s.verifyDPoPProofLocked(proof, r.Method, s.oktaURL+r.URL.Path, r, now)
		if err != nil {
			return fail(err.Error())
		}
		if p.jkt != at.jkt {
			return fail("The DPoP proof key does not match the key the access token is bound to.")
		}
		sum := sha256.Sum256([]byte(tok))
		if p.ath != base64.RawURLEncoding.EncodeToString(sum[:]) {
			return fail("The DPoP proof ath claim does not match the access token.")
		}
		s.oauth.dpopJtis[p.jti] = now.Add(2 * dpopIatSkew)
		return &principal{kind: "dpop", scopes: at.scopes}, true
	}
	unauthorized(w, "")
	return nil, false
}
