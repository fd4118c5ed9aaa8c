package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/admin"
	"github.com/dbplane/dbplane/internal/api/apitest"
	"github.com/dbplane/dbplane/internal/mock"
)

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
	signIn    *mock.SignInService
	audit     *mock.AuditService
	drift     *mock.DriftService
}

// newMocks returns services where Authenticate knows the keys above and
// every other method is unset (a call is a 500 that fails the test).
func newMocks() *mocks {
	m := &mocks{keys: &mock.KeyService{}, hosts: &mock.HostService{}, accounts: &mock.AccountService{},
		servers: &mock.ServerService{}, databases: &mock.AdminDatabaseService{}, signIn: &mock.SignInService{},
		audit: &mock.AuditService{}, drift: &mock.DriftService{}}
	// No database has drift unless a test says so.
	m.drift.DatabaseDriftFn = func(context.Context, []string) (map[string][]dbplane.DriftKind, error) {
		return map[string][]dbplane.DriftKind{}, nil
	}
	m.keys.AuthenticateFn = func(_ context.Context, raw, _ string) (*dbplane.APIKey, *dbplane.Account, error) {
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
type scenario = apitest.Scenario[*mocks]

// surface runs scenarios against the admin handler on fresh mocks.
var surface = apitest.Surface[*mocks]{
	URL:       "http://dbplane.test",
	RequestID: requestID,
	Mocks:     newMocks,
	Handler: func(m *mocks, logs io.Writer) http.Handler {
		return admin.NewHandler(admin.Services{Keys: m.keys, Hosts: m.hosts, Accounts: m.accounts,
			Servers: m.servers, Databases: m.databases, SignIn: m.signIn, Audit: m.audit, Drift: m.drift},
			admin.Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	},
	Shape:   checkEnvelope,
	OpenAPI: true,
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	surface.Run(t, scenarios)
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
			err := json.Unmarshal(env["meta"], &meta)
			paged := len(meta) == 3 && meta["page"] != nil && meta["perPage"] != nil && meta["total"] != nil
			cursor := len(meta) == 1 && meta["nextCursor"] != nil // the audit log
			if err != nil || !paged && !cursor {
				t.Errorf("success body = %s, want meta {page, perPage, total} or {nextCursor}", body)
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
			// Grants only on a host check that found privileges missing.
			Grants *[]string `json:"grants"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Errorf("error body = %s, want {error:{code, message, field?, grants?}} (%v)", body, err)
	}
	if e.Error != nil && e.Error.Grants != nil && len(*e.Error.Grants) == 0 {
		t.Errorf("error body = %s: grants is present but empty; omit it", body)
	}
	if e.Error != nil && e.Error.Field != nil && *e.Error.Field == "" {
		t.Errorf("error body = %s: field is present but empty; omit it", body)
	}
}
