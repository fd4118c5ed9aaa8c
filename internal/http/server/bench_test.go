package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/dbapi"
	"github.com/dbplane/dbplane/internal/http/server"
	"github.com/dbplane/dbplane/internal/metrics"
	"github.com/dbplane/dbplane/internal/mock"
)

// discardWriter is the cheapest http.ResponseWriter: a header map that is
// cleared between requests and a body that goes nowhere, so that the
// benchmarks below count the middleware and the handler, not a recorder.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// BenchmarkReadChain serves a management reveal and list through the
// server's whole middleware (request id, access log at level error,
// metrics, audit entry, rate limiter, auth) and dbapi's handlers on
// in-memory services, next to a bare handler writing a body of the same
// size: the per-request CPU and allocations dbplane adds in-process, with
// no socket. Steadier than the bench's rates on a loaded machine.
//
//	go test -run '^$' -bench ReadChain -benchmem ./internal/http/server
func BenchmarkReadChain(b *testing.B) {
	acct := &dbplane.Account{ID: "01HVACCOUNT0A1B2C3D4E5F6G7", Email: "a@example.com", Name: "A", Role: dbplane.RoleUser}
	key := &dbplane.APIKey{ID: "01HVKEY0A1B2C3D4E5F6G7H8J9", AccountID: acct.ID, Kind: dbplane.KeyUser, Prefix: "dbpu_abcdef"}
	t0 := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	dbs := make([]*dbplane.Database, 20)
	for i := range dbs {
		dbs[i] = &dbplane.Database{
			ID: "01HVDB00000000000000000" + strconv.Itoa(100+i), AccountID: acct.ID, HostID: "h1", Engine: "mariadb",
			DBName: "s1_acct_" + strconv.Itoa(i), DBUser: "u1_acct_" + strconv.Itoa(i), Remote: "%", Label: "db " + strconv.Itoa(i),
			Status: dbplane.StatusActive, CreatedAt: t0, UpdatedAt: t0,
		}
	}
	host := &dbplane.Host{ID: "h1", Name: "maria", Engine: "mariadb", Hostname: "127.0.0.1", Port: 3306}
	keys := &mock.KeyService{AuthenticateFn: func(context.Context, string, string) (*dbplane.APIKey, *dbplane.Account, error) {
		return key, acct, nil
	}}
	databases := &mock.DatabaseService{
		ListDatabasesFn: func(context.Context, string) ([]*dbplane.Database, error) { return dbs, nil },
		RevealDatabaseFn: func(_ context.Context, _, id string) (*dbplane.Credentials, error) {
			return &dbplane.Credentials{Database: dbs[0], Host: host, Password: "Sup3rS3cretPassw0rdXYZabcdefghij",
				ConnectionString: "mysql://u1_acct_0:Sup3rS3cretPassw0rdXYZabcdefghij@127.0.0.1:3306/s1_acct_0"}, nil
		},
	}
	mets := metrics.New(nil, nil)
	audited := 0
	srv := server.New(server.Options{
		Handlers: server.Handlers{DBAPI: dbapi.NewHandler(dbapi.Services{Keys: keys, Databases: databases}, dbapi.Options{Rate: 1 << 30})},
		Observe:  mets.ObserveRequest,
		Audit:    func(dbplane.AuditEntry) { audited++ },
	})
	run := func(b *testing.B, h http.Handler, target string) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer dbpu_abcdef0123456789abcdef0123456789")
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("GET %s: %d", target, w.status)
		}
		size := w.n
		b.ReportAllocs()
		b.ResetTimer()
		c0 := processCPU()
		for b.Loop() {
			clear(w.h)
			w.status, w.n = 0, 0
			h.ServeHTTP(w, req)
		}
		// ns/op is wall time, which other work on a shared machine inflates;
		// the process's CPU time per request is what dbplane spends.
		b.ReportMetric(float64(processCPU()-c0)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(size), "body-bytes")
	}
	bodies := map[string][]byte{}
	for _, p := range []string{"/api/v1/db/databases", "/api/v1/db/databases/" + dbs[0].ID} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.Header.Set("Authorization", "Bearer x")
		srv.Handler().ServeHTTP(rec, req)
		bodies[p] = rec.Body.Bytes()
	}
	// bare is the bench's bare handler (bench.StartBare).
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := bodies[r.URL.Path]
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	b.Run("reveal", func(b *testing.B) { run(b, srv.Handler(), "/api/v1/db/databases/"+dbs[0].ID) })
	b.Run("list", func(b *testing.B) { run(b, srv.Handler(), "/api/v1/db/databases") })
	b.Run("bare-reveal", func(b *testing.B) { run(b, bare, "/api/v1/db/databases/"+dbs[0].ID) })
	b.Run("bare-list", func(b *testing.B) { run(b, bare, "/api/v1/db/databases") })
	if audited == 0 {
		b.Fatal("no reveal was audited")
	}
}

// processCPU is this process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
