package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// BenchmarkDatabasesPage measures the server time of the tenant's
// databases page for an account holding 1,000 databases on the real
// MariaDB (SPEC §7: under 5 ms), in process, without a network round
// trip: session lookup, the list, the template. It reports ms/page and
// the ratio to a bare handler writing the same bytes.
//
//	go test -run '^$' -bench DatabasesPage ./internal/web
func BenchmarkDatabasesPage(b *testing.B) {
	a := newApp(b)
	ctx := context.Background()
	svc := a.srv.Service()
	id := a.tenant(b, "bench@example.com", nil, "bench long password")
	for i := range 1000 {
		if _, err := svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: id, Label: fmt.Sprintf("db-%04d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	_, token, err := svc.SignIn(ctx, "bench@example.com", "bench long password", dbplane.SessionMeta{})
	if err != nil {
		b.Fatal(err)
	}
	h := a.srv.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "dbplane_session", Value: string(token)})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, path := range []string{"/", "/?page=20"} {
		rec := get(path)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "1000 in all") {
			b.Fatalf("GET %s = %d; want a page of 1,000 databases", path, rec.Code)
		}
		body := rec.Body.Bytes()
		b.Run("page="+strings.TrimPrefix(path, "/?page="), func(b *testing.B) {
			for b.Loop() {
				get(path)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
		b.Run("bare", func(b *testing.B) {
			bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(body)
			})
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				bare.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
