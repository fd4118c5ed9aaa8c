package control_test

import (
	"context"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestStatuses_RealEngines checks each status with the tenant's own
// credentials on real servers: over quota refuses writes and keeps reads,
// deleting data and a watcher pass restore writes; disabled and suspended
// refuse logins, and enabling or unsuspending restores them.
func TestStatuses_RealEngines(t *testing.T) {
	type engineCase struct {
		name   string
		server func(testing.TB) *dbtest.Server
		// fill writes enough data to go over a quota of (empty size + 1 MiB).
		create, fill, write, read, free string
	}
	cases := []engineCase{
		{
			name: "mariadb", server: dbtest.MariaDB,
			create: "CREATE TABLE t (id INT PRIMARY KEY, b LONGBLOB)",
			fill:   "INSERT INTO t SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_3000",
			write:  "INSERT INTO t VALUES (100000, 'x')",
			read:   "SELECT COUNT(*) FROM t",
			// MariaDB keeps DELETE and DROP while over quota.
			free: "DROP TABLE t",
		},
		{
			name: "postgres", server: dbtest.Postgres,
			create: "CREATE TABLE t (id int PRIMARY KEY, b text)",
			fill:   "INSERT INTO t SELECT g, md5(random()::text) || md5(random()::text) FROM generate_series(1, 30000) g",
			write:  "INSERT INTO t VALUES (100000, 'x')",
			read:   "SELECT COUNT(*) FROM t",
			// PostgreSQL makes new transactions read-only by default while over
			// quota; freeing space takes an explicit read-write transaction
			// (docs/engines.md explains this limit).
			free: "BEGIN READ WRITE; DROP TABLE t; COMMIT",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.server(t)
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
			d, pw := cr.Database, string(cr.Password)
			exec := func(stmt string) error { return srv.ExecAs(ctx, d.DBUser, pw, d.DBName, stmt) }
			mustExec := func(stmt string) {
				t.Helper()
				if err := exec(stmt); err != nil {
					t.Fatalf("tenant %q: %v", stmt, err)
				}
			}
			status := func() dbplane.Status {
				t.Helper()
				got, err := rs.svc.Database(ctx, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				return got.Status
			}

			// Quota: the empty database's size plus 1 MiB.
			if _, err := rs.svc.RefreshQuota(ctx); err != nil {
				t.Fatal(err)
			}
			empty, _ := rs.svc.Database(ctx, d.ID)
			if empty.SizeRefreshedAt == nil {
				t.Fatal("the watcher did not measure the database")
			}
			quota := empty.SizeBytes + 1<<20
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
				t.Fatal(err)
			}
			mustExec(tc.create)
			mustExec(tc.fill)
			rep, err := rs.svc.RefreshQuota(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := status(); got != dbplane.StatusOverQuota {
				m, _ := rs.svc.Database(ctx, d.ID)
				t.Fatalf("after filling: status %s (size %d, quota %d, report %+v), want over_quota", got, m.SizeBytes, quota, rep)
			}
			if err := exec(tc.write); err == nil {
				t.Error("over quota: a write succeeded")
			}
			mustExec(tc.read)
			if _, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "more", Engine: tc.name}); dbplane.ErrorCode(err) != dbplane.CodeQuotaExceeded {
				t.Errorf("create while over quota = %v, want OUT_OF_STORAGE", err)
			}
			mustExec(tc.free)
			if _, err := rs.svc.RefreshQuota(ctx); err != nil {
				t.Fatal(err)
			}
			if got := status(); got != dbplane.StatusActive {
				t.Fatalf("after freeing space: status %s, want active", got)
			}
			mustExec(tc.create)
			mustExec(tc.write)

			// Disabled by an operator.
			if _, err := rs.svc.SetDatabaseDisabled(ctx, d.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := srv.ConnectAs(ctx, d.DBUser, pw, d.DBName); err == nil {
				t.Error("disabled: the tenant still logs in")
			}
			if _, err := rs.svc.SetDatabaseDisabled(ctx, d.ID, false); err != nil {
				t.Fatal(err)
			}
			if err := srv.ConnectAs(ctx, d.DBUser, pw, d.DBName); err != nil {
				t.Errorf("enabled again: login fails: %v", err)
			}

			// Suspended account.
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
				t.Fatal(err)
			}
			if err := srv.ConnectAs(ctx, d.DBUser, pw, d.DBName); err == nil {
				t.Error("suspended: the tenant still logs in")
			}
			if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{Suspended: ptr(false)}); err != nil {
				t.Fatal(err)
			}
			if err := srv.ConnectAs(ctx, d.DBUser, pw, d.DBName); err != nil {
				t.Errorf("unsuspended: login fails: %v", err)
			}
			if got := status(); got != dbplane.StatusActive {
				t.Errorf("after unsuspend: status %s, want active", got)
			}
		})
	}
}
