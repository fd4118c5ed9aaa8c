package control_test

import (
	"context"
	"crypto/rand"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/must"
)

// TestStatuses_RealEngines checks each status with the tenant's own
// credentials on real servers: over quota refuses writes and keeps reads,
// deleting data and a watcher pass restore writes; disabled and suspended
// refuse logins, and enabling or unsuspending restores them.
func TestStatuses_RealEngines(t *testing.T) {
	for _, tc := range []tenantOps{mariadbOps, postgresOps, mongoOps} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.server(t)
			// FerretDB v1 has no roles: statuses are recorded there but
			// cannot be enforced (docs/engines.md).
			enforced := tc.name != "mongo" || !srv.IsFerretDB(t)
			ctx := context.Background()
			rs := openRealService(t, t.TempDir(), nil)
			if _, err := rs.svc.CreateHost(ctx, hostInput(srv)); err != nil {
				t.Fatal(err)
			}
			acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "q@example.com", Name: "q"})
			if err != nil {
				t.Fatal(err)
			}
			cr, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "app", Engine: tc.name})
			if err != nil {
				t.Fatal(err)
			}
			tn := tenant{srv: srv, user: cr.Database.DBUser, password: string(cr.Password), db: cr.Database.DBName}
			d := cr.Database
			status := func() dbplane.Status {
				t.Helper()
				got, err := rs.svc.Database(ctx, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Status
			}
			mustDo := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("tenant %s: %v", what, err)
				}
			}

			// Quota: the empty database's size plus 1 MiB.
			if _, err := rs.svc.RefreshQuota(ctx); err != nil {
				t.Fatal(err)
			}
			empty := must.Get(rs.svc.Database(ctx, d.ID))(t)
			if empty.SizeRefreshedAt == nil {
				t.Fatal("the watcher did not measure the database")
			}
			quota := empty.SizeBytes + 1<<20
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
				t.Fatal(err)
			}
			mustDo("fill", tc.fill(ctx, tn))
			rep, err := rs.svc.RefreshQuota(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := status(); got != dbplane.StatusOverQuota {
				m := must.Get(rs.svc.Database(ctx, d.ID))(t)
				t.Fatalf("after filling: status %s (size %d, quota %d, report %+v), want over_quota", got, m.SizeBytes, quota, rep)
			}
			if err := tc.write(ctx, tn); enforced && err == nil {
				t.Error("over quota: a write succeeded")
			}
			mustDo("read while over quota", tc.read(ctx, tn))
			if _, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "more", Engine: tc.name}); dbplane.ErrorCode(err) != dbplane.CodeQuotaExceeded {
				t.Errorf("create while over quota = %v, want OUT_OF_STORAGE", err)
			}
			mustDo("free space while over quota", tc.free(ctx, tn))
			if _, err := rs.svc.RefreshQuota(ctx); err != nil {
				t.Fatal(err)
			}
			if got := status(); got != dbplane.StatusActive {
				m := must.Get(rs.svc.Database(ctx, d.ID))(t)
				t.Fatalf("after freeing space: status %s (size %d, quota %d), want active", got, m.SizeBytes, quota)
			}
			mustDo("write after freeing space", tc.write(ctx, tn))

			login := func() error { return srv.ConnectAs(ctx, tn.user, tn.password, tn.db) }
			// Disabled by an operator.
			if _, err := rs.svc.SetDatabaseDisabled(ctx, d.ID, true); err != nil {
				t.Fatal(err)
			}
			if status() != dbplane.StatusDisabled {
				t.Errorf("disabled: status %s", status())
			}
			if err := login(); enforced && err == nil {
				t.Error("disabled: the tenant still logs in")
			}
			if _, err := rs.svc.SetDatabaseDisabled(ctx, d.ID, false); err != nil {
				t.Fatal(err)
			}
			mustDo("log in after enable", login())

			// Suspended account.
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			if status() != dbplane.StatusDisabled {
				t.Errorf("suspended: status %s", status())
			}
			if err := login(); enforced && err == nil {
				t.Error("suspended: the tenant still logs in")
			}
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(false)}); err != nil {
				t.Fatal(err)
			}
			mustDo("log in after unsuspend", login())
			if got := status(); got != dbplane.StatusActive {
				t.Errorf("after unsuspend: status %s, want active", got)
			}
		})
	}
}

// tenant is a database's own credentials.
type tenant struct {
	srv                *dbtest.Server
	user, password, db string
}

func (tn tenant) exec(ctx context.Context, stmt string) error {
	return tn.srv.ExecAs(ctx, tn.user, tn.password, tn.db, stmt)
}

// tenantOps is what a tenant does on one engine: fill writes over 1 MiB,
// free brings it back under, write and read probe access.
type tenantOps struct {
	name                    string
	server                  func(testing.TB) *dbtest.Server
	fill, write, read, free func(context.Context, tenant) error
}

func sqlOps(name string, server func(testing.TB) *dbtest.Server, fill, free string) tenantOps {
	return tenantOps{
		name: name, server: server,
		fill: func(ctx context.Context, tn tenant) error {
			if err := tn.exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY, b TEXT)"); err != nil {
				return err
			}
			return tn.exec(ctx, fill)
		},
		write: func(ctx context.Context, tn tenant) error {
			if err := tn.exec(ctx, "CREATE TABLE IF NOT EXISTS w (id INT)"); err != nil {
				return err
			}
			return tn.exec(ctx, "INSERT INTO w VALUES (1)")
		},
		read: func(ctx context.Context, tn tenant) error { return tn.exec(ctx, "SELECT COUNT(*) FROM t") },
		free: func(ctx context.Context, tn tenant) error { return tn.exec(ctx, free) },
	}
}

var (
	// MariaDB keeps DELETE and DROP while over quota.
	mariadbOps = sqlOps("mariadb", dbtest.MariaDB,
		"INSERT INTO t SELECT seq, HEX(RANDOM_BYTES(1024)) FROM seq_1_to_1500", "DROP TABLE t")
	// PostgreSQL keeps DELETE and TRUNCATE while over quota; the tenant no
	// longer owns its tables, so it cannot DROP them (docs/enforcement.md).
	postgresOps = sqlOps("postgres", dbtest.Postgres,
		"INSERT INTO t SELECT g, md5(random()::text) || md5(random()::text) FROM generate_series(1, 30000) g",
		"TRUNCATE t")
	mongoOps = tenantOps{
		name: "mongo", server: dbtest.Mongo,
		fill: func(ctx context.Context, tn tenant) error {
			return tn.srv.WithMongoAs(ctx, tn.user, tn.password, tn.db, func(ctx context.Context, c *mongo.Client) error {
				docs := make([]any, 0, 1500)
				for i := range 1500 {
					b := make([]byte, 1024)
					rand.Read(b)
					docs = append(docs, bson.D{{Key: "_id", Value: i}, {Key: "b", Value: b}})
				}
				_, err := c.Database(tn.db).Collection("big").InsertMany(ctx, docs)
				return err
			})
		},
		write: func(ctx context.Context, tn tenant) error { return tn.exec(ctx, "insert") },
		read:  func(ctx context.Context, tn tenant) error { return tn.exec(ctx, "find") },
		free: func(ctx context.Context, tn tenant) error {
			return tn.srv.WithMongoAs(ctx, tn.user, tn.password, tn.db, func(ctx context.Context, c *mongo.Client) error {
				return c.Database(tn.db).Collection("big").Drop(ctx)
			})
		},
	}
)
