package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// JWS algorithms the client signs with.
const (
	algRS256 = jose.RS256
	algES256 = jose.ES256
	algES384 = jose.ES384
)

var b64 = base64.RawURLEncoding

// jwsHeader is what a signed JWT's protected header carries besides alg.
type jwsHeader struct {
	typ      string // "JWT" or "dpop+jwt"
	kid      string // key id, if any
	embedJWK bool   // the public key as "jwk" (DPoP proofs)
}

// signJWS returns the compact serialization of claims signed with key
// (go-jose: RS256 PKCS#1 v1.5, ES256/ES384 with the fixed-size r||s
// signature JWS requires).
func signJWS(key crypto.Signer, alg jose.SignatureAlgorithm, h jwsHeader, claims any) (string, error) {
	opts := (&jose.SignerOptions{EmbedJWK: h.embedJWK}).WithType(jose.ContentType(h.typ))
	var signingKey any = key
	if h.kid != "" {
		signingKey = jose.JSONWebKey{Key: key, KeyID: h.kid, Algorithm: string(alg)}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: signingKey}, opts)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// randomID returns a random URL-safe identifier for jti claims.
func randomID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b64.EncodeToString(b)
}

const acceptedKeyFormats = `Accepted: a PEM-encoded RSA key (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY", at least 2048 bits) or an EC P-256/P-384 key (SEC1 "BEGIN EC PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY"), unencrypted.`

// parsePrivateKey parses a PEM private key and picks its JWS algorithm.
// Error messages describe the format found, never the key material.
func parsePrivateKey(pemText string) (crypto.Signer, jose.SignatureAlgorithm, error) {
	const field = "okta_private_key"
	bad := func(summary, found string) error {
		return &ConfigError{Field: field, Summary: summary, Detail: found + " " + acceptedKeyFormats}
	}
	text := strings.TrimSpace(pemText)
	// Keys passed through environment variables often arrive with literal
	// "\n" sequences instead of newlines.
	if !strings.Contains(text, "\n") && strings.Contains(text, `\n`) {
		text = strings.ReplaceAll(text, `\n`, "\n")
	}
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		switch {
		case strings.HasPrefix(text, "{"):
			return nil, "", bad("Unsupported private key format", "The value looks like a JWK (JSON), not PEM; Okta's Admin Console can show the key as PEM.")
		case strings.HasPrefix(text, "-----BEGIN"):
			return nil, "", bad("Invalid private key", "The value starts like PEM but is not a complete PEM block (check the END line and line breaks).")
		default:
			return nil, "", bad("Invalid private key", "The value is not PEM-encoded (expected the key content, not a file path).")
		}
	}
	if _, encrypted := block.Headers["Proc-Type"]; encrypted {
		return nil, "", bad("Unsupported private key format", fmt.Sprintf("Found an encrypted %q PEM block; decrypt it first.", block.Type))
	}

	var key any
	var err error
	format := ""
	switch block.Type {
	case "RSA PRIVATE KEY":
		format = "PKCS#1 RSA private key"
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		format = "SEC1 EC private key"
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		format = "PKCS#8 private key"
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, "", bad("Unsupported private key format", "Found an encrypted PKCS#8 key; decrypt it first (openssl pkcs8 -topk8 -nocrypt).")
	case "OPENSSH PRIVATE KEY":
		return nil, "", bad("Unsupported private key format", "Found an OpenSSH private key; convert it to PKCS#8 PEM (ssh-keygen -p -m PKCS8).")
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, "", bad("Public key given instead of private key", fmt.Sprintf("Found a %q PEM block; the provider signs with the private key.", block.Type))
	default:
		return nil, "", bad("Unsupported private key format", fmt.Sprintf("Found a %q PEM block.", block.Type))
	}
	if err != nil {
		return nil, "", bad("Invalid private key", fmt.Sprintf("The PEM block is labeled as a %s but its content could not be parsed.", format))
	}

	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < 2048 {
			return nil, "", bad("Private key too small", fmt.Sprintf("Found a %d-bit RSA key (%s).", bits, format))
		}
		return k, algRS256, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return k, algES256, nil
		case elliptic.P384():
			return k, algES384, nil
		default:
			return nil, "", bad("Unsupported EC curve", fmt.Sprintf("Found an EC key on curve %s (%s).", k.Curve.Params().Name, format))
		}
	case ed25519.PrivateKey:
		return nil, "", bad("Unsupported private key type", "Found an Ed25519 key (PKCS#8); Okta accepts RSA and EC keys.")
	default:
		return nil, "", bad("Unsupported private key type", fmt.Sprintf("Found a %s of type %T.", format, key))
	}
}
