package okta

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"net/url"
	"strings"
	"time"
)

// dpopKey is the ephemeral P-256 key a client proves possession of (RFC
// 9449). It lives only in memory, one per Client; go-jose embeds its public
// half as the proof's jwk.
type dpopKey struct {
	key *ecdsa.PrivateKey
}

func newDPoPKey() (*dpopKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &dpopKey{key: k}, nil
}

// proof returns a DPoP proof JWT for one HTTP request. accessToken binds the
// proof to the token (ath) on resource requests; it is empty for the token
// endpoint. nonce is the server-provided DPoP-Nonce, if any.
func (k *dpopKey) proof(method, target, nonce, accessToken string, now time.Time) (string, error) {
	claims := map[string]any{
		"htm": method,
		"htu": htu(target),
		"iat": now.Unix(),
		"jti": randomID(),
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["ath"] = b64.EncodeToString(sum[:])
	}
	return signJWS(k.key, algES256, jwsHeader{typ: "dpop+jwt", embedJWK: true}, claims)
}

// htu is the request URL without query and fragment (RFC 9449 section 4.2).
func htu(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u.String()
}
