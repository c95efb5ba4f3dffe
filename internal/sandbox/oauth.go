package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// OAuth 2.0 client_credentials with private_key_jwt, plus DPoP (RFC 9449),
// implemented with the standard library only.

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

// ---------- JWT / JWS ----------

type jwtParts struct {
	header  map[string]any
	claims  map[string]any
	signed  []byte // header.payload
	sig     []byte
	alg     string
	kid     string
	typ     string
	jwkJSON map[string]any
}

func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func parseJWT(tok string) (*jwtParts, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("the JWT is malformed")
	}
	hb, err1 := b64(parts[0])
	pb, err2 := b64(parts[1])
	sig, err3 := b64(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, errors.New("the JWT is not valid base64url")
	}
	j := &jwtParts{signed: []byte(parts[0] + "." + parts[1]), sig: sig}
	if err := json.Unmarshal(hb, &j.header); err != nil {
		return nil, errors.New("the JWT header is not valid JSON")
	}
	dec := json.NewDecoder(strings.NewReader(string(pb)))
	dec.UseNumber()
	if err := dec.Decode(&j.claims); err != nil {
		return nil, errors.New("the JWT payload is not valid JSON")
	}
	j.alg, _ = j.header["alg"].(string)
	j.kid, _ = j.header["kid"].(string)
	j.typ, _ = j.header["typ"].(string)
	j.jwkJSON, _ = j.header["jwk"].(map[string]any)
	return j, nil
}

// verifySig checks a JWS signature: RS256 (PKCS#1 v1.5), or ES256/ES384
// with the fixed-size r||s encoding JWS uses (not ASN.1 DER).
func verifySig(alg string, key crypto.PublicKey, signed, sig []byte) error {
	switch alg {
	case "RS256":
		h := sha256.Sum256(signed)
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return errors.New("the key type does not match alg RS256")
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
			return errors.New("the JWT signature is invalid")
		}
		return nil
	case "ES256", "ES384":
		curve, size, digest := elliptic.P256(), 32, func() []byte { h := sha256.Sum256(signed); return h[:] }
		if alg == "ES384" {
			curve, size, digest = elliptic.P384(), 48, func() []byte { h := sha512.Sum384(signed); return h[:] }
		}
		pub, ok := key.(*ecdsa.PublicKey)
		if !ok || pub.Curve != curve {
			return fmt.Errorf("the key type does not match alg %s", alg)
		}
		if len(sig) != 2*size {
			return fmt.Errorf("the %s signature must be %d bytes (r||s)", alg, 2*size)
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(pub, digest(), r, s) {
			return errors.New("the JWT signature is invalid")
		}
		return nil
	}
	return fmt.Errorf("the JWT alg %q is not supported (RS256, ES256, ES384)", alg)
}

func numClaim(c map[string]any, name string) (int64, bool) {
	switch v := c[name].(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if f, err := v.Float64(); err == nil {
			return int64(f), true
		}
	case float64:
		return int64(v), true
	}
	return 0, false
}

// oauthDescription is an OAuth error_description sent to the client verbatim,
// so it keeps the upstream sentence style (capitalised, full stop) rather than
// Go's error-string conventions.
type oauthDescription string

func (d oauthDescription) Error() string { return string(d) }

type assertionClaims struct {
	JTI string
	exp time.Time
}

func (s *Sandbox) verifyClientAssertion(tok string, now time.Time) (*assertionClaims, error) {
	if tok == "" {
		return nil, oauthDescription("The client_assertion is missing.")
	}
	j, err := parseJWT(tok)
	if err != nil {
		return nil, oauthDescription(fmt.Sprintf("The client_assertion is invalid: %v", err))
	}
	var keys []crypto.PublicKey
	switch j.kid {
	case s.creds.RSAKid:
		keys = []crypto.PublicKey{s.creds.rsaPub}
	case s.creds.ECKid:
		keys = []crypto.PublicKey{s.creds.ecPub}
	case s.creds.P384Kid:
		keys = []crypto.PublicKey{s.creds.p384Pub}
	case "":
		keys = []crypto.PublicKey{s.creds.rsaPub, s.creds.ecPub, s.creds.p384Pub}
	default:
		return nil, oauthDescription(fmt.Sprintf("The client_assertion signature is invalid: no key registered with kid %q.", j.kid))
	}
	var sigErr error
	ok := false
	for _, k := range keys {
		if sigErr = verifySig(j.alg, k, j.signed, j.sig); sigErr == nil {
			ok = true
			break
		}
	}
	if !ok {
		return nil, oauthDescription(fmt.Sprintf("The client_assertion signature is invalid: %v", sigErr))
	}
	iss, _ := j.claims["iss"].(string)
	sub, _ := j.claims["sub"].(string)
	if iss != s.creds.ClientID || sub != s.creds.ClientID {
		return nil, oauthDescription("The client_assertion iss and sub claims must both be the client_id.")
	}
	audOK := false
	switch a := j.claims["aud"].(type) {
	case string:
		audOK = a == s.TokenURL()
	case []any:
		for _, x := range a {
			audOK = audOK || x == s.TokenURL()
		}
	}
	if !audOK {
		return nil, oauthDescription(fmt.Sprintf("The audience claim for client_assertion must be the endpoint invoked for the request (%s).", s.TokenURL()))
	}
	exp, ok := numClaim(j.claims, "exp")
	if !ok {
		return nil, oauthDescription("The client_assertion must contain an exp claim.")
	}
	expT := time.Unix(exp, 0)
	if !now.Before(expT) {
		return nil, oauthDescription("The client_assertion token is expired.")
	}
	if expT.After(now.Add(tokenLifetime + time.Minute)) {
		return nil, oauthDescription("The client_assertion token has an expiration too far in the future (max 1 hour).")
	}
	jti, _ := j.claims["jti"].(string)
	if jti == "" {
		return nil, oauthDescription("The client_assertion must contain a jti claim.")
	}
	return &assertionClaims{JTI: jti, exp: expT}, nil
}

// ---------- DPoP ----------

type dpopProof struct {
	jkt, jti, nonce, ath string
}

func jwkPublicKey(j map[string]any) (crypto.PublicKey, string, error) {
	str := func(k string) string { v, _ := j[k].(string); return v }
	if str("d") != "" || str("p") != "" {
		return nil, "", errors.New("the DPoP jwk must not contain private key material")
	}
	switch str("kty") {
	case "RSA":
		nb, err1 := b64(str("n"))
		eb, err2 := b64(str("e"))
		if err1 != nil || err2 != nil || len(nb) == 0 || len(eb) == 0 {
			return nil, "", errors.New("the DPoP jwk is not a valid RSA key")
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(new(big.Int).SetBytes(eb).Int64())}
		tp := fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, str("e"), str("n"))
		return pub, thumb(tp), nil
	case "EC":
		if str("crv") != "P-256" {
			return nil, "", errors.New("the DPoP jwk curve must be P-256")
		}
		xb, err1 := b64(str("x"))
		yb, err2 := b64(str("y"))
		if err1 != nil || err2 != nil {
			return nil, "", errors.New("the DPoP jwk is not a valid EC key")
		}
		x, y := new(big.Int).SetBytes(xb), new(big.Int).SetBytes(yb)
		if !elliptic.P256().IsOnCurve(x, y) { //nolint:staticcheck // simplest on-curve check
			return nil, "", errors.New("the DPoP jwk point is not on P-256")
		}
		// x and y are on P-256, so both are below the field size and fit in 32 bytes.
		point := append(append([]byte{4}, x.FillBytes(make([]byte, 32))...), y.FillBytes(make([]byte, 32))...)
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
		if err != nil {
			return nil, "", errors.New("the DPoP jwk point is not on P-256")
		}
		tp := fmt.Sprintf(`{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, str("x"), str("y"))
		return pub, thumb(tp), nil
	}
	return nil, "", errors.New("the DPoP jwk kty must be RSA or EC")
}

// thumb is the RFC 7638 JWK thumbprint of the canonical member JSON.
func thumb(canonical string) string {
	h := sha256.Sum256([]byte(canonical))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// JWKThumbprint computes the RFC 7638 thumbprint of a public JWK (exported for tests/clients).
func JWKThumbprint(jwk map[string]any) (string, error) {
	_, t, err := jwkPublicKey(jwk)
	return t, err
}

// verifyDPoPProofLocked checks a DPoP proof JWT (oauth.mu held).
func (s *Sandbox) verifyDPoPProofLocked(proof, method, htu string, r *http.Request, now time.Time) (*dpopProof, error) {
	j, err := parseJWT(proof)
	if err != nil {
		return nil, oauthDescription(fmt.Sprintf("The DPoP proof is invalid: %v", err))
	}
	if j.typ != "dpop+jwt" {
		return nil, oauthDescription("The DPoP proof JWT header typ must be dpop+jwt.")
	}
	if j.jwkJSON == nil {
		return nil, oauthDescription("The DPoP proof JWT header must contain a jwk.")
	}
	pub, jkt, err := jwkPublicKey(j.jwkJSON)
	if err != nil {
		return nil, oauthDescription(fmt.Sprintf("The DPoP proof is invalid: %v", err))
	}
	if err := verifySig(j.alg, pub, j.signed, j.sig); err != nil {
		return nil, oauthDescription(fmt.Sprintf("The DPoP proof signature is invalid: %v", err))
	}
	str := func(k string) string { v, _ := j.claims[k].(string); return v }
	if !strings.EqualFold(str("htm"), method) {
		return nil, oauthDescription(fmt.Sprintf("The DPoP proof htm claim must be %s.", method))
	}
	if got := strings.SplitN(str("htu"), "?", 2)[0]; got != htu && got != "http://"+r.Host+r.URL.Path {
		return nil, oauthDescription(fmt.Sprintf("The DPoP proof htu claim must be %s.", htu))
	}
	iat, ok := numClaim(j.claims, "iat")
	if !ok {
		return nil, oauthDescription("The DPoP proof must contain an iat claim.")
	}
	if d := now.Sub(time.Unix(iat, 0)); d > dpopIatSkew || d < -dpopIatSkew {
		return nil, oauthDescription("The DPoP proof iat is not within the acceptable window.")
	}
	jti := str("jti")
	if jti == "" {
		return nil, oauthDescription("The DPoP proof must contain a jti claim.")
	}
	if _, seen := s.oauth.dpopJtis[jti]; seen {
		return nil, oauthDescription("The DPoP proof jti has already been used.")
	}
	return &dpopProof{jkt: jkt, jti: jti, nonce: str("nonce"), ath: str("ath")}, nil
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
