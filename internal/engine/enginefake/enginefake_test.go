package enginefake_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/engine/enginetest"
	"github.com/dbplane/dbplane/internal/must"
)

const (
	writeStmt = "write"
	readStmt  = "read"
)

// harness wires a fake into the conformance suite, with logins checked.
func harness(d *enginefake.Driver) enginetest.Harness {
	admin := engine.Config{Host: "fake.invalid", Port: 1, User: "admin", Password: "AdminPw1"}
	d.SetAdmin(admin)
	login := func(user, password, database string) error {
		if !d.Login(database, user, password) {
			return fmt.Errorf("login refused for %s on %s", user, database)
		}
		return nil
	}
	return enginetest.Harness{
		Driver: d,
		Config: admin,
		Limited: func(tb testing.TB) engine.Config {
			cfg := admin
			cfg.User, cfg.Password = "limited", "LimitedPw1"
			d.AddLimitedLogin(cfg.User, cfg.Password)
			return cfg
		},
		Connect: func(ctx context.Context, user, password, database string) error {
			return login(user, password, database)
		},
		Exec: func(ctx context.Context, user, password, database, stmt string) error {
			if err := login(user, password, database); err != nil {
				return err
			}
			if stmt == writeStmt && d.Access(user) != engine.AccessActive {
				return fmt.Errorf("%s may not write: %s", user, d.Access(user))
			}
			return nil
		},
		WriteStmt: writeStmt,
		ReadStmt:  readStmt,
		Warm:      true,
	}
}

func TestDriver_Conformance(t *testing.T) {
	d := enginefake.New("mariadb")
	enginetest.Run(t, harness(d))
	t.Cleanup(func() {
		if dbs := d.Databases(); len(dbs) != 0 {
			t.Errorf("after the suite, Databases() = %v, want none left", dbs)
		}
		if users := d.Users(); len(users) != 0 {
			t.Errorf("after the suite, Users() = %v, want none left", users)
		}
	})
}

func open(t *testing.T, d *enginefake.Driver) engine.Conn {
	t.Helper()
	c, err := d.Open(engine.Config{Host: "h", Port: 3306, User: "root", Password: "x"})
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

var req = engine.EnsureDatabaseRequest{Database: "s1_db", Owner: "u1_abc", Password: "Pw1"}

func TestDriver_AnyConfigWithoutSetAdmin(t *testing.T) {
	d := enginefake.New("postgres")
	c := open(t, d)
	if err := c.Ping(context.Background()); err != nil {
		t.Errorf("Ping() without SetAdmin = %v, want nil", err)
	}
	if err := c.CheckPrivileges(context.Background()); err != nil {
		t.Errorf("CheckPrivileges() without SetAdmin = %v, want nil", err)
	}
	if got := d.Name(); got != "postgres" {
		t.Errorf("Name() = %q, want postgres", got)
	}
}

func TestDriver_OpenParams(t *testing.T) {
	d := enginefake.New("mariadb")
	if _, err := d.Open(engine.Config{Params: map[string]string{"x": "1"}}); err == nil {
		t.Error("Open() with an unknown param = nil, want an error")
	}
}

func TestDriver_Fail(t *testing.T) {
	d := enginefake.New("mariadb")
	c := open(t, d)
	ctx := context.Background()
	boom := &engine.Error{Op: "ensure", Engine: "mariadb", Kind: engine.ErrUnreachable, Err: errors.New("boom")}

	d.Fail(enginefake.OpEnsure, boom)
	for range 2 {
		if _, err := c.EnsureDatabase(ctx, req); err != boom {
			t.Errorf("EnsureDatabase() with Fail(ensure) = %v, want the injected error", err)
		}
	}
	if got := d.Databases(); len(got) != 0 {
		t.Errorf("Databases() after a failed ensure = %v, want none (Fail acts before the op)", got)
	}
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping() with Fail(ensure) = %v, want nil (other ops unaffected)", err)
	}
	d.Fail(enginefake.OpEnsure, nil)
	if _, err := c.EnsureDatabase(ctx, req); err != nil {
		t.Errorf("EnsureDatabase() after Fail(ensure, nil) = %v, want nil", err)
	}
}

func TestDriver_FailAfter(t *testing.T) {
	d := enginefake.New("mariadb")
	c := open(t, d)
	ctx := context.Background()
	lost := errors.New("reply lost")
	d.FailAfter(enginefake.OpEnsure, lost)
	if _, err := c.EnsureDatabase(ctx, req); err != lost {
		t.Errorf("EnsureDatabase() with FailAfter = %v, want the injected error", err)
	}
	if !d.Login(req.Database, req.Owner, req.Password) {
		t.Error("Login() after FailAfter(ensure) = false, want the change applied")
	}
	d.FailAfter(enginefake.OpEnsure, nil)
	resp, err := c.EnsureDatabase(ctx, req)
	if err != nil || resp.Created {
		t.Errorf("retried EnsureDatabase() = Created %v, %v; want false, nil", resp.Created, err)
	}
}

func TestDriver_UnknownOpPanics(t *testing.T) {
	d := enginefake.New("mariadb")
	for name, f := range map[string]func(){
		"Fail":      func() { d.Fail("create", errors.New("x")) },
		"FailAfter": func() { d.FailAfter("create", errors.New("x")) },
		"SetHook":   func() { d.SetHook("create", func() {}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(\"create\") did not panic", name)
				}
			}()
			f()
		})
	}
}

func TestDriver_Hook(t *testing.T) {
	d := enginefake.New("mariadb")
	c := open(t, d)
	var calls atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	d.SetHook(enginefake.OpSetPassword, func() {
		calls.Add(1)
		entered <- struct{}{}
		<-release
	})
	if _, err := c.EnsureDatabase(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		done <- c.SetPassword(context.Background(), engine.SetPasswordRequest{Owner: req.Owner, Password: "New1"})
	}()
	<-entered
	// While the hook blocks, the fake is not locked.
	if !d.Login(req.Database, req.Owner, req.Password) {
		t.Error("Login() with the old password while SetPassword is held = false, want true")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("SetPassword() = %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("hook calls = %d, want 1", n)
	}
	if !d.Login(req.Database, req.Owner, "New1") || d.Login(req.Database, req.Owner, req.Password) {
		t.Error("after SetPassword, want the new password to work and the old one refused")
	}
	d.SetHook(enginefake.OpSetPassword, nil)
}

func TestDriver_HookHonoursContext(t *testing.T) {
	d := enginefake.New("mariadb")
	c := open(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	d.SetHook(enginefake.OpPing, cancel)
	err := c.Ping(ctx)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, engine.ErrUnreachable) {
		t.Errorf("Ping() cancelled in its hook = %v, want ErrUnreachable wrapping context.Canceled", err)
	}
}

func TestDriver_State(t *testing.T) {
	d := enginefake.New("mariadb")
	c := open(t, d)
	ctx := context.Background()
	r := req
	r.MaxConnections = 5
	if _, err := c.EnsureDatabase(ctx, r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s1_db"}, d.Databases()); diff != "" {
		t.Errorf("Databases() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"u1_abc"}, d.Users()); diff != "" {
		t.Errorf("Users() (-want +got):\n%s", diff)
	}
	if n, ok := d.MaxConnections("u1_abc"); n != 5 || !ok {
		t.Errorf("MaxConnections(u1_abc) = %d, %v; want 5, true", n, ok)
	}
	d.SetSize("s1_db", 4096)
	sizes, err := c.(engine.Sizer).DatabaseSizes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int64{"s1_db": 4096}, sizes); diff != "" {
		t.Errorf("DatabaseSizes() (-want +got):\n%s", diff)
	}
	if got := d.Access("u1_abc"); got != engine.AccessActive {
		t.Errorf("Access(u1_abc) = %q, want active", got)
	}
	if got := d.Access("nobody"); got != "" {
		t.Errorf("Access(nobody) = %q, want empty", got)
	}
	err = c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{Database: "s1_db", Owner: "nobody", Access: engine.AccessLocked})
	if !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetAccess(missing user) = %v, want ErrNotExist", err)
	}
	if _, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: "bad name", Owner: "u", Password: "p"}); err == nil {
		t.Error("EnsureDatabase(invalid name) = nil, want an error")
	}
}

func TestDriver_SetAdminBreaksOpenConns(t *testing.T) {
	d := enginefake.New("mariadb")
	cfg := engine.Config{Host: "h", Port: 3306, User: "root", Password: "x"}
	c := open(t, d)
	d.SetAdmin(cfg)
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping() with the admin config = %v", err)
	}
	cfg.Password = "rotated"
	d.SetAdmin(cfg)
	if err := c.Ping(context.Background()); !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("Ping() after the server's admin password changed = %v, want ErrAccessDenied", err)
	}
}

func TestDriver_CloseAndOpenConns(t *testing.T) {
	d := enginefake.New("mariadb")
	c1 := must.Get(d.Open(engine.Config{}))(t)
	c2 := must.Get(d.Open(engine.Config{}))(t)
	if n := d.OpenConns(); n != 2 {
		t.Errorf("OpenConns() = %d, want 2", n)
	}
	c1.Close()
	c1.Close()
	if n := d.OpenConns(); n != 1 {
		t.Errorf("OpenConns() after closing one twice = %d, want 1", n)
	}
	if err := c1.Ping(context.Background()); err == nil {
		t.Error("Ping() on a closed Conn = nil, want an error")
	}
	c2.Close()
}

func TestDriver_Concurrent(t *testing.T) {
	d := enginefake.New("mariadb")
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			c := must.Get(d.Open(engine.Config{}))(t)
			defer c.Close()
			r := engine.EnsureDatabaseRequest{Database: fmt.Sprintf("db_%d", i%4), Owner: fmt.Sprintf("u_%d", i%4), Password: "p"}
			if _, err := c.EnsureDatabase(ctx, r); err != nil {
				t.Errorf("EnsureDatabase(%s) = %v", r.Database, err)
			}
			c.(engine.Sizer).DatabaseSizes(ctx)
			d.Login(r.Database, r.Owner, "p")
		})
	}
	wg.Wait()
	if n := len(d.Databases()); n != 4 {
		t.Errorf("len(Databases()) = %d, want 4", n)
	}
}

func TestDriver_InRegistry(t *testing.T) {
	d := enginefake.New("mariadb")
	r := engine.NewRegistry(engine.Options{}, d)
	c, err := r.Open("mariadb", engine.Config{}, "h1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d.Fail(enginefake.OpEnsure, &engine.Error{Op: "ensure", Engine: "mariadb", Kind: engine.ErrExists, Err: errors.New("pw Secret99 taken")})
	_, err = c.EnsureDatabase(context.Background(), engine.EnsureDatabaseRequest{Database: "a", Owner: "b", Password: "Secret99"})
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase() through the Registry = %v, want ErrExists", err)
	}
}
