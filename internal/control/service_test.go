package control_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	svc     *control.Service
	st      *store.DB
	fake    *enginefake.Driver
	logs    *syncBuffer
	dir     string
	account *dbplane.Account
}

func newFixture(tb testing.TB, opt control.Options) *fixture {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "dbplane.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	key, err := secret.GenerateKey("k1", nil)
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := secret.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fake := enginefake.New("mariadb")
	opt.Logger = logger
	svc := control.New(st, engine.NewRegistry(engine.Options{Logger: logger}, fake), sealer, opt)
	tb.Cleanup(func() { svc.Close(); st.Close() })
	f := &fixture{svc: svc, st: st, fake: fake, logs: logs, dir: dir}
	f.mustHost(tb, "fake-1", "hostpw-"+strings.Repeat("s", 20))
	f.account = f.mustAccount(tb, "alice@example.com", nil)
	return f
}

func (f *fixture) mustHost(tb testing.TB, name, password string) *dbplane.Host {
	tb.Helper()
	pw := dbplane.Secret(password)
	h, err := f.svc.CreateHost(context.Background(), dbplane.HostInput{
		Name: &name, Engine: ptr("mariadb"), Hostname: ptr("db.internal"), Port: ptr(3306), Username: ptr("root"), Password: &pw,
		PublicHostname: ptr("db.example.com"),
	})
	if err != nil {
		tb.Fatalf("CreateHost: %v", err)
	}
	return h
}

func (f *fixture) mustAccount(tb testing.TB, email string, slots *int) *dbplane.Account {
	tb.Helper()
	a, err := f.svc.CreateAccount(context.Background(), dbplane.AccountInput{Email: email, Name: email, Slots: slots})
	if err != nil {
		tb.Fatalf("CreateAccount: %v", err)
	}
	return a
}

func (f *fixture) mustCreate(tb testing.TB, accountID, label string) *dbplane.Credentials {
	tb.Helper()
	cr, err := f.svc.CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: accountID, Label: label})
	if err != nil {
		tb.Fatalf("CreateDatabase(%s): %v", label, err)
	}
	return cr
}

// assertNoSecretAtRest checks that no password appears in the logs or in
// any file of the data dir (the SQLite file and its WAL).
func (f *fixture) assertNoSecretAtRest(tb testing.TB, secrets ...string) {
	tb.Helper()
	files := must.Get(filepath.Glob(filepath.Join(f.dir, "*")))(tb)
	for _, s := range secrets {
		if strings.Contains(f.logs.String(), s) {
			tb.Errorf("a password appears in the logs")
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if errors.Is(err, fs.ErrNotExist) {
				continue // a -shm or -wal file SQLite removed meanwhile
			}
			if err != nil {
				tb.Fatal(err)
			}
			if bytes.Contains(b, []byte(s)) {
				tb.Errorf("a password appears in plaintext in %s", filepath.Base(file))
			}
		}
	}
}

func TestCreateDatabase_NamesPasswordAndConnectionString(t *testing.T) {
	f := newFixture(t, control.Options{})
	cr := f.mustCreate(t, f.account.ID, "my-app")
	slug := dbplane.AccountSlug(f.account.ID)
	d := cr.Database
	if d.DBName != "um_"+slug+"_1" || d.DBUser != "dum_"+slug+"_1" {
		t.Errorf("names = %s/%s, want um_%s_1/dum_%s_1", d.DBName, d.DBUser, slug, slug)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{32}$`).MatchString(string(cr.Password)) {
		t.Errorf("password %q is not 32 alphanumerics", cr.Password)
	}
	want := fmt.Sprintf("mysql://%s:%s@db.example.com:3306/%s", d.DBUser, string(cr.Password), d.DBName)
	if string(cr.ConnectionString) != want {
		t.Errorf("connection string = %q, want %q", string(cr.ConnectionString), want)
	}
	if d.Status != dbplane.StatusActive {
		t.Errorf("status = %s, want active", d.Status)
	}
	if !f.fake.Login(d.DBName, d.DBUser, string(cr.Password)) {
		t.Errorf("the returned password does not log in on the engine")
	}
	second := f.mustCreate(t, f.account.ID, "other")
	if second.Database.DBName != "um_"+slug+"_2" {
		t.Errorf("second name = %s, want um_%s_2", second.Database.DBName, slug)
	}
	rev, err := f.svc.RevealDatabase(context.Background(), f.account.ID, d.ID)
	if err != nil || rev.Password != cr.Password {
		t.Errorf("RevealDatabase = %v, %v; want the created password", rev, err)
	}
	f.assertNoSecretAtRest(t, string(cr.Password), string(second.Password), "hostpw-"+strings.Repeat("s", 20))
}

func TestCreateDatabase_Refusals(t *testing.T) {
	tests := []struct {
		name  string
		opt   control.Options
		in    dbplane.CreateDatabaseInput
		setup func(t *testing.T, f *fixture)
		want  error
		code  dbplane.Code
	}{
		{name: "bad label", in: dbplane.CreateDatabaseInput{Label: "-x"}, code: dbplane.CodeInvalid},
		{name: "label too long", in: dbplane.CreateDatabaseInput{Label: strings.Repeat("a", 64)}, code: dbplane.CodeInvalid},
		{name: "unknown engine", in: dbplane.CreateDatabaseInput{Label: "x", Engine: "oracle"}, code: dbplane.CodeInvalid},
		{name: "no host for engine", in: dbplane.CreateDatabaseInput{Label: "x", Engine: "postgres"}, want: dbplane.ErrEngineDisabled},
		{name: "engine disabled by deployment", opt: control.Options{DisabledEngines: []string{"mariadb"}},
			in: dbplane.CreateDatabaseInput{Label: "x"}, want: dbplane.ErrEngineDisabled},
		{name: "duplicate label", in: dbplane.CreateDatabaseInput{Label: "dup"},
			setup: func(t *testing.T, f *fixture) { f.mustCreate(t, f.account.ID, "dup") }, want: dbplane.ErrDuplicateLabel},
		{name: "suspended", in: dbplane.CreateDatabaseInput{Label: "x"}, setup: func(t *testing.T, f *fixture) {
			f.svc.UpdateAccount(context.Background(), f.account.ID, dbplane.AccountUpdate{Suspended: ptr(true)})
		}, want: dbplane.ErrAccountSuspended},
		{name: "out of slots", in: dbplane.CreateDatabaseInput{Label: "x"}, setup: func(t *testing.T, f *fixture) {
			f.svc.UpdateAccount(context.Background(), f.account.ID, dbplane.AccountUpdate{SlotsSet: true, Slots: ptr(0)})
		}, want: dbplane.ErrOutOfSlots},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.opt)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			before := len(f.fake.Databases())
			tc.in.AccountID = f.account.ID
			_, err := f.svc.CreateDatabase(context.Background(), tc.in)
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("CreateDatabase = %v, want %v", err, tc.want)
			}
			if tc.code != "" && dbplane.ErrorCode(err) != tc.code {
				t.Errorf("CreateDatabase code = %s (%v), want %s", dbplane.ErrorCode(err), err, tc.code)
			}
			if got := len(f.fake.Databases()); got != before {
				t.Errorf("a refused create changed the engine: %d databases, want %d", got, before)
			}
		})
	}
}

func TestCreateDatabase_ConcurrentCreatesGetExactlyTheFreeSlots(t *testing.T) {
	f := newFixture(t, control.Options{})
	a := f.mustAccount(t, "bob@example.com", ptr(10))
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, refused := 0, 0
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: a.ID, Label: fmt.Sprintf("db%d", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, dbplane.ErrOutOfSlots):
				refused++
			default:
				t.Errorf("CreateDatabase: %v", err)
			}
		}()
	}
	wg.Wait()
	if created != 10 || refused != 40 {
		t.Errorf("50 concurrent creates with 10 free slots: %d created, %d refused; want 10, 40", created, refused)
	}
	if n := len(f.fake.Databases()); n != 10 {
		t.Errorf("engine holds %d databases, want 10", n)
	}
}

func TestRotatePassword_OldRefusedNewStored(t *testing.T) {
	f := newFixture(t, control.Options{})
	cr := f.mustCreate(t, f.account.ID, "app")
	d := cr.Database
	rot, err := f.svc.RotatePassword(context.Background(), f.account.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rot.Password == cr.Password {
		t.Fatal("rotate returned the old password")
	}
	if f.fake.Login(d.DBName, d.DBUser, string(cr.Password)) {
		t.Error("old password still logs in after rotate")
	}
	if !f.fake.Login(d.DBName, d.DBUser, string(rot.Password)) {
		t.Error("new password does not log in")
	}
	rev := must.Get(f.svc.RevealDatabase(context.Background(), f.account.ID, d.ID))(t)
	if rev.Password != rot.Password {
		t.Error("reveal after rotate does not return the new password")
	}
	f.assertNoSecretAtRest(t, string(cr.Password), string(rot.Password))
}

func TestIsolation_ForeignDatabaseIsNotFound(t *testing.T) {
	f := newFixture(t, control.Options{})
	mine := f.mustCreate(t, f.account.ID, "app")
	other := f.mustAccount(t, "mallory@example.com", nil)
	ctx := context.Background()
	if _, err := f.svc.RevealDatabase(ctx, other.ID, mine.Database.ID); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("RevealDatabase(foreign) = %v, want ErrDatabaseNotFound", err)
	}
	if _, err := f.svc.RotatePassword(ctx, other.ID, mine.Database.ID); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
		t.Errorf("RotatePassword(foreign) = %v, want ErrDatabaseNotFound", err)
	}
	if list := must.Get(f.svc.ListDatabases(ctx, other.ID))(t); len(list) != 0 {
		t.Errorf("ListDatabases(other) = %d rows, want 0", len(list))
	}
	if !f.fake.Login(mine.Database.DBName, mine.Database.DBUser, string(mine.Password)) {
		t.Error("the owner's password stopped working after a foreign rotate attempt")
	}
}

func TestCreateDatabase_HostDownLeavesNothing(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	// The server applied the create but the reply was lost, and the drop
	// that undoes it cannot reach the server either.
	f.fake.FailAfter(enginefake.OpEnsure, engine.ErrUnreachable)
	f.fake.Fail(enginefake.OpDrop, engine.ErrUnreachable)
	_, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "app"})
	if !errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Fatalf("CreateDatabase with host down = %v, want ErrHostUnavailable", err)
	}
	if list := must.Get(f.svc.ListDatabases(ctx, f.account.ID))(t); len(list) != 0 {
		t.Errorf("a failed create left %d rows", len(list))
	}
	if intents := must.Get(f.st.Intents(ctx))(t); len(intents) != 1 || intents[0].Kind != dbplane.IntentDrop {
		t.Fatalf("intents = %v, want one pending drop", intents)
	}
	f.fake.FailAfter(enginefake.OpEnsure, nil)
	f.fake.Fail(enginefake.OpDrop, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if dbs, users := f.fake.Databases(), f.fake.Users(); len(dbs) != 0 || len(users) != 0 {
		t.Errorf("after Reconcile the engine holds %v %v, want nothing", dbs, users)
	}
	// The label is free again.
	f.mustCreate(t, f.account.ID, "app")
}

func TestRotatePassword_LostReplyIsFinishedByReconcile(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	cr := f.mustCreate(t, f.account.ID, "app")
	d := cr.Database
	f.fake.FailAfter(enginefake.OpSetPassword, engine.ErrUnreachable)
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, d.ID); !errors.Is(err, dbplane.ErrHostUnavailable) {
		t.Fatalf("RotatePassword = %v, want ErrHostUnavailable", err)
	}
	f.fake.FailAfter(enginefake.OpSetPassword, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	rev := must.Get(f.svc.RevealDatabase(ctx, f.account.ID, d.ID))(t)
	if !f.fake.Login(d.DBName, d.DBUser, string(rev.Password)) {
		t.Error("after Reconcile the stored password does not log in")
	}
	if rev.Password == cr.Password {
		t.Error("after Reconcile the stored password is still the old one, but the engine may have the new one")
	}
}

func TestRotatePassword_RefusedChangesNothing(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	cr := f.mustCreate(t, f.account.ID, "app")
	// The server answered with an error of its own: nothing changed.
	f.fake.Fail(enginefake.OpSetPassword, &engine.Error{Op: "set password", Engine: "mariadb", Code: "1227",
		Kind: engine.ErrAccessDenied, Err: errors.New("access denied; you need the CREATE USER privilege")})
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, cr.Database.ID); dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		t.Fatalf("RotatePassword = %v, want unavailable", err)
	}
	if intents := must.Get(f.st.Intents(ctx))(t); len(intents) != 0 {
		t.Errorf("a refused rotate left %d intents", len(intents))
	}
	rev := must.Get(f.svc.RevealDatabase(ctx, f.account.ID, cr.Database.ID))(t)
	if rev.Password != cr.Password || !f.fake.Login(cr.Database.DBName, cr.Database.DBUser, string(cr.Password)) {
		t.Error("a refused rotate changed the stored or the engine password")
	}
}

// An error without a server code (a broken connection, say) may hide a
// change that happened: the new password stays in the intent and Reconcile
// applies it.
func TestRotatePassword_UnclassifiedErrorKeepsTheIntent(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	cr := f.mustCreate(t, f.account.ID, "app")
	f.fake.FailAfter(enginefake.OpSetPassword, errors.New("invalid connection"))
	if _, err := f.svc.RotatePassword(ctx, f.account.ID, cr.Database.ID); err == nil {
		t.Fatal("RotatePassword = nil, want the error")
	}
	if intents := must.Get(f.st.Intents(ctx))(t); len(intents) != 1 {
		t.Fatalf("%d intents, want the rotate kept", len(intents))
	}
	f.fake.FailAfter(enginefake.OpSetPassword, nil)
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	rev := must.Get(f.svc.RevealDatabase(ctx, f.account.ID, cr.Database.ID))(t)
	if !f.fake.Login(cr.Database.DBName, cr.Database.DBUser, string(rev.Password)) {
		t.Error("after Reconcile the stored password does not log in")
	}
}

// A create whose engine call uses up the engine timeout is still undone:
// the slot and the name are free at once and nothing appears later.
func TestCreateDatabase_TimeoutIsUndone(t *testing.T) {
	f := newFixture(t, control.Options{EngineTimeout: time.Second})
	ctx := context.Background()
	f.fake.Hang(enginefake.OpEnsure, true)
	if _, err := f.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: f.account.ID, Label: "slow"}); err == nil {
		t.Fatal("CreateDatabase past the engine timeout = nil, want an error")
	}
	f.fake.Hang(enginefake.OpEnsure, false)
	if list := must.Get(f.svc.ListDatabases(ctx, f.account.ID))(t); len(list) != 0 {
		t.Fatalf("a timed-out create left %d rows", len(list))
	}
	if err := f.svc.Reconcile(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if dbs := f.fake.Databases(); len(dbs) != 0 {
		t.Errorf("after Reconcile the engine holds %v, want nothing", dbs)
	}
	f.mustCreate(t, f.account.ID, "slow")
}

func TestCreateHost_ChecksConnectionAndPrivileges(t *testing.T) {
	f := newFixture(t, control.Options{})
	f.fake.SetAdmin(engine.Config{Host: "db.internal", Port: 3306, User: "root", Password: "rootpw"})
	f.fake.AddLimitedLogin("weak", "weakpw")
	tests := []struct {
		name, host, user, password, want string
	}{
		{"unreachable", "elsewhere", "root", "rootpw", "Could not connect"},
		{"bad password", "db.internal", "root", "nope", "rejected"},
		{"missing privileges", "db.internal", "weak", "weakpw", "lacks privileges"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pw := dbplane.Secret(tc.password)
			_, err := f.svc.CreateHost(context.Background(), dbplane.HostInput{
				Name: ptr("h"), Hostname: &tc.host, Username: &tc.user, Password: &pw,
			})
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || !strings.Contains(dbplane.ErrorMessage(err), tc.want) {
				t.Errorf("CreateHost = %v, want invalid mentioning %q", err, tc.want)
			}
			if strings.Contains(dbplane.ErrorMessage(err), tc.password) {
				t.Errorf("the error message carries the password: %q", dbplane.ErrorMessage(err))
			}
		})
	}
	hosts := must.Get(f.svc.ListHosts(context.Background()))(t)
	if len(hosts) != 1 {
		t.Errorf("refused hosts were stored: %d hosts, want 1", len(hosts))
	}
}

func TestAuthenticate(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); err != nil {
		t.Fatalf("Authenticate(fresh key) = %v", err)
	}
	if keys := must.Get(f.svc.ListKeys(ctx, f.account.ID))(t); len(keys) != 1 || keys[0].LastUsedAt == nil {
		t.Errorf("after use, keys = %+v, want lastUsedAt set", keys)
	}
	for _, tc := range []struct {
		raw  string
		want error
	}{{"", dbplane.ErrNoKey}, {"   ", dbplane.ErrNoKey}, {"dbpu_nope", dbplane.ErrBadKey}, {strings.Repeat("x", 5000), dbplane.ErrBadKey}} {
		if _, _, err := f.svc.Authenticate(ctx, tc.raw, ""); !errors.Is(err, tc.want) {
			t.Errorf("Authenticate(%.10q) = %v, want %v", tc.raw, err, tc.want)
		}
	}
	if _, err := f.svc.SetKeyDisabled(ctx, f.account.ID, k.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); !errors.Is(err, dbplane.ErrKeyDisabled) {
		t.Errorf("Authenticate(disabled) = %v, want ErrKeyDisabled", err)
	}
	f.svc.SetKeyDisabled(ctx, f.account.ID, k.ID, false)
	f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{Suspended: ptr(true)})
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); !errors.Is(err, dbplane.ErrKeyDisabled) {
		t.Errorf("Authenticate(suspended account) = %v, want ErrKeyDisabled", err)
	}
	f.svc.UpdateAccount(ctx, f.account.ID, dbplane.AccountUpdate{Suspended: ptr(false)})
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); err != nil {
		t.Errorf("Authenticate(unsuspended) = %v, want nil", err)
	}
	f.assertNoSecretAtRest(t, string(raw))
}
