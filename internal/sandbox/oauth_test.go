package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"testing"
	"time"
)

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func parseKey(t *testing.T, pemStr string) crypto.Signer {
	t.Helper()
	b, _ := pem.Decode([]byte(pemStr))
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return as[crypto.Signer](t, k)
}

// signJWT signs header+claims with key (RS256 for RSA, ES256 for EC).
func signJWT(t *testing.T, key crypto.Signer, header, claims map[string]any) string {
	t.Helper()
	switch key.(type) {
	case *rsa.PrivateKey:
		header["alg"] = "RS256"
	case *ecdsa.PrivateKey:
		header["alg"] = "ES256"
	}
	hb, _ := json.Marshal(header)
	cb, _ := json.Marshal(claims)
	input := b64url(hb) + "." + b64url(cb)
	h := sha256.Sum256([]byte(input))
	var sig []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		s, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = s
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, h[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	}
	return input + "." + b64url(sig)
}

func (e *env) assertion(key crypto.Signer, kid string, mutate func(map[string]any)) string {
	now := e.clock.Now()
	claims := map[string]any{
		"iss": e.sb.ClientID(), "sub": e.sb.ClientID(), "aud": e.sb.TokenURL(),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": randToken(16),
	}
	if mutate != nil {
		mutate(claims)
	}
	return signJWT(e.t, key, map[string]any{"kid": kid, "typ": "JWT"}, claims)
}

func (e *env) tokenRequest(assertion, scope string, hdr map[string]string) resp {
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"scope":                 {scope},
		"client_assertion_type": {assertionType},
		"client_assertion":      {assertion},
	}
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range hdr {
		h[k] = v
	}
	return e.do("POST", e.sb.TokenURL(), form.Encode(), h)
}

func oauthErr(t *testing.T, r resp, status int, code string) {
	t.Helper()
	wantStatus(t, r, status)
	if m := r.obj(t); m["error"] != code {
		t.Fatalf("error %v, want %s", m["error"], code)
	}
}

func TestOAuthClientAssertion(t *testing.T) {
	e := newEnv(t, Options{})
	rsaKey := parseKey(t, e.sb.PrivateKeyPEM())
	ecKey := parseKey(t, e.sb.ECPrivateKeyPEM())
	scope := "okta.apps.read okta.groups.read"

	r := e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), nil), scope, nil)
	wantStatus(t, r, 200)
	tok := r.obj(t)
	if tok["token_type"] != "Bearer" || as[float64](t, tok["expires_in"]) != 3600 || tok["scope"] != scope {
		t.Fatalf("token %v", tok)
	}
	e.auth = "Bearer " + as[string](t, tok["access_token"])
	wantStatus(t, e.okta("GET", e.appPath("/users"), nil), 200)
	wantStatus(t, e.okta("GET", e.appPath("/group-push/mappings"), nil), 200)
	// Writes need manage; users need okta.users.read.
	r = e.okta("POST", e.appPath("/users"), map[string]any{"id": e.user("alice@example.com").ID})
	wantErrorCode(t, r, 403, "E0000006")
	want := `Bearer realm="IdpMyAccountAPI", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", scope="okta.apps.manage"`
	if got := r.header.Get("WWW-Authenticate"); got != want {
		t.Fatalf("WWW-Authenticate %q", got)
	}
	wantErrorCode(t, e.okta("GET", "/api/v1/users", nil), 403, "E0000006")
	// Token expiry.
	e.clock.Advance(time.Hour)
	wantErrorCode(t, e.okta("GET", e.appPath("/users"), nil), 401, "E0000011")

	// EC key works too.
	wantStatus(t, e.tokenRequest(e.assertion(ecKey, e.sb.ECPrivateKeyID(), nil), scope, nil), 200)

	// Bad signature: a key the app doesn't know, under a registered kid.
	other, _ := rsa.GenerateKey(rand.Reader, 1024)
	oauthErr(t, e.tokenRequest(e.assertion(other, e.sb.PrivateKeyID(), nil), scope, nil), 401, "invalid_client")
	// Unknown kid, wrong aud, expired, too long, wrong iss.
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, "nope", nil), scope, nil), 401, "invalid_client")
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), func(c map[string]any) { c["aud"] = e.sb.OktaURL() }), scope, nil), 401, "invalid_client")
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), func(c map[string]any) { c["exp"] = e.clock.Now().Add(-time.Second).Unix() }), scope, nil), 401, "invalid_client")
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), func(c map[string]any) { c["exp"] = e.clock.Now().Add(2 * time.Hour).Unix() }), scope, nil), 401, "invalid_client")
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), func(c map[string]any) { c["iss"] = "someone" }), scope, nil), 401, "invalid_client")
	// Replayed jti.
	a := e.assertion(rsaKey, e.sb.PrivateKeyID(), nil)
	wantStatus(t, e.tokenRequest(a, scope, nil), 200)
	oauthErr(t, e.tokenRequest(a, scope, nil), 401, "invalid_client")
	// Scopes that are not granted.
	e.sb.SetGrantedScopes([]string{"okta.apps.read"})
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), nil), scope, nil), 400, "invalid_scope")
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), nil), "", nil), 400, "invalid_scope")
	// Wrong grant type.
	r = e.do("POST", e.sb.TokenURL(), "grant_type=password", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	oauthErr(t, r, 400, "unsupported_grant_type")
	if n := e.sb.CountRequests(func(r Request) bool { return r.Bucket == "oauth" }); n < 10 {
		t.Fatalf("oauth requests recorded: %d", n)
	}
}

type dpopKey struct {
	key *ecdsa.PrivateKey
	jwk map[string]any
}

func newDPoPKey(t *testing.T) dpopKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]byte, 32), make([]byte, 32)
	k.X.FillBytes(x) //nolint:staticcheck
	k.Y.FillBytes(y) //nolint:staticcheck
	return dpopKey{key: k, jwk: map[string]any{"kty": "EC", "crv": "P-256", "x": b64url(x), "y": b64url(y)}}
}

func (d dpopKey) proof(t *testing.T, now time.Time, method, htu, nonce, token string) string {
	claims := map[string]any{"htm": method, "htu": htu, "iat": now.Unix(), "jti": randToken(16)}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		claims["ath"] = b64url(sum[:])
	}
	return signJWT(t, d.key, map[string]any{"typ": "dpop+jwt", "jwk": d.jwk}, claims)
}

func TestDPoP(t *testing.T) {
	e := newEnv(t, Options{})
	e.sb.SetDPoPRequired(true)
	rsaKey := parseKey(t, e.sb.PrivateKeyPEM())
	dk := newDPoPKey(t)
	now := e.clock.Now
	scope := "okta.apps.read"

	// No proof.
	oauthErr(t, e.tokenRequest(e.assertion(rsaKey, e.sb.PrivateKeyID(), nil), scope, nil), 400, "invalid_dpop_proof")
	// Proof without nonce -> use_dpop_nonce + DPoP-Nonce. The same assertion may be retried.
	a := e.assertion(rsaKey, e.sb.PrivateKeyID(), nil)
	r := e.tokenRequest(a, scope, map[string]string{"DPoP": dk.proof(t, now(), "POST", e.sb.TokenURL(), "", "")})
	oauthErr(t, r, 400, "use_dpop_nonce")
	nonce := r.header.Get("DPoP-Nonce")
	if nonce == "" {
		t.Fatal("no DPoP-Nonce header")
	}
	// Bad proofs.
	bad := signJWT(t, dk.key, map[string]any{"typ": "JWT", "jwk": dk.jwk}, map[string]any{"htm": "POST", "htu": e.sb.TokenURL(), "iat": now().Unix(), "jti": "x", "nonce": nonce})
	oauthErr(t, e.tokenRequest(a, scope, map[string]string{"DPoP": bad}), 400, "invalid_dpop_proof")
	oauthErr(t, e.tokenRequest(a, scope, map[string]string{"DPoP": dk.proof(t, now(), "GET", e.sb.TokenURL(), nonce, "")}), 400, "invalid_dpop_proof")
	oauthErr(t, e.tokenRequest(a, scope, map[string]string{"DPoP": dk.proof(t, now().Add(-time.Hour), "POST", e.sb.TokenURL(), nonce, "")}), 400, "invalid_dpop_proof")
	// Good.
	r = e.tokenRequest(a, scope, map[string]string{"DPoP": dk.proof(t, now(), "POST", e.sb.TokenURL(), nonce, "")})
	wantStatus(t, r, 200)
	tok := r.obj(t)
	if tok["token_type"] != "DPoP" {
		t.Fatalf("token %v", tok)
	}
	at := as[string](t, tok["access_token"])
	htu := e.sb.OktaURL() + e.appPath("/users")

	call := func(authz, proof string) resp {
		h := map[string]string{"Authorization": authz}
		if proof != "" {
			h["DPoP"] = proof
		}
		return e.do("GET", htu+"?limit=5", nil, h)
	}
	wantErrorCode(t, call("Bearer "+at, ""), 401, "E0000011")
	wantErrorCode(t, call("DPoP "+at, ""), 401, "E0000011")
	wantErrorCode(t, call("DPoP "+at, dk.proof(t, now(), "GET", htu, "", "wrong-token")), 401, "E0000011")
	wantErrorCode(t, call("DPoP "+at, newDPoPKey(t).proof(t, now(), "GET", htu, "", at)), 401, "E0000011")
	wantErrorCode(t, call("DPoP "+at, dk.proof(t, now(), "GET", e.sb.OktaURL()+"/api/v1/groups", "", at)), 401, "E0000011")
	good := dk.proof(t, now(), "GET", htu, "", at)
	wantStatus(t, call("DPoP "+at, good), 200)
	wantErrorCode(t, call("DPoP "+at, good), 401, "E0000011") // replayed proof jti
	r = call("DPoP "+at, dk.proof(t, now(), "GET", htu, "", at))
	wantStatus(t, r, 200)

	// The thumbprint helper agrees with RFC 7638 on the RFC's own example key.
	rfc := map[string]any{"kty": "RSA", "e": "AQAB",
		"n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
	if tp, err := JWKThumbprint(rfc); err != nil || tp != "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" {
		t.Fatalf("thumbprint %q %v", tp, err)
	}
}
