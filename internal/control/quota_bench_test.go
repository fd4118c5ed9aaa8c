package control_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// BenchmarkRefreshQuota measures one pass of the quota watcher over 10,000
// databases on one real MariaDB host (SPEC §7: under 2 s). The databases
// are made through the service, so each has its user, grants and row.
//
//	go test -run '^$' -bench RefreshQuota -benchtime 5x ./internal/control
func BenchmarkRefreshQuota(b *testing.B) {
	const n = 10000
	srv := dbtest.MariaDB(b)
	ctx := context.Background()
	rs := openRealService(b, b.TempDir(), nil)
	if _, err := rs.svc.CreateHost(ctx, hostInput(srv)); err != nil {
		b.Fatal(err)
	}
	acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "bench@example.com", Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	quota := int64(1 << 40)
	if _, err := rs.svc.UpdateAccount(ctx, acct.ID, dbplane.AccountUpdate{StorageBytesSet: true, StorageBytes: &quota}); err != nil {
		b.Fatal(err)
	}
	b.Logf("creating %d databases", n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: fmt.Sprintf("db%d", i)})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := rs.svc.RefreshQuota(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Hosts) != 1 || rep.Hosts[0].Databases != n || rep.Hosts[0].Error != "" {
			b.Fatalf("report %+v, want %d databases measured on one host", rep.Hosts, n)
		}
	}
}
