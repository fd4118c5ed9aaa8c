package dbtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestOpenExisting reads a server's own URL the way the
// DBPLANE_TEST_*_URL overrides are read, and logs in through it.
func TestOpenExisting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start func(testing.TB) *Server
	}{
		{engineMariaDB, MariaDB},
		{enginePostgres, Postgres},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := tc.start(t)
			want := srv.AdminConfig()
			db := ""
			if tc.name == enginePostgres {
				db = want.Database
			}
			ext, err := openExisting(tc.name, srv.URL(db))
			if err != nil {
				t.Fatalf("openExisting(URL(%q)) = %v", db, err)
			}
			t.Cleanup(func() { ext.Stop() })
			if got := ext.AdminConfig(); got.Host != want.Host || got.Port != want.Port || got.User != want.User ||
				got.Password != want.Password || got.Database != want.Database || got.TLS != want.TLS {
				t.Errorf("openExisting(URL()) config = %s@%s:%d/%s tls %s, want %s@%s:%d/%s tls %s",
					got.User, got.Host, got.Port, got.Database, got.TLS, want.User, want.Host, want.Port, want.Database, want.TLS)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := ext.ConnectAs(ctx, want.User, want.Password, want.Database); err != nil {
				t.Errorf("ConnectAs through the existing server = %v", err)
			}
			if err := ext.Stop(); err != nil {
				t.Errorf("Stop() of an existing server = %v", err)
			}
			if err := srv.ConnectAs(ctx, want.User, want.Password, want.Database); err != nil {
				t.Errorf("Stop() of the existing-server handle stopped the real server: %v", err)
			}
		})
	}
}

func TestOpenExisting_BadURL(t *testing.T) {
	for _, tc := range []struct{ name, engine, url string }{
		{"WrongScheme", engineMariaDB, "postgres://u:Secret1@127.0.0.1:1/"},
		{"WrongSchemePG", enginePostgres, "mysql://u:Secret1@127.0.0.1:1/"},
		{"BadPort", enginePostgres, "postgres://u:Secret1@127.0.0.1:x/"},
		{"Unreachable", enginePostgres, "postgres://u:Secret1@127.0.0.1:1/db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openExisting(tc.engine, tc.url)
			if err == nil {
				t.Fatalf("openExisting(%s) = nil, want an error", tc.name)
			}
			if strings.Contains(err.Error(), "Secret1") {
				t.Errorf("openExisting(%s) error holds the password: %v", tc.name, err)
			}
		})
	}
}
