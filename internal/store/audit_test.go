package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

func TestAuditLog_FiltersPagesAndRetention(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		base := time.UnixMilli(1_800_000_000_000).UTC()
		var all []*dbplane.AuditEntry
		for i := range 7 {
			e := &dbplane.AuditEntry{
				ID: fmt.Sprintf("01AUDIT%019d", i), Time: base.Add(time.Duration(i) * time.Minute),
				Surface: "admin", Action: "PATCH /api/admin/accounts/{id}", Resources: map[string]string{"id": fmt.Sprintf("acct%d", i%2)},
				AccountID: "admin1", KeyID: "key1", KeyPrefix: "dbpa_abc", IP: "192.0.2.1", Status: 200, RequestID: "r" + fmt.Sprint(i),
			}
			if i%3 == 0 {
				e.Action, e.Status, e.Reveal = "GET /api/v1/db/databases/{id}", 404, true
				e.Surface, e.AccountID, e.KeyPrefix = "dbapi", "user1", "dbpu_xyz"
			}
			all = append(all, e)
		}
		if err := db.InsertAudit(ctx, all); err != nil {
			t.Fatalf("InsertAudit: %v", err)
		}
		ids := func(es []*dbplane.AuditEntry) []string {
			var out []string
			for _, e := range es {
				out = append(out, e.ID[len(e.ID)-1:])
			}
			return out
		}
		for _, tc := range []struct {
			name string
			f    dbplane.AuditFilter
			want []string
		}{
			{"all newest first", dbplane.AuditFilter{}, []string{"6", "5", "4", "3", "2", "1", "0"}},
			{"account", dbplane.AuditFilter{AccountID: "user1"}, []string{"6", "3", "0"}},
			{"action exact", dbplane.AuditFilter{Action: "PATCH /api/admin/accounts/{id}"}, []string{"5", "4", "2", "1"}},
			{"action method", dbplane.AuditFilter{Action: "GET"}, []string{"6", "3", "0"}},
			{"action path prefix", dbplane.AuditFilter{Action: "/api/admin"}, []string{"5", "4", "2", "1"}},
			{"action wildcard is literal", dbplane.AuditFilter{Action: "/api/%"}, nil},
			{"resource", dbplane.AuditFilter{Resource: "acct1"}, []string{"5", "3", "1"}},
			{"resource exact value", dbplane.AuditFilter{Resource: "acct"}, nil},
			{"failure", dbplane.AuditFilter{Outcome: "failure"}, []string{"6", "3", "0"}},
			{"success", dbplane.AuditFilter{Outcome: "success"}, []string{"5", "4", "2", "1"}},
			{"since until", dbplane.AuditFilter{Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)}, []string{"3", "2"}},
		} {
			got, next, err := db.AuditLog(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: AuditLog: %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, ids(got)); diff != "" || next != "" {
				t.Errorf("%s: AuditLog(%+v) (-want +got):\n%s next=%q", tc.name, tc.f, diff, next)
			}
		}
		// Pages of 3 with the cursor walk the whole log once.
		var walked []string
		f := dbplane.AuditFilter{Limit: 3}
		for {
			page, next, err := db.AuditLog(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			walked = append(walked, ids(page)...)
			if next == "" {
				break
			}
			f.Before = next
		}
		if diff := cmp.Diff([]string{"6", "5", "4", "3", "2", "1", "0"}, walked); diff != "" {
			t.Errorf("paged walk (-want +got):\n%s", diff)
		}
		// Every field comes back as written.
		got, _, _ := db.AuditLog(ctx, dbplane.AuditFilter{Limit: 1})
		if diff := cmp.Diff(all[6], got[0]); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		// Retention removes what is older than the cutoff, and only that.
		n, err := db.DeleteAuditBefore(ctx, base.Add(5*time.Minute))
		if err != nil || n != 5 {
			t.Fatalf("DeleteAuditBefore = %d, %v; want 5", n, err)
		}
		got, _, _ = db.AuditLog(ctx, dbplane.AuditFilter{})
		if diff := cmp.Diff([]string{"6", "5"}, ids(got)); diff != "" {
			t.Errorf("after retention (-want +got):\n%s", diff)
		}
	})
}

// TestInsertAudit_Chunks writes batches around the multi-row statement's
// size (none, a remainder only, exactly one chunk, chunks and a
// remainder, over several transactions) and reads every entry back as
// written, resources included.
func TestInsertAudit_Chunks(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		db := open(t)
		ctx := context.Background()
		base := time.UnixMilli(1_800_000_000_000).UTC()
		var want []*dbplane.AuditEntry
		n := 0
		for _, size := range []int{0, 1, store.AuditChunk - 1, store.AuditChunk, 2*store.AuditChunk + 5} {
			var batch []*dbplane.AuditEntry
			for range size {
				e := &dbplane.AuditEntry{
					ID: fmt.Sprintf("01CHUNK%019d", n), Time: base.Add(time.Duration(n) * time.Millisecond),
					Surface: "dbapi", Action: "GET /api/v1/db/databases/{id}", Resources: map[string]string{"id": fmt.Sprintf("db%d", n)},
					AccountID: "acct", KeyID: "key", KeyPrefix: "dbpu_abc", IP: "192.0.2.1", Status: 200 + n%3, Reveal: n%2 == 0,
					RequestID: fmt.Sprint("r", n),
				}
				switch n % 4 {
				case 1:
					e.Resources = nil // stored as {}, read back as none
				case 2:
					e.Resources = map[string]string{"id": `a"<é>\` + "\u2028", "created": "x&y", "b": ""}
				}
				n++
				batch = append(batch, e)
			}
			if err := db.InsertAudit(ctx, batch); err != nil {
				t.Fatalf("InsertAudit(%d entries): %v", size, err)
			}
			want = append(want, batch...)
		}
		got, _, err := db.AuditLog(ctx, dbplane.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(got) // newest first
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
	})
}

// FuzzAuditResources checks the hand-written encoding of an entry's
// resources against encoding/json, which the store used before and whose
// bytes the resource filter matches.
func FuzzAuditResources(f *testing.F) {
	f.Add("id", "01J0000000000000000000000", "created", "x", "", "")
	f.Add("id", `a"b\c<d>&e`, "é", "\u2028\x00\x1f\xff", "k", "v")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		for _, res := range []map[string]string{nil, {}, {k1: v1}, {k1: v1, k2: v2}, {k1: v1, k2: v2, k3: v3}} {
			want, err := json.Marshal(res)
			if res == nil {
				want = []byte("{}")
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := store.AppendResources([]byte("x"), res); !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Fatalf("appendResources(%q) = %s, encoding/json: %s", res, got, want)
			}
		}
	})
}
