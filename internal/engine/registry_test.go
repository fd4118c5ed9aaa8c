package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/engine"
)

// stubDriver opens stubConns; openErr makes Open fail.
type stubDriver struct {
	name    string
	openErr error
	conn    engine.Conn
}

func (d stubDriver) Name() string { return d.name }

func (d stubDriver) Open(cfg engine.Config) (engine.Conn, error) {
	if d.openErr != nil {
		return nil, d.openErr
	}
	if d.conn != nil {
		return d.conn, nil
	}
	return &stubConn{}, nil
}

// stubConn returns err from every method and records the last ctx.
type stubConn struct {
	err     error
	lastCtx context.Context
}

func (c *stubConn) Ping(ctx context.Context) error { c.lastCtx = ctx; return c.err }
func (c *stubConn) Version(ctx context.Context) (string, error) {
	c.lastCtx = ctx
	return "stub 1.0", c.err
}
func (c *stubConn) CheckPrivileges(ctx context.Context) error { c.lastCtx = ctx; return c.err }
func (c *stubConn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	c.lastCtx = ctx
	return engine.EnsureDatabaseResponse{Created: c.err == nil}, c.err
}
func (c *stubConn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	c.lastCtx = ctx
	return c.err
}
func (c *stubConn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	c.lastCtx = ctx
	return c.err
}
func (c *stubConn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	c.lastCtx = ctx
	return map[string]int64{"a": 1}, c.err
}
func (c *stubConn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	c.lastCtx = ctx
	return c.err
}

func (c *stubConn) Catalog(ctx context.Context) (*engine.Catalog, error) {
	c.lastCtx = ctx
	return &engine.Catalog{}, c.err
}
func (c *stubConn) Close() error { return c.err }

func TestRegistry_Names(t *testing.T) {
	r := engine.NewRegistry(engine.Options{}, stubDriver{name: "postgres"}, stubDriver{name: "mariadb"})
	if diff := cmp.Diff([]string{"mariadb", "postgres"}, r.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	r.Names()[0] = "changed"
	if got := r.Names()[0]; got != "mariadb" {
		t.Errorf("Names()[0] after changing a returned slice = %q, want mariadb", got)
	}
	for name, want := range map[string]bool{"mariadb": true, "postgres": true, "mongo": false, "": false} {
		if got := r.Has(name); got != want {
			t.Errorf("Has(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRegistry_DuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewRegistry with two drivers named mariadb did not panic")
		}
	}()
	engine.NewRegistry(engine.Options{}, stubDriver{name: "mariadb"}, stubDriver{name: "mariadb"})
}

func TestRegistry_Open(t *testing.T) {
	const secret = "AdminPw123"
	r := engine.NewRegistry(engine.Options{},
		stubDriver{name: "mariadb"},
		stubDriver{name: "postgres", openErr: errors.New("bad config: password " + secret + " has a param")},
	)
	cfg := engine.Config{Host: "127.0.0.1", Port: 1, User: "root", Password: secret}

	t.Run("Unknown", func(t *testing.T) {
		_, err := r.Open("mongo", cfg, "h1")
		if !errors.Is(err, engine.ErrUnsupported) {
			t.Errorf("Open(mongo) error = %v, want ErrUnsupported", err)
		}
	})
	t.Run("DriverError", func(t *testing.T) {
		_, err := r.Open("postgres", cfg, "h1")
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("Open(postgres) error = %v, want an error without the password", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		c, err := r.Open("mariadb", cfg, "h1")
		if err != nil {
			t.Fatalf("Open(mariadb) = %v", err)
		}
		if sizes, err := c.DatabaseSizes(context.Background()); err != nil || sizes["a"] != 1 {
			t.Errorf("DatabaseSizes() through the Registry = %v, %v; want the driver's map[a:1], nil", sizes, err)
		}
	})
}
