package okta

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOkta is an authorization + resource server for OAuth tests.
type fakeOkta struct {
	t   *testing.T
	srv *httptest.Server
	pub any // client's public key, to verify assertions

	requireDPoP   bool
	tokenNonce    string // required in token-endpoint proofs when set
	apiNonce      string // required in resource proofs when set
	tokenLifetime int

	mu           sync.Mutex
	tokenCalls   int
	apiCalls     int
	issued       []string
	revoked      map[string]bool
	assertions   []parsedJWT
	lastProof    parsedJWT
	lastProofJWK *ecdsa.PublicKey
}

func newFakeOkta(t *testing.T, pub any) *fakeOkta {
	f := &fakeOkta{t: t, pub: pub, tokenLifetime: 3600, revoked: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOkta) client(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.OrgURL = f.srv.URL
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	instrument(c)
	return c
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (f *fakeOkta) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.t
	if r.URL.Path == "/oauth2/v1/token" {
		f.tokenCalls++
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		if r.PostForm.Get("grant_type") != "client_credentials" ||
			r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			t.Errorf("token form = %v", r.PostForm)
		}
		if got := r.PostForm.Get("scope"); got != strings.Join(DefaultScopes, " ") {
			t.Errorf("scope = %q", got)
		}
		f.assertions = append(f.assertions, verifyJWT(t, r.PostForm.Get("client_assertion"), f.pub))
		proof := r.Header.Get("DPoP")
		if f.requireDPoP {
			if proof == "" {
				oauthError(w, 400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
				return
			}
			p := f.checkProof(proof, "POST", f.srv.URL+"/oauth2/v1/token")
			if _, ok := p.claims["ath"]; ok {
				t.Error("token-endpoint proof must not carry ath")
			}
			if f.tokenNonce != "" && p.claims["nonce"] != f.tokenNonce {
				w.Header().Set("DPoP-Nonce", f.tokenNonce)
				oauthError(w, 400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")
				return
			}
		} else if proof != "" {
			t.Error("DPoP proof sent although not required")
		}
		tok := fmt.Sprintf("access-token-%d", len(f.issued)+1)
		f.issued = append(f.issued, tok)
		typ := "Bearer"
		if f.requireDPoP {
			typ = "DPoP"
		}
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": typ, "expires_in": f.tokenLifetime, "scope": r.PostForm.Get("scope")})
		return
	}

	f.apiCalls++
	auth := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(auth, " ")
	if f.revoked[tok] || len(f.issued) == 0 || tok != f.issued[len(f.issued)-1] {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token is invalid."`)
		oktaError(w, 401, ErrCodeInvalidToken, "Invalid token provided")
		return
	}
	if f.requireDPoP {
		if scheme != "DPoP" {
			t.Errorf("Authorization scheme = %q, want DPoP", scheme)
		}
		p := f.checkProof(r.Header.Get("DPoP"), r.Method, f.srv.URL+r.URL.Path)
		sum := sha256.Sum256([]byte(tok))
		if p.claims["ath"] != b64.EncodeToString(sum[:]) {
			t.Errorf("ath = %v", p.claims["ath"])
		}
		if f.apiNonce != "" && p.claims["nonce"] != f.apiNonce {
			w.Header().Set("DPoP-Nonce", f.apiNonce)
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof."`)
			oktaError(w, 401, "E0000011", "Invalid token provided")
			return
		}
	} else if scheme != "Bearer" {
		t.Errorf("Authorization scheme = %q, want Bearer", scheme)
	}
	writeJSON(w, 200, map[string]any{"id": "00u1", "status": "ACTIVE", "profile": map[string]any{"login": "a@b.c"}})
}

func (f *fakeOkta) checkProof(proof, method, target string) parsedJWT {
	t := f.t
	if proof == "" {
		t.Error("missing DPoP proof")
		return parsedJWT{}
	}
	var hdr struct {
		JWK map[string]any `json:"jwk"`
	}
	decodePart(t, strings.Split(proof, ".")[0], &hdr)
	key := jwkPublicKey(t, hdr.JWK)
	p := verifyJWT(t, proof, key)
	if p.header["typ"] != "dpop+jwt" || p.header["alg"] != "ES256" {
		t.Errorf("proof header = %v", p.header)
	}
	if p.claims["htm"] != method || p.claims["htu"] != target {
		t.Errorf("proof htm/htu = %v %v, want %s %s", p.claims["htm"], p.claims["htu"], method, target)
	}
	if p.claims["jti"] == "" || p.claims["iat"] == nil {
		t.Errorf("proof claims = %v", p.claims)
	}
	if f.lastProofJWK != nil && !f.lastProofJWK.Equal(key) {
		t.Error("DPoP key changed between proofs")
	}
	f.lastProofJWK = key
	f.lastProof = p
	return p
}

func TestOAuthAssertionRSAandEC(t *testing.T) {
	rsa8, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec8, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	keys := []testKey{
		rsaKeyPKCS1(t),
		pkcs8Key(t, "RSA PKCS#8", rsa8, "RS256"),
		ecKeySEC1(t, elliptic.P256(), "ES256"),
		ecKeySEC1(t, elliptic.P384(), "ES384"),
		pkcs8Key(t, "EC PKCS#8 P-384", ec8, "ES384"),
	}
	for _, k := range keys {
		t.Run(k.name, func(t *testing.T) {
			f := newFakeOkta(t, k.pub)
			c := f.client(t, Config{ClientID: "0oaCLIENT", PrivateKey: k.pem, PrivateKeyID: "kid-1"})
			if c.AuthMethod() != "OAuth" {
				t.Fatal(c.AuthMethod())
			}
			if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
				t.Fatal(err)
			}
			if len(f.assertions) != 1 {
				t.Fatalf("token calls = %d", len(f.assertions))
			}
			a := f.assertions[0]
			if a.header["alg"] != k.alg || a.header["kid"] != "kid-1" || a.header["typ"] != "JWT" {
				t.Errorf("header = %v", a.header)
			}
			cl := a.claims
			if cl["iss"] != "0oaCLIENT" || cl["sub"] != "0oaCLIENT" || cl["aud"] != f.srv.URL+"/oauth2/v1/token" {
				t.Errorf("claims = %v", cl)
			}
			iat, _ := cl["iat"].(float64)
			exp, _ := cl["exp"].(float64)
			if exp-iat != 300 || time.Since(time.Unix(int64(iat), 0)).Abs() > time.Minute {
				t.Errorf("iat/exp = %v/%v", iat, exp)
			}
			if jti, _ := cl["jti"].(string); len(jti) < 16 {
				t.Errorf("jti = %q", jti)
			}
		})
	}
}

func TestTokenCachedAcrossCalls(t *testing.T) {
	k := ecKeySEC1(t, elliptic.P256(), "ES256")
	f := newFakeOkta(t, k.pub)
	c := f.client(t, Config{ClientID: "0oaC", PrivateKey: k.pem})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 5; i++ {
		if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
			t.Fatal(err)
		}
	}
	if f.tokenCalls != 1 || f.apiCalls != 25 {
		t.Fatalf("token calls = %d, api calls = %d; want 1 and 25", f.tokenCalls, f.apiCalls)
	}

	// A token close to expiry is refreshed before use.
	now := time.Now()
	c.now = func() time.Time { return now.Add(3600*time.Second - 30*time.Second) }
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatal(err)
	}
	if f.tokenCalls != 2 {
		t.Fatalf("token calls = %d after expiry margin, want 2", f.tokenCalls)
	}
}

func TestRevokedTokenRefreshedOnce(t *testing.T) {
	k := rsaKeyPKCS1(t)
	f := newFakeOkta(t, k.pub)
	c := f.client(t, Config{ClientID: "0oaC", PrivateKey: k.pem})
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.revoked[f.issued[0]] = true
	f.mu.Unlock()
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatalf("not refreshed after 401: %v", err)
	}
	if f.tokenCalls != 2 {
		t.Fatalf("token calls = %d", f.tokenCalls)
	}
}

func TestDPoPNonceFlowAndAth(t *testing.T) {
	k := rsaKeyPKCS1(t)
	f := newFakeOkta(t, k.pub)
	f.requireDPoP = true
	f.tokenNonce = "as-nonce-1"
	f.apiNonce = "rs-nonce-1"
	c := f.client(t, Config{ClientID: "0oaC", PrivateKey: k.pem})

	u, err := c.GetUser(context.Background(), "00u1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Profile.Login != "a@b.c" {
		t.Fatalf("user = %+v", u)
	}
	// no proof -> invalid_dpop_proof; proof -> use_dpop_nonce; proof+nonce -> token
	if f.tokenCalls != 3 {
		t.Fatalf("token calls = %d, want 3", f.tokenCalls)
	}
	// first API call lacks the resource nonce -> 401 use_dpop_nonce -> retry
	if f.apiCalls != 2 {
		t.Fatalf("api calls = %d, want 2", f.apiCalls)
	}
	if f.lastProof.claims["nonce"] != "rs-nonce-1" {
		t.Fatalf("last proof nonce = %v", f.lastProof.claims["nonce"])
	}

	// The nonce is remembered; a rotation is picked up from the 401.
	f.apiNonce = "rs-nonce-2"
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatal(err)
	}
	if f.apiCalls != 4 || f.tokenCalls != 3 {
		t.Fatalf("api calls = %d token calls = %d", f.apiCalls, f.tokenCalls)
	}
	if _, err := c.GetUser(context.Background(), "00u1"); err != nil {
		t.Fatal(err)
	}
	if f.apiCalls != 5 {
		t.Fatalf("api calls = %d, want the nonce reused", f.apiCalls)
	}
}

func TestTokenEndpointErrorsAndRetries(t *testing.T) {
	k := ecKeySEC1(t, elliptic.P256(), "ES256")
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.URL.Path != "/oauth2/v1/token" {
			writeJSON(w, 200, map[string]any{"id": "00u1"})
			return
		}
		switch n {
		case 1:
			w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(time.Now().Add(3*time.Second).Unix()))
			oauthError(w, 429, "too_many_requests", "slow down")
		case 2:
			w.WriteHeader(503)
		default:
			oauthError(w, 401, "invalid_client", "The client_assertion signature is invalid.")
		}
	}))
	defer srv.Close()
	c, err := NewClient(Config{OrgURL: srv.URL, ClientID: "0oaC", PrivateKey: k.pem})
	if err != nil {
		t.Fatal(err)
	}
	w := instrument(c)
	_, err = c.GetUser(context.Background(), "00u1")
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Path != "/oauth2/v1/token" || apiErr.ErrorCode != "invalid_client" || apiErr.StatusCode != 401 {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 3 || len(w.all()) != 2 {
		t.Fatalf("calls = %d waits = %v", calls.Load(), w.all())
	}
	if !strings.Contains(err.Error(), "client_assertion signature is invalid") {
		t.Errorf("err = %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	rsaKey := rsaKeyPKCS1(t).pem
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}))
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	p521DER, _ := x509.MarshalECPrivateKey(p521)
	p521PEM := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: p521DER}))
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	edPEM := pkcs8Key(t, "ed", edKey, "").pem
	pubDER, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	corrupt := "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n"

	ok := "https://acme.okta.com"
	cases := []struct {
		name    string
		cfg     Config
		field   string
		summary string
		detail  string
	}{
		{"no url", Config{APIToken: "t"}, "okta_org_url", "Missing", ""},
		{"bad url", Config{OrgURL: "acme.okta.com", APIToken: "t"}, "okta_org_url", "Invalid", ""},
		{"http", Config{OrgURL: "http://acme.okta.com", APIToken: "t"}, "okta_org_url", "Insecure", ""},
		{"admin url", Config{OrgURL: "https://acme-admin.okta.com", APIToken: "t"}, "okta_org_url", "admin", ""},
		{"query", Config{OrgURL: "https://acme.okta.com/?x=1", APIToken: "t"}, "okta_org_url", "Invalid", ""},
		{"no creds", Config{OrgURL: ok}, "okta_api_token", "Missing", ""},
		{"both", Config{OrgURL: ok, APIToken: "t", ClientID: "c", PrivateKey: rsaKey}, "okta_client_id", "Conflicting", ""},
		{"token ws", Config{OrgURL: ok, APIToken: "a b"}, "okta_api_token", "Invalid", ""},
		{"no client id", Config{OrgURL: ok, PrivateKey: rsaKey}, "okta_client_id", "Missing", ""},
		{"no key", Config{OrgURL: ok, ClientID: "c"}, "okta_private_key", "Missing", ""},
		{"bad scope", Config{OrgURL: ok, ClientID: "c", PrivateKey: rsaKey, Scopes: []string{"okta.apps.read okta.apps.manage"}}, "okta_scopes", "scope", ""},
		{"not pem", Config{OrgURL: ok, ClientID: "c", PrivateKey: "hunter2-not-a-key"}, "okta_private_key", "Invalid", "not PEM"},
		{"jwk", Config{OrgURL: ok, ClientID: "c", PrivateKey: `{"kty":"RSA","d":"secret"}`}, "okta_private_key", "Unsupported", "JWK"},
		{"small rsa", Config{OrgURL: ok, ClientID: "c", PrivateKey: smallPEM}, "okta_private_key", "too small", "1024-bit"},
		{"p521", Config{OrgURL: ok, ClientID: "c", PrivateKey: p521PEM}, "okta_private_key", "curve", "P-521"},
		{"ed25519", Config{OrgURL: ok, ClientID: "c", PrivateKey: edPEM}, "okta_private_key", "type", "Ed25519"},
		{"public", Config{OrgURL: ok, ClientID: "c", PrivateKey: pubPEM}, "okta_private_key", "Public key", "PUBLIC KEY"},
		{"corrupt", Config{OrgURL: ok, ClientID: "c", PrivateKey: corrupt}, "okta_private_key", "Invalid", "PKCS#1"},
		{"kid ws", Config{OrgURL: ok, ClientID: "c", PrivateKey: rsaKey, PrivateKeyID: "a b"}, "okta_private_key_id", "Invalid", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClient(tc.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *ConfigError", err)
			}
			if ce.Field != tc.field || !strings.Contains(ce.Summary, tc.summary) || !strings.Contains(ce.Detail, tc.detail) {
				t.Fatalf("got %+v", ce)
			}
			for _, secret := range []string{"hunter2", `"d":"secret"`, "MII", "BEGIN"} {
				if secret == "BEGIN" && tc.name != "corrupt" {
					continue
				}
				if strings.Contains(err.Error(), secret) && !strings.Contains(acceptedKeyFormats, secret) {
					t.Errorf("error leaks key material %q: %v", secret, err)
				}
			}
			if strings.Contains(err.Error(), "MII") {
				t.Errorf("error leaks key bytes: %v", err)
			}
		})
	}

	// Valid configurations.
	for _, cfg := range []Config{
		{OrgURL: "https://acme.okta.com/", APIToken: "SSWS tok"},
		{OrgURL: "http://127.0.0.1:8080", APIToken: "tok"},
		{OrgURL: "http://localhost:1", APIToken: "tok"},
		{OrgURL: "http://[::1]:1", APIToken: "tok"},
		{OrgURL: ok, ClientID: "c", PrivateKey: strings.ReplaceAll(rsaKey, "\n", `\n`)},
	} {
		c, err := NewClient(cfg)
		if err != nil {
			t.Errorf("%+v: %v", cfg.OrgURL, err)
			continue
		}
		if strings.HasSuffix(c.OrgURL(), "/") {
			t.Errorf("OrgURL not normalized: %s", c.OrgURL())
		}
	}
}

// TestNoSecretsInErrors provokes every kind of failure and checks that no
// credential, assertion, proof or token appears in the error text.
func TestNoSecretsInErrors(t *testing.T) {
	k := rsaKeyPKCS1(t)
	var seen []string // credentials observed on the wire
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			seen = append(seen, a, strings.TrimPrefix(strings.TrimPrefix(a, "SSWS "), "Bearer "))
		}
		if r.URL.Path == "/oauth2/v1/token" {
			_ = r.ParseForm()
			seen = append(seen, r.PostForm.Get("client_assertion"))
			mu.Unlock()
			writeJSON(w, 200, map[string]any{"access_token": "secret-access-token-xyz", "token_type": "Bearer", "expires_in": 3600})
			return
		}
		mu.Unlock()
		switch r.URL.Path {
		case "/api/v1/users/401":
			oktaError(w, 401, ErrCodeInvalidToken, "Invalid token provided")
		case "/api/v1/users/500":
			w.WriteHeader(500)
		case "/api/v1/users/drop":
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
				}
			}
		default:
			oktaError(w, 403, ErrCodeAccessDenied, "You do not have permission to perform the requested action")
		}
	}))
	defer srv.Close()

	var errs []error
	for _, cfg := range []Config{
		{OrgURL: srv.URL, APIToken: testToken},
		{OrgURL: srv.URL, ClientID: "0oaC", PrivateKey: k.pem},
	} {
		c, err := NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		instrument(c)
		c.maxRetries = 1
		for _, id := range []string{"401", "500", "drop", "403"} {
			_, err := c.GetUser(context.Background(), id)
			if err == nil {
				t.Fatalf("%s: no error", id)
			}
			errs = append(errs, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := NewClient(Config{OrgURL: srv.URL, ClientID: "0oaC", PrivateKey: k.pem})
	_, err := c.GetUser(ctx, "x")
	errs = append(errs, err)

	secrets := append([]string{testToken, "secret-access-token-xyz", "PRIVATE KEY"}, seen...)
	for _, err := range errs {
		msg := fmt.Sprintf("%v %+v", err, err)
		for _, s := range secrets {
			if s != "" && strings.Contains(msg, s) {
				t.Errorf("error %q contains a secret", msg)
			}
		}
	}
}
