package control_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/must"
)

// The warm pool on a real PostgreSQL server. The tests share the test
// binary's server and are not parallel: each checks that the warm
// databases on the server are exactly those its store records.

type warmSetup struct {
	rs   *realService
	srv  *dbtest.Server
	host *dbplane.Host
	acct *dbplane.Account
	dir  string
}

func newWarmSetup(t *testing.T, pool int, maxDatabases *int) *warmSetup {
	t.Helper()
	srv := dbtest.Postgres(t)
	if left := warmOnServer(t, srv); len(left) != 0 {
		t.Fatalf("warm databases on the server before the test: %v", left)
	}
	t.Cleanup(func() { dropWarmLeftovers(t, srv) })
	ctx := context.Background()
	dir := t.TempDir()
	rs := openRealService(t, dir, nil)
	in := hostInput(srv)
	in.WarmPool = &pool
	in.MaxDatabasesSet, in.MaxDatabases = maxDatabases != nil, maxDatabases
	h, err := rs.svc.CreateHost(ctx, in)
	if err != nil {
		t.Fatalf("CreateHost(warmPool %d): %v", pool, err)
	}
	acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "warm@example.com", Name: "warm"})
	if err != nil {
		t.Fatal(err)
	}
	return &warmSetup{rs: rs, srv: srv, host: h, acct: acct, dir: dir}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// warmOnServer lists the warm databases and roles on srv.
func warmOnServer(tb testing.TB, srv *dbtest.Server) []string {
	tb.Helper()
	dbs := queryStrings(tb, srv.AdminDB(), `SELECT datname FROM pg_database WHERE datname LIKE 'dbplane\_warm\_%'`)
	roles := queryStrings(tb, srv.AdminDB(), `SELECT rolname FROM pg_roles WHERE rolname LIKE 'dbplane\_warm\_%'`)
	return append(dbs, roles...)
}

// warmOIDs returns the oids of the warm databases on srv: a claim keeps
// the database (renamed), so its oid is among them.
func warmOIDs(tb testing.TB, srv *dbtest.Server) []string {
	return queryStrings(tb, srv.AdminDB(), `SELECT oid::text FROM pg_database WHERE datname LIKE 'dbplane\_warm\_%'`)
}

func dbOID(tb testing.TB, srv *dbtest.Server, name string) string {
	tb.Helper()
	var oid string
	if err := srv.AdminDB().QueryRow(`SELECT oid::text FROM pg_database WHERE datname = $1`, name).Scan(&oid); err != nil {
		tb.Fatalf("oid of %s: %v", name, err)
	}
	return oid
}

func dropWarmLeftovers(tb testing.TB, srv *dbtest.Server) {
	for _, n := range queryStrings(tb, srv.AdminDB(), `SELECT datname FROM pg_database WHERE datname LIKE 'dbplane\_warm\_%'`) {
		srv.AdminDB().Exec(`DROP DATABASE "` + n + `" WITH (FORCE)`)
	}
	for _, n := range queryStrings(tb, srv.AdminDB(), `SELECT rolname FROM pg_roles WHERE rolname LIKE 'dbplane\_warm\_%'`) {
		srv.AdminDB().Exec(`DROP OWNED BY "` + n + `"`)
		srv.AdminDB().Exec(`DROP ROLE "` + n + `"`)
	}
}

// checkWarm fails the test unless the store holds exactly want warm
// databases on the host, all ready, and the server holds exactly them
// (database and role each), and the host's counters agree.
func (ws *warmSetup) checkWarm(t *testing.T, want int) {
	t.Helper()
	ctx := context.Background()
	rows := must.Get(ws.rs.st.WarmDatabases(ctx, ""))(t)
	var names []string
	for _, w := range rows {
		if w.State != "ready" {
			t.Errorf("warm database %s is %s, want ready", w.DBName, w.State)
		}
		names = append(names, w.DBName, w.DBUser)
	}
	slices.Sort(names)
	on := warmOnServer(t, ws.srv)
	slices.Sort(on)
	if len(rows) != want || !slices.Equal(names, on) {
		t.Errorf("warm databases: store %v, server %v; want %d in both, the same", names, on, want)
	}
	h := must.Get(ws.rs.svc.Host(ctx, ws.host.ID))(t)
	if h.WarmCount != len(rows) {
		t.Errorf("host warmCount = %d, want %d", h.WarmCount, len(rows))
	}
}

func (ws *warmSetup) create(t *testing.T, label string) *dbplane.Credentials {
	t.Helper()
	cr, err := ws.rs.svc.CreateDatabase(context.Background(), dbplane.CreateDatabaseInput{AccountID: ws.acct.ID, Label: label, Engine: "postgres"})
	if err != nil {
		t.Fatalf("CreateDatabase(%s): %v", label, err)
	}
	return cr
}

// dbFacts is what a create leaves on the server, with the names taken out:
// who owns the database, the database's ACL, and the role's attributes.
func dbFacts(t *testing.T, srv *dbtest.Server, d *dbplane.Database) string {
	t.Helper()
	var owner, acl, attrs string
	err := srv.AdminDB().QueryRow(`SELECT pg_get_userbyid(d.datdba), COALESCE(d.datacl::text, ''),
		concat_ws(',', r.rolcanlogin, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls, r.rolconnlimit,
			(SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid))
		FROM pg_database d, pg_roles r WHERE d.datname = $1 AND r.rolname = $2`, d.DBName, d.DBUser).Scan(&owner, &acl, &attrs)
	if err != nil {
		t.Fatalf("read %s on the server: %v", d.DBName, err)
	}
	if owner != d.DBUser {
		t.Errorf("database %s is owned by %s, want %s", d.DBName, owner, d.DBUser)
	}
	return strings.ReplaceAll(acl, d.DBUser, "OWNER") + " " + attrs
}

func TestWarm_ClaimIsANormalDatabase(t *testing.T) {
	ws := newWarmSetup(t, 3, nil)
	ctx := context.Background()
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 3)

	before := warmOIDs(t, ws.srv)
	claimed := ws.create(t, "claimed")
	ws.checkWarm(t, 2) // claimed one, not refilled yet
	if oid := dbOID(t, ws.srv, claimed.Database.DBName); !slices.Contains(before, oid) {
		t.Errorf("the new database (oid %s) is none of the warm ones %v: nothing was claimed", oid, before)
	}
	if err := ws.srv.ConnectAs(ctx, claimed.Database.DBUser, string(claimed.Password), claimed.Database.DBName); err != nil {
		t.Fatalf("the claimed database's owner does not log in with the returned password: %v", err)
	}
	if err := ws.srv.ExecAs(ctx, claimed.Database.DBUser, string(claimed.Password), claimed.Database.DBName, "CREATE TABLE t (id int)"); err != nil {
		t.Errorf("the claimed database's owner cannot write: %v", err)
	}
	if claimed.Database.Status != dbplane.StatusActive {
		t.Errorf("status = %s, want active", claimed.Database.Status)
	}

	// A create without a warm database ready makes one as always; both
	// end up the same, names aside.
	must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{WarmPool: ptr(0)}))(t)
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 0)
	normal := ws.create(t, "normal")
	if a, b := dbFacts(t, ws.srv, claimed.Database), dbFacts(t, ws.srv, normal.Database); a != b {
		t.Errorf("a claimed database differs from a normal one:\n claimed %s\n normal  %s", a, b)
	}
	// Neither tenant reaches the other's database.
	if err := ws.srv.ConnectAs(ctx, normal.Database.DBUser, string(normal.Password), claimed.Database.DBName); err == nil {
		t.Errorf("another tenant logs in to the claimed database")
	}
	if err := ws.srv.ConnectAs(ctx, claimed.Database.DBUser, string(claimed.Password), normal.Database.DBName); err == nil {
		t.Errorf("the claimed database's owner logs in to another tenant's database")
	}

	// Warm databases are nobody's: not listed, not counted, not drift.
	must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{WarmPool: ptr(2)}))(t)
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 2)
	list := must.Get(ws.rs.svc.ListDatabases(ctx, ws.acct.ID))(t)
	if len(list) != 2 {
		t.Errorf("the account lists %d databases, want 2", len(list))
	}
	acct := must.Get(ws.rs.svc.Account(ctx, ws.acct.ID))(t)
	if acct.DatabaseCount != 2 {
		t.Errorf("account databaseCount = %d, want 2", acct.DatabaseCount)
	}
	h := must.Get(ws.rs.svc.Host(ctx, ws.host.ID))(t)
	if h.DatabaseCount != 2 {
		t.Errorf("host databaseCount = %d, want 2 (warm ones apart)", h.DatabaseCount)
	}
	// The server is shared with other tests, whose databases may be
	// reported; none of ours, and no warm one, may be.
	rep := must.Get(ws.rs.svc.SweepDrift(ctx))(t)
	for _, hd := range rep.Hosts {
		if hd.Skipped != "" {
			t.Errorf("drift skipped %s: %s", hd.HostName, hd.Skipped)
		}
	}
	findings, _ := must.Get2(ws.rs.svc.DriftFindings(ctx, dbplane.DriftFilter{}))(t)
	for _, f := range findings {
		if strings.HasPrefix(f.Object, dbplane.WarmPrefix) || f.DatabaseID == claimed.Database.ID || f.DatabaseID == normal.Database.ID ||
			strings.Contains(f.Object, "_"+dbplane.AccountSlug(ws.acct.ID)+"_") {
			t.Errorf("drift finding %s %s (database %q): want none about this account or a warm database", f.Kind, f.Object, f.DatabaseID)
		}
	}
}

func TestWarm_ConcurrentCreatesClaimDistinctDatabases(t *testing.T) {
	const pool, extra = 6, 3
	ws := newWarmSetup(t, pool, nil)
	ctx := context.Background()
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, pool)
	before := warmOIDs(t, ws.srv)
	var wg sync.WaitGroup
	out := make([]*dbplane.Credentials, pool+extra)
	errs := make([]error, pool+extra)
	for i := range out {
		wg.Go(func() {
			out[i], errs[i] = ws.rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ws.acct.ID, Label: "c" + string(rune('a'+i)), Engine: "postgres"})
		})
	}
	wg.Wait()
	claims := 0
	for i, cr := range out {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if err := ws.srv.ConnectAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName); err != nil {
			t.Errorf("create %d: the owner does not log in: %v", i, err)
		}
		if slices.Contains(before, dbOID(t, ws.srv, cr.Database.DBName)) {
			claims++
		}
	}
	if claims != pool {
		t.Errorf("%d creates claimed a warm database, want %d", claims, pool)
	}
	ws.checkWarm(t, 0) // every warm database claimed once, the rest created
	if left := must.Get(ws.rs.st.Intents(ctx))(t); len(left) != 0 {
		t.Errorf("%d intents left, want 0", len(left))
	}
	// The pool refills after the claims.
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, pool)
}

func TestWarm_ShrinkAndHostDelete(t *testing.T) {
	ws := newWarmSetup(t, 4, nil)
	ctx := context.Background()
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 4)
	must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{WarmPool: ptr(1)}))(t)
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 1)
	must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{WarmPool: ptr(3)}))(t)
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 3)
	if err := ws.rs.svc.DeleteHost(ctx, ws.host.ID); err != nil {
		t.Fatalf("DeleteHost with a warm pool: %v", err)
	}
	if on := warmOnServer(t, ws.srv); len(on) != 0 {
		t.Errorf("after DeleteHost, warm databases left on the server: %v", on)
	}
	if rows := must.Get(ws.rs.st.WarmDatabases(ctx, ""))(t); len(rows) != 0 {
		t.Errorf("after DeleteHost, %d warm rows left", len(rows))
	}
}

func TestWarm_MaxDatabasesAndQuotas(t *testing.T) {
	ws := newWarmSetup(t, 5, ptr(3))
	ctx := context.Background()
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 3) // the host has room for 3 in all
	ws.create(t, "a")  // claims one: 1 database + 2 warm
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 2) // a refill never goes over maxDatabases
	ws.create(t, "b")
	ws.create(t, "c")
	ws.checkWarm(t, 0)
	if _, err := ws.rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ws.acct.ID, Label: "d", Engine: "postgres"}); !errors.Is(err, dbplane.ErrHostFull) {
		t.Errorf("fourth create on a host of 3 = %v, want ErrHostFull", err)
	}

	// An account out of slots claims nothing: the transaction that
	// checks the quota is the one that claims.
	must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{MaxDatabasesSet: true}))(t)
	mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
	ws.checkWarm(t, 5)
	must.Get(ws.rs.svc.UpdateAccount(ctx, ws.acct.ID, dbplane.AccountUpdate{Slots: ptr(3), SlotsSet: true}))(t)
	if _, err := ws.rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: ws.acct.ID, Label: "e", Engine: "postgres"}); !errors.Is(err, dbplane.ErrOutOfSlots) {
		t.Errorf("create over the account's slots = %v, want ErrOutOfSlots", err)
	}
	ws.checkWarm(t, 5)
}

// TestWarm_Crash kills a process at each step of a refill and of a create
// that claims, restarts on the same store, and checks that the reconciler
// and the refill converge: the database logs in, the pool is full again,
// and the server holds no warm database the store does not.
func TestWarm_Crash(t *testing.T) {
	for _, tc := range []struct{ step, op string }{
		{"warm:recorded", "refill"},
		{"warm:engine-done", "refill"},
		{"create:recorded", "create"},
		{"create:engine-done", "create"},
		{"create:recorded", "create-gone"}, // the warm database vanished meanwhile
		{"warm-drop:engine-done", "shrink"},
	} {
		t.Run(tc.op+"/"+tc.step, func(t *testing.T) {
			ws := newWarmSetup(t, 2, nil)
			ctx := context.Background()
			if tc.op != "refill" {
				mustDo(t, ws.rs.svc.RefillWarmAged(ctx, 0))
			}
			if tc.op == "shrink" {
				must.Get(ws.rs.svc.UpdateHost(ctx, ws.host.ID, dbplane.HostInput{WarmPool: ptr(1)}))(t)
			}
			ws.rs.close()

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"=1", "DBPLANE_CRASH_STEP="+tc.step, "DBPLANE_CRASH_DIR="+ws.dir,
				"DBPLANE_CRASH_ACCOUNT="+ws.acct.ID, "DBPLANE_CRASH_ENGINE=postgres", "DBPLANE_CRASH_WARM="+tc.op)
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != crashExitCode {
				t.Fatalf("child exit code %d (err %v), want %d; output:\n%s", code, err, crashExitCode, out)
			}
			if strings.HasPrefix(tc.op, "create") {
				rs := openRealService(t, ws.dir, nil)
				in := must.Get(rs.st.Intents(ctx))(t)
				rs.close()
				if len(in) != 1 || in[0].WarmDB == "" {
					t.Fatalf("after the crash, intents %+v, want one claim", in)
				}
			}
			if tc.op == "create-gone" {
				rs := openRealService(t, ws.dir, nil)
				in := must.Get(rs.st.Intents(ctx))(t)
				rs.close()
				must.Get(ws.srv.AdminDB().Exec(`DROP DATABASE "` + in[0].WarmDB + `"`))(t)
				must.Get(ws.srv.AdminDB().Exec(`DROP ROLE "` + in[0].WarmUser + `"`))(t)
			}

			ws.rs = openRealService(t, ws.dir, nil)
			if err := ws.rs.svc.Reconcile(ctx, 0); err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if err := ws.rs.svc.RefillWarmAged(ctx, 0); err != nil {
				t.Fatalf("RefillWarm: %v", err)
			}
			want := 2
			if tc.op == "shrink" {
				want = 1
			}
			ws.checkWarm(t, want)
			if left := must.Get(ws.rs.st.Intents(ctx))(t); len(left) != 0 {
				t.Errorf("%d intents left, want 0", len(left))
			}
			if strings.HasPrefix(tc.op, "create") {
				rows := must.Get(ws.rs.svc.ListDatabases(ctx, ws.acct.ID))(t)
				if len(rows) != 1 || rows[0].Status != dbplane.StatusActive {
					t.Fatalf("after Reconcile, rows %v, want one active", rows)
				}
				cr := must.Get(ws.rs.svc.RevealDatabase(ctx, ws.acct.ID, rows[0].ID))(t)
				if err := ws.srv.ConnectAs(ctx, rows[0].DBUser, string(cr.Password), rows[0].DBName); err != nil {
					t.Errorf("stored password does not log in: %v", err)
				}
				dbs, users := engineObjects(t, ws.srv, dbplane.AccountSlug(ws.acct.ID))
				if !slices.Equal(dbs, []string{rows[0].DBName}) || !slices.Equal(users, []string{rows[0].DBUser}) {
					t.Errorf("on the host: databases %v users %v, want exactly [%s] [%s]", dbs, users, rows[0].DBName, rows[0].DBUser)
				}
			}
		})
	}
}
