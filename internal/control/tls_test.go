package control_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/testcert"
)

// TestConnectionString_TLS is the golden table of tenants' connection
// strings for each engine and host TLS mode: require and verify-full make
// clients insist on TLS; disable and prefer leave the clients' default.
func TestConnectionString_TLS(t *testing.T) {
	t.Parallel()
	want := map[dbplane.Engine]map[dbplane.TLSMode]string{
		dbplane.EngineMariaDB: {
			dbplane.TLSDisable:    "mysql://u:p%40ss@db.example.com:3306/d",
			dbplane.TLSPrefer:     "mysql://u:p%40ss@db.example.com:3306/d",
			"":                    "mysql://u:p%40ss@db.example.com:3306/d",
			dbplane.TLSRequire:    "mysql://u:p%40ss@db.example.com:3306/d?ssl-mode=REQUIRED",
			dbplane.TLSVerifyFull: "mysql://u:p%40ss@db.example.com:3306/d?ssl-mode=VERIFY_IDENTITY",
		},
		dbplane.EnginePostgres: {
			dbplane.TLSDisable:    "postgresql://u:p%40ss@db.example.com:3306/d",
			dbplane.TLSPrefer:     "postgresql://u:p%40ss@db.example.com:3306/d",
			dbplane.TLSRequire:    "postgresql://u:p%40ss@db.example.com:3306/d?sslmode=require",
			dbplane.TLSVerifyFull: "postgresql://u:p%40ss@db.example.com:3306/d?sslmode=verify-full",
		},
		dbplane.EngineMongo: {
			dbplane.TLSDisable:    "mongodb://u:p%40ss@db.example.com:3306/d?authSource=d",
			dbplane.TLSPrefer:     "mongodb://u:p%40ss@db.example.com:3306/d?authSource=d",
			dbplane.TLSRequire:    "mongodb://u:p%40ss@db.example.com:3306/d?authSource=d&tls=true",
			dbplane.TLSVerifyFull: "mongodb://u:p%40ss@db.example.com:3306/d?authSource=d&tls=true",
		},
	}
	for eng, modes := range want {
		for mode, w := range modes {
			d := &dbplane.Database{Engine: eng, DBName: "d", DBUser: "u"}
			h := &dbplane.Host{Hostname: "10.0.0.5", Port: 3306, PublicHostname: "db.example.com", TLS: mode,
				TLSCA: "ignored here", TLSServerName: "db.internal"}
			if got := string(control.ConnectionString(d, h, "p@ss")); got != w {
				t.Errorf("%s with TLS %q: %s, want %s", eng, mode, got, w)
			}
		}
	}
}

// TestCreateHost_TLS adds real MariaDB and PostgreSQL servers with TLS on:
// the right CA passes the check with verify-full; a wrong CA, a wrong
// server name, or TLS required of a server without it fail with a message
// that says so and quotes no driver text or address.
func TestCreateHost_TLS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	for _, eng := range []struct {
		name       string
		tls, plain func(testing.TB) *dbtest.Server
	}{
		{"mariadb", dbtest.MariaDBTLS, dbtest.MariaDB},
		{"postgres", dbtest.PostgresTLS, dbtest.Postgres},
	} {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			srv := eng.tls(t)
			ctx := context.Background()
			rs := openRealService(t, t.TempDir(), nil)
			wrongCA := string(testcert.New(t, "wrong").CertPEM)
			for _, tc := range []struct {
				name string
				edit func(in *dbplane.HostInput)
				want string
			}{
				{"WrongCA", func(in *dbplane.HostInput) { in.TLSCA = &wrongCA }, "not signed by a trusted CA (check tlsCA)"},
				{"SystemCAs", func(in *dbplane.HostInput) { in.TLS = ptr("verify-full") }, "not signed by a trusted CA"},
				{"WrongServerName", func(in *dbplane.HostInput) {
					in.TLSCA, in.TLSServerName = ptr(srv.TLSCA()), ptr("db.example.com")
				}, "not valid for the host's name (check tlsServerName)"},
				{"RequireWithoutTLS", func(in *dbplane.HostInput) {
					*in = hostInput(eng.plain(t))
					in.Name, in.TLS = ptr("plain"), ptr("require")
				}, "does not offer TLS"},
			} {
				in := hostInput(srv)
				in.TLS = nil
				tc.edit(&in)
				_, err := rs.svc.CreateHost(ctx, in)
				msg := dbplane.ErrorMessage(err)
				if dbplane.ErrorCode(err) != dbplane.CodeInvalid || !strings.HasPrefix(msg, "Could not connect to the host over TLS: ") || !strings.Contains(msg, tc.want) {
					t.Errorf("%s: CreateHost = %v, want a CodeInvalid error over TLS naming %q", tc.name, err, tc.want)
				}
				for _, leak := range []string{"127.0.0.1", "x509", "tls:", "certificate signed by"} {
					if strings.Contains(msg, leak) {
						t.Errorf("%s: the message %q quotes driver text or an address (%q)", tc.name, msg, leak)
					}
				}
			}
			if hosts, _ := rs.svc.ListHosts(ctx); len(hosts) != 0 {
				t.Fatalf("refused hosts were stored: %d", len(hosts))
			}

			in := hostInput(srv)
			in.TLS, in.TLSCA = nil, ptr(srv.TLSCA())
			h, err := rs.svc.CreateHost(ctx, in)
			if err != nil {
				t.Fatalf("CreateHost with the right CA: %v", err)
			}
			if h.TLS != dbplane.TLSVerifyFull || h.TLSCA != srv.TLSCA() {
				t.Fatalf("stored host TLS %q, CA %q; want verify-full and the CA", h.TLS, h.TLSCA)
			}
			if got, err := rs.svc.TestHost(ctx, h.ID); err != nil || !got.Success {
				t.Fatalf("TestHost = %+v, %v; want success", got, err)
			}
			// Changing the CA for a wrong one is checked before it is stored.
			if _, err := rs.svc.UpdateHost(ctx, h.ID, dbplane.HostInput{TLSCA: &wrongCA}); !strings.Contains(dbplane.ErrorMessage(err), "trusted CA") {
				t.Fatalf("UpdateHost to a wrong CA = %v, want the check to refuse it", err)
			}

			acct, err := rs.svc.CreateAccount(ctx, dbplane.AccountInput{Email: "tls@example.com", Name: "tls"})
			if err != nil {
				t.Fatal(err)
			}
			cr, err := rs.svc.CreateDatabase(ctx, dbplane.CreateDatabaseInput{AccountID: acct.ID, Label: "tls", Engine: eng.name})
			if err != nil {
				t.Fatalf("CreateDatabase on the verify-full host: %v", err)
			}
			wantParam := map[string]string{"mariadb": "?ssl-mode=VERIFY_IDENTITY", "postgres": "?sslmode=verify-full"}[eng.name]
			if !strings.HasSuffix(string(cr.ConnectionString), wantParam) {
				t.Errorf("connection string %q does not end in %s", cr.ConnectionString, wantParam)
			}
			if err := srv.ConnectAs(ctx, cr.Database.DBUser, string(cr.Password), cr.Database.DBName); err != nil {
				t.Errorf("the tenant cannot log in over TLS: %v", err)
			}
		})
	}
}
