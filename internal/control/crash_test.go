package control_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
	mongodriver "github.com/dbplane/dbplane/internal/engine/mongo"
	"github.com/dbplane/dbplane/internal/engine/postgres"
	"github.com/dbplane/dbplane/internal/must"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// The crash test runs a create or a rotate in a child process (this test
// binary again) that exits abruptly at a named step, as a kill would leave
// it, then restarts the service on the same data dir and checks that the
// reconciler left no orphan and no broken row.
const (
	crashChildEnv = "DBPLANE_CRASH_CHILD"
	crashExitCode = 42
)

type realService struct {
	svc     *control.Service
	st      *store.DB
	dataDir string
}

func openRealService(tb testing.TB, dataDir string, hook func(string)) *realService {
	tb.Helper()
	rs, err := openService(dataDir, hook)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rs.close() })
	return rs
}

func openService(dataDir string, hook func(string)) (*realService, error) {
	ctx := context.Background()
	sealer, _, err := secret.LoadOrCreate(dataDir, "", rand.Reader)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dataDir, "dbplane.db"), store.Options{})
	if err != nil {
		return nil, err
	}
	engines := engine.NewRegistry(engine.Options{}, mariadb.Driver{}, postgres.Driver{}, mongodriver.Driver{})
	svc := control.New(st, engines, sealer, control.Options{Hook: hook})
	return &realService{svc: svc, st: st, dataDir: dataDir}, nil
}

func (rs *realService) close() {
	rs.svc.Close()
	rs.st.Close()
}

// crashChild runs one operation and exits with crashExitCode at the step
// named in the environment. Returning means the step was never reached.
func crashChild() int {
	step := os.Getenv("DBPLANE_CRASH_STEP")
	rs, err := openService(os.Getenv("DBPLANE_CRASH_DIR"), func(s string) {
		if s == step {
			os.Exit(crashExitCode)
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 1
	}
	ctx := context.Background()
	account := os.Getenv("DBPLANE_CRASH_ACCOUNT")
	if op := os.Getenv("DBPLANE_CRASH_WARM"); op == "refill" || op == "shrink" {
		err = rs.svc.RefillWarmAged(ctx, 0)
	} else if strings.HasPrefix(step, "account-delete:") {
		_, err = rs.svc.DeleteAccount(ctx, account, true)
	} else if strings.HasPrefix(step, "create:") {
		_, err = rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: account, Label: "crashy", Engine: os.Getenv("DBPLANE_CRASH_ENGINE")})
	} else {
		_, err = rs.svc.RotatePassword(ctx, account, os.Getenv("DBPLANE_CRASH_DATABASE"))
	}
	fmt.Fprintf(os.Stderr, "crash child: step %s never reached (err %v)\n", step, err)
	return 1
}

func hostInput(srv *dbtest.Server) dbplane.HostInput {
	cfg := srv.AdminConfig()
	pw := dbplane.Secret(cfg.Password)
	return dbplane.HostInput{
		Name: ptr(srv.Engine() + "-1"), Engine: ptr(srv.Engine()), Hostname: &cfg.Host, Port: &cfg.Port,
		Username: &cfg.User, Password: &pw, TLS: ptr("disable"), Database: &cfg.Database,
	}
}

func ptr[T any](v T) *T { return &v }

func TestCrash_ReconcilerFinishesEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	servers := map[string]func(testing.TB) *dbtest.Server{"mariadb": dbtest.MariaDB, "postgres": dbtest.Postgres, "mongo": dbtest.Mongo}
	for _, eng := range []string{"mariadb", "postgres", "mongo"} {
		for _, step := range []string{"create:recorded", "create:engine-done", "rotate:recorded", "rotate:engine-done"} {
			t.Run(eng+"/"+step, func(t *testing.T) {
				srv := servers[eng](t)
				ctx := context.Background()
				dir := t.TempDir()
				rs := openRealService(t, dir, nil)
				if _, err := rs.svc.CreateHost(ctx, hostInput(srv)); err != nil {
					t.Fatalf("CreateHost: %v", err)
				}
				acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "crash@example.com", Name: "crash"})
				if err != nil {
					t.Fatal(err)
				}
				var dbID, oldPassword string
				if strings.HasPrefix(step, "rotate:") {
					cr, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "crashy", Engine: eng})
					if err != nil {
						t.Fatalf("CreateDatabase: %v", err)
					}
					dbID, oldPassword = cr.Database.ID, string(cr.Password)
				}
				rs.close()

				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), crashChildEnv+"=1", "DBPLANE_CRASH_STEP="+step, "DBPLANE_CRASH_DIR="+dir,
					"DBPLANE_CRASH_ACCOUNT="+acct.ID, "DBPLANE_CRASH_DATABASE="+dbID, "DBPLANE_CRASH_ENGINE="+eng)
				out, err := cmd.CombinedOutput()
				if code := cmd.ProcessState.ExitCode(); code != crashExitCode {
					t.Fatalf("child exit code %d (err %v), want %d; output:\n%s", code, err, crashExitCode, out)
				}

				rs = openRealService(t, dir, nil)
				intents := must.Get(rs.st.Intents(ctx))(t)
				if len(intents) != 1 {
					t.Fatalf("after the crash, %d intents recorded, want 1", len(intents))
				}
				if err := rs.svc.Reconcile(ctx, 0); err != nil {
					t.Fatalf("Reconcile: %v", err)
				}
				if intents := must.Get(rs.st.Intents(ctx))(t); len(intents) != 0 {
					t.Fatalf("after Reconcile, %d intents left, want 0", len(intents))
				}
				rows, err := rs.svc.ListDatabases(ctx, acct.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 1 {
					t.Fatalf("after Reconcile, %d rows, want 1", len(rows))
				}
				d := rows[0]
				if d.Status != dbplane.StatusActive {
					t.Errorf("status = %s, want active", d.Status)
				}
				cr, err := rs.svc.RevealDatabase(ctx, acct.ID, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := srv.ConnectAs(ctx, d.DBUser, string(cr.Password), d.DBName); err != nil {
					t.Errorf("stored password does not log in: %v", err)
				}
				if oldPassword != "" && oldPassword != string(cr.Password) {
					if err := srv.ConnectAs(ctx, d.DBUser, oldPassword, d.DBName); err == nil {
						t.Errorf("the password from before the rotate still logs in next to the stored one")
					}
				}
				dbs, users := engineObjects(t, srv, dbplane.AccountSlug(acct.ID))
				if !slices.Equal(dbs, []string{d.DBName}) || !slices.Equal(users, []string{d.DBUser}) {
					t.Errorf("on the host: databases %v users %v, want exactly [%s] [%s]", dbs, users, d.DBName, d.DBUser)
				}
			})
		}
	}
}

// engineObjects lists the databases and users on srv whose names carry slug.
func engineObjects(tb testing.TB, srv *dbtest.Server, slug string) (dbs, users []string) {
	tb.Helper()
	if srv.Engine() == "mongo" {
		return mongoObjects(tb, srv, slug)
	}
	q1, q2 := `SELECT schema_name FROM information_schema.SCHEMATA WHERE schema_name LIKE ?`,
		`SELECT DISTINCT user FROM mysql.user WHERE user LIKE ?`
	if srv.Engine() == "postgres" {
		q1, q2 = `SELECT datname FROM pg_database WHERE datname LIKE $1`, `SELECT rolname FROM pg_roles WHERE rolname LIKE $1`
	}
	pattern := "%\\_" + slug + "\\_%"
	return queryStrings(tb, srv.AdminDB(), q1, pattern), queryStrings(tb, srv.AdminDB(), q2, pattern)
}

func queryStrings(tb testing.TB, db *sql.DB, q string, args ...any) []string {
	tb.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// mongoObjects lists, as the admin user, the databases whose names carry
// slug and the users defined on them.
func mongoObjects(tb testing.TB, srv *dbtest.Server, slug string) (dbs, users []string) {
	tb.Helper()
	cfg := srv.AdminConfig()
	err := srv.WithMongoAs(context.Background(), cfg.User, cfg.Password, cfg.Database, func(ctx context.Context, c *mongo.Client) error {
		names, err := c.ListDatabaseNames(ctx, bson.D{})
		if err != nil {
			return err
		}
		for _, n := range names {
			if !strings.Contains(n, "_"+slug+"_") {
				continue
			}
			dbs = append(dbs, n)
			var info struct {
				Users []struct {
					User string `bson:"user"`
				} `bson:"users"`
			}
			if err := c.Database(n).RunCommand(ctx, bson.D{{Key: "usersInfo", Value: 1}}).Decode(&info); err != nil {
				return err
			}
			for _, u := range info.Users {
				users = append(users, u.User)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("list mongo databases and users: %v", err)
	}
	slices.Sort(dbs)
	slices.Sort(users)
	return dbs, users
}
