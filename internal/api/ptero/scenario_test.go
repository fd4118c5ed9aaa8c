package ptero_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/apitest"
	"github.com/dbplane/dbplane/internal/api/ptero"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/mock"
)

// Raw keys the default Authenticate knows. A client key "sub:<perms>"
// belongs to a subuser holding the comma-separated database permissions.
const (
	appKey       = "ptla_all_0123456789"
	appReadKey   = "ptla_read_0123456789"  // server_databases:read, servers:read
	appWriteKey  = "ptla_write_0123456789" // server_databases:write only
	appNoPermKey = "ptla_none_0123456789"
	// servers:read and server_databases:write: sees servers, none of
	// their includes.
	serversOnlyKey = "ptla_servers_0123456789"
	// database_hosts:read only: hosts, none of their includes.
	hostsOnlyKey = "ptla_hosts_0123456789"
	demotedKey   = "ptla_demoted_0123456789"
	suspendedKey = "ptla_suspended_0123456789"
	disabledKey  = "ptla_disabled_0123456789"
	expiredKey   = "ptla_expired_0123456789"
	ownerKey     = "ptlc_owner_0123456789"
	otherKey     = "ptlc_other_0123456789"
	adminUserKey = "ptlc_admin_0123456789" // a user key of an admin account
	subPrefix    = "sub:"
	requestID    = "req-ptero-1"

	dbPassword        = "Sup3rS3cretPassw0rdValue123456AB"
	newPassword       = "N3wRotatedPassw0rdValue12345678X"
	hostAdminPassword = "H0stAdminS3cretPassw0rd"
)

var (
	t0 = time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	t1 = time.Date(2026, 5, 28, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))

	adminAccount = &dbplane.Account{ID: "acc-admin", Name: "Root", Role: dbplane.RoleAdmin}
	ownerAccount = &dbplane.Account{ID: "acc-owner", Name: "Owner", Role: dbplane.RoleUser}
	otherAccount = &dbplane.Account{ID: "acc-other", Name: "Other", Role: dbplane.RoleUser}
)

const (
	serverUUID  = "6f1b5c2a-8d3e-4f7a-9b1c-2d3e4f5a6b7c"
	serverIdent = "6f1b5c2a"
	hostUUID    = "3f2b8c1e-6a0d-4c1e-9b3f-1d2e3f4a5b6c"
)

func ptr[T any](v T) *T { return &v }

func fixtureServer() *dbplane.Server {
	return &dbplane.Server{ID: serverUUID, NumericID: 1, Identifier: serverIdent, Name: "Survival",
		OwnerID: ownerAccount.ID, OwnerNumericID: 7, NodeID: "node-1", DatabaseLimit: ptr(5), DatabaseCount: 2, CreatedAt: t0, UpdatedAt: t1}
}

// fixtureAccounts are the accounts as the application API's users see
// them, newest first, as a store need not sort them.
func fixtureAccounts() []*dbplane.Account {
	owner, admin := *ownerAccount, *adminAccount
	owner.NumericID, owner.Email, owner.Name = 7, "Jane.Doe@example.com", "Jane van Doe"
	owner.ExternalID = ptr("WHMCS-7")
	admin.ID = adminUUID
	admin.NumericID, admin.Email, admin.CreatedAt, admin.UpdatedAt = 1, "root@example.com", t0, t0
	owner.CreatedAt, owner.UpdatedAt = t0, t1
	return []*dbplane.Account{&owner, &admin}
}

const adminUUID = "0b3e8f2a-1c4d-4e5f-8a9b-0c1d2e3f4a5b"

func fixtureNode() *dbplane.Node {
	return &dbplane.Node{ID: "node-1", NumericID: 3, Name: "Node 1", CreatedAt: t0, UpdatedAt: t0}
}

// fixtureNode2 is a second node, with no server.
func fixtureNode2() *dbplane.Node {
	return &dbplane.Node{ID: "7d1c0b9e-2f4a-4e6b-8c3d-5a6b7c8d9e0f", NumericID: 4, Name: "Node 2", CreatedAt: t0, UpdatedAt: t1}
}

func fixtureHost() *dbplane.Host {
	return &dbplane.Host{ID: hostUUID, NumericID: 1, Name: "localhost", Engine: dbplane.EngineMariaDB,
		Hostname: "10.0.0.5", Port: 3306, Username: "pterodactyl", Password: hostAdminPassword,
		SealedPassword: []byte("sealed-host-pw"), PublicHostname: "db.example.com", NodeIDs: []string{"node-1"},
		Enabled: true, CreatedAt: t0, UpdatedAt: t1}
}

func fixtureDatabases() []*dbplane.Database {
	return []*dbplane.Database{
		{ID: "01HVDB0000000000000000001", NumericID: 1, AccountID: ownerAccount.ID, ServerID: serverUUID, HostID: hostUUID,
			Engine: dbplane.EngineMariaDB, Label: "example", DBName: "s1_example", DBUser: "u1_example", Remote: "%",
			SealedPassword: []byte("sealed-db-pw"), Status: dbplane.StatusActive, CreatedAt: t0, UpdatedAt: t0},
		{ID: "01HVDB0000000000000000002", NumericID: 2, AccountID: ownerAccount.ID, ServerID: serverUUID, HostID: hostUUID,
			Engine: dbplane.EngineMariaDB, Label: "other", DBName: "s1_other", DBUser: "u1_Xk3mQ9pL2z", Remote: "10.0.0.%",
			MaxConnections: 10, SealedPassword: []byte("sealed-db-pw"), Status: dbplane.StatusOverQuota, CreatedAt: t0, UpdatedAt: t1},
	}
}

func credentials(d *dbplane.Database, pw string) *dbplane.Credentials {
	return &dbplane.Credentials{Database: d, Host: fixtureHost(), Password: dbplane.Secret(pw),
		ConnectionString: dbplane.Secret("mysql://" + d.DBUser + ":" + pw + "@db.example.com:3306/" + d.DBName)}
}

// secrets lists what must never appear outside a password relationship.
var secrets = []string{dbPassword, newPassword, hostAdminPassword, "sealed", "mysql://"}

// keySecrets lists what must never appear anywhere.
var keySecrets = []string{hostAdminPassword, "sealed", "mysql://", appKey, ownerKey}

type mocks struct {
	keys      *mock.KeyService
	accounts  *mock.AccountService
	servers   *mock.ServerService
	databases *mock.ServerDatabaseService
	hosts     *mock.HostService
	adminDBs  *mock.AdminDatabaseService

	mu    sync.Mutex
	calls []string // service calls that change something, for assertions
}

func (m *mocks) record(call string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, call)
}

func (m *mocks) recorded() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.calls)
}

func adminKeyWith(perms ...dbplane.Permission) *dbplane.APIKey {
	return &dbplane.APIKey{ID: "key-" + strconv.Itoa(len(perms)), AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Permissions: perms}
}

func authenticate(_ context.Context, raw, _ string) (*dbplane.APIKey, *dbplane.Account, error) {
	user := func(id string, a *dbplane.Account) (*dbplane.APIKey, *dbplane.Account, error) {
		return &dbplane.APIKey{ID: id, AccountID: a.ID, Kind: dbplane.KeyUser}, a, nil
	}
	switch {
	case raw == appKey:
		k := adminKeyWith(dbplane.AllPermissions()...)
		k.ID = "key-app-all"
		return k, adminAccount, nil
	case raw == appReadKey:
		k := adminKeyWith("server_databases:read", "servers:read")
		k.ID = "key-app-read"
		return k, adminAccount, nil
	case raw == appWriteKey:
		k := adminKeyWith("server_databases:write")
		k.ID = "key-app-write"
		return k, adminAccount, nil
	case raw == hostsOnlyKey:
		k := adminKeyWith("database_hosts:read")
		k.ID = "key-app-hosts"
		return k, adminAccount, nil
	case raw == serversOnlyKey:
		k := adminKeyWith("servers:read", "server_databases:write")
		k.ID = "key-app-servers"
		return k, adminAccount, nil
	case raw == appNoPermKey:
		k := adminKeyWith()
		k.ID = "key-app-none"
		return k, adminAccount, nil
	case raw == demotedKey:
		a := *adminAccount
		a.Role = dbplane.RoleUser
		return adminKeyWith(dbplane.AllPermissions()...), &a, nil
	case raw == suspendedKey:
		a := *adminAccount
		a.Suspended = true
		return adminKeyWith(dbplane.AllPermissions()...), &a, nil
	case raw == disabledKey:
		return nil, nil, dbplane.ErrKeyDisabled
	case raw == expiredKey:
		return nil, nil, dbplane.ErrKeyExpired
	case raw == ownerKey:
		return user("key-owner", ownerAccount)
	case raw == otherKey:
		return user("key-other", otherAccount)
	case raw == adminUserKey:
		return user("key-admin-user", adminAccount)
	case strings.HasPrefix(raw, subPrefix):
		// The account id carries the subuser's permissions to ServerAccess.
		return user("key-"+raw, &dbplane.Account{ID: "acc-sub:" + strings.TrimPrefix(raw, subPrefix), Role: dbplane.RoleUser})
	}
	return nil, nil, dbplane.ErrBadKey
}

// serverAccess stands in for the service: owner, admin and subusers see
// the fixture server; everyone else gets CodeNotFound.
func serverAccess(_ context.Context, a *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error) {
	s := fixtureServer()
	if ref != s.Identifier && ref != s.ID {
		return nil, dbplane.ServerAccess{}, dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
	}
	switch {
	case a.ID == s.OwnerID:
		return s, dbplane.ServerAccess{Owner: true}, nil
	case a.Role == dbplane.RoleAdmin:
		return s, dbplane.ServerAccess{Admin: true}, nil
	case strings.HasPrefix(a.ID, "acc-sub:"):
		var perms []string
		for p := range strings.SplitSeq(strings.TrimPrefix(a.ID, "acc-sub:"), ",") {
			if p != "" {
				perms = append(perms, p)
			}
		}
		return s, dbplane.ServerAccess{Permissions: perms}, nil
	}
	return nil, dbplane.ServerAccess{}, dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
}

// newMocks returns services that know the fixtures. Tests replace single
// functions to inject failures or check arguments.
func newMocks() *mocks {
	m := &mocks{keys: &mock.KeyService{}, accounts: &mock.AccountService{}, servers: &mock.ServerService{}, databases: &mock.ServerDatabaseService{}, hosts: &mock.HostService{}, adminDBs: &mock.AdminDatabaseService{}}
	m.keys.AuthenticateFn = authenticate
	m.accounts.FindAccountsFn = mock.FindAccountsIn(fixtureAccounts, nil)
	m.accounts.AccountFn = func(_ context.Context, id string) (*dbplane.Account, error) {
		for _, a := range fixtureAccounts() {
			if a.ID == id {
				return a, nil
			}
		}
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "Account not found")
	}
	m.servers.ListNodesFn = func(context.Context) ([]*dbplane.Node, error) {
		return []*dbplane.Node{fixtureNode2(), fixtureNode()}, nil
	}
	m.servers.ServerAccessFn = serverAccess
	m.servers.ServerFn = func(_ context.Context, ref string) (*dbplane.Server, error) {
		s := fixtureServer()
		if ref == "1" || ref == s.ID {
			return s, nil
		}
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
	}
	m.servers.NodeFn = func(_ context.Context, ref string) (*dbplane.Node, error) {
		if ref == "node-1" || ref == "3" {
			return fixtureNode(), nil
		}
		if n2 := fixtureNode2(); ref == n2.ID || ref == "4" {
			return n2, nil
		}
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "Node not found")
	}
	m.servers.ListServersFn = func(_ context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
		return page([]*dbplane.Server{fixtureServer()}, p), 1, nil
	}
	m.servers.AccessibleServersFn = func(_ context.Context, a *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error) {
		if _, _, err := serverAccess(context.Background(), a, serverUUID); err != nil {
			return nil, 0, nil
		}
		return page([]*dbplane.Server{fixtureServer()}, p), 1, nil
	}
	m.hosts.HostFn = func(_ context.Context, id string) (*dbplane.Host, error) {
		if id == hostUUID || id == "1" {
			return fixtureHost(), nil
		}
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "Host not found")
	}
	m.databases.ServerDatabasesFn = func(_ context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error) {
		if serverID != serverUUID {
			return nil, 0, errors.New("mock: ServerDatabases called with " + serverID)
		}
		all := fixtureDatabases()
		return page(all, p), len(all), nil
	}
	m.databases.ServerDatabaseFn = func(_ context.Context, serverID, ref string) (*dbplane.Database, error) {
		for _, d := range fixtureDatabases() {
			if serverID == serverUUID && ref == strconv.FormatInt(d.NumericID, 10) {
				return d, nil
			}
		}
		return nil, dbplane.ErrDatabaseNotFound
	}
	m.databases.DatabaseCredentialsFn = func(_ context.Context, d *dbplane.Database) (*dbplane.Credentials, error) {
		return credentials(d, dbPassword), nil
	}
	m.databases.CreateServerDatabaseFn = func(_ context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error) {
		m.record("create " + in.Name)
		d := fixtureDatabases()[0]
		d.NumericID, d.DBName, d.DBUser, d.Remote, d.MaxConnections = 3, "s1_"+in.Name, "u1_Qw8eR7tY6u", in.Remote, in.MaxConnections
		return credentials(d, dbPassword), nil
	}
	m.databases.RotateServerDatabaseFn = func(ctx context.Context, serverID, ref string) (*dbplane.Credentials, error) {
		m.record("rotate " + ref)
		d, err := m.databases.ServerDatabaseFn(ctx, serverID, ref)
		if err != nil {
			return nil, err
		}
		return credentials(d, newPassword), nil
	}
	m.databases.DeleteServerDatabaseFn = func(ctx context.Context, serverID, ref string) error {
		m.record("delete " + ref)
		_, err := m.databases.ServerDatabaseFn(ctx, serverID, ref)
		return err
	}
	return m
}

func page[T any](all []T, p dbplane.Page) []T {
	start := min(p.Offset(), len(all))
	end := min(start+p.PerPage, len(all))
	return all[start:end]
}

func bearer(k string) map[string]string { return map[string]string{"Authorization": "Bearer " + k} }

// fixedClock is the limiter's clock in tests.
type fixedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// scenario is one request against the handler (PocketBase ApiScenario).
type scenario = apitest.Scenario[*mocks]

// surface runs scenarios against the Pterodactyl handler on fresh mocks.
var surface = apitest.Surface[*mocks]{
	URL:       "http://panel.test",
	RequestID: requestID,
	Mocks:     newMocks,
	Handler: func(m *mocks, logs io.Writer) http.Handler {
		return newHandler(m, logs, ptero.Options{})
	},
	Shape:   checkShape,
	Calls:   (*mocks).recorded,
	Check:   checkEvery,
	OpenAPI: true,
}

func newHandler(m *mocks, logs io.Writer, opt ptero.Options) http.Handler {
	opt.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opt.HashSalt == "" {
		opt.HashSalt = "test-salt"
	}
	if opt.ApplicationRate == 0 && opt.ClientRate == 0 { // serve's defaults (internal/config)
		d := config.Default()
		opt.ApplicationRate, opt.ClientRate = d.RateLimitApplication, d.RateLimitClient
	}
	if opt.Now == nil {
		opt.Now = (&fixedClock{now: t0}).Now
	}
	return ptero.NewHandler(ptero.Services{Keys: m.keys, Accounts: m.accounts, Servers: m.servers, Databases: m.databases,
		Hosts: m.hosts, AdminDatabases: m.adminDBs}, opt)
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	surface.Run(t, scenarios)
}

// checkEvery asserts what holds for every response: rate-limit headers,
// no key material anywhere, and no password in the log or in an error.
func checkEvery(t *testing.T, sc scenario, w *httptest.ResponseRecorder, logs string) {
	t.Helper()
	for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining"} {
		if w.Header().Get(k) == "" {
			t.Errorf("%s %s has no %s header", sc.Method, sc.Path, k)
		}
	}
	for _, s := range keySecrets {
		if strings.Contains(w.Body.String(), s) {
			t.Errorf("%s %s body contains %q: %s", sc.Method, sc.Path, s, w.Body)
		}
		if strings.Contains(logs, s) {
			t.Errorf("%s %s log contains %q: %s", sc.Method, sc.Path, s, logs)
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("%s %s log contains %q: %s", sc.Method, sc.Path, s, logs)
		}
		// Error bodies never carry a password.
		if w.Code >= 400 && strings.Contains(w.Body.String(), s) {
			t.Errorf("%s %s = %d leaks %q", sc.Method, sc.Path, w.Code, s)
		}
	}
}

// checkShape asserts a Fractal document on 2xx and Pterodactyl's error
// document otherwise: {"errors":[{code, status (the status as a string),
// detail, meta?{source_field, rule}}]}, nothing more.
func checkShape(t *testing.T, status int, body []byte) {
	t.Helper()
	if status < 300 {
		var doc struct {
			Object string `json:"object"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || doc.Object == "" {
			t.Errorf("success body = %s, want a Fractal object or list (%v)", body, err)
		}
		return
	}
	var e struct {
		Errors []struct {
			Code   string `json:"code"`
			Status string `json:"status"`
			Detail string `json:"detail"`
			Meta   *struct {
				SourceField string `json:"source_field"`
				Rule        string `json:"rule"`
			} `json:"meta"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || len(e.Errors) == 0 {
		t.Errorf("error body = %s, want {errors:[...]} (%v)", body, err)
		return
	}
	for _, x := range e.Errors {
		if x.Code == "" || x.Detail == "" || x.Status != strconv.Itoa(status) {
			t.Errorf("error entry %+v in %s: want code, detail and status %q", x, body, strconv.Itoa(status))
		}
		if status == http.StatusUnprocessableEntity && (x.Code != "ValidationException" || x.Meta == nil ||
			x.Meta.SourceField == "" || x.Meta.Rule == "") {
			t.Errorf("422 entry %+v: want ValidationException with meta.source_field and meta.rule", x)
		}
	}
}
