package dbtest_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestServer_Passwords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *dbtest.Server
	}{
		{"mariadb", dbtest.MariaDB},
		{"postgres", dbtest.Postgres},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.start(t)
			if got := srv.Engine(); got != tc.name {
				t.Errorf("Engine() = %q, want %q", got, tc.name)
			}
			cfg := srv.AdminConfig()
			host, port := srv.Addr()
			if cfg.Host != host || cfg.Port != port {
				t.Errorf("AdminConfig() = %s:%d, Addr() = %s:%d, want the same address", cfg.Host, cfg.Port, host, port)
			}
			if cfg.Password == "" {
				t.Fatal("AdminConfig().Password is empty; the superuser must need a password")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err != nil {
				t.Errorf("ConnectAs(%s, right password) = %v, want nil", cfg.User, err)
			}
			for _, pw := range []string{"wrong" + cfg.Password, ""} {
				if err := srv.ConnectAs(ctx, cfg.User, pw, cfg.Database); err == nil {
					t.Errorf("ConnectAs(%s, password %q) = nil, want a login error", cfg.User, pw)
				}
			}
			if err := srv.ConnectAs(ctx, "nobody_here", "", cfg.Database); err == nil {
				t.Error("ConnectAs(nobody_here, no password) = nil, want a login error (anonymous or trusted login?)")
			}
			var n int
			if err := srv.AdminDB().QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
				t.Errorf("AdminDB() SELECT 1 = %d, %v; want 1, nil", n, err)
			}
		})
	}
}

func TestServer_NewLimitedUser(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *dbtest.Server
		stmt  string // needs a privilege the limited user lacks
	}{
		{"mariadb", dbtest.MariaDB, "CREATE USER 'x_denied'@'%' IDENTIFIED BY 'x'"},
		{"postgres", dbtest.Postgres, `CREATE ROLE x_denied`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.start(t)
			cfg := srv.NewLimitedUser(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err != nil {
				t.Fatalf("ConnectAs(limited %s) = %v, want nil", cfg.User, err)
			}
			if err := srv.ExecAs(ctx, cfg.User, cfg.Password, cfg.Database, tc.stmt); err == nil {
				t.Errorf("ExecAs(limited, %q) = nil, want a privilege error", tc.stmt)
			}
		})
	}
}

func TestServer_NewDatabase(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *dbtest.Server
	}{
		{"mariadb", dbtest.MariaDB},
		{"postgres", dbtest.Postgres},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.start(t)
			db := srv.NewDatabase(t)
			cfg := srv.AdminConfig()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := srv.ExecAs(ctx, cfg.User, cfg.Password, db, "CREATE TABLE t (id int)"); err != nil {
				t.Errorf("ExecAs(admin, %s, CREATE TABLE) = %v, want nil", db, err)
			}
			if u := srv.URL(db); !strings.HasSuffix(strings.SplitN(u, "?", 2)[0], "/"+db) {
				t.Errorf("URL(%q) = %s, want a path ending in the database", db, "[redacted]")
			}
		})
	}
}

func TestStart_OwnDir(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a server")
	}
	// StartPostgres is the benchmark's entry point: the caller owns dir.
	dir, err := os.MkdirTemp("/tmp", "dbtest-own-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := dbtest.StartPostgres(ctx, dir)
	if err != nil {
		if os.Getenv("CI") != "true" && strings.Contains(err.Error(), "not installed") {
			t.Skip(err)
		}
		t.Fatalf("StartPostgres(%s) = %v", dir, err)
	}
	cfg := srv.AdminConfig()
	if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err != nil {
		t.Errorf("ConnectAs(admin) = %v, want nil", err)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop() = %v, want nil", err)
	}
	if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err == nil {
		t.Error("ConnectAs after Stop = nil, want an error")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("Stop removed the caller's dir: %v", err)
	}
}
