package okta

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "00TESTssws-secret-token-value"

// waits records the retry waits a client asked for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newTestServer starts an httptest server and an SSWS client for it whose
// waits are recorded, not slept, and whose jitter is zero.
func newTestServer(t *testing.T, h http.HandlerFunc) (*Client, *httptest.Server, *waits) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewClient(Config{OrgURL: srv.URL, APIToken: testToken, UserAgent: "test-agent/1.0"})
	if err != nil {
		t.Fatal(err)
	}
	w := instrument(c)
	return c, srv, w
}

func instrument(c *Client) *waits {
	w := &waits{}
	c.sleep = w.sleep
	c.jitter = func(time.Duration) time.Duration { return 0 }
	return w
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oktaError(w http.ResponseWriter, status int, code, summary string) {
	writeJSON(w, status, map[string]any{
		"errorCode": code, "errorSummary": summary, "errorLink": code,
		"errorId": "oaeTEST123", "errorCauses": []any{},
	})
}

// Keys ---------------------------------------------------------------------

type testKey struct {
	name string
	pem  string
	pub  crypto.PublicKey
	alg  string
}

func rsaKeyPKCS1(t *testing.T) testKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	return testKey{"RSA PKCS#1", string(p), &k.PublicKey, "RS256"}
}

func pkcs8Key(t *testing.T, name string, k crypto.Signer, alg string) testKey {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	return testKey{name, string(p), k.Public(), alg}
}

func ecKeySEC1(t *testing.T, curve elliptic.Curve, alg string) testKey {
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	return testKey{"EC SEC1 " + curve.Params().Name, string(p), &k.PublicKey, alg}
}

// JWT verification (independent of the code under test) -------------------

type parsedJWT struct {
	header map[string]any
	claims map[string]any
}

func verifyJWT(t *testing.T, token string, pub crypto.PublicKey) parsedJWT {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("JWT has %d parts", len(parts))
	}
	var p parsedJWT
	decodePart(t, parts[0], &p.header)
	decodePart(t, parts[1], &p.claims)
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		t.Fatalf("signature encoding: %v", err)
	}
	input := []byte(parts[0] + "." + parts[1])
	alg, _ := p.header["alg"].(string)
	switch alg {
	case "RS256":
		d := sha256.Sum256(input)
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			t.Fatalf("RS256 with a %T key", pub)
		}
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig); err != nil {
			t.Fatalf("RS256 signature does not verify: %v", err)
		}
	case "ES256", "ES384":
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			t.Fatalf("%s with a %T key", alg, pub)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			t.Fatalf("%s signature is %d bytes, want fixed-size r||s of %d", alg, len(sig), 2*size)
		}
		var digest []byte
		if alg == "ES256" {
			d := sha256.Sum256(input)
			digest = d[:]
		} else {
			d := sha512.Sum384(input)
			digest = d[:]
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			t.Fatalf("%s signature does not verify", alg)
		}
	default:
		t.Fatalf("unexpected alg %q", alg)
	}
	return p
}

func decodePart(t *testing.T, part string, v any) {
	t.Helper()
	raw, err := b64.DecodeString(part)
	if err != nil {
		t.Fatalf("JWT part encoding: %v", err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("JWT part JSON: %v", err)
	}
}

// jwkPublicKey rebuilds a P-256 public key from a DPoP proof's jwk header.
func jwkPublicKey(t *testing.T, jwk map[string]any) *ecdsa.PublicKey {
	t.Helper()
	if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
		t.Fatalf("unexpected jwk %v", jwk)
	}
	if _, ok := jwk["d"]; ok {
		t.Fatal("jwk leaks the private key")
	}
	x, err1 := b64.DecodeString(fmt.Sprint(jwk["x"]))
	y, err2 := b64.DecodeString(fmt.Sprint(jwk["y"]))
	if err1 != nil || err2 != nil {
		t.Fatal("jwk coordinates are not base64url")
	}
	if len(x) != 32 || len(y) != 32 {
		t.Fatalf("jwk coordinates are %d and %d bytes, want 32", len(x), len(y))
	}
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		t.Fatalf("jwk is not a P-256 point: %v", err)
	}
	return k
}
