package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// TestCounters_EqualTheRowsAfterARandomMix runs creates (many of them
// refused by a quota), completions, deletes of every kind, size
// measurements, suspensions and limit changes in a random order, and after
// each step checks every counter against COUNT(*) and every used_bytes
// against SUM(size_bytes).
func TestCounters_EqualTheRowsAfterARandomMix(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(8, 12))
		accounts := []string{"a1", "a2", "a3"}
		mustAccount(t, db, "a1", nil)
		mustAccount(t, db, "a2", ptr(6))
		mustAccount(t, db, "a3", ptr(40))
		storage := int64(1500)
		if _, err := db.UpdateAccount(ctx, "a3", dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &storage}); err != nil {
			t.Fatal(err)
		}
		hosts := []string{"h1", "h2", "h3"}
		mustHost(t, db, "h1", ptr(8))
		mustHost(t, db, "h2", nil)
		mustHost(t, db, "h3", ptr(3))
		if err := db.CreateNode(ctx, &dbplane.Node{ID: "node", Name: "n"}); err != nil {
			t.Fatal(err)
		}
		servers := []string{"", "s1", "s2"}
		for i, limit := range []*int{ptr(4), nil} {
			s := &dbplane.Server{ID: servers[i+1], Identifier: fmt.Sprintf("srv%05d", i), Name: "s", OwnerID: "a1", NodeID: "node", DatabaseLimit: limit}
			if err := db.CreateServer(ctx, s); err != nil {
				t.Fatal(err)
			}
		}

		type live struct {
			nd      store.NewDatabase
			settled bool
		}
		var dbs []*live
		refused := map[error]int{}
		created, deleted := 0, 0
		for step := range 600 {
			var what string
			switch op := rng.IntN(10); {
			case op < 5: // create, sometimes with a label already taken
				acc := accounts[max(0, rng.IntN(len(accounts)+2)-2)] // a1, with the servers, half the time
				label := fmt.Sprintf("l%d", rng.IntN(60))
				nd := newDB(acc, label, hosts[rng.IntN(3)], hosts[rng.IntN(3)])
				nd.Database.ID, nd.Intent.ID = fmt.Sprintf("db%d", step), fmt.Sprintf("in%d", step)
				if acc == "a1" {
					nd.Database.ServerID = servers[rng.IntN(len(servers))]
				}
				err := db.InsertDatabase(ctx, nd)
				what = fmt.Sprintf("InsertDatabase(%s, %s, server %q, hosts %v) = %v", acc, label, nd.Database.ServerID, nd.Hosts, err)
				if err != nil {
					var known bool
					for _, want := range []error{dbplane.ErrOutOfSlots, dbplane.ErrOutOfStorage, dbplane.ErrServerLimit,
						dbplane.ErrHostFull, dbplane.ErrDuplicateLabel, dbplane.ErrAccountSuspended} {
						if errors.Is(err, want) {
							refused[want]++
							known = true
						}
					}
					if !known {
						t.Fatalf("step %d: %s", step, what)
					}
					break
				}
				created++
				dbs = append(dbs, &live{nd: nd})
			case op < 6 && len(dbs) > 0: // settle a create
				l := dbs[rng.IntN(len(dbs))]
				if !l.settled {
					_, err := db.CompleteCreate(ctx, l.nd.Intent)
					what = fmt.Sprintf("CompleteCreate(%s) = %v", l.nd.Database.ID, err)
					if err != nil {
						t.Fatalf("step %d: %s", step, what)
					}
					l.settled = true
				}
			case op < 8 && len(dbs) > 0: // delete: undo a create or drop a settled one
				i := rng.IntN(len(dbs))
				l := dbs[i]
				var err error
				if l.settled {
					in := &dbplane.Intent{ID: "drop-" + l.nd.Database.ID, DatabaseID: l.nd.Database.ID}
					if _, err = db.BeginDrop(ctx, in); err == nil {
						err = db.CompleteDrop(ctx, in)
					}
					what = fmt.Sprintf("BeginDrop+CompleteDrop(%s) = %v", l.nd.Database.ID, err)
				} else {
					err = db.UndoCreate(ctx, l.nd.Intent, rng.IntN(2) == 0)
					if err == nil && l.nd.Intent.Kind == dbplane.IntentDrop {
						err = db.CompleteDrop(ctx, l.nd.Intent) // the row is gone already: must not count twice
					}
					what = fmt.Sprintf("UndoCreate(%s) = %v", l.nd.Database.ID, err)
				}
				if err != nil {
					t.Fatalf("step %d: %s", step, what)
				}
				dbs = append(dbs[:i], dbs[i+1:]...)
				deleted++
			case op < 9: // the watcher measures a host
				h := hosts[rng.IntN(len(hosts))]
				sizes := map[string]int64{}
				for _, l := range dbs {
					if l.nd.Database.HostID == h && rng.IntN(3) > 0 {
						sizes[l.nd.Database.DBName] = rng.Int64N(1000)
					}
				}
				_, err := db.UpdateSizes(ctx, h, sizes, time.Now())
				what = fmt.Sprintf("UpdateSizes(%s, %d sizes) = %v", h, len(sizes), err)
				if err != nil {
					t.Fatalf("step %d: %s", step, what)
				}
			default: // suspend or unsuspend, or change a2's slots
				acc := accounts[rng.IntN(len(accounts))]
				u := dbplane.AccountUpdate{Suspended: ptr(rng.IntN(8) == 0)}
				if acc == "a2" && rng.IntN(2) == 0 {
					u.SlotsSet, u.Slots = true, ptr(rng.IntN(12))
				}
				_, err := db.UpdateAccount(ctx, acc, u)
				what = fmt.Sprintf("UpdateAccount(%s) = %v", acc, err)
				if err != nil {
					t.Fatalf("step %d: %s", step, what)
				}
			}
			drift, err := store.CounterDrift(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if len(drift) > 0 {
				t.Fatalf("step %d, after %s: counters differ from the rows:\n%v", step, what, drift)
			}
		}
		t.Logf("%d created, %d deleted, refused: %v", created, deleted, refused)
		// The mix must have reached every path, or it proves little.
		if created < 50 || deleted < 30 {
			t.Errorf("%d creates, %d deletes; want at least 50 and 30", created, deleted)
		}
		for _, want := range []error{dbplane.ErrOutOfSlots, dbplane.ErrOutOfStorage, dbplane.ErrServerLimit,
			dbplane.ErrHostFull, dbplane.ErrDuplicateLabel, dbplane.ErrAccountSuspended} {
			if refused[want] == 0 {
				t.Errorf("no create was refused with %v; the mix does not cover it", want)
			}
		}
	})
}

// TestOpen_MigrationBackfillsCounters upgrades a store written before the
// counters existed (schema 4, three accounts, two hosts, a server) and
// checks that the counters start equal to the rows.
func TestOpen_MigrationBackfillsCounters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meta.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 4; v++ {
		files, _ := filepath.Glob(fmt.Sprintf("migrations/sqlite/%04d_*.sql", v))
		if len(files) != 1 {
			t.Fatalf("migration %d: files %v, want one", v, files)
		}
		body, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", files[0], err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, 0)`, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO accounts (id, numeric_id, email, name, role, created_at, updated_at) VALUES
			('a1', 1, 'a1@x', 'a1', 'user', 0, 0), ('a2', 2, 'a2@x', 'a2', 'user', 0, 0), ('empty', 3, 'e@x', 'e', 'user', 0, 0)`,
		`INSERT INTO hosts (id, numeric_id, name, engine, hostname, port, username, sealed_password, tls, created_at, updated_at) VALUES
			('h1', 1, 'h1', 'mariadb', 'x', 1, 'u', x'00', 'disable', 0, 0), ('h2', 2, 'h2', 'mariadb', 'x', 1, 'u', x'00', 'disable', 0, 0)`,
		`INSERT INTO nodes VALUES ('n', 1, 'n', 0, 0)`,
		`INSERT INTO servers (id, numeric_id, identifier, name, owner_id, node_id, created_at, updated_at) VALUES ('s1', 1, 'srv00001', 's', 'a1', 'n', 0, 0)`,
		`INSERT INTO databases (id, numeric_id, account_id, server_id, host_id, engine, label, db_name, db_user, remote, sealed_password, status, size_bytes, created_at, updated_at) VALUES
			('d1', 1, 'a1', 's1', 'h1', 'mariadb', 'l1', 'n1', 'u1', '%', x'00', 'active', 100, 0, 0),
			('d2', 2, 'a1', NULL, 'h2', 'mariadb', 'l2', 'n2', 'u2', '%', x'00', 'active', 20, 0, 0),
			('d3', 3, 'a2', NULL, 'h1', 'mariadb', 'l3', 'n3', 'u3', '%', x'00', 'creating', 0, 0, 0)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := store.Open(ctx, "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatalf("Open (migrating 4 → latest): %v", err)
	}
	defer db.Close()
	drift, err := store.CounterDrift(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		t.Errorf("after the migration, counters differ from the rows: %v", drift)
	}
	a1, err := db.Account(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	h1, err := db.Host(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	s1, err := db.Server(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if a1.DatabaseCount != 2 || a1.UsedBytes != 120 || h1.DatabaseCount != 2 || s1.DatabaseCount != 1 {
		t.Errorf("a1 = %d databases, %d bytes; h1 = %d; s1 = %d; want 2, 120, 2, 1", a1.DatabaseCount, a1.UsedBytes, h1.DatabaseCount, s1.DatabaseCount)
	}
}
