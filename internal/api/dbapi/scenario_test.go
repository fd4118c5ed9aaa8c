package dbapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/dbapi"
	"github.com/dbplane/dbplane/internal/mock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Raw keys the default Authenticate knows.
const (
	userKey      = "dbp_user_0123456789abcdef"
	adminKey     = "dbp_admin_0123456789abcdef"
	suspendedKey = "dbp_susp_0123456789abcdef"
	disabledKey  = "dbp_disabled_0123456789abcdef"
	expiredKey   = "dbp_expired_0123456789abcdef"
	requestID    = "req-test-1"
)

// Secrets that must show only where the document says.
const (
	password  = "Sup3rS3cretPassw0rdXYZabcdefghij"
	password2 = "N3wS3cretPassw0rdXYZabcdefghijk"
)

var (
	t0      = time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	t1      = time.Date(2026, 5, 28, 12, 0, 0, 0, time.UTC)
	account = &dbplane.Account{ID: "01HVACCOUNT0A1B2C3D4E", Email: "a@example.com", Name: "A", Role: dbplane.RoleUser}
)

type mocks struct {
	keys      *mock.KeyService
	databases *mock.DatabaseService
}

// newMocks returns services where Authenticate knows the keys above and
// every database method is unset (a call is a 500 that fails the test).
func newMocks() *mocks {
	m := &mocks{keys: &mock.KeyService{}, databases: &mock.DatabaseService{}}
	m.keys.AuthenticateFn = func(_ context.Context, raw string) (*dbplane.APIKey, *dbplane.Account, error) {
		user := &dbplane.APIKey{ID: "key1", AccountID: account.ID, Kind: dbplane.KeyUser}
		switch raw {
		case "":
			return nil, nil, dbplane.ErrNoKey
		case userKey:
			return user, account, nil
		case adminKey:
			return &dbplane.APIKey{ID: "key2", AccountID: account.ID, Kind: dbplane.KeyAdmin,
				Permissions: dbplane.AllPermissions()}, account, nil
		case suspendedKey:
			a := *account
			a.Suspended = true
			return user, &a, nil
		case disabledKey:
			return nil, nil, dbplane.ErrKeyDisabled
		case expiredKey:
			return nil, nil, dbplane.ErrKeyExpired
		}
		return nil, nil, dbplane.ErrBadKey
	}
	return m
}

func bearer(k string) map[string]string { return map[string]string{"Authorization": "Bearer " + k} }

// scenario is one request against the handler (PocketBase ApiScenario).
type scenario struct {
	name        string
	method      string
	path        string
	header      map[string]string
	body        string
	setup       func(t *testing.T, m *mocks)
	wantStatus  int
	wantHeader  map[string]string
	wantLog     []string // substrings the log must hold
	notContains []string // substrings neither the body nor the log may hold
	notInBody   []string // substrings the body may not hold (causes that belong in the log)
	// wantBody is compared with testdata/<test>/<name>.golden, a JSON body
	// indented for reading. Set -update to rewrite.
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			m := newMocks()
			if sc.setup != nil {
				sc.setup(t, m)
			}
			var logs bytes.Buffer
			h := dbapi.NewHandler(dbapi.Services{Keys: m.keys, Databases: m.databases},
				dbapi.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

			var body io.Reader
			if sc.body != "" {
				body = strings.NewReader(sc.body)
			}
			r := httptest.NewRequest(sc.method, "http://dbplane.test"+sc.path, body)
			r = r.WithContext(dbplane.WithRequestID(r.Context(), requestID))
			for k, v := range sc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != sc.wantStatus {
				t.Errorf("%s %s status = %d, want %d; body: %s", sc.method, sc.path, w.Code, sc.wantStatus, w.Body)
			}
			if got := w.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("%s %s Content-Type = %q, want application/json", sc.method, sc.path, got)
			}
			for k, want := range sc.wantHeader {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s %s header %s = %q, want %q", sc.method, sc.path, k, got, want)
				}
			}
			checkEnvelope(t, w.Code, w.Body.Bytes())
			checkGolden(t, w.Body.Bytes())
			for _, s := range sc.notContains {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("%s %s body contains %q: %s", sc.method, sc.path, s, w.Body)
				}
				if strings.Contains(logs.String(), s) {
					t.Errorf("%s %s log contains %q: %s", sc.method, sc.path, s, logs.String())
				}
			}
			for _, s := range sc.notInBody {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("%s %s body contains %q: %s", sc.method, sc.path, s, w.Body)
				}
			}
			for _, s := range sc.wantLog {
				if !strings.Contains(logs.String(), s) {
					t.Errorf("%s %s log = %q, want it to contain %q", sc.method, sc.path, logs.String(), s)
				}
			}
		})
	}
}

// checkEnvelope asserts document 003's envelope: {"ok":true,"data":...} on
// 2xx, {"ok":false,"error":"...","code"?:"..."} otherwise, nothing more.
func checkEnvelope(t *testing.T, status int, body []byte) {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, body)
	}
	if status < 300 {
		if string(env["ok"]) != "true" || env["data"] == nil || len(env) != 2 {
			t.Errorf("success body = %s, want exactly {ok:true, data}", body)
		}
		return
	}
	var e struct {
		OK    *bool   `json:"ok"`
		Error string  `json:"error"`
		Code  *string `json:"code"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.OK == nil || *e.OK || e.Error == "" {
		t.Errorf("error body = %s, want {ok:false, error, code?} (%v)", body, err)
	}
	if e.Code != nil && *e.Code == "" {
		t.Errorf("error body = %s: code is present but empty; omit it", body)
	}
}

func checkGolden(t *testing.T, body []byte) {
	t.Helper()
	var indented bytes.Buffer
	if err := json.Indent(&indented, body, "", "  "); err != nil {
		t.Fatalf("indent body: %v: %s", err, body)
	}
	path := filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("no golden file %s: run go test -update", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, indented.Bytes()) {
		t.Errorf("body differs from %s:\n got: %s\nwant: %s", path, indented.Bytes(), want)
	}
}
