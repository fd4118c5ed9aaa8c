package mariadb_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func TestDriver_Name(t *testing.T) {
	if got := (mariadb.Driver{}).Name(); got != "mariadb" {
		t.Errorf("Name() = %q, want mariadb", got)
	}
}

func TestDriver_Open(t *testing.T) {
	const secret = "hunter2-open-secret"
	base := engine.Config{Host: "127.0.0.1", Port: 3306, User: "dbplane", Password: secret, TLS: engine.TLSDisable}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		edit    func(c *engine.Config)
		wantErr bool
	}{
		{"minimal", func(c *engine.Config) {}, false},
		{"default port and TLS", func(c *engine.Config) { c.Port = 0; c.TLS = "" }, false},
		{"all params", func(c *engine.Config) {
			c.TLS = engine.TLSVerifyFull
			c.Params = map[string]string{"dial_timeout": "2s", "read_timeout": "1m", "write_timeout": "10s",
				"max_open_conns": "3", "tls_server_name": "db.internal"}
		}, false},
		{"prefer", func(c *engine.Config) { c.TLS = engine.TLSPrefer }, false},
		{"require", func(c *engine.Config) { c.TLS = engine.TLSRequire }, false},
		{"unknown param", func(c *engine.Config) { c.Params = map[string]string{"sslmode": "on"} }, true},
		{"bad duration", func(c *engine.Config) { c.Params = map[string]string{"read_timeout": "30"} }, true},
		{"zero duration", func(c *engine.Config) { c.Params = map[string]string{"dial_timeout": "0s"} }, true},
		{"bad max_open_conns", func(c *engine.Config) { c.Params = map[string]string{"max_open_conns": "0"} }, true},
		{"pool size", func(c *engine.Config) { c.PoolSize = 1000 }, false},
		{"negative pool size", func(c *engine.Config) { c.PoolSize = -1 }, true},
		{"unknown TLS mode", func(c *engine.Config) { c.TLS = "verify-ca" }, true},
		{"CA without verify-full", func(c *engine.Config) { c.Params = map[string]string{"tls_ca_file": caFile} }, true},
		{"CA file without a certificate", func(c *engine.Config) {
			c.TLS = engine.TLSVerifyFull
			c.Params = map[string]string{"tls_ca_file": caFile}
		}, true},
		{"missing CA file", func(c *engine.Config) {
			c.TLS = engine.TLSVerifyFull
			c.Params = map[string]string{"tls_ca_file": caFile + ".missing"}
		}, true},
		{"no host", func(c *engine.Config) { c.Host = "" }, true},
		{"no user", func(c *engine.Config) { c.User = "" }, true},
		{"port out of range", func(c *engine.Config) { c.Port = 70000 }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			tc.edit(&cfg)
			conn, err := mariadb.Driver{}.Open(cfg)
			if tc.wantErr {
				if err == nil {
					conn.Close()
					t.Fatalf("Open(%s) err = nil, want an error", tc.name)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("Open(%s) err = %q, holds the password", tc.name, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%s) err = %v, want nil", tc.name, err)
			}
			if err := conn.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
	}
}

// TestConn_Unreachable dials a port nobody listens on: Open succeeds, as it
// does not dial, and every method fails fast with ErrUnreachable.
func TestConn_Unreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	const secret = "hunter2-unreachable"
	conn, err := mariadb.Driver{}.Open(engine.Config{Host: "127.0.0.1", Port: port, User: "root", Password: secret, TLS: engine.TLSDisable})
	if err != nil {
		t.Fatalf("Open() = %v, want nil", err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	calls := map[string]func() error{
		"Ping":            func() error { return conn.Ping(ctx) },
		"CheckPrivileges": func() error { return conn.CheckPrivileges(ctx) },
		"SetPassword": func() error {
			return conn.SetPassword(ctx, engine.SetPasswordRequest{Owner: "u_a", Password: secret})
		},
		"DatabaseSizes": func() error { _, err := conn.(engine.Sizer).DatabaseSizes(ctx); return err },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, engine.ErrUnreachable) {
			t.Errorf("%s() = %v, want ErrUnreachable", name, err)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s() = %q, holds the password", name, err)
		}
	}
}
