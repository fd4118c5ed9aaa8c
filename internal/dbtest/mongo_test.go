package dbtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mongoContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestMongo_Passwords(t *testing.T) {
	t.Parallel()
	srv := Mongo(t)
	if got := srv.Engine(); got != engineMongo {
		t.Errorf("Engine() = %q, want %q", got, engineMongo)
	}
	cfg := srv.AdminConfig()
	if cfg.Password == "" || cfg.Database != "admin" {
		t.Fatalf("AdminConfig() user %s database %q, password empty %v; want a password and database admin", cfg.User, cfg.Database, cfg.Password == "")
	}
	ctx := mongoContext(t)
	if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err != nil {
		t.Errorf("ConnectAs(%s, right password) = %v, want nil", cfg.User, err)
	}
	for _, pw := range []string{"wrong" + cfg.Password, ""} {
		if err := srv.ConnectAs(ctx, cfg.User, pw, cfg.Database); err == nil {
			t.Errorf("ConnectAs(%s, a wrong or empty password) = nil, want a login error", cfg.User)
		}
	}
	if err := srv.ConnectAs(ctx, "nobody_here", "x", cfg.Database); err == nil {
		t.Error("ConnectAs(nobody_here) = nil, want a login error")
	}
	if db := srv.AdminDB(); db != nil {
		t.Errorf("AdminDB() = %v, want nil for mongo", db)
	}
}

func TestMongo_ExecAs(t *testing.T) {
	t.Parallel()
	srv := Mongo(t)
	db := srv.NewDatabase(t)
	cfg := srv.AdminConfig()
	ctx := mongoContext(t)
	// The admin user lives on admin: logging in with authSource db fails.
	if err := srv.ExecAs(ctx, cfg.User, cfg.Password, db, "find"); err == nil {
		t.Errorf("ExecAs(admin with authSource %s) = nil, want a login error", db)
	}
	u := "u_" + randomString(8, lower)
	pw := randomString(24, alnum)
	srv.mustMongo(t, db, mongoCreateUser(u, pw))
	for _, stmt := range []string{"insert", "insert", "find", "ping"} {
		if err := srv.ExecAs(ctx, u, pw, db, stmt); err != nil {
			t.Errorf("ExecAs(%q) = %v, want nil", stmt, err)
		}
	}
	err := srv.ExecAs(ctx, u, pw, db, "DROP TABLE t")
	if err == nil || !strings.Contains(err.Error(), "unknown mongo statement") {
		t.Errorf("ExecAs(an SQL statement) = %v, want an unknown statement error", err)
	}
	if err := srv.ExecAs(ctx, u, "wrong"+pw, db, "find"); err == nil {
		t.Error("ExecAs(wrong password) = nil, want a login error")
	}
	if u := srv.URL(db); !strings.HasPrefix(u, "mongodb://") || !strings.HasSuffix(strings.SplitN(u, "?", 2)[0], "/"+db) {
		t.Errorf("URL(%q) = [redacted], want mongodb://.../%s", db, db)
	}
}

func TestMongo_OpenExisting(t *testing.T) {
	t.Parallel()
	srv := Mongo(t)
	want := srv.AdminConfig()
	ext, err := openExisting(engineMongo, srv.URL(""))
	if err != nil {
		t.Fatalf("openExisting(URL()) = %v", err)
	}
	t.Cleanup(func() { ext.Stop() })
	got := ext.AdminConfig()
	if got.Host != want.Host || got.Port != want.Port || got.User != want.User || got.Password != want.Password || got.Database != want.Database {
		t.Errorf("openExisting(URL()) config = %s@%s:%d/%s, want %s@%s:%d/%s",
			got.User, got.Host, got.Port, got.Database, want.User, want.Host, want.Port, want.Database)
	}
	ctx := mongoContext(t)
	if err := ext.ConnectAs(ctx, want.User, want.Password, want.Database); err != nil {
		t.Errorf("ConnectAs through the existing server = %v", err)
	}
	if err := ext.Stop(); err != nil {
		t.Errorf("Stop() of an existing server = %v", err)
	}
	if err := srv.ConnectAs(ctx, want.User, want.Password, want.Database); err != nil {
		t.Errorf("Stop() of the existing-server handle stopped the real server: %v", err)
	}
}

func TestMongo_OpenExistingBadURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"postgres://u:Secret1@127.0.0.1:1/",
		"mongodb://u:Secret1@127.0.0.1:x/",
		"mongodb://u:Secret1@127.0.0.1:1/?authSource=admin",
	} {
		_, err := openExisting(engineMongo, raw)
		if err == nil {
			t.Errorf("openExisting(%s) = nil, want an error", strings.ReplaceAll(raw, "Secret1", "***"))
			continue
		}
		if strings.Contains(err.Error(), "Secret1") {
			t.Errorf("openExisting error holds the password: %v", err)
		}
	}
}

func TestFerretDBBinary(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "ferretdb")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBPLANE_FERRETDB_BIN", notExec)
	if _, err := ferretdbBinary(); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("ferretdbBinary() with a non-executable DBPLANE_FERRETDB_BIN = %v, want ErrNotInstalled", err)
	}
	if err := os.Chmod(notExec, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := ferretdbBinary(); err != nil || got != notExec {
		t.Errorf("ferretdbBinary() = %q, %v; want %q", got, err, notExec)
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatalf("repoRoot() = %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "dbtest")); err != nil {
		t.Errorf("repoRoot() = %s, which has no internal/dbtest", root)
	}
}

func TestMongo_NewLimitedUser(t *testing.T) {
	t.Parallel()
	srv := Mongo(t)
	cfg := srv.NewLimitedUser(t) // skips on FerretDB, which has no limits
	ctx := mongoContext(t)
	if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database); err != nil {
		t.Fatalf("ConnectAs(limited %s) = %v, want nil", cfg.User, err)
	}
	if err := srv.ExecAs(ctx, cfg.User, cfg.Password, cfg.Database, "createUser x_denied"); err == nil {
		t.Error("ExecAs(limited, createUser) = nil, want a privilege error")
	}
}
