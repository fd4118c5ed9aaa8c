package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// eachAccount is an EachAccountFn that hands over accounts in order.
func eachAccount(accounts ...*dbplane.Account) func(context.Context, func(*dbplane.Account) error) error {
	return func(_ context.Context, fn func(*dbplane.Account) error) error {
		for _, a := range accounts {
			if err := fn(a); err != nil {
				return err
			}
		}
		return nil
	}
}

// manyAccount is the i-th of many accounts, all encoding to the same size.
func manyAccount(i int) *dbplane.Account {
	a := fixtureAccount()
	a.ID = fmt.Sprintf("01HVMANY%016d", i)
	a.Email = fmt.Sprintf("tenant%06d@example.com", i)
	return a
}

// sentCounter counts the body bytes the client has been sent.
type sentCounter struct {
	*httptest.ResponseRecorder
	sent int
}

func (c *sentCounter) Write(p []byte) (int, error) {
	c.sent += len(p)
	return c.ResponseRecorder.Write(p)
}

func listAccounts(t *testing.T, m *mocks, w http.ResponseWriter) {
	t.Helper()
	surface.Handler(m, io.Discard).ServeHTTP(w, surface.Request(http.MethodGet, "/api/admin/accounts", "", bearer(readOnlyKey)))
}

// TestAccountList_Streams: 10,000 accounts are sent as they are handed
// over, never more than a chunk (and an account) behind, in order, each
// encoded as a short list encodes it; a short list is sent whole with its
// Content-Length. Neither the service's result nor the body is held whole.
func TestAccountList_Streams(t *testing.T) {
	t.Parallel()
	// One account alone: what each element of the long list must read.
	one := httptest.NewRecorder()
	m := newMocks()
	m.accounts.EachAccountFn = eachAccount(manyAccount(0))
	listAccounts(t, m, one)
	if one.Code != http.StatusOK || one.Header().Get("Content-Length") != fmt.Sprint(one.Body.Len()) {
		t.Fatalf("list of one = %d, Content-Length %q for %d bytes; want 200 with its length", one.Code, one.Header().Get("Content-Length"), one.Body.Len())
	}
	var short struct{ Data []json.RawMessage }
	if err := json.Unmarshal(one.Body.Bytes(), &short); err != nil || len(short.Data) != 1 {
		t.Fatalf("list of one = %s (%v)", one.Body, err)
	}
	elem := len(short.Data[0]) + 1 // and its comma

	const n = 10000
	w := &sentCounter{ResponseRecorder: httptest.NewRecorder()}
	m = newMocks()
	var behind []int // bytes of accounts handed over but not sent, at each hand-over
	m.accounts.EachAccountFn = func(_ context.Context, fn func(*dbplane.Account) error) error {
		for i := range n {
			behind = append(behind, i*elem-w.sent)
			if err := fn(manyAccount(i)); err != nil {
				return err
			}
		}
		return nil
	}
	listAccounts(t, m, w)
	if w.Code != http.StatusOK || w.Header().Get("Content-Length") != "" || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("list of %d = %d, Content-Length %q, Content-Type %q; want 200, chunked, JSON", n, w.Code,
			w.Header().Get("Content-Length"), w.Header().Get("Content-Type"))
	}
	limit := response.StreamChunk + elem
	for i, b := range behind {
		if b > limit {
			t.Fatalf("account %d handed over with %d bytes of earlier accounts unsent, want at most %d", i, b, limit)
		}
	}
	body := w.Body.Bytes()
	if !bytes.HasPrefix(body, []byte(`{"data":[`)) || !bytes.HasSuffix(body, []byte("]}\n")) {
		t.Fatalf("list of %d starts %.20q and ends %q, want {\"data\":[...]}\\n", n, body, body[len(body)-5:])
	}
	var long struct{ Data []json.RawMessage }
	if err := json.Unmarshal(body, &long); err != nil || len(long.Data) != n {
		t.Fatalf("list of %d decodes to %d accounts (%v)", n, len(long.Data), err)
	}
	if !bytes.Equal(long.Data[0], short.Data[0]) {
		t.Errorf("first of %d accounts = %s, want it as a list of one has it: %s", n, long.Data[0], short.Data[0])
	}
	for i, raw := range long.Data {
		var a struct{ ID string }
		if err := json.Unmarshal(raw, &a); err != nil || a.ID != manyAccount(i).ID {
			t.Fatalf("account %d of the list = %s, want id %s", i, raw, manyAccount(i).ID)
		}
	}
}

// TestAccountList_FailsMidway: when the store fails after part of the list
// was sent, the connection is cut, so that the client cannot take the
// accounts so far for all of them.
func TestAccountList_FailsMidway(t *testing.T) {
	t.Parallel()
	m := newMocks()
	m.accounts.EachAccountFn = func(_ context.Context, fn func(*dbplane.Account) error) error {
		for i := range 5000 {
			if err := fn(manyAccount(i)); err != nil {
				return err
			}
		}
		return errors.New("store: disk I/O error")
	}
	h := surface.Handler(m, io.Discard)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/admin/accounts", nil)
	req.Header.Set("Authorization", "Bearer "+readOnlyKey)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET /api/admin/accounts = %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err == nil {
		t.Errorf("GET /api/admin/accounts failing midway: read %d bytes and a clean end, want the connection cut", len(body))
	}
	if bytes.Contains(body, []byte("disk I/O")) {
		t.Errorf("body holds the cause: %s", body)
	}
}
