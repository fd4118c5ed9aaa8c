package store_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

// processCPU is this process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkInsertAudit measures one audit entry per transaction (what a
// synchronous write would add to every change) against batches of 256
// (control.AuditLog's). Figures are in docs/operations.md.
func BenchmarkInsertAudit(b *testing.B) {
	for _, d := range []struct {
		name string
		open opener
	}{{"sqlite", mustOpen}, {"postgres", mustOpenPostgres}} {
		for _, batch := range []int{1, 256} {
			b.Run(fmt.Sprintf("%s/batch=%d", d.name, batch), func(b *testing.B) {
				db := d.open(b)
				ctx := context.Background()
				n := 0
				b.ResetTimer()
				c0 := processCPU()
				for b.Loop() {
					es := make([]*dbplane.AuditEntry, batch)
					for i := range es {
						n++
						es[i] = &dbplane.AuditEntry{ID: fmt.Sprintf("01BENCH%019d", n), Time: time.Now(), Surface: "dbapi",
							Action: "POST /api/v1/db/databases/{id}/rotate", Resources: map[string]string{"id": "01J0000000000000000000000"},
							AccountID: "acct", KeyID: "key", KeyPrefix: "dbpu_abc", IP: "192.0.2.1", Status: 200, RequestID: "r"}
					}
					if err := db.InsertAudit(ctx, es); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/entry")
				// Wall time on a shared machine counts other work; this
				// process's CPU time per entry does not.
				b.ReportMetric(float64(processCPU()-c0)/float64(n), "cpu-ns/entry")
			})
		}
	}
}
