package engine

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// VerifyTLS returns the tls.Config that checks a server's certificate as
// verify-full does: against cfg.TLSCA (or caFile, a PEM file named in an
// engine's Params; or the system's CAs when both are empty), for the name
// cfg.TLSServerName (or Host). It returns an error when cfg.TLS is not
// verify-full but a CA or a server name is set: the other modes check no
// certificate, and a CA there would be ignored.
func VerifyTLS(cfg Config, caFile string) (*tls.Config, error) {
	if cfg.TLS != TLSVerifyFull {
		if cfg.TLSCA != "" || cfg.TLSServerName != "" || caFile != "" {
			return nil, errors.New("a TLS CA or server name needs TLS mode verify-full")
		}
		return nil, nil
	}
	tc := &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
	if cfg.TLSServerName != "" {
		tc.ServerName = cfg.TLSServerName
	}
	var pool *x509.CertPool
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file: no PEM certificate in %s", caFile)
		}
	}
	if cfg.TLSCA != "" {
		if pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(cfg.TLSCA)) {
			return nil, errors.New("TLS CA: no PEM certificate in the bundle")
		}
	}
	tc.RootCAs = pool
	return tc, nil
}

// ErrNoTLS is in the chain of a connection error (beside ErrUnreachable)
// when TLS was required and the server offers none. Drivers add it with
// NoTLS.
var ErrNoTLS = errors.New("engine: the server offers no TLS")

// NoTLS marks err as a server that offers no TLS; its text is unchanged.
func NoTLS(err error) error { return noTLSError{err} }

type noTLSError struct{ err error }

func (e noTLSError) Error() string   { return e.err.Error() }
func (e noTLSError) Unwrap() []error { return []error{ErrNoTLS, e.err} }

// TLSFailure says in a few words what went wrong with TLS in a connection
// error, for an operator (it quotes nothing from err: no address, no
// certificate field), or "" when err is no TLS failure.
func TLSFailure(err error) string {
	var (
		authErr   x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		recordErr tls.RecordHeaderError
		alertErr  tls.AlertError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoTLS):
		return "the server does not offer TLS (turn TLS on in the server, or set tls to prefer or disable)"
	case errors.As(err, &authErr):
		return "the server's certificate is not signed by a trusted CA (check tlsCA)"
	case errors.As(err, &hostErr):
		return "the server's certificate is not valid for the host's name (check tlsServerName)"
	case errors.As(err, &certErr):
		return "the server's certificate is not valid (expired, not yet valid, or not for server use)"
	case errors.As(err, &verifyErr):
		return "the server's certificate could not be verified"
	case errors.As(err, &recordErr):
		return "the server did not answer in TLS (it may not offer TLS on this port)"
	case errors.As(err, &alertErr):
		return "the server refused the TLS handshake"
	}
	return ""
}
