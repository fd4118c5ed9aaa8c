// Package enginetest is the conformance suite every engine driver must pass,
// against a real server (golang-migrate's dktesting idea, without Docker).
// A driver's test wires it to a server from internal/dbtest:
//
//	srv := dbtest.Postgres(t)
//	enginetest.Run(t, enginetest.Harness{
//		Driver:  postgres.Driver{},
//		Config:  srv.AdminConfig(),
//		Limited: srv.NewLimitedUser,
//		Connect: srv.ConnectAs,
//		Exec:    srv.ExecAs, WriteStmt: "CREATE TABLE t (id int)", ReadStmt: "SELECT 1",
//	})
//
// Every case uses fresh names (ct_<random>), runs in parallel with the
// others and drops what it created, so the suite can run many times against
// one server.
package enginetest

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/engine"
)

// Harness is what the suite needs to know about a driver and its server.
type Harness struct {
	Driver engine.Driver
	// Config is the admin config of a real server.
	Config engine.Config
	// Limited returns the config of a login that lacks privileges dbplane
	// needs. Nil skips that case.
	Limited func(tb testing.TB) engine.Config
	// Connect logs in as a tenant user to database and returns the login
	// error.
	Connect func(ctx context.Context, user, password, database string) error
	// Exec logs in as a tenant user and runs one statement. Optional: with
	// WriteStmt it enables the AccessSetter case.
	Exec func(ctx context.Context, user, password, database, stmt string) error
	// WriteStmt writes in a fresh database ("CREATE TABLE t (id int)"). It
	// must succeed exactly once per database.
	WriteStmt string
	// ReadStmt only reads ("SELECT 1"). Empty: Connect stands in for it.
	ReadStmt string
	// NoCredentials says the admin of Config may not read stored
	// credentials (a PostgreSQL admin that is not a superuser): the
	// Catalog case then requires CheckPassword to be nil.
	NoCredentials bool
	// ReadOnly, when set, runs the ReadOnlyWall case: what read_only
	// forbids and allows, tried with the owner's own sessions.
	ReadOnly *ReadOnlyProbe
	// Warm says the driver makes and claims warm databases
	// (EnsureDatabaseRequest.Placeholder and Claim); without it the Warm
	// cases require ErrUnsupported with nothing sent.
	Warm bool
}

// ReadOnlyProbe is what the ReadOnlyWall case runs through Harness.Exec,
// each statement in a session of its own, as the database's owner. SPEC §5:
// an over-quota tenant can still read and delete, and nothing it runs lets
// it write.
type ReadOnlyProbe struct {
	// Setup runs while the database is active, in order: it makes what
	// the others use (a table with rows).
	Setup []string
	// Escapes are ways to write; under read_only each must fail, however
	// often read_only is set, and after a suspension (locked) is lifted.
	Escapes []string
	// Allowed are reads and deletes; under read_only each must succeed.
	Allowed []string
	// Write must succeed once the database is active again.
	Write string
}

// opTimeout bounds each case.
const opTimeout = time.Minute

// Run runs the conformance suite as parallel subtests of t.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Driver == nil || h.Connect == nil {
		t.Fatal("enginetest: Harness needs Driver and Connect")
	}
	c, err := h.Driver.Open(h.Config)
	if err != nil {
		t.Fatalf("%s: Open(admin config) = %v", h.Driver.Name(), err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	s := &suite{h: h, c: c}
	cases := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Ping", s.testPing},
		{"PingWrongPassword", s.testPingWrongPassword},
		{"PingUnreachable", s.testPingUnreachable},
		{"ErrorsIndependentOfPassword", s.testErrorsIndependentOfPassword},
		{"OpenErrorsIndependentOfPassword", s.testOpenErrorsIndependentOfPassword},
		{"Version", s.testVersion},
		{"CheckPrivileges", s.testCheckPrivileges},
		{"CheckPrivilegesLimited", s.testCheckPrivilegesLimited},
		{"EnsureDatabase", s.testEnsureDatabase},
		{"EnsureDatabaseAgain", s.testEnsureDatabaseAgain},
		{"EnsureDatabaseForeignOwner", s.testEnsureDatabaseForeignOwner},
		{"EnsureDatabaseParallel", s.testEnsureDatabaseParallel},
		{"EnsureDatabaseFresh", s.testEnsureDatabaseFresh},
		{"EnsureDatabaseFreshAgain", s.testEnsureDatabaseFreshAgain},
		{"EnsureDatabaseFreshForeignOwner", s.testEnsureDatabaseFreshForeignOwner},
		{"SetPassword", s.testSetPassword},
		{"SetPasswordMissingUser", s.testSetPasswordMissingUser},
		{"DropDatabase", s.testDropDatabase},
		{"DropDatabaseMissing", s.testDropDatabaseMissing},
		{"Isolation", s.testIsolation},
		{"DatabaseSizes", s.testDatabaseSizes},
		{"SetAccess", s.testSetAccess},
		{"Catalog", s.testCatalog},
		{"ReadOnlyWall", s.testReadOnlyWall},
		{"WarmClaim", s.testWarmClaim},
		{"WarmClaimGone", s.testWarmClaimGone},
		{"WarmClaimTaken", s.testWarmClaimTaken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t)
		})
	}
}

type suite struct {
	h Harness
	c engine.Conn
}

// tenant is one database and its owner, as the suite created them.
type tenant struct {
	Database, Owner, Password string
}

func (tn tenant) ensureRequest() engine.EnsureDatabaseRequest {
	return engine.EnsureDatabaseRequest{Database: tn.Database, Owner: tn.Owner, Password: tn.Password, Remote: "%"}
}

func (tn tenant) dropRequest() engine.DropDatabaseRequest {
	return engine.DropDatabaseRequest{Database: tn.Database, Owner: tn.Owner, Remote: "%"}
}

// newTenant returns fresh names and a password; nothing is created.
func newTenant() tenant {
	id := random(10, lower)
	return tenant{Database: "ct_" + id, Owner: "ct_" + id + "_o", Password: random(24, alnum)}
}

// ensure creates a fresh tenant, fails the test unless it was created, and
// drops it when the test ends.
func (s *suite) ensure(t *testing.T) tenant {
	t.Helper()
	tn := newTenant()
	s.dropLater(t, tn)
	ctx := ctxFor(t)
	resp, err := s.c.EnsureDatabase(ctx, tn.ensureRequest())
	if err != nil {
		t.Fatalf("EnsureDatabase(%s, owner %s) = %v", tn.Database, tn.Owner, err)
	}
	if !resp.Created {
		t.Errorf("EnsureDatabase(%s) of a new database: Created = false, want true", tn.Database)
	}
	return tn
}

// dropLater drops tn when the test ends, whether or not it exists by then.
func (s *suite) dropLater(t *testing.T, tn tenant) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := s.c.DropDatabase(ctx, tn.dropRequest()); err != nil {
			t.Errorf("cleanup: DropDatabase(%s, owner %s) = %v", tn.Database, tn.Owner, err)
		}
	})
}

// connectOK fails the test unless tn's owner can log in with password.
func (s *suite) connectOK(t *testing.T, tn tenant, password, why string) {
	t.Helper()
	if err := s.h.Connect(ctxFor(t), tn.Owner, password, tn.Database); err != nil {
		t.Errorf("%s: Connect(%s to %s) = %v, want nil", why, tn.Owner, tn.Database, err)
	}
}

// connectRefused fails the test if user can log in to database.
func (s *suite) connectRefused(t *testing.T, user, password, database, why string) {
	t.Helper()
	if err := s.h.Connect(ctxFor(t), user, password, database); err == nil {
		t.Errorf("%s: Connect(%s to %s) = nil, want the login refused", why, user, database)
	}
}

// noSecret fails the test if err's text holds any of secrets.
func noSecret(t *testing.T, call string, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("%s error text holds a password: %q", call, err)
		}
	}
}

// ctxFor bounds a case's calls; it is cancelled when the test ends.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return ctx
}

// openAs opens a second Conn with cfg, closed when the test ends.
func (s *suite) openAs(t *testing.T, cfg engine.Config) engine.Conn {
	t.Helper()
	c, err := s.h.Driver.Open(cfg)
	if err != nil {
		t.Fatalf("Open(%s@%s:%d) = %v", cfg.User, cfg.Host, cfg.Port, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *suite) testPing(t *testing.T) {
	if err := s.c.Ping(ctxFor(t)); err != nil {
		t.Errorf("Ping() as admin = %v, want nil", err)
	}
}

func (s *suite) testPingWrongPassword(t *testing.T) {
	cfg := s.h.Config
	cfg.Password = "Wrong" + random(20, alnum)
	err := s.openAs(t, cfg).Ping(ctxFor(t))
	if !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("Ping() with a wrong password = %v, want ErrAccessDenied", err)
	}
	noSecret(t, "Ping() with a wrong password", err, cfg.Password, s.h.Config.Password)
}

func (s *suite) testPingUnreachable(t *testing.T) {
	port, err := closedPort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.h.Config
	cfg.Host, cfg.Port = "127.0.0.1", port
	ctx, cancel := context.WithTimeout(ctxFor(t), 10*time.Second)
	defer cancel()
	start := time.Now()
	err = s.openAs(t, cfg).Ping(ctx)
	took := time.Since(start)
	if !errors.Is(err, engine.ErrUnreachable) {
		t.Errorf("Ping() on closed port %d = %v, want ErrUnreachable", port, err)
	}
	if took > 5*time.Second {
		t.Errorf("Ping() on closed port %d took %v, want under 5s", port, took)
	}
	noSecret(t, "Ping() on a closed port", err, cfg.Password)
}

// shortPasswords are host passwords that are substrings of any error text:
// an error scrubbed by replacing them gives them away by where they were
// cut out ("dial tc[redacted] 127.0.0.1", issue 10).
var shortPasswords = []string{"tc", "a", "127", "p", "e"}

// testErrorsIndependentOfPassword opens the driver through an
// engine.Registry, middleware included, with short wrong passwords, on the
// real server and on a closed port: the error's text must be the same
// whatever the password, so it cannot say anything about it, and nothing
// in it is cut out.
func (s *suite) testErrorsIndependentOfPassword(t *testing.T) {
	port, err := closedPort()
	if err != nil {
		t.Fatal(err)
	}
	reg := engine.NewRegistry(engine.Options{}, s.h.Driver)
	for _, where := range []struct {
		name string
		edit func(*engine.Config)
		kind error
	}{
		{"WrongPassword", func(*engine.Config) {}, engine.ErrAccessDenied},
		{"ClosedPort", func(c *engine.Config) { c.Host, c.Port = "127.0.0.1", port }, engine.ErrUnreachable},
	} {
		// One Ping per password, at once: an unreachable server costs a
		// timeout each.
		passwords := append(append([]string(nil), shortPasswords...), "Zz"+random(30, alnum))
		errs := make([]error, len(passwords))
		var wg sync.WaitGroup
		for i, pw := range passwords {
			cfg := s.h.Config
			cfg.Password = pw
			where.edit(&cfg)
			c, err := reg.Open(s.h.Driver.Name(), cfg, "host-1")
			if err != nil {
				t.Fatalf("%s: Registry.Open() = %v", where.name, err)
			}
			t.Cleanup(func() { c.Close() })
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(ctxFor(t), 10*time.Second)
				defer cancel()
				errs[i] = c.Ping(ctx)
			})
		}
		wg.Wait()
		for i, err := range errs {
			pw := passwords[i]
			if !errors.Is(err, where.kind) {
				t.Errorf("%s: Ping() with password %q = %v, want %v", where.name, pw, err, where.kind)
				continue
			}
			if text := err.Error(); strings.Contains(text, "[redacted]") {
				t.Errorf("%s: Ping() with password %q = %q: text was cut, which shows where the password was", where.name, pw, text)
			}
			if errs[0] != nil && err.Error() != errs[0].Error() {
				t.Errorf("%s: Ping() error depends on the password:\n%q with %q\n%q with %q", where.name, err, pw, errs[0], passwords[0])
			}
		}
	}
}

// testOpenErrorsIndependentOfPassword: a config Open refuses (an unknown
// param, which the Driver contract makes an error) is refused in words
// that do not depend on the password either, through the Registry.
func (s *suite) testOpenErrorsIndependentOfPassword(t *testing.T) {
	reg := engine.NewRegistry(engine.Options{}, s.h.Driver)
	for _, where := range []struct {
		name string
		edit func(*engine.Config)
	}{
		{"UnknownParam", func(c *engine.Config) { c.Params = map[string]string{"no_such_param": "1"} }},
	} {
		var first string
		for _, pw := range append(append([]string(nil), shortPasswords...), "Zz"+random(30, alnum)) {
			cfg := s.h.Config
			cfg.Password = pw
			where.edit(&cfg)
			c, err := reg.Open(s.h.Driver.Name(), cfg, "host-1")
			if err == nil {
				c.Close()
				t.Errorf("%s: Registry.Open() with password %q = nil, want an error", where.name, pw)
				continue
			}
			if first == "" {
				first = err.Error()
			}
			if text := err.Error(); text != first || strings.Contains(text, "[redacted]") {
				t.Errorf("%s: Open() error depends on the password or was cut: %q with %q, %q with %q", where.name, text, pw, first, shortPasswords[0])
			}
		}
	}
}

// closedPort returns a loopback port nothing listens on (a moment ago).
func closedPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

func (s *suite) testVersion(t *testing.T) {
	v, err := s.c.Version(ctxFor(t))
	if err != nil || strings.TrimSpace(v) == "" {
		t.Errorf("Version() = %q, %v; want a version string", v, err)
	}
}

func (s *suite) testCheckPrivileges(t *testing.T) {
	if err := s.c.CheckPrivileges(ctxFor(t)); err != nil {
		t.Errorf("CheckPrivileges() as admin = %v, want nil", err)
	}
}

func (s *suite) testCheckPrivilegesLimited(t *testing.T) {
	if s.h.Limited == nil {
		t.Skip("Harness.Limited is nil")
	}
	cfg := s.h.Limited(t)
	c := s.openAs(t, cfg)
	ctx := ctxFor(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping() as limited user %s = %v, want nil (it can log in)", cfg.User, err)
	}
	err := c.CheckPrivileges(ctx)
	if !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("CheckPrivileges() as limited user %s = %v, want ErrAccessDenied", cfg.User, err)
	}
	noSecret(t, "CheckPrivileges() as limited user", err, cfg.Password)
}

func (s *suite) testEnsureDatabase(t *testing.T) {
	tn := s.ensure(t)
	s.connectOK(t, tn, tn.Password, "owner after EnsureDatabase")
	s.connectRefused(t, tn.Owner, "Wrong"+random(20, alnum), tn.Database, "owner with a wrong password")
}

func (s *suite) testEnsureDatabaseAgain(t *testing.T) {
	tn := s.ensure(t)
	old := tn.Password
	tn.Password = random(24, alnum)
	resp, err := s.c.EnsureDatabase(ctxFor(t), tn.ensureRequest())
	if err != nil {
		t.Fatalf("second EnsureDatabase(%s) with a new password = %v, want nil", tn.Database, err)
	}
	if resp.Created {
		t.Errorf("second EnsureDatabase(%s): Created = true, want false", tn.Database)
	}
	s.connectOK(t, tn, tn.Password, "new password after a second EnsureDatabase")
	s.connectRefused(t, tn.Owner, old, tn.Database, "old password after a second EnsureDatabase")

	// A third call with the same request converges too.
	if _, err := s.c.EnsureDatabase(ctxFor(t), tn.ensureRequest()); err != nil {
		t.Errorf("third EnsureDatabase(%s), same request = %v, want nil", tn.Database, err)
	}
	s.connectOK(t, tn, tn.Password, "password after a third EnsureDatabase")
}

func (s *suite) testEnsureDatabaseForeignOwner(t *testing.T) {
	tn := s.ensure(t)
	intruder := newTenant()
	intruder.Database = tn.Database
	// If the driver made the intruder's user before noticing, drop it too.
	s.dropLater(t, tenant{Database: newTenant().Database, Owner: intruder.Owner})

	_, err := s.c.EnsureDatabase(ctxFor(t), intruder.ensureRequest())
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(%s, other owner %s) = %v, want ErrExists", tn.Database, intruder.Owner, err)
	}
	noSecret(t, "EnsureDatabase() of a foreign database", err, intruder.Password, tn.Password, s.h.Config.Password)
	s.connectRefused(t, intruder.Owner, intruder.Password, tn.Database, "other owner after ErrExists")
	s.connectOK(t, tn, tn.Password, "real owner after another owner's EnsureDatabase")
}

// A Fresh request (a first attempt) creates like any other.
func (s *suite) testEnsureDatabaseFresh(t *testing.T) {
	tn := newTenant()
	s.dropLater(t, tn)
	req := tn.ensureRequest()
	req.Fresh, req.MaxConnections = true, 5
	resp, err := s.c.EnsureDatabase(ctxFor(t), req)
	if err != nil || !resp.Created {
		t.Fatalf("EnsureDatabase(%s, Fresh) = %+v, %v; want Created", tn.Database, resp, err)
	}
	s.connectOK(t, tn, tn.Password, "owner after a Fresh EnsureDatabase")
	s.connectRefused(t, tn.Owner, "Wrong"+random(20, alnum), tn.Database, "owner with a wrong password after a Fresh EnsureDatabase")
}

// Fresh is a hint, not a promise: a Fresh request for names that exist and
// are the caller's own (a retry whose first try the caller lost track of)
// converges exactly as a plain one does.
func (s *suite) testEnsureDatabaseFreshAgain(t *testing.T) {
	tn := s.ensure(t)
	old := tn.Password
	tn.Password = random(24, alnum)
	req := tn.ensureRequest()
	req.Fresh = true
	resp, err := s.c.EnsureDatabase(ctxFor(t), req)
	if err != nil {
		t.Fatalf("Fresh EnsureDatabase(%s) of an existing tenant = %v, want nil", tn.Database, err)
	}
	if resp.Created {
		t.Errorf("Fresh EnsureDatabase(%s) of an existing tenant: Created = true, want false", tn.Database)
	}
	s.connectOK(t, tn, tn.Password, "new password after a Fresh EnsureDatabase of an existing tenant")
	s.connectRefused(t, tn.Owner, old, tn.Database, "old password after a Fresh EnsureDatabase of an existing tenant")
}

// A Fresh request for a database someone else owns is refused like a plain
// one, and leaves no login behind for its owner.
func (s *suite) testEnsureDatabaseFreshForeignOwner(t *testing.T) {
	tn := s.ensure(t)
	intruder := newTenant()
	intruder.Database = tn.Database
	s.dropLater(t, tenant{Database: newTenant().Database, Owner: intruder.Owner})

	req := intruder.ensureRequest()
	req.Fresh = true
	_, err := s.c.EnsureDatabase(ctxFor(t), req)
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("Fresh EnsureDatabase(%s, other owner %s) = %v, want ErrExists", tn.Database, intruder.Owner, err)
	}
	noSecret(t, "Fresh EnsureDatabase() of a foreign database", err, intruder.Password, tn.Password, s.h.Config.Password)
	s.connectRefused(t, intruder.Owner, intruder.Password, tn.Database, "other owner after a Fresh ErrExists")
	s.connectOK(t, tn, tn.Password, "real owner after another owner's Fresh EnsureDatabase")
}

func (s *suite) testEnsureDatabaseParallel(t *testing.T) {
	const n = 8
	tenants := make([]tenant, n)
	for i := range tenants {
		tenants[i] = newTenant()
		s.dropLater(t, tenants[i])
	}
	ctx := ctxFor(t)
	errs := make([]error, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	for i, tn := range tenants {
		wg.Go(func() {
			req := tn.ensureRequest()
			req.Fresh = i%2 == 0 // both paths at once
			resp, err := s.c.EnsureDatabase(ctx, req)
			errs[i], created[i] = err, resp.Created
		})
	}
	wg.Wait()
	for i, tn := range tenants {
		if errs[i] != nil {
			t.Errorf("parallel EnsureDatabase(%s) = %v, want nil", tn.Database, errs[i])
			continue
		}
		if !created[i] {
			t.Errorf("parallel EnsureDatabase(%s): Created = false, want true", tn.Database)
		}
		s.connectOK(t, tn, tn.Password, "owner after a parallel EnsureDatabase")
	}
}

func (s *suite) testSetPassword(t *testing.T) {
	tn := s.ensure(t)
	old := tn.Password
	tn.Password = random(24, alnum)
	err := s.c.SetPassword(ctxFor(t), engine.SetPasswordRequest{Owner: tn.Owner, Remote: "%", Password: tn.Password})
	if err != nil {
		t.Fatalf("SetPassword(%s) = %v, want nil", tn.Owner, err)
	}
	s.connectRefused(t, tn.Owner, old, tn.Database, "old password after SetPassword")
	s.connectOK(t, tn, tn.Password, "new password after SetPassword")
}

func (s *suite) testSetPasswordMissingUser(t *testing.T) {
	tn := newTenant()
	err := s.c.SetPassword(ctxFor(t), engine.SetPasswordRequest{Owner: tn.Owner, Remote: "%", Password: tn.Password})
	if !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetPassword(missing user %s) = %v, want ErrNotExist", tn.Owner, err)
	}
	noSecret(t, "SetPassword() of a missing user", err, tn.Password, s.h.Config.Password)
}

func (s *suite) testDropDatabase(t *testing.T) {
	tn := s.ensure(t)
	ctx := ctxFor(t)
	if err := s.c.DropDatabase(ctx, tn.dropRequest()); err != nil {
		t.Fatalf("DropDatabase(%s) = %v, want nil", tn.Database, err)
	}
	s.connectRefused(t, tn.Owner, tn.Password, tn.Database, "owner after DropDatabase")
	if err := s.c.DropDatabase(ctx, tn.dropRequest()); err != nil {
		t.Errorf("second DropDatabase(%s) = %v, want nil (already gone is success)", tn.Database, err)
	}
	sizes, err := s.c.DatabaseSizes(ctx)
	if err != nil {
		t.Errorf("DatabaseSizes() after DropDatabase = %v", err)
	} else if _, ok := sizes[tn.Database]; ok {
		t.Errorf("DatabaseSizes() after DropDatabase(%s) still lists it", tn.Database)
	}
	// The database is gone: another owner can create it afresh.
	again := newTenant()
	again.Database = tn.Database
	s.dropLater(t, again)
	resp, err := s.c.EnsureDatabase(ctx, again.ensureRequest())
	if err != nil || !resp.Created {
		t.Errorf("EnsureDatabase(%s, new owner) after DropDatabase = Created %v, %v; want true, nil", tn.Database, resp.Created, err)
	}
}

func (s *suite) testDropDatabaseMissing(t *testing.T) {
	tn := newTenant()
	if err := s.c.DropDatabase(ctxFor(t), tn.dropRequest()); err != nil {
		t.Errorf("DropDatabase(never created %s) = %v, want nil", tn.Database, err)
	}
}

func (s *suite) testIsolation(t *testing.T) {
	a, b := s.ensure(t), s.ensure(t)
	s.connectRefused(t, a.Owner, a.Password, b.Database, "a tenant to another tenant's database")
	s.connectRefused(t, b.Owner, b.Password, a.Database, "a tenant to another tenant's database")
	s.connectRefused(t, a.Owner, b.Password, b.Database, "a tenant with another tenant's password")
	s.connectOK(t, a, a.Password, "tenant a to its own database")
	s.connectOK(t, b, b.Password, "tenant b to its own database")
}

func (s *suite) testDatabaseSizes(t *testing.T) {
	a, b := s.ensure(t), s.ensure(t)
	sizes, err := s.c.DatabaseSizes(ctxFor(t))
	if err != nil {
		t.Fatalf("DatabaseSizes() = %v", err)
	}
	for _, tn := range []tenant{a, b} {
		n, ok := sizes[tn.Database]
		if !ok {
			t.Errorf("DatabaseSizes() lists %d databases but not %s", len(sizes), tn.Database)
			continue
		}
		if n < 0 {
			t.Errorf("DatabaseSizes()[%s] = %d, want >= 0", tn.Database, n)
		}
	}
}

func (s *suite) testSetAccess(t *testing.T) {
	as := s.c
	if s.h.Exec == nil || s.h.WriteStmt == "" {
		t.Skip("Harness.Exec or Harness.WriteStmt is unset")
	}
	tn := s.ensure(t)
	ctx := ctxFor(t)
	set := func(a engine.Access) {
		t.Helper()
		req := engine.SetAccessRequest{Database: tn.Database, Owner: tn.Owner, Remote: "%", Access: a}
		if err := as.SetAccess(ctx, req); err != nil {
			t.Fatalf("SetAccess(%s, %s) = %v, want nil", tn.Owner, a, err)
		}
	}
	read := func(why string) {
		t.Helper()
		if s.h.ReadStmt == "" {
			s.connectOK(t, tn, tn.Password, why)
			return
		}
		if err := s.h.Exec(ctx, tn.Owner, tn.Password, tn.Database, s.h.ReadStmt); err != nil {
			t.Errorf("%s: Exec(%q) = %v, want nil", why, s.h.ReadStmt, err)
		}
	}

	set(engine.AccessReadOnly)
	set(engine.AccessReadOnly) // idempotent
	if err := s.h.Exec(ctx, tn.Owner, tn.Password, tn.Database, s.h.WriteStmt); err == nil {
		t.Errorf("read_only: Exec(%q) = nil, want it refused", s.h.WriteStmt)
	}
	read("read_only")

	set(engine.AccessLocked)
	s.connectRefused(t, tn.Owner, tn.Password, tn.Database, "locked")

	set(engine.AccessActive)
	set(engine.AccessActive)
	if err := s.h.Exec(ctx, tn.Owner, tn.Password, tn.Database, s.h.WriteStmt); err != nil {
		t.Errorf("active again: Exec(%q) = %v, want nil", s.h.WriteStmt, err)
	}
	read("active again")
}

// testCatalog checks that the catalog lists a tenant's database and
// owner, checks the owner's password without logging in (the right one
// matches, a wrong one and the password before a change do not), and,
// where the engine enforces access, reports each level SetAccess sets.
func (s *suite) testCatalog(t *testing.T) {
	cg, ok := s.c.(engine.Cataloger)
	if !ok {
		t.Skipf("%s's Conn does not implement engine.Cataloger", s.h.Driver.Name())
	}
	tn := s.ensure(t)
	ctx := ctxFor(t)
	read := func() (*engine.Catalog, engine.CatalogUser) {
		t.Helper()
		cat, err := cg.Catalog(ctx)
		if err != nil {
			t.Fatalf("Catalog() = %v", err)
		}
		if !slices.Contains(cat.Databases, tn.Database) {
			t.Errorf("Catalog() lists %d databases but not %s", len(cat.Databases), tn.Database)
		}
		for _, u := range cat.Users {
			if u.Name == tn.Owner && (u.Database == "" || u.Database == tn.Database) {
				return cat, u
			}
		}
		t.Fatalf("Catalog() lists %d users but not %s", len(cat.Users), tn.Owner)
		return nil, engine.CatalogUser{}
	}
	cat, u := read()
	if s.h.NoCredentials {
		if u.CheckPassword != nil {
			t.Error("Catalog(): a password check from an admin that may not read credentials")
		}
		u.CheckPassword = func(string) bool { return false }
	} else if u.CheckPassword == nil {
		t.Fatalf("Catalog(): no password check for %s", tn.Owner)
	}
	if s.h.NoCredentials {
		s.testCatalogAccess(t, cg, tn, cat, u)
		return
	}
	if !u.CheckPassword(tn.Password) {
		t.Error("CheckPassword(the owner's password) = false")
	}
	if u.CheckPassword(tn.Password + "x") {
		t.Error("CheckPassword(a wrong password) = true")
	}
	if u.Fingerprint == "" || strings.Contains(u.Fingerprint, tn.Password) {
		t.Errorf("Fingerprint = %q, want a hash", u.Fingerprint)
	}
	newPW := random(24, alnum)
	if err := s.c.SetPassword(ctx, engine.SetPasswordRequest{Owner: tn.Owner, Remote: "%", Password: newPW}); err != nil {
		t.Fatalf("SetPassword() = %v", err)
	}
	_, u2 := read()
	if u2.CheckPassword == nil || !u2.CheckPassword(newPW) || u2.CheckPassword(tn.Password) {
		t.Error("after SetPassword: the catalog does not match the new password alone")
	}
	if u2.Fingerprint == u.Fingerprint {
		t.Error("after SetPassword: the fingerprint did not change")
	}
	s.testCatalogAccess(t, cg, tn, cat, u)
}

// testCatalogAccess checks the catalog's view of each access level.
func (s *suite) testCatalogAccess(t *testing.T, cg engine.Cataloger, tn tenant, cat *engine.Catalog, u engine.CatalogUser) {
	ctx := ctxFor(t)
	read := func() engine.CatalogUser {
		t.Helper()
		cat, err := cg.Catalog(ctx)
		if err != nil {
			t.Fatalf("Catalog() = %v", err)
		}
		for _, u := range cat.Users {
			if u.Name == tn.Owner {
				return u
			}
		}
		t.Fatalf("Catalog() lists no user %s", tn.Owner)
		return engine.CatalogUser{}
	}
	if !cat.AccessKnown {
		return
	}
	if u.Locked || u.Grants[tn.Database] != engine.AccessActive {
		t.Errorf("new owner: Locked %v, Grants %v, want unlocked and active on %s", u.Locked, u.Grants, tn.Database)
	}
	as, ok := s.c.(engine.AccessSetter)
	if !ok {
		return
	}
	for _, a := range []engine.Access{engine.AccessReadOnly, engine.AccessLocked, engine.AccessActive} {
		if err := as.SetAccess(ctx, engine.SetAccessRequest{Database: tn.Database, Owner: tn.Owner, Remote: "%", Access: a}); err != nil {
			t.Fatalf("SetAccess(%s) = %v", a, err)
		}
		u := read()
		switch {
		case a == engine.AccessLocked && !u.Locked:
			t.Errorf("after SetAccess(locked): Locked = false")
		case a != engine.AccessLocked && (u.Locked || u.Grants[tn.Database] != a):
			t.Errorf("after SetAccess(%s): Locked %v, Grants %v", a, u.Locked, u.Grants)
		}
	}
}

// testReadOnlyWall walks a database through the statuses a tenant's
// account can take (SPEC §5) with Harness.ReadOnly's statements.
func (s *suite) testReadOnlyWall(t *testing.T) {
	p := s.h.ReadOnly
	if p == nil {
		t.Skip("Harness.ReadOnly is unset")
	}
	as := s.c
	tn := s.ensure(t)
	ctx := ctxFor(t)
	exec := func(stmt string) error { return s.h.Exec(ctx, tn.Owner, tn.Password, tn.Database, stmt) }
	set := func(a engine.Access) {
		t.Helper()
		req := engine.SetAccessRequest{Database: tn.Database, Owner: tn.Owner, Remote: "%", Access: a}
		if err := as.SetAccess(ctx, req); err != nil {
			t.Fatalf("SetAccess(%s, %s) = %v, want nil", tn.Owner, a, err)
		}
	}
	walled := func(when string) {
		t.Helper()
		for _, q := range p.Escapes {
			if err := exec(q); err == nil {
				t.Errorf("%s: %s = nil error, want it refused", when, q)
			}
		}
	}
	for _, q := range p.Setup {
		if err := exec(q); err != nil {
			t.Fatalf("active: setup %s = %v", q, err)
		}
	}

	set(engine.AccessReadOnly)
	walled("read_only")
	for _, q := range p.Allowed {
		if err := exec(q); err != nil {
			t.Errorf("read_only: %s = %v, want nil (reads and deletes stay)", q, err)
		}
	}
	set(engine.AccessReadOnly)
	walled("read_only set twice")

	// A suspension on top, lifted: read_only again, as it was.
	set(engine.AccessLocked)
	s.connectRefused(t, tn.Owner, tn.Password, tn.Database, "locked over read_only")
	set(engine.AccessReadOnly)
	walled("read_only after locked")

	set(engine.AccessActive)
	if p.Write != "" {
		if err := exec(p.Write); err != nil {
			t.Errorf("active after read_only: %s = %v, want nil", p.Write, err)
		}
	}
}

const (
	lower = "abcdefghijklmnopqrstuvwxyz"
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// random returns n characters of charset from crypto/rand.
func random(n int, charset string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = charset[int(b[i])%len(charset)]
	}
	return string(b)
}

// placeholder makes a warm database under fresh names and drops it when
// the test ends; ok is false (and nothing was made) when the driver has no
// warm databases, as Harness.Warm says it must.
func (s *suite) placeholder(t *testing.T) (w tenant, ok bool) {
	t.Helper()
	w = newTenant()
	w.Password = ""
	resp, err := s.c.EnsureDatabase(ctxFor(t), engine.EnsureDatabaseRequest{Database: w.Database, Owner: w.Owner, Remote: "%", Placeholder: true})
	if !s.h.Warm {
		if !errors.Is(err, engine.ErrUnsupported) || !errors.Is(err, engine.ErrNotSent) {
			t.Errorf("EnsureDatabase(Placeholder) = %v, want ErrUnsupported and ErrNotSent", err)
		}
		return w, false
	}
	s.dropLater(t, w)
	if err != nil {
		t.Fatalf("EnsureDatabase(%s, Placeholder) = %v", w.Database, err)
	}
	if !resp.Created {
		t.Errorf("EnsureDatabase(%s, Placeholder): Created = false, want true", w.Database)
	}
	// Its owner has no password and may not log in.
	s.connectRefused(t, w.Owner, "", w.Database, "a warm database's owner")
	return w, true
}

func (tn tenant) claimRequest(w tenant) engine.EnsureDatabaseRequest {
	req := tn.ensureRequest()
	req.Claim = &engine.WarmNames{Database: w.Database, Owner: w.Owner}
	return req
}

// A claim renames the warm database and its owner into place: the tenant
// logs in with the password, owns and writes its database, which no other
// tenant may reach, and the warm names are gone. A replay converges.
func (s *suite) testWarmClaim(t *testing.T) {
	w, ok := s.placeholder(t)
	if !ok {
		tn := newTenant()
		if _, err := s.c.EnsureDatabase(ctxFor(t), tn.claimRequest(w)); !errors.Is(err, engine.ErrUnsupported) || !errors.Is(err, engine.ErrNotSent) {
			t.Errorf("EnsureDatabase(Claim) = %v, want ErrUnsupported and ErrNotSent", err)
		}
		return
	}
	tn := newTenant()
	s.dropLater(t, tn)
	resp, err := s.c.EnsureDatabase(ctxFor(t), tn.claimRequest(w))
	if err != nil {
		t.Fatalf("EnsureDatabase(%s, Claim %s) = %v", tn.Database, w.Database, err)
	}
	if !resp.Claimed || resp.Created {
		t.Errorf("EnsureDatabase(Claim) = %+v, want Claimed and not Created", resp)
	}
	s.connectOK(t, tn, tn.Password, "owner after a claim")
	s.connectRefused(t, tn.Owner, "Wrong"+random(20, alnum), tn.Database, "owner with a wrong password after a claim")
	if s.h.Exec != nil && s.h.WriteStmt != "" {
		if err := s.h.Exec(ctxFor(t), tn.Owner, tn.Password, tn.Database, s.h.WriteStmt); err != nil {
			t.Errorf("owner write after a claim = %v, want nil", err)
		}
	}
	other := s.ensure(t)
	s.connectRefused(t, other.Owner, other.Password, tn.Database, "another tenant to a claimed database")
	s.connectRefused(t, tn.Owner, tn.Password, other.Database, "a claimed database's owner to another tenant's database")
	// The warm database is no more: Ensure of its names makes it anew.
	resp, err = s.c.EnsureDatabase(ctxFor(t), engine.EnsureDatabaseRequest{Database: w.Database, Owner: w.Owner, Remote: "%", Placeholder: true})
	if err != nil || !resp.Created {
		t.Errorf("EnsureDatabase(warm names after the claim) = %+v, %v; want Created", resp, err)
	}
	// A replay (a crash after the rename) converges, with a new password.
	tn.Password = random(24, alnum)
	resp, err = s.c.EnsureDatabase(ctxFor(t), tn.claimRequest(tenant{Database: newTenant().Database, Owner: newTenant().Owner}))
	if err != nil {
		t.Fatalf("EnsureDatabase(Claim) replayed = %v", err)
	}
	if resp.Created {
		t.Errorf("EnsureDatabase(Claim) replayed: Created = true, want false")
	}
	s.connectOK(t, tn, tn.Password, "owner after a replayed claim")
}

// A claim whose warm database is gone creates the database as a normal
// Ensure does, and says it claimed nothing.
func (s *suite) testWarmClaimGone(t *testing.T) {
	if !s.h.Warm {
		return // testWarmClaim checked the refusal
	}
	tn := newTenant()
	s.dropLater(t, tn)
	resp, err := s.c.EnsureDatabase(ctxFor(t), tn.claimRequest(newTenant()))
	if err != nil {
		t.Fatalf("EnsureDatabase(Claim of a missing warm database) = %v", err)
	}
	if resp.Claimed || !resp.Created {
		t.Errorf("EnsureDatabase(Claim of a missing warm database) = %+v, want Created and not Claimed", resp)
	}
	s.connectOK(t, tn, tn.Password, "owner after a claim that found nothing")
}

// A claim whose database name is another owner's fails with ErrExists
// and leaves both databases as they were.
func (s *suite) testWarmClaimTaken(t *testing.T) {
	if !s.h.Warm {
		return
	}
	w, _ := s.placeholder(t)
	taken := s.ensure(t)
	tn := newTenant()
	tn.Database = taken.Database
	s.dropLater(t, tenant{Database: newTenant().Database, Owner: tn.Owner})
	_, err := s.c.EnsureDatabase(ctxFor(t), tn.claimRequest(w))
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(Claim into a taken name) = %v, want ErrExists", err)
	}
	s.connectOK(t, taken, taken.Password, "the name's owner after a refused claim")
	// The warm database is still there, still unclaimed.
	resp, err := s.c.EnsureDatabase(ctxFor(t), engine.EnsureDatabaseRequest{Database: w.Database, Owner: w.Owner, Remote: "%", Placeholder: true})
	if err != nil || resp.Created {
		t.Errorf("EnsureDatabase(warm names after a refused claim) = %+v, %v; want it there already", resp, err)
	}
}
