package okta

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
)

// JWS algorithms the client signs with.
const (
	algRS256 = "RS256"
	algES256 = "ES256"
	algES384 = "ES384"
)

var b64 = base64.RawURLEncoding

// signJWS returns the compact serialization of header.claims signed with key.
// It is hand-rolled (a few lines) to avoid a JOSE dependency.
func signJWS(key crypto.Signer, alg string, header, claims any) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signingInput := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	sig, err := signRaw(key, alg, []byte(signingInput))
	if err != nil {
		return "", err
	}
	return signingInput + "." + b64.EncodeToString(sig), nil
}

func signRaw(key crypto.Signer, alg string, input []byte) ([]byte, error) {
	switch alg {
	case algRS256:
		k, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("okta: %s needs an RSA key", alg)
		}
		d := sha256.Sum256(input)
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, d[:])
	case algES256, algES384:
		k, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("okta: %s needs an EC key", alg)
		}
		var digest []byte
		if alg == algES256 {
			d := sha256.Sum256(input)
			digest = d[:]
		} else {
			d := sha512.Sum384(input)
			digest = d[:]
		}
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			return nil, err
		}
		// JWS wants the fixed-size r||s, not the ASN.1 DER that
		// ecdsa.SignASN1 and crypto.Signer produce.
		size := (k.Curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		return sig, nil
	default:
		return nil, fmt.Errorf("okta: unsupported JWS algorithm %q", alg)
	}
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
func parsePrivateKey(pemText string) (crypto.Signer, string, error) {
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
