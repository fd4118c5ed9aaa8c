package ptero_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/api/apitest"
	"github.com/dbplane/dbplane/internal/api/ptero"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{now: t0}
	m := newMocks()
	var logs bytes.Buffer
	h := newHandler(m, &logs, ptero.Options{ApplicationRate: 3, ClientRate: 2, Now: clock.Now})
	do := func(key, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		var header map[string]string
		if key != "" {
			header = bearer(key)
		}
		r := surface.Request(http.MethodGet, path, "", header)
		r.RemoteAddr = "192.0.2.7:5555"
		h.ServeHTTP(w, r)
		return w
	}
	expect := func(step string, w *httptest.ResponseRecorder, status int, limit, remaining string) {
		t.Helper()
		if w.Code != status {
			t.Errorf("%s: status = %d, want %d; body %s", step, w.Code, status, w.Body)
		}
		if got := w.Header().Get("X-RateLimit-Limit"); got != limit {
			t.Errorf("%s: X-RateLimit-Limit = %q, want %q", step, got, limit)
		}
		if got := w.Header().Get("X-RateLimit-Remaining"); got != remaining {
			t.Errorf("%s: X-RateLimit-Remaining = %q, want %q", step, got, remaining)
		}
	}

	for i := range 3 {
		expect("app request "+strconv.Itoa(i+1), do(appKey, appDBs), http.StatusOK, "3", strconv.Itoa(2-i))
	}
	clock.Advance(20 * time.Second)
	w := do(appKey, appDBs)
	expect("app request 4", w, http.StatusTooManyRequests, "3", "0")
	if got := w.Header().Get("Retry-After"); got != "40" {
		t.Errorf("Retry-After = %q, want 40", got)
	}
	if got, want := w.Header().Get("X-RateLimit-Reset"), strconv.FormatInt(t0.Add(time.Minute).Unix(), 10); got != want {
		t.Errorf("X-RateLimit-Reset = %q, want %q", got, want)
	}
	checkShape(t, w.Code, w.Body.Bytes())
	apitest.Golden(t, w.Body.Bytes())

	// Another key, and the client API, count on their own.
	expect("other app key", do(appReadKey, appDBs), http.StatusOK, "3", "2")
	expect("client key", do(ownerKey, "/api/client"), http.StatusOK, "2", "1")
	expect("client key again", do(ownerKey, "/api/client"), http.StatusOK, "2", "0")
	expect("client key over", do(ownerKey, "/api/client"), http.StatusTooManyRequests, "2", "0")

	// Requests without a valid key count against the client address.
	expect("no key 1", do("", appDBs), http.StatusUnauthorized, "3", "2")
	expect("bad key", do("nope", appDBs), http.StatusUnauthorized, "3", "1")
	expect("unknown route", do("", "/api/application/eggs"), http.StatusNotFound, "3", "0")
	expect("no key over", do("", appDBs), http.StatusTooManyRequests, "3", "0")

	// The window closes a minute after it opened.
	clock.Advance(40 * time.Second)
	expect("app key, next window", do(appKey, appDBs), http.StatusOK, "3", "2")
	// The address's window opened 20 seconds after the key's.
	expect("no key, same window", do("", appDBs), http.StatusTooManyRequests, "3", "0")
	clock.Advance(20 * time.Second)
	expect("no key, next window", do("", appDBs), http.StatusUnauthorized, "3", "2")
}

// TestServerCreateRate: client creates are throttled per server, whoever
// asks, and the window reopens after a minute.
func TestServerCreateRate(t *testing.T) {
	t.Parallel()
	clock := &fixedClock{now: t0}
	m := newMocks()
	var logs bytes.Buffer
	h := newHandler(m, &logs, ptero.Options{ServerCreateRate: 2, Now: clock.Now})
	create := func(key, name string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, surface.Request(http.MethodPost, clientDBs, `{"database":"`+name+`","remote":"%"}`, bearer(key)))
		return w
	}
	if w := create(ownerKey, "one"); w.Code != http.StatusOK {
		t.Fatalf("first create = %d %s", w.Code, w.Body)
	}
	// Another caller on the same server shares the server's budget.
	if w := create(adminUserKey, "two"); w.Code != http.StatusOK || w.Header().Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("second create = %d (remaining %q) %s", w.Code, w.Header().Get("X-RateLimit-Remaining"), w.Body)
	}
	w := create(ownerKey, "three")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "60" {
		t.Fatalf("third create = %d (Retry-After %q) %s, want 429", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	checkShape(t, w.Code, w.Body.Bytes())
	apitest.Golden(t, w.Body.Bytes())
	// A stranger is 404 before the throttle and does not spend it.
	if w := create(otherKey, "four"); w.Code != http.StatusNotFound {
		t.Errorf("stranger's create = %d, want 404", w.Code)
	}
	// Reads are not throttled by it.
	r := httptest.NewRecorder()
	h.ServeHTTP(r, surface.Request(http.MethodGet, clientDBs, "", bearer(ownerKey)))
	if r.Code != http.StatusOK {
		t.Errorf("list after the throttle = %d, want 200", r.Code)
	}
	clock.Advance(time.Minute)
	if w := create(ownerKey, "five"); w.Code != http.StatusOK {
		t.Errorf("create a minute later = %d %s, want 200", w.Code, w.Body)
	}
	if got := m.recorded(); len(got) != 3 {
		t.Errorf("service creates = %q, want three", got)
	}
}
