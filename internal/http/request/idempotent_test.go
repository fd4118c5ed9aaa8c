package request_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// memIdempotency is an in-memory dbplane.IdempotencyService with the
// service's rules (control's is tested against the store).
type memIdempotency struct {
	mu   sync.Mutex
	rows map[string]*memRow
}

type memRow struct {
	fp   [32]byte
	resp *dbplane.IdempotentResponse // nil = in flight
}

func (m *memIdempotency) id(req dbplane.IdempotentRequest) string {
	return req.AccountID + "\x00" + req.Route + "\x00" + req.Key
}

func (m *memIdempotency) BeginIdempotent(_ context.Context, req dbplane.IdempotentRequest) (*dbplane.IdempotentResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.rows == nil {
		m.rows = map[string]*memRow{}
	}
	row, ok := m.rows[m.id(req)]
	switch {
	case !ok:
		m.rows[m.id(req)] = &memRow{fp: req.Fingerprint}
		return nil, nil
	case row.fp != req.Fingerprint:
		return nil, dbplane.ErrIdempotencyKeyReused
	case row.resp == nil:
		return nil, dbplane.ErrIdempotencyInFlight
	}
	return row.resp, nil
}

func (m *memIdempotency) FinishIdempotent(_ context.Context, req dbplane.IdempotentRequest, resp *dbplane.IdempotentResponse) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if resp == nil {
		delete(m.rows, m.id(req))
		return nil
	}
	m.rows[m.id(req)].resp = resp
	return nil
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	svc := &memIdempotency{}
	var errs []error
	o := request.Idempotency{Service: svc, WriteError: func(w http.ResponseWriter, _ *http.Request, err error) {
		errs = append(errs, err)
		w.WriteHeader(http.StatusTeapot)
	}}
	runs, status := 0, http.StatusCreated
	h := o.Wrap(func(w http.ResponseWriter, r *http.Request) {
		runs++
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/x/1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"run":%d,"password":"pw%d"}`, runs, runs)
	})
	principal := &dbplane.Principal{Key: &dbplane.APIKey{ID: "k"}, Account: &dbplane.Account{ID: "a1"}}
	send := func(key, body string, account string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/api/v1/db/databases", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if key != "" {
			r.Header.Set(dbplane.IdempotencyHeader, key)
		}
		p := *principal
		p.Account = &dbplane.Account{ID: account}
		r = r.WithContext(dbplane.WithPrincipal(r.Context(), &p))
		w := httptest.NewRecorder()
		h(w, r)
		return w
	}

	first := send("k1", `{"label":"app"}`, "a1")
	again := send("k1", `{ "label" : "app" }`, "a1")
	if first.Code != 201 || again.Code != 201 || first.Body.String() != again.Body.String() || runs != 1 {
		t.Fatalf("replay: %d %s then %d %s after %d runs; want the first response twice from one run",
			first.Code, first.Body, again.Code, again.Body, runs)
	}
	if again.Header().Get(request.ReplayedHeader) != "true" || first.Header().Get(request.ReplayedHeader) != "" ||
		again.Header().Get("Location") != "/x/1" || again.Header().Get("Content-Type") != "application/json" {
		t.Errorf("headers: first %v, replay %v", first.Header(), again.Header())
	}

	errs = nil
	if w := send("k1", `{"label":"other"}`, "a1"); w.Code != http.StatusTeapot || len(errs) != 1 || !errors.Is(errs[0], dbplane.ErrIdempotencyKeyReused) || runs != 1 {
		t.Errorf("another body: %d, errors %v, %d runs; want ErrIdempotencyKeyReused and no run", w.Code, errs, runs)
	}
	// Another account's same key is its own.
	if w := send("k1", `{"label":"app"}`, "a2"); w.Code != 201 || runs != 2 {
		t.Errorf("another account: %d after %d runs, want a run of its own", w.Code, runs)
	}
	// Without the header every request runs.
	send("", `{"label":"app"}`, "a1")
	send("", `{"label":"app"}`, "a1")
	if runs != 4 {
		t.Errorf("without a key: %d runs, want 4", runs)
	}
	// A failed request keeps nothing: its retry runs again.
	status = http.StatusServiceUnavailable
	send("k2", `{"label":"b"}`, "a1")
	status = http.StatusCreated
	if w := send("k2", `{"label":"b"}`, "a1"); w.Code != 201 || runs != 6 || w.Header().Get(request.ReplayedHeader) != "" {
		t.Errorf("retry of a failure: %d after %d runs, want a fresh 201 on run 6", w.Code, runs)
	}

	// A bad key, or two, is refused before anything runs.
	for _, k := range []string{"has space", strings.Repeat("x", 256)} {
		errs = nil
		if w := send(k, `{}`, "a1"); w.Code != http.StatusTeapot || len(errs) != 1 || dbplane.ErrorCode(errs[0]) != dbplane.CodeInvalid {
			t.Errorf("key %q: %d, %v; want an invalid error", k, w.Code, errs)
		}
	}
	r := httptest.NewRequest("POST", "/api/v1/db/databases", strings.NewReader(`{}`))
	r.Header.Add(dbplane.IdempotencyHeader, "a")
	r.Header.Add(dbplane.IdempotencyHeader, "b")
	errs = nil
	h(httptest.NewRecorder(), r.WithContext(dbplane.WithPrincipal(r.Context(), principal)))
	if len(errs) != 1 || dbplane.ErrorCode(errs[0]) != dbplane.CodeInvalid {
		t.Errorf("two keys: %v, want an invalid error", errs)
	}
}

// TestIdempotency_InFlight: a retry while the first request runs is told
// so (409 and Retry-After in every surface), and the first finishes.
func TestIdempotency_InFlight(t *testing.T) {
	t.Parallel()
	svc := &memIdempotency{}
	var got error
	o := request.Idempotency{Service: svc, WriteError: func(w http.ResponseWriter, _ *http.Request, err error) {
		got = err
		w.WriteHeader(http.StatusConflict)
	}}
	entered, release := make(chan struct{}), make(chan struct{})
	h := o.Wrap(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusCreated)
	})
	send := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(`{}`))
		r.Header.Set(dbplane.IdempotencyHeader, "k")
		r = r.WithContext(dbplane.WithPrincipal(r.Context(), &dbplane.Principal{Key: &dbplane.APIKey{}, Account: &dbplane.Account{ID: "a"}}))
		w := httptest.NewRecorder()
		h(w, r)
		return w
	}
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- send() }()
	<-entered
	w := send()
	if !errors.Is(got, dbplane.ErrIdempotencyInFlight) || w.Header().Get("Retry-After") == "" {
		t.Errorf("retry in flight: %v, Retry-After %q; want ErrIdempotencyInFlight with Retry-After", got, w.Header().Get("Retry-After"))
	}
	close(release)
	if first := <-done; first.Code != http.StatusCreated {
		t.Errorf("first request = %d, want 201", first.Code)
	}
}
