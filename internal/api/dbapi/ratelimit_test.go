package dbapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/dbapi"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRateLimit: past the limit a key gets 429 RATE_LIMITED in the envelope
// with Retry-After, and is let in again when the minute is over; another
// key is not affected.
func TestRateLimit(t *testing.T) {
	m := newMocks()
	m.databases.ListDatabasesFn = func(context.Context, string) ([]*dbplane.Database, error) { return nil, nil }
	c := &clock{t: time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)}
	h := dbapi.NewHandler(dbapi.Services{Keys: m.keys, Databases: m.databases},
		dbapi.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rate: 2, Now: c.now})
	get := func() *http.Response {
		return record(h, newRequest(context.Background(), http.MethodGet, "/api/v1/db/databases", userKey)).Result()
	}
	for i, want := range []string{"1", "0"} {
		res := get()
		if res.StatusCode != 200 || res.Header.Get("X-RateLimit-Remaining") != want {
			t.Fatalf("request %d: %d, remaining %q; want 200, %s", i+1, res.StatusCode, res.Header.Get("X-RateLimit-Remaining"), want)
		}
	}
	res := get()
	var body struct {
		OK   bool   `json:"ok"`
		Code string `json:"code"`
	}
	json.NewDecoder(res.Body).Decode(&body)
	if res.StatusCode != http.StatusTooManyRequests || body.OK || body.Code != "RATE_LIMITED" || res.Header.Get("Retry-After") == "" {
		t.Errorf("third request: %d %+v Retry-After %q; want 429 RATE_LIMITED with Retry-After", res.StatusCode, body, res.Header.Get("Retry-After"))
	}
	c.add(61 * time.Second)
	if res := get(); res.StatusCode != 200 {
		t.Errorf("after the minute: %d, want 200", res.StatusCode)
	}
}
