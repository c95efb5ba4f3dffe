package sandbox

// The sandbox's own verification of client assertions and DPoP proofs
// (RS256, ES256, ES384), written apart from the go-jose signing in
// internal/okta so that the two check each other.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

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
