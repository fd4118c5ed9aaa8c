package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

func mustAccount(tb testing.TB, db *store.DB, id string, slots *int) *dbplane.Account {
	tb.Helper()
	a := &dbplane.Account{ID: id, Email: id + "@example.com", Name: id, Role: dbplane.RoleUser, Slots: slots}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatalf("CreateAccount(%s): %v", id, err)
	}
	return a
}

func mustHost(tb testing.TB, db *store.DB, id string, max *int) *dbplane.Host {
	tb.Helper()
	h := &dbplane.Host{ID: id, Name: id, Engine: dbplane.EngineMariaDB, Hostname: "127.0.0.1", Port: 3306, Username: "root",
		SealedPassword: []byte("sealed"), TLS: dbplane.TLSDisable, MaxDatabases: max, Enabled: true}
	if err := db.CreateHost(context.Background(), h); err != nil {
		tb.Fatalf("CreateHost(%s): %v", id, err)
	}
	return h
}

func newDB(accountID, label string, hosts ...string) store.NewDatabase {
	d := &dbplane.Database{ID: "db-" + accountID + "-" + label, AccountID: accountID, Engine: dbplane.EngineMariaDB,
		Label: label, Remote: "%", SealedPassword: []byte("sealed")}
	return store.NewDatabase{
		Database: d, Hosts: hosts,
		Names:  func(n int64) (string, string) { return dbplane.ManagedNames(d.Engine, accountID, n) },
		Intent: &dbplane.Intent{ID: "in-" + d.ID},
	}
}

func ptr[T any](v T) *T { return &v }

func TestInsertDatabase_NamesCountUpAndAreNeverReused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "0123456789ABCDEF", nil)
		mustHost(t, db, "h1", nil)
		var got []string
		for _, label := range []string{"a", "b"} {
			nd := newDB("0123456789ABCDEF", label, "h1")
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatalf("InsertDatabase(%s): %v", label, err)
			}
			got = append(got, nd.Database.DBName+"/"+nd.Database.DBUser)
			if nd.Intent.DBName != nd.Database.DBName || nd.Intent.Kind != dbplane.IntentCreate {
				t.Errorf("intent = %+v, want create intent for %s", nd.Intent, nd.Database.DBName)
			}
			if err := db.UndoCreate(ctx, nd.Intent, true); err != nil {
				t.Fatal(err)
			}
		}
		nd := newDB("0123456789ABCDEF", "a", "h1")
		nd.Database.ID, nd.Intent.ID = "again", "again-intent"
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		got = append(got, nd.Database.DBName)
		want := []string{"um_6789abcdef_1/dum_6789abcdef_1", "um_6789abcdef_2/dum_6789abcdef_2", "um_6789abcdef_3"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("names = %v, want %v", got, want)
		}
	})
}

func TestInsertDatabase_Quotas(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		tests := []struct {
			name    string
			slots   *int
			hostMax *int
			setup   func(db *store.DB)
			want    error
		}{
			{name: "out of slots", slots: ptr(1), want: dbplane.ErrOutOfSlots},
			{name: "host full", hostMax: ptr(1), want: dbplane.ErrHostFull},
			{name: "duplicate label", want: dbplane.ErrDuplicateLabel},
			{name: "suspended", setup: func(db *store.DB) {
				db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{Suspended: ptr(true)})
			}, want: dbplane.ErrAccountSuspended},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				db := open(t)
				mustAccount(t, db, "acc", tc.slots)
				mustHost(t, db, "h1", tc.hostMax)
				if err := db.InsertDatabase(ctx, newDB("acc", "first", "h1")); err != nil {
					t.Fatal(err)
				}
				if tc.setup != nil {
					tc.setup(db)
				}
				label := "second"
				if tc.want == dbplane.ErrDuplicateLabel {
					label = "first"
				}
				nd := newDB("acc", label, "h1")
				nd.Database.ID = "other"
				nd.Intent.ID = "other-intent"
				err := db.InsertDatabase(ctx, nd)
				if !errors.Is(err, tc.want) {
					t.Fatalf("InsertDatabase = %v, want %v", err, tc.want)
				}
				list, _ := db.ListDatabases(ctx, "acc")
				if len(list) != 1 {
					t.Errorf("after refused insert, %d databases, want 1 (refusal must change nothing)", len(list))
				}
			})
		}
	})
}

func TestInsertDatabase_ConcurrentCreatesTakeExactlyTheFreeSlots(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		tests := []struct {
			name                  string
			slots, hostMax, limit *int
			want                  error
		}{
			{name: "account slots", slots: ptr(10), want: dbplane.ErrOutOfSlots},
			{name: "host maxDatabases", hostMax: ptr(10), want: dbplane.ErrHostFull},
			{name: "server databaseLimit", limit: ptr(10), want: dbplane.ErrServerLimit},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				db := open(t)
				ctx := context.Background()
				mustAccount(t, db, "acc", tc.slots)
				mustHost(t, db, "h1", tc.hostMax)
				if err := db.CreateNode(ctx, &dbplane.Node{ID: "node", Name: "n"}); err != nil {
					t.Fatal(err)
				}
				srv := &dbplane.Server{ID: "srv", Identifier: "srv00001", Name: "s", OwnerID: "acc", NodeID: "node", DatabaseLimit: tc.limit}
				if err := db.CreateServer(ctx, srv); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				var mu sync.Mutex
				ok, refused := 0, 0
				for i := range 50 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						nd := newDB("acc", fmt.Sprintf("l%d", i), "h1")
						nd.Database.ServerID = srv.ID
						err := db.InsertDatabase(ctx, nd)
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							ok++
						case errors.Is(err, tc.want):
							refused++
						default:
							t.Errorf("InsertDatabase: %v", err)
						}
					}()
				}
				wg.Wait()
				if ok != 10 || refused != 40 {
					t.Errorf("50 concurrent inserts with 10 places: %d created, %d refused; want 10 and 40", ok, refused)
				}
			})
		}
	})
}

func TestInsertDatabase_PicksFirstHostWithRoom(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "full", ptr(0))
		mustHost(t, db, "roomy", nil)
		nd := newDB("acc", "x", "full", "roomy")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if nd.Database.HostID != "roomy" {
			t.Errorf("HostID = %q, want roomy", nd.Database.HostID)
		}
	})
}

func TestAccountDatabase_ForeignIsNotFound(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "alice", nil)
		mustAccount(t, db, "bob", nil)
		mustHost(t, db, "h1", nil)
		nd := newDB("alice", "x", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AccountDatabase(ctx, "bob", nd.Database.ID); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
			t.Errorf("AccountDatabase(bob, alice's) = %v, want ErrDatabaseNotFound", err)
		}
		if _, err := db.BeginRotate(ctx, "bob", &dbplane.Intent{ID: "i2", DatabaseID: nd.Database.ID}); !errors.Is(err, dbplane.ErrDatabaseNotFound) {
			t.Errorf("BeginRotate(bob, alice's) = %v, want ErrDatabaseNotFound", err)
		}
	})
}

func TestDeleteHost_RefusedWhileDatabasesExist(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		h := mustHost(t, db, "h1", nil)
		nd := newDB("acc", "x", "h1")
		if err := db.InsertDatabase(ctx, nd); err != nil {
			t.Fatal(err)
		}
		err := db.DeleteHost(ctx, fmt.Sprint(h.NumericID))
		if dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Fatalf("DeleteHost with a database = %v, want conflict", err)
		}
		if err := db.UndoCreate(ctx, nd.Intent, true); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteHost(ctx, "h1"); dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Fatalf("DeleteHost with a drop in flight = %v, want conflict", err)
		}
		if err := db.CompleteDrop(ctx, nd.Intent); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteHost(ctx, "h1"); err != nil {
			t.Fatalf("DeleteHost when empty: %v", err)
		}
	})
}

func TestUpdateAccount_UnsuspendRestoresOnlyWhatSuspensionChanged(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		for _, k := range []struct {
			id       string
			disabled bool
		}{{"on", false}, {"off", true}} {
			key := &dbplane.APIKey{ID: k.id, AccountID: "acc", Kind: dbplane.KeyUser, Name: k.id, Prefix: "p", Hash: []byte(k.id), Disabled: k.disabled}
			if err := db.CreateKey(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		state := func() map[string]bool {
			keys, _ := db.ListKeys(ctx, "acc")
			m := map[string]bool{}
			for _, k := range keys {
				m[k.ID] = k.Disabled
			}
			return m
		}
		if s := state(); !s["on"] || !s["off"] {
			t.Fatalf("after suspend, disabled = %v, want both disabled", s)
		}
		if _, err := db.UpdateAccount(ctx, "acc", dbplane.AccountUpdate{Suspended: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if s := state(); s["on"] || !s["off"] {
			t.Fatalf("after unsuspend, disabled = %v, want on enabled and off still disabled", s)
		}
	})
}

func TestCreateAccount_EmailTaken(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		mustAccount(t, db, "a", nil)
		err := db.CreateAccount(context.Background(), &dbplane.Account{ID: "b", Email: "a@example.com", Name: "b", Role: dbplane.RoleUser})
		if dbplane.ErrorCode(err) != dbplane.CodeConflict {
			t.Fatalf("CreateAccount with a taken email = %v, want conflict", err)
		}
	})
}

func TestServer_IdentifierOfDigitsIsFoundBeforeANumericID(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		n := &dbplane.Node{ID: "node-uuid", Name: "n"}
		if err := db.CreateNode(ctx, n); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"aaaaaaaa-0000-4000-8000-000000000000", "12345678-0000-4000-8000-000000000000"} {
			s := &dbplane.Server{ID: id, Identifier: id[:8], Name: "s", OwnerID: "acc", NodeID: "1"}
			if err := db.CreateServer(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		for ref, want := range map[string]string{
			"12345678":                             "12345678-0000-4000-8000-000000000000",
			"aaaaaaaa":                             "aaaaaaaa-0000-4000-8000-000000000000",
			"1":                                    "aaaaaaaa-0000-4000-8000-000000000000",
			"2":                                    "12345678-0000-4000-8000-000000000000",
			"12345678-0000-4000-8000-000000000000": "12345678-0000-4000-8000-000000000000",
		} {
			s, err := db.Server(ctx, ref)
			if err != nil || s.ID != want {
				t.Errorf("Server(%q) = %v, %v; want %s", ref, s, err, want)
			}
		}
		if _, err := db.Server(ctx, "99999999"); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
			t.Errorf("Server(unknown) = %v, want not found", err)
		}
	})
}

func TestNumericIDs_AreNeverReused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		mustAccount(t, db, "acc", nil)
		mustHost(t, db, "h1", nil)
		var ids []int64
		for i, label := range []string{"a", "b", "c"} {
			nd := newDB("acc", label, "h1")
			if err := db.InsertDatabase(ctx, nd); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, nd.Database.NumericID)
			if i == 1 { // delete the newest before making the next
				if err := db.UndoCreate(ctx, nd.Intent, false); err != nil {
					t.Fatal(err)
				}
			}
		}
		if ids[2] == ids[1] || ids[2] != ids[1]+1 {
			t.Errorf("numeric ids %v: the deleted #%d was handed out again", ids, ids[1])
		}
	})
}

// TestOpen_PostgresErrorsNeverRepeatThePassword: the store URL holds a
// password, and Open's errors end up in logs and on the terminal.
func TestOpen_PostgresErrorsNeverRepeatThePassword(t *testing.T) {
	for _, url := range []string{
		"postgres://dbplane:hunter2@127.0.0.1:1/meta?connect_timeout=2",
		"postgresql://dbplane:hunter2@127.0.0.1:1/meta?connect_timeout=2",
		"postgres://dbplane:hunter2@[::1/meta",
		"postgres://dbplane:hunter2@h/meta?sslmode=bogus",
	} {
		db, err := store.Open(context.Background(), url, store.Options{})
		if err == nil {
			db.Close()
			t.Fatalf("Open(%s) = nil error, want a refusal", url)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(postgres URL) error %q repeats the password", err)
		}
	}
}

// TestOpen_RefusesAStoreThatSkippedAMigration: migrations are numbered on
// parallel branches, so a store can hold version 7 without 6 when a build
// lacking 6 migrated it. Open must say so, not run without it.
func TestOpen_RefusesAStoreThatSkippedAMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.db")
	db, err := store.Open(ctx, "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 6`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err = store.Open(ctx, "sqlite:"+path, store.Options{})
	if err == nil {
		db.Close()
		t.Fatal("Open of a store without migration 6 but with 7 = nil error, want a refusal")
	}
	if !strings.Contains(err.Error(), "0006_counters.sql was never applied") {
		t.Errorf("Open of a store without migration 6 = %v, want it to name 0006_counters.sql", err)
	}
}

func TestOpenMakesTheFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "dbplane.db")
	db, err := store.Open(context.Background(), "sqlite:"+file, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// An older store left readable by others is tightened on open.
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(context.Background(), "sqlite:"+file, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, _ := filepath.Glob(file + "*")
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(f), st.Mode().Perm())
		}
	}
}
