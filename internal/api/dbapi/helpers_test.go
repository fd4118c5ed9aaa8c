package dbapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/dbplane/dbplane/internal/api/dbapi"
)

func newHandler(m *mocks) http.Handler {
	return dbapi.NewHandler(dbapi.Services{Keys: m.keys, Databases: m.databases},
		dbapi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func newRequest(ctx context.Context, method, path, key string) *http.Request {
	r := httptest.NewRequestWithContext(ctx, method, "http://dbplane.test"+path, nil)
	if key != "" {
		r.Header.Set("Authorization", "Bearer "+key)
	}
	return r
}

func record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
