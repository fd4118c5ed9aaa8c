package mongo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mgo "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginetest"
	"github.com/dbplane/dbplane/internal/engine/mongo"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// TestDriver_Conformance runs the shared suite. On FerretDB, which
// enforces no roles and no privileges, the harness leaves out Exec and
// Limited, so the suite skips SetAccess and CheckPrivilegesLimited:
// SetAccess(read_only) returns ErrUnsupported there, which the suite
// would count as a failure (TestConn_FerretDBAccess pins that instead).
func TestDriver_Conformance(t *testing.T) {
	srv := dbtest.Mongo(t)
	h := enginetest.Harness{
		Driver:  mongo.Driver{},
		Config:  srv.AdminConfig(),
		Connect: srv.ConnectAs,
	}
	if !srv.IsFerretDB(t) {
		h.Limited = srv.NewLimitedUser
		h.Exec, h.WriteStmt, h.ReadStmt = srv.ExecAs, "insert", "find"
		h.ReadOnly = &enginetest.ReadOnlyProbe{
			Setup:   []string{"insert"},
			Escapes: []string{"insert", "createUser ro_intruder"},
			Allowed: []string{"find"},
			Write:   "insert",
		}
	}
	enginetest.Run(t, h)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustOpen(t *testing.T, cfg engine.Config) engine.Conn {
	t.Helper()
	c, err := mongo.Driver{}.Open(cfg)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type tenant struct{ db, owner, password string }

func newTenant() tenant {
	id := randomString(10, "abcdefghijklmnopqrstuvwxyz")
	return tenant{db: "mt_" + id, owner: "mt_" + id + "_o", password: randomString(24, alnum)}
}

func (tn tenant) ensureRequest() engine.EnsureDatabaseRequest {
	return engine.EnsureDatabaseRequest{Database: tn.db, Owner: tn.owner, Password: tn.password}
}

// mustEnsure creates tn and drops it when the test ends.
func mustEnsure(t *testing.T, c engine.Conn, tn tenant) engine.EnsureDatabaseResponse {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: tn.db, Owner: tn.owner}); err != nil {
			t.Errorf("cleanup: DropDatabase(%s) = %v", tn.db, err)
		}
	})
	res, err := c.EnsureDatabase(testContext(t), tn.ensureRequest())
	if err != nil {
		t.Fatalf("EnsureDatabase(%s) = %v", tn.db, err)
	}
	return res
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int, charset string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = charset[int(b[i])%len(charset)]
	}
	return string(b)
}

func TestConn_Version(t *testing.T) {
	srv := dbtest.Mongo(t)
	c := mustOpen(t, srv.AdminConfig())
	v, err := c.Version(testContext(t))
	if err != nil {
		t.Fatalf("Version() = %v", err)
	}
	want := "MongoDB "
	if srv.IsFerretDB(t) {
		want = "FerretDB "
	}
	if !strings.HasPrefix(v, want) {
		t.Errorf("Version() = %q, want it to start with %q", v, want)
	}
}

// TestConn_FerretDB pins what FerretDB v1 does and does not enforce, as
// the package doc states it.
func TestConn_FerretDB(t *testing.T) {
	srv := dbtest.Mongo(t)
	if !srv.IsFerretDB(t) {
		t.Skip("not FerretDB")
	}
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	a, b := newTenant(), newTenant()
	mustEnsure(t, c, a)
	mustEnsure(t, c, b)
	if f, err := mongo.FlavorOf(ctx, c); err != nil || f != mongo.FlavorFerretDB {
		t.Fatalf("FlavorOf() = %v, %v; want FerretDB", f, err)
	}

	as := c.(engine.AccessSetter)
	for _, level := range []engine.Access{engine.AccessReadOnly, engine.AccessLocked} {
		err := as.SetAccess(ctx, engine.SetAccessRequest{Database: a.db, Owner: a.owner, Access: level})
		if !errors.Is(err, engine.ErrUnsupported) {
			t.Errorf("SetAccess(%s) on FerretDB = %v, want ErrUnsupported", level, err)
		}
	}
	if err := as.SetAccess(ctx, engine.SetAccessRequest{Database: a.db, Owner: a.owner, Access: engine.AccessActive}); err != nil {
		t.Errorf("SetAccess(active) on FerretDB = %v, want nil", err)
	}
	if err := srv.ExecAs(ctx, a.owner, a.password, a.db, "insert"); err != nil {
		t.Errorf("owner insert after SetAccess calls = %v, want nil (nothing changed)", err)
	}

	// Enforced: a login is scoped to the owner's own database.
	if err := srv.ConnectAs(ctx, a.owner, a.password, b.db); err == nil {
		t.Errorf("ConnectAs(%s with authSource %s) = nil, want the login refused", a.owner, b.db)
	}
	// Not enforced: once logged in, an owner reaches other databases. If
	// this starts failing, FerretDB enforces roles now: update doc.go.
	err := srv.WithMongoAs(ctx, a.owner, a.password, a.db, func(ctx context.Context, cl *mgo.Client) error {
		_, err := cl.Database(b.db).Collection("t").InsertOne(ctx, bson.D{{Key: "x", Value: 1}})
		return err
	})
	if err != nil {
		t.Errorf("owner of %s inserting into %s = %v; the package doc says FerretDB allows it", a.db, b.db, err)
	}

	if err := c.CheckPrivileges(ctx); err != nil {
		t.Errorf("CheckPrivileges() as FerretDB admin = %v, want nil", err)
	}

	// Not enforced: a connection opened before a password change keeps
	// working; only new logins need the new password.
	err = srv.WithMongoAs(ctx, b.owner, b.password, b.db, func(ctx context.Context, cl *mgo.Client) error {
		coll := cl.Database(b.db).Collection("t")
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
			return err
		}
		if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: b.owner, Password: randomString(24, alnum)}); err != nil {
			t.Fatalf("SetPassword(%s) = %v", b.owner, err)
		}
		_, err := coll.InsertOne(ctx, bson.D{{Key: "x", Value: 2}})
		return err
	})
	if err != nil {
		t.Errorf("insert on a connection opened before SetPassword = %v; the package doc says it keeps working", err)
	}
	if err := srv.ConnectAs(ctx, b.owner, b.password, b.db); err == nil {
		t.Errorf("new login with the old password after SetPassword = nil, want refused")
	}
}

// TestConn_NoPasswordInLogsOrErrors runs operations through a Registry
// that logs every call at debug level, with failures, and checks that no
// password appears in the log or in an error.
func TestConn_NoPasswordInLogsOrErrors(t *testing.T) {
	srv := dbtest.Mongo(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	reg := engine.NewRegistry(engine.Options{Logger: logger}, mongo.Driver{})
	cfg := srv.AdminConfig()
	c, err := reg.Open("mongo", cfg, "host-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := testContext(t)
	a := newTenant()
	mustEnsure(t, c, a)
	secrets := []string{cfg.Password, a.password}
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	intruder := newTenant()
	intruder.db = a.db
	secrets = append(secrets, intruder.password)
	_, err = c.EnsureDatabase(ctx, intruder.ensureRequest())
	if !errors.Is(err, engine.ErrExists) {
		t.Errorf("EnsureDatabase(foreign) = %v, want ErrExists", err)
	}
	check(err)
	newPassword := randomString(24, alnum)
	secrets = append(secrets, newPassword)
	check(c.SetPassword(ctx, engine.SetPasswordRequest{Owner: a.owner, Password: newPassword}))
	missing := randomString(24, alnum)
	secrets = append(secrets, missing)
	err = c.SetPassword(ctx, engine.SetPasswordRequest{Owner: newTenant().owner, Password: missing})
	if !errors.Is(err, engine.ErrNotExist) {
		t.Errorf("SetPassword(missing user) = %v, want ErrNotExist", err)
	}
	check(err)

	// An unreachable host, and a wrong admin password.
	down := cfg
	down.Port = closedPort(t)
	dc, err := reg.Open("mongo", down, "host-down")
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	start := time.Now()
	err = dc.SetPassword(ctx, engine.SetPasswordRequest{Owner: a.owner, Password: newPassword})
	if !errors.Is(err, engine.ErrUnreachable) || time.Since(start) > 5*time.Second {
		t.Errorf("SetPassword on a closed port = %v after %v, want ErrUnreachable within 5s", err, time.Since(start))
	}
	check(err)
	wrong := cfg
	wrong.Password = "Wrong" + randomString(20, alnum)
	secrets = append(secrets, wrong.Password)
	wc, err := reg.Open("mongo", wrong, "host-wrong")
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	_, err = wc.EnsureDatabase(ctx, newTenant().ensureRequest())
	if !errors.Is(err, engine.ErrAccessDenied) {
		t.Errorf("EnsureDatabase with a wrong admin password = %v, want ErrAccessDenied", err)
	}
	check(err)

	mu.Lock()
	logText := buf.String()
	mu.Unlock()
	if logText == "" {
		t.Fatal("the Registry logged nothing; the test would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logText, s) {
			t.Errorf("log holds a password:\n%s", logText)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error holds a password: %v", err)
			}
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestConn_Adopt: a database that holds data but no users is adopted
// (Created false), and the new owner can use it.
func TestConn_Adopt(t *testing.T) {
	srv := dbtest.Mongo(t)
	c := mustOpen(t, srv.AdminConfig())
	tn := newTenant()
	tn.db = srv.NewDatabase(t)
	res := mustEnsure(t, c, tn)
	if res.Created {
		t.Errorf("EnsureDatabase(existing %s) Created = true, want false", tn.db)
	}
	if err := srv.ExecAs(testContext(t), tn.owner, tn.password, tn.db, "insert"); err != nil {
		t.Errorf("owner insert into adopted %s = %v", tn.db, err)
	}
}

// TestConn_DropOtherOwner: DropDatabase naming the wrong owner leaves the
// database and its real owner alone.
func TestConn_DropOtherOwner(t *testing.T) {
	srv := dbtest.Mongo(t)
	ctx := testContext(t)
	c := mustOpen(t, srv.AdminConfig())
	a := newTenant()
	mustEnsure(t, c, a)
	if err := srv.ExecAs(ctx, a.owner, a.password, a.db, "insert"); err != nil {
		t.Fatalf("owner insert = %v", err)
	}
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: a.db, Owner: newTenant().owner}); err != nil {
		t.Errorf("DropDatabase(%s, wrong owner) = %v, want nil", a.db, err)
	}
	if err := srv.ConnectAs(ctx, a.owner, a.password, a.db); err != nil {
		t.Errorf("owner after DropDatabase with the wrong owner = %v, want it untouched", err)
	}
	sizes, err := c.(engine.Sizer).DatabaseSizes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sizes[a.db]; !ok {
		t.Errorf("DatabaseSizes() lost %s after DropDatabase with the wrong owner", a.db)
	}
}
