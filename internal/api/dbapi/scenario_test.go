package dbapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/apitest"
	"github.com/dbplane/dbplane/internal/api/dbapi"
	"github.com/dbplane/dbplane/internal/mock"
)

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
	m.keys.AuthenticateFn = func(_ context.Context, raw, _ string) (*dbplane.APIKey, *dbplane.Account, error) {
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
type scenario = apitest.Scenario[*mocks]

// surface runs scenarios against the management handler on fresh mocks.
var surface = apitest.Surface[*mocks]{
	URL:       "http://dbplane.test",
	RequestID: requestID,
	Mocks:     newMocks,
	Handler: func(m *mocks, logs io.Writer) http.Handler {
		return dbapi.NewHandler(dbapi.Services{Keys: m.keys, Databases: m.databases},
			dbapi.Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	},
	Shape:   checkEnvelope,
	OpenAPI: true,
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	surface.Run(t, scenarios)
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
