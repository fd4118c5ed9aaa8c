package enginetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/testcert"
)

// TLSHarness is a driver and two real servers: one with TLS on, serving a
// certificate for 127.0.0.1 that CA verifies, and one that offers no TLS.
type TLSHarness struct {
	Driver engine.Driver
	// TLS is the admin config of the server with TLS; CA its CA bundle.
	TLS engine.Config
	CA  string
	// Plain is the admin config of a server that offers no TLS.
	Plain engine.Config
}

// RunTLS checks how the driver uses engine.Config's TLS fields against
// real servers: the right CA connects with verify-full, a wrong CA or a
// wrong server name fails with ErrUnreachable and a TLSFailure that names
// it, and require against a server without TLS fails as ErrNoTLS (or, for
// an engine that cannot negotiate, a named TLS failure). Errors never
// hold the password.
func RunTLS(t *testing.T, h TLSHarness) {
	other := string(testcert.New(t, "another CA").CertPEM)
	for _, tc := range []struct {
		name string
		edit func(c *engine.Config)
		// want is "" for success, else a word of engine.TLSFailure's text.
		want string
	}{
		{"VerifyFullWithCA", func(c *engine.Config) { c.TLS, c.TLSCA = engine.TLSVerifyFull, h.CA }, ""},
		{"VerifyFullCAAndServerName", func(c *engine.Config) {
			c.TLS, c.TLSCA, c.TLSServerName = engine.TLSVerifyFull, h.CA, "localhost"
		}, ""},
		{"Require", func(c *engine.Config) { c.TLS = engine.TLSRequire }, ""},
		{"WrongCA", func(c *engine.Config) { c.TLS, c.TLSCA = engine.TLSVerifyFull, other }, "trusted CA"},
		{"SystemCAs", func(c *engine.Config) { c.TLS = engine.TLSVerifyFull }, "trusted CA"},
		{"WrongServerName", func(c *engine.Config) {
			c.TLS, c.TLSCA, c.TLSServerName = engine.TLSVerifyFull, h.CA, "db.example.com"
		}, "tlsServerName"},
		{"RequireWithoutTLS", func(c *engine.Config) { *c = h.Plain; c.TLS = engine.TLSRequire }, "TLS"},
		{"VerifyFullWithoutTLS", func(c *engine.Config) { *c = h.Plain; c.TLS, c.TLSCA = engine.TLSVerifyFull, h.CA }, "TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := h.TLS
			tc.edit(&cfg)
			conn, err := h.Driver.Open(cfg)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer conn.Close()
			ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
			defer cancel()
			err = conn.Ping(ctx)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Ping = %v, want success", err)
				}
				return
			}
			why := engine.TLSFailure(err)
			if !errors.Is(err, engine.ErrUnreachable) || !strings.Contains(why, tc.want) {
				t.Fatalf("Ping = %v (TLS failure %q), want ErrUnreachable and a TLS failure naming %q", err, why, tc.want)
			}
			if cfg.Password != "" && strings.Contains(err.Error(), cfg.Password) {
				t.Fatalf("Ping's error holds the password: %v", err)
			}
		})
	}
	t.Run("CAOutsideVerifyFull", func(t *testing.T) {
		t.Parallel()
		for _, mode := range []engine.TLSMode{engine.TLSDisable, engine.TLSPrefer, engine.TLSRequire} {
			cfg := h.TLS
			cfg.TLS, cfg.TLSCA = mode, h.CA
			if conn, err := h.Driver.Open(cfg); err == nil {
				conn.Close()
				t.Errorf("Open with a CA and TLS %s = nil error, want one (the CA would be ignored)", mode)
			}
		}
	})
}
