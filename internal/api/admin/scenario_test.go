package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/admin"
	"github.com/dbplane/dbplane/internal/mock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Raw keys the default Authenticate knows.
const (
	adminKey     = "dbp_admin_all_0123456789"
	readOnlyKey  = "dbp_admin_ro_0123456789"
	noPermKey    = "dbp_admin_none_0123456789"
	userKey      = "dbp_user_0123456789"
	demotedKey   = "dbp_admin_demoted_0123456789"
	suspendedKey = "dbp_admin_suspended_0123456789"
	disabledKey  = "dbp_admin_disabled_0123456789"
	requestID    = "req-admin-1"
	// permsKeyPrefix + "nodes:read,keys:write" is an admin key that holds
	// exactly those permissions (see permKey).
	permsKeyPrefix = "dbp_admin_perms_"
)

// permKey returns a raw admin key that holds exactly perms.
func permKey(perms ...string) string { return permsKeyPrefix + strings.Join(perms, ",") }

var (
	t0           = time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	t1           = time.Date(2026, 5, 28, 12, 0, 0, 0, time.UTC)
	adminAccount = &dbplane.Account{ID: "01HVADMIN000000000000000", Email: "root@example.com", Name: "Root", Role: dbplane.RoleAdmin,
		CreatedAt: t0, UpdatedAt: t0}
)

func readPermissions() []dbplane.Permission {
	var ps []dbplane.Permission
	for _, r := range dbplane.AdminResources {
		ps = append(ps, dbplane.Permission(r+":read"))
	}
	return ps
}

type mocks struct {
	keys      *mock.KeyService
	hosts     *mock.HostService
	accounts  *mock.AccountService
	servers   *mock.ServerService
	databases *mock.AdminDatabaseService
}

// newMocks returns services where Authenticate knows the keys above and
// every other method is unset (a call is a 500 that fails the test).
func newMocks() *mocks {
	m := &mocks{keys: &mock.KeyService{}, hosts: &mock.HostService{}, accounts: &mock.AccountService{},
		servers: &mock.ServerService{}, databases: &mock.AdminDatabaseService{}}
	m.keys.AuthenticateFn = func(_ context.Context, raw string) (*dbplane.APIKey, *dbplane.Account, error) {
		key := func(perms ...dbplane.Permission) *dbplane.APIKey {
			return &dbplane.APIKey{ID: "key-admin", AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Permissions: perms}
		}
		switch raw {
		case "":
			return nil, nil, dbplane.ErrNoKey
		case adminKey:
			return key(dbplane.AllPermissions()...), adminAccount, nil
		case readOnlyKey:
			return key(readPermissions()...), adminAccount, nil
		case noPermKey:
			return key(), adminAccount, nil
		case userKey:
			return &dbplane.APIKey{ID: "key-user", AccountID: adminAccount.ID, Kind: dbplane.KeyUser}, adminAccount, nil
		case demotedKey:
			a := *adminAccount
			a.Role = dbplane.RoleUser
			return key(dbplane.AllPermissions()...), &a, nil
		case suspendedKey:
			a := *adminAccount
			a.Suspended = true
			return key(dbplane.AllPermissions()...), &a, nil
		case disabledKey:
			return nil, nil, dbplane.ErrKeyDisabled
		}
		if list, ok := strings.CutPrefix(raw, permsKeyPrefix); ok {
			var perms []dbplane.Permission
			for _, p := range strings.Split(list, ",") {
				perms = append(perms, dbplane.Permission(p))
			}
			return key(perms...), adminAccount, nil
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
	// The body is compared with testdata/<test>/<name>.golden, indented for
	// reading. Set -update to rewrite. A 204 must have no body.
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
			h := admin.NewHandler(admin.Services{Keys: m.keys, Hosts: m.hosts, Accounts: m.accounts,
				Servers: m.servers, Databases: m.databases},
				admin.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
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
			for k, want := range sc.wantHeader {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s %s header %s = %q, want %q", sc.method, sc.path, k, got, want)
				}
			}
			if w.Code == http.StatusNoContent {
				if w.Body.Len() != 0 {
					t.Errorf("%s %s = 204 with body %q, want none", sc.method, sc.path, w.Body)
				}
			} else {
				if got := w.Header().Get("Content-Type"); got != "application/json" {
					t.Errorf("%s %s Content-Type = %q, want application/json", sc.method, sc.path, got)
				}
				checkEnvelope(t, w.Code, w.Body.Bytes())
				checkGolden(t, w.Body.Bytes())
			}
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

// checkEnvelope asserts {"data": ...} (plus "meta" on a paginated list)
// on 2xx and {"error":{"code","message","field"?}} otherwise, nothing more.
func checkEnvelope(t *testing.T, status int, body []byte) {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, body)
	}
	if status < 300 {
		want := 1
		if env["meta"] != nil {
			want = 2
			var meta map[string]json.RawMessage
			if err := json.Unmarshal(env["meta"], &meta); err != nil || len(meta) != 3 ||
				meta["page"] == nil || meta["perPage"] == nil || meta["total"] == nil {
				t.Errorf("success body = %s, want meta {page, perPage, total}", body)
			}
		}
		if env["data"] == nil || len(env) != want {
			t.Errorf("success body = %s, want exactly {data} or {data, meta}", body)
		}
		return
	}
	var e struct {
		Error *struct {
			Code    string  `json:"code"`
			Message string  `json:"message"`
			Field   *string `json:"field"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Errorf("error body = %s, want {error:{code, message, field?}} (%v)", body, err)
	}
	if e.Error != nil && e.Error.Field != nil && *e.Error.Field == "" {
		t.Errorf("error body = %s: field is present but empty; omit it", body)
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
