package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/admin"
	"github.com/dbplane/dbplane/internal/api/dbapi"
	"github.com/dbplane/dbplane/internal/http/server"
	"github.com/dbplane/dbplane/internal/mock"
)

const (
	tenantKey   = "dbp_user_tenant_secret_key_0001"
	opsKey      = "dbp_admin_ops_secret_key_0001"
	dbPassword  = "DbPassw0rdThatMustNeverBeLogged1"
	newPassword = "RotatedPassw0rdNeverLoggedEither"
	hostPass    = "HostPassw0rdNeverLoggedOrShown01"
	mintedKey   = "dbp_user_minted_secret_key_0002"
)

// TestServer_SecretsStayOutOfLogs drives both real surfaces through the
// real server over a socket and checks that no password or key reaches the
// log, whatever the route and outcome.
func TestServer_SecretsStayOutOfLogs(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger := newLogger(&logs)
	acct := &dbplane.Account{ID: "01HVACCT", Role: dbplane.RoleAdmin}
	keys := &mock.KeyService{
		AuthenticateFn: func(_ context.Context, raw, _ string) (*dbplane.APIKey, *dbplane.Account, error) {
			switch raw {
			case tenantKey:
				return &dbplane.APIKey{ID: "k1", Kind: dbplane.KeyUser}, acct, nil
			case opsKey:
				return &dbplane.APIKey{ID: "k2", Kind: dbplane.KeyAdmin, Permissions: dbplane.AllPermissions()}, acct, nil
			}
			return nil, nil, dbplane.ErrBadKey
		},
		CreateKeyFn: func(_ context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error) {
			return &dbplane.APIKey{ID: "k3", AccountID: in.AccountID, Kind: in.Kind, Name: in.Name}, mintedKey, nil
		},
	}
	creds := func(pw string) *dbplane.Credentials {
		return &dbplane.Credentials{
			Database:         &dbplane.Database{ID: "01HVDB", Label: "app", Engine: dbplane.EngineMariaDB, CreatedAt: time.Unix(0, 0)},
			Password:         dbplane.Secret(pw),
			ConnectionString: dbplane.Secret("mysql://u:" + pw + "@db:3306/x"),
		}
	}
	dbs := &mock.DatabaseService{
		CreateDatabaseFn: func(context.Context, dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
			return creds(dbPassword), nil
		},
		RevealDatabaseFn: func(context.Context, string, string) (*dbplane.Credentials, error) {
			return creds(dbPassword), nil
		},
		RotatePasswordFn: func(context.Context, string, string) (*dbplane.Credentials, error) {
			// The engine failed; the cause names the host but no secret.
			return nil, dbplane.Wrap(dbplane.ErrHostUnavailable, io.ErrUnexpectedEOF)
		},
	}
	hosts := &mock.HostService{
		CreateHostFn: func(_ context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
			return nil, dbplane.FieldErrorf("password", "Access denied for user %q", *in.Username)
		},
	}
	accounts := &mock.AccountService{
		AccountFn: func(context.Context, string) (*dbplane.Account, error) { return acct, nil },
	}
	s := server.New(server.Options{
		Addr:   "127.0.0.1:0",
		Logger: logger,
		Handlers: server.Handlers{
			DBAPI: dbapi.NewHandler(dbapi.Services{Keys: keys, Databases: dbs}, dbapi.Options{Logger: logger}),
			Admin: admin.NewHandler(admin.Services{Keys: keys, Hosts: hosts, Accounts: accounts}, admin.Options{Logger: logger}),
		},
	})
	if err := s.Open(); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })

	steps := []struct {
		method, path, key, body string
		wantStatus              int
		wantBody                string // substring
	}{
		{"POST", "/api/v1/db/databases?key=" + tenantKey, tenantKey, `{"name":"app"}`, 201, dbPassword},
		{"GET", "/api/v1/db/databases/01HVDB", tenantKey, "", 200, dbPassword},
		{"POST", "/api/v1/db/databases/01HVDB/rotate", tenantKey, "", 503, "HOST_UNAVAILABLE"},
		{"POST", "/api/v1/db/databases", "wrong-" + tenantKey, `{"name":"` + dbPassword + `"}`, 401, "BAD_KEY"},
		{"GET", "/api/v1/db", "", "", 404, `"ok":false`},
		{"GET", "/api/v1/db/databases/../databases", "", "", 404, `"code":"NOT_FOUND"`},
		{"DELETE", "/api/v1/db/databases/01HVDB", tenantKey, "", 405, "METHOD_NOT_ALLOWED"},
		{"POST", "/api/admin/database-hosts", opsKey, `{"name":"h","hostname":"h","username":"root","password":"` + hostPass + `"}`, 422, "Access denied"},
		{"POST", "/api/admin/accounts/01HVACCT/keys", opsKey, `{"name":"ci"}`, 201, mintedKey},
		{"GET", "/api/admin", "", "", 404, `"not_found"`},
		{"GET", "/nowhere", "", "", 404, `{"error":"Not found"}`},
	}
	for _, st := range steps {
		req, err := http.NewRequest(st.method, s.URL()+st.path, strings.NewReader(st.body))
		if err != nil {
			t.Fatal(err)
		}
		if st.key != "" {
			req.Header.Set("Authorization", "Bearer "+st.key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", st.method, st.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != st.wantStatus || !strings.Contains(string(b), st.wantBody) {
			t.Errorf("%s %s = %d %s, want %d with %q", st.method, st.path, resp.StatusCode, b, st.wantStatus, st.wantBody)
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s %s has no X-Request-Id", st.method, st.path)
		}
	}
	got := logs.String()
	for _, secret := range []string{tenantKey, opsKey, dbPassword, newPassword, hostPass, mintedKey, "key="} {
		if strings.Contains(got, secret) {
			t.Errorf("log holds %q:\n%s", secret, got)
		}
	}
	if n := strings.Count(got, `msg="http request"`); n != len(steps) {
		t.Errorf("log has %d access lines, want %d:\n%s", n, len(steps), got)
	}
}
