package control_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
	mongodriver "github.com/dbplane/dbplane/internal/engine/mongo"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// outOfBand is what an operator (or an attacker with the host's admin)
// does on a host behind dbplane's back, per engine.
type outOfBand struct {
	name   string
	server func(testing.TB) *dbtest.Server
	// dropDatabase drops d's database; setPassword changes its owner's
	// password; breakAccess takes a privilege from an active owner (MariaDB:
	// INSERT; PostgreSQL: LOGIN);
	// dropUser drops the owner and keeps the database (nil: the engine
	// cannot, a PostgreSQL role owning a database cannot be dropped);
	// stray makes a database and a user in the naming scheme.
	dropDatabase, setPassword, breakAccess, dropUser func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error
	stray                                            func(ctx context.Context, srv *dbtest.Server, db, user string) error
	// accessKnown: the engine enforces access, so the sweep compares it.
	accessKnown func(t *testing.T, srv *dbtest.Server) bool
}

func adminExec(stmts ...string) func(ctx context.Context, srv *dbtest.Server) error {
	return func(ctx context.Context, srv *dbtest.Server) error {
		for _, s := range stmts {
			if _, err := srv.AdminDB().ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

var mariadbDrift = outOfBand{
	name: "mariadb", server: dbtest.MariaDB,
	dropDatabase: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec("DROP DATABASE `"+d.DBName+"`")(ctx, srv)
	},
	setPassword: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec("ALTER USER '"+d.DBUser+"'@'%' IDENTIFIED BY 'changed-behind-its-back'")(ctx, srv)
	},
	breakAccess: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		// GRANT stores the database with its wildcards escaped.
		return adminExec("REVOKE INSERT ON `"+strings.ReplaceAll(d.DBName, "_", `\_`)+"`.* FROM '"+d.DBUser+"'@'%'")(ctx, srv)
	},
	dropUser: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec("DROP USER '"+d.DBUser+"'@'%'")(ctx, srv)
	},
	stray: func(ctx context.Context, srv *dbtest.Server, db, user string) error {
		return adminExec("CREATE DATABASE `"+db+"`", "CREATE USER '"+user+"'@'%' IDENTIFIED BY 'stray-password'",
			"GRANT ALL ON `"+db+"`.* TO '"+user+"'@'%'")(ctx, srv)
	},
	accessKnown: func(*testing.T, *dbtest.Server) bool { return true },
}

var postgresDrift = outOfBand{
	name: "postgres", server: dbtest.Postgres,
	dropDatabase: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec(`DROP DATABASE "`+d.DBName+`" WITH (FORCE)`)(ctx, srv)
	},
	setPassword: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec(`ALTER ROLE "`+d.DBUser+`" PASSWORD 'changed-behind-its-back'`)(ctx, srv)
	},
	breakAccess: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return adminExec(`ALTER ROLE "`+d.DBUser+`" NOLOGIN`)(ctx, srv)
	},
	stray: func(ctx context.Context, srv *dbtest.Server, db, user string) error {
		return adminExec(`CREATE ROLE "`+user+`" LOGIN PASSWORD 'stray-password'`, `CREATE DATABASE "`+db+`" OWNER "`+user+`"`)(ctx, srv)
	},
	accessKnown: func(*testing.T, *dbtest.Server) bool { return true },
}

func mongoAdmin(ctx context.Context, srv *dbtest.Server, db string, cmd bson.D) error {
	cfg := srv.AdminConfig()
	return srv.WithMongoAs(ctx, cfg.User, cfg.Password, cfg.Database, func(ctx context.Context, c *mongo.Client) error {
		return c.Database(db).RunCommand(ctx, cmd).Err()
	})
}

var mongoDrift = outOfBand{
	name: "mongo", server: dbtest.Mongo,
	setPassword: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return mongoAdmin(ctx, srv, d.DBName, bson.D{{Key: "updateUser", Value: d.DBUser}, {Key: "pwd", Value: "changed-behind-its-back"}})
	},
	dropUser: func(ctx context.Context, srv *dbtest.Server, d *dbplane.Database) error {
		return mongoAdmin(ctx, srv, d.DBName, bson.D{{Key: "dropUser", Value: d.DBUser}})
	},
	stray: func(ctx context.Context, srv *dbtest.Server, db, user string) error {
		if err := mongoAdmin(ctx, srv, db, bson.D{{Key: "create", Value: "c"}}); err != nil {
			return err
		}
		return mongoAdmin(ctx, srv, db, bson.D{{Key: "createUser", Value: user}, {Key: "pwd", Value: "stray-password"}, {Key: "roles", Value: bson.A{}}})
	},
	accessKnown: func(t *testing.T, srv *dbtest.Server) bool { return !srv.IsFerretDB(t) },
}

// TestDrift_RealEngines changes each engine behind dbplane's back — a
// database dropped, a password changed, a write privilege taken, a user
// dropped, a stray database and user in the naming scheme — and checks
// that one sweep finds each, repairs what dbplane owns (the revealed
// password logs in again, the tenant writes again), recreates no
// database and leaves the strays alone; and that the next sweep finds
// only what was not repaired.
func TestDrift_RealEngines(t *testing.T) {
	for _, ob := range []outOfBand{mariadbDrift, postgresDrift, mongoDrift} {
		t.Run(ob.name, func(t *testing.T) {
			srv := ob.server(t)
			ctx := context.Background()
			svc := openFaultService(t, 10*time.Second).svc
			host, err := svc.CreateHost(ctx, hostInput(srv))
			if err != nil {
				t.Fatal(err)
			}
			acct, err := svc.CreateAccount(ctx, dbplane.AccountInput{Email: "drift@example.com", Name: "drift"})
			if err != nil {
				t.Fatal(err)
			}
			create := func(label string) *dbplane.Credentials {
				t.Helper()
				cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: label, Engine: ob.name})
				if err != nil {
					t.Fatal(err)
				}
				return cr
			}
			clean, dropped, pwChanged, broken, noUser := create("clean"), create("dropped"), create("pw"), create("access"), create("nouser")
			must := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			want := map[dbplane.DriftKind][]string{} // kind → objects
			if ob.dropDatabase != nil {
				must("drop a database", ob.dropDatabase(ctx, srv, dropped.Database))
				want[dbplane.DriftMissingDatabase] = []string{dropped.Database.DBName}
			}
			must("change a password", ob.setPassword(ctx, srv, pwChanged.Database))
			want[dbplane.DriftPassword] = []string{pwChanged.Database.DBUser}
			accessKnown := ob.accessKnown(t, srv)
			if ob.breakAccess != nil && accessKnown {
				must("take a privilege", ob.breakAccess(ctx, srv, broken.Database))
				want[dbplane.DriftAccess] = []string{broken.Database.DBUser}
			}
			if ob.dropUser != nil {
				must("drop a user", ob.dropUser(ctx, srv, noUser.Database))
				want[dbplane.DriftMissingUser] = []string{noUser.Database.DBUser}
			}
			strayDB, strayUser := dbplane.ManagedNames(dbplane.Engine(ob.name), "STRAYSTRAY", 1)
			must("make strays", ob.stray(ctx, srv, strayDB, strayUser))
			want[dbplane.DriftUnknownDatabase] = []string{strayDB}
			want[dbplane.DriftUnknownUser] = []string{strayUser}
			t.Cleanup(func() {
				c, err := (engine.NewRegistry(engine.Options{}, mariadb.Driver{}, postgres.Driver{}, mongodriver.Driver{})).Open(ob.name, srv.AdminConfig(), "")
				if err == nil {
					c.DropDatabase(context.Background(), engine.DropDatabaseRequest{Database: strayDB, Owner: strayUser, Remote: "%"})
					c.Close()
				}
			})

			rep, err := svc.SweepDrift(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Hosts) != 1 || rep.Hosts[0].Skipped != "" {
				t.Fatalf("sweep hosts = %+v, want the one host swept", rep.Hosts)
			}
			findings, total, err := svc.DriftFindings(ctx, dbplane.DriftFilter{HostID: host.ID})
			if err != nil {
				t.Fatal(err)
			}
			got := map[dbplane.DriftKind][]string{}
			for _, f := range findings {
				got[f.Kind] = append(got[f.Kind], f.Object)
				if f.Kind.Repairable() && f.Repair != dbplane.RepairDone {
					t.Errorf("%s %s: repair %s (%s), want repaired", f.Kind, f.Object, f.Repair, f.RepairError)
				}
				if !f.Kind.Repairable() && f.Repair != dbplane.RepairNone {
					t.Errorf("%s %s: repair %s, want none", f.Kind, f.Object, f.Repair)
				}
			}
			// The shared server holds other tests' databases, which are
			// unknown to this store: unknown findings must include the
			// strays; the others must be exactly what was done.
			for k, objs := range want {
				unknown := k == dbplane.DriftUnknownDatabase || k == dbplane.DriftUnknownUser
				if unknown && !slices.Contains(got[k], objs[0]) || !unknown && !slices.Equal(got[k], objs) {
					t.Errorf("findings of %s = %v, want %v", k, got[k], objs)
				}
			}
			for k, objs := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("unexpected findings of %s: %v", k, objs)
				}
			}
			if total != len(findings) || rep.Findings != total {
				t.Errorf("total %d, listed %d, reported %d", total, len(findings), rep.Findings)
			}

			// What dbplane owns works again with the revealed password.
			for _, cr := range []*dbplane.Credentials{clean, pwChanged, broken, noUser} {
				rv, err := svc.RevealDatabase(ctx, acct.ID, cr.Database.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := srv.ConnectAs(ctx, rv.Database.DBUser, string(rv.Password), rv.Database.DBName); err != nil {
					t.Errorf("%s after the sweep: the revealed password does not log in: %v", cr.Database.Label, err)
				}
			}
			if ob.name != "mongo" {
				tn := tenant{srv: srv, user: broken.Database.DBUser, password: string(broken.Password), db: broken.Database.DBName}
				if err := tn.exec(ctx, "CREATE TABLE t (id INT)"); err != nil {
					t.Errorf("access repaired: the tenant cannot write: %v", err)
				}
			}
			// No database was recreated, and the strays are still there.
			if ob.dropDatabase != nil {
				if err := srv.ConnectAs(ctx, dropped.Database.DBUser, string(dropped.Password), dropped.Database.DBName); err == nil {
					t.Error("the dropped database was recreated")
				}
			}
			if err := srv.ConnectAs(ctx, strayUser, "stray-password", strayDB); err != nil {
				t.Errorf("the stray user no longer logs in to the stray database: %v", err)
			}

			// The admin view: the drift field, and the filters.
			if ob.dropDatabase != nil {
				m, err := svc.DatabaseDrift(ctx, []string{dropped.Database.ID, clean.Database.ID, pwChanged.Database.ID})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(m[dropped.Database.ID], dbplane.DriftMissingDatabase) || len(m[clean.Database.ID]) != 0 || len(m[pwChanged.Database.ID]) != 0 {
					t.Errorf("DatabaseDrift = %v, want missing_database on %s only (repaired ones are not drift any more)", m, dropped.Database.ID)
				}
			}
			unknown, n, err := svc.DriftFindings(ctx, dbplane.DriftFilter{Kind: dbplane.DriftUnknownUser, Page: dbplane.Page{Page: 1, PerPage: 1000}})
			if err != nil || n != len(unknown) || !slices.ContainsFunc(unknown, func(f *dbplane.DriftFinding) bool { return f.Object == strayUser && f.DatabaseID == "" }) ||
				slices.ContainsFunc(unknown, func(f *dbplane.DriftFinding) bool { return f.Kind != dbplane.DriftUnknownUser }) {
				t.Errorf("findings of kind unknown_user = %v (%d, %v), want the stray user among them and nothing else", unknown, n, err)
			}

			// The next sweep finds only what was not repaired.
			rep, err = svc.SweepDrift(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Repaired != 0 {
				t.Errorf("second sweep repaired %d, want 0", rep.Repaired)
			}
			findings, _, _ = svc.DriftFindings(ctx, dbplane.DriftFilter{HostID: host.ID})
			for _, f := range findings {
				if f.Kind.Repairable() {
					t.Errorf("second sweep still finds %s %s (%s)", f.Kind, f.Object, f.Repair)
				}
			}
			// Nothing is left in flight.
			intents, err := svc.PendingChanges(ctx)
			if err != nil || len(intents) != 0 {
				t.Errorf("intents after the sweeps = %v, %v; want none", intents, err)
			}
		})
	}
}

// TestDrift_HungHostDoesNotBlockOthers freezes one host (SIGSTOP) and
// checks that a sweep still finds and repairs drift on another host
// within its own time, reports the frozen one skipped after one engine
// timeout, and that the next sweep skips it at once.
func TestDrift_HungHostDoesNotBlockOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a database server")
	}
	ctx := context.Background()
	dbtest.MariaDB(t)                      // skips without the binaries (fails with CI=true)
	dir, err := os.MkdirTemp("", "drift-") // short: the server's socket lives there
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	frozen, err := dbtest.StartMariaDB(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { frozen.Stop() })
	healthy := dbtest.Postgres(t)
	// Long enough for CREATE DATABASE on a loaded machine; the frozen
	// host costs the sweep this once.
	const timeout = 5 * time.Second
	svc := openFaultService(t, timeout).svc
	if _, err := svc.CreateHost(ctx, hostInput(frozen)); err != nil {
		t.Fatal(err)
	}
	pgHost, err := svc.CreateHost(ctx, hostInput(healthy))
	if err != nil {
		t.Fatal(err)
	}
	acct, err := svc.CreateAccount(ctx, dbplane.AccountInput{Email: "hung@example.com", Name: "hung"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "m", Engine: "mariadb"}); err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "p", Engine: "postgres"})
	if err != nil {
		t.Fatal(err)
	}
	if err := postgresDrift.setPassword(ctx, healthy, cr.Database); err != nil {
		t.Fatal(err)
	}
	if err := frozen.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { frozen.Signal(syscall.SIGCONT) })

	t0 := time.Now()
	rep, err := svc.SweepDrift(ctx)
	took := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range rep.Hosts {
		switch h.HostID {
		case pgHost.ID:
			// The shared server may hold other tests' names: unknown here.
			if h.Skipped != "" || h.Repaired != 1 {
				t.Errorf("healthy host: %+v, want swept with 1 repair", h)
			}
			if h.Took >= timeout {
				t.Errorf("healthy host took %s, as long as the frozen host's timeout %s", h.Took, timeout)
			}
		default:
			if h.Skipped == "" {
				t.Errorf("frozen host: %+v, want skipped", h)
			}
		}
	}
	if took > timeout+3*time.Second {
		t.Errorf("sweep took %s with one frozen host, want about one engine timeout (%s)", took, timeout)
	}
	if err := healthy.ConnectAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName); err != nil {
		t.Errorf("healthy host's password not repaired while the other host hangs: %v", err)
	}

	// The frozen host was found down: the next sweep does not wait for it.
	t0 = time.Now()
	rep, err = svc.SweepDrift(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d >= timeout {
		t.Errorf("second sweep took %s: the host found down was tried again", d)
	}
	for _, h := range rep.Hosts {
		if h.HostID != pgHost.ID && h.Skipped == "" {
			t.Errorf("second sweep swept the frozen host: %+v", h)
		}
	}
}
