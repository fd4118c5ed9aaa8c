package dbplane

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"strings"
)

// MaxTLSCABytes bounds a host's CA bundle: a few dozen certificates.
const MaxTLSCABytes = 64 << 10

// applyTLS validates the TLS fields of in and writes them into h: the
// mode (disable, prefer, require, verify-full), the CA bundle and the
// server name. A CA bundle or server name given without a mode makes the
// mode verify-full, and both are kept only with verify-full: the other
// modes check no certificate, so a CA there would be stored and ignored.
func (in *HostInput) applyTLS(h *Host, create bool) error {
	if in.TLSCA != nil {
		ca, err := ParseTLSCA(*in.TLSCA)
		if err != nil {
			return err
		}
		h.TLSCA = ca
	}
	if in.TLSServerName != nil {
		v := strings.TrimSpace(*in.TLSServerName)
		if err := ValidateText("tlsServerName", v); err != nil {
			return err
		}
		if len(v) > 253 {
			return FieldErrorf("tlsServerName", "The tlsServerName must be at most 253 characters.")
		}
		if err := validHostname("tlsServerName", v, v != ""); err != nil {
			return err
		}
		h.TLSServerName = v
	}
	verifying := (in.TLSCA != nil && h.TLSCA != "") || (in.TLSServerName != nil && h.TLSServerName != "")
	switch {
	case in.TLS != nil:
		m, err := ParseTLSMode("tls", *in.TLS)
		if err != nil {
			return err
		}
		h.TLS = m
	case verifying:
		h.TLS = TLSVerifyFull
	case create:
		h.TLS = TLSPrefer
	}
	if h.TLS != TLSVerifyFull && (h.TLSCA != "" || h.TLSServerName != "") {
		return FieldErrorf("tls", "The tls must be verify-full while tlsCA or tlsServerName is set: set them to \"\" to use %s.", h.TLS)
	}
	return nil
}

// ParseTLSMode returns the TLS mode named s, or a CodeInvalid error for
// field.
func ParseTLSMode(field, s string) (TLSMode, error) {
	switch m := TLSMode(s); m {
	case TLSDisable, TLSPrefer, TLSRequire, TLSVerifyFull:
		return m, nil
	}
	return "", FieldErrorf(field, "The %s must be one of disable, prefer, require, verify-full.", field)
}

// ParseTLSCA checks that s is a bundle of PEM certificates and returns it
// re-encoded (one CERTIFICATE block after another): text before a block,
// such as the comments of a distribution's bundle, is dropped; text after
// the last block, any other kind of block (a private key), PEM headers and
// a block that is no X.509 certificate are refused. "" (or only white
// space) is "" (no bundle). Errors are CodeInvalid for the field tlsCA.
func ParseTLSCA(s string) (string, error) {
	if len(s) > MaxTLSCABytes {
		return "", FieldErrorf("tlsCA", "The tlsCA must be at most %d KiB of PEM.", MaxTLSCABytes>>10)
	}
	rest := bytes.TrimSpace([]byte(s))
	if len(rest) == 0 {
		return "", nil
	}
	var out bytes.Buffer
	for n := 1; len(rest) > 0; n++ {
		block, after := pem.Decode(rest)
		if block == nil && n == 1 {
			return "", FieldErrorf("tlsCA", "The tlsCA must be PEM certificates (-----BEGIN CERTIFICATE-----).")
		}
		if block == nil {
			return "", FieldErrorf("tlsCA", "The tlsCA has text after certificate %d that is not a PEM certificate.", n-1)
		}
		if block.Type != "CERTIFICATE" {
			return "", FieldErrorf("tlsCA", "The tlsCA must hold only certificates: block %d is a %q block.", n, block.Type)
		}
		if len(block.Headers) > 0 {
			return "", FieldErrorf("tlsCA", "The tlsCA's certificate %d has PEM headers; certificates have none.", n)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", FieldErrorf("tlsCA", "The tlsCA's certificate %d is not a valid X.509 certificate.", n)
		}
		if err := pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes}); err != nil {
			return "", err
		}
		rest = bytes.TrimSpace(after)
	}
	return out.String(), nil
}

// PublicTLS is the TLS mode tenants' connection strings and snippets
// carry: require and verify-full as the host has them, so that clients
// insist on TLS (and check the certificate) as dbplane does; disable, prefer
// and unset as prefer, the clients' default, which adds nothing and works
// whether or not the server offers TLS (dbplane's own connection going
// plain says nothing about what tenants may use). It is the one place
// that says so, should the public side ever get a setting of its own.
func (h *Host) PublicTLS() TLSMode {
	if h.TLS == TLSRequire || h.TLS == TLSVerifyFull {
		return h.TLS
	}
	return TLSPrefer
}
