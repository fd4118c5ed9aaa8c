package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

func TestDriver_Name(t *testing.T) {
	if got := (postgres.Driver{}).Name(); got != "postgres" {
		t.Errorf("Name() = %q, want %q", got, "postgres")
	}
}

func TestDriver_Open(t *testing.T) {
	const password = "Open-Secret-Pa55word"
	valid := engine.Config{Host: "127.0.0.1", Port: 5432, User: "dbplane", Password: password, TLS: engine.TLSDisable}
	with := func(f func(c *engine.Config)) engine.Config {
		c := valid
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     engine.Config
		wantErr string // "" for success
	}{
		{"minimal", valid, ""},
		{"default port and TLS", with(func(c *engine.Config) { c.Port, c.TLS = 0, "" }), ""},
		{"admin database", with(func(c *engine.Config) { c.Database = "template1" }), ""},
		{"prefer", with(func(c *engine.Config) { c.TLS = engine.TLSPrefer }), ""},
		{"require", with(func(c *engine.Config) { c.TLS = engine.TLSRequire }), ""},
		{"verify-full", with(func(c *engine.Config) { c.TLS = engine.TLSVerifyFull }), ""},
		{"all params", with(func(c *engine.Config) {
			c.Params = map[string]string{"application_name": "dbplane-eu", "connect_timeout": "3", "max_conns": "8", "sslrootcert": "system"}
		}), ""},
		{"param with quotes", with(func(c *engine.Config) { c.Params = map[string]string{"application_name": `it's \ here`} }), ""},
		{"unknown param", with(func(c *engine.Config) { c.Params = map[string]string{"sslmode": "disable"} }), `unknown param "sslmode"`},
		{"bad connect_timeout", with(func(c *engine.Config) { c.Params = map[string]string{"connect_timeout": "5s"} }), "connect_timeout"},
		{"bad max_conns", with(func(c *engine.Config) { c.Params = map[string]string{"max_conns": "0"} }), "max_conns"},
		{"pool size", with(func(c *engine.Config) { c.PoolSize = 1000 }), ""},
		{"negative pool size", with(func(c *engine.Config) { c.PoolSize = -1 }), "pool size -1"},
		{"missing CA file", with(func(c *engine.Config) { c.Params = map[string]string{"sslrootcert": "/nonexistent/ca.pem"} }), "CA file"},
		{"no host", with(func(c *engine.Config) { c.Host = "" }), "host is required"},
		{"no user", with(func(c *engine.Config) { c.User = "" }), "user is required"},
		{"bad port", with(func(c *engine.Config) { c.Port = 70000 }), "port 70000"},
		{"bad TLS mode", with(func(c *engine.Config) { c.TLS = "verify-ca" }), `unknown TLS mode "verify-ca"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := postgres.Driver{}.Open(tc.cfg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Open() error = %v, want nil", err)
				}
				if err := c.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatalf("Open() = nil error, want one containing %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Open() error = %q, want it to contain %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("Open() error %q carries the password", err)
			}
		})
	}
}

// TestDriver_OpenDoesNotDial opens a Conn on a port nothing listens on: Open
// succeeds, and Ping fails fast as unreachable without the password in its
// text.
func TestDriver_OpenDoesNotDial(t *testing.T) {
	const password = "Dial-Secret-Pa55word"
	cfg := engine.Config{Host: "127.0.0.1", Port: closedPort(t), User: "dbplane", Password: password, TLS: engine.TLSPrefer}
	c, err := postgres.Driver{}.Open(cfg)
	if err != nil {
		t.Fatalf("Open() = %v, want nil (no dial)", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = c.Ping(ctx)
	if !errors.Is(err, engine.ErrUnreachable) {
		t.Fatalf("Ping() = %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("Ping() error %q carries the password", err)
	}
}
