package config_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/config"
)

func TestConfig_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store string
		want  string // the DBPLANE_STORE line's value
	}{
		{"Empty", "", ""},
		{"SQLite", "sqlite:/var/lib/dbplane/dbplane.db", "sqlite:/var/lib/dbplane/dbplane.db"},
		{"NoPassword", "postgres://dbplane@db:5432/dbplane?sslmode=require", "postgres://dbplane@db:5432/dbplane?sslmode=require"},
		{"Password", "postgres://dbplane:hunter2@db:5432/dbplane", "postgres://dbplane:[redacted]@db:5432/dbplane"},
		{"EscapedPassword", "postgresql://us%40er:hun%2Fter2@db/dbplane", "postgresql://us%40er:[redacted]@db/dbplane"},
		{"EmptyPassword", "postgres://dbplane:@db/dbplane", "postgres://dbplane:[redacted]@db/dbplane"},
		{"QueryPassword", "postgres://db/dbplane?user=u&password=hunter2&sslmode=verify-full", "postgres://db/dbplane?user=u&password=[redacted]&sslmode=verify-full"},
		{"SSLPassword", "postgres://u:hunter2@db/x?sslpassword=hunter2", "postgres://u:[redacted]@db/x?sslpassword=[redacted]"},
		{"Socket", "postgres:///dbplane?host=/run/postgresql", "postgres:///dbplane?host=/run/postgresql"},
		{"DSN", "host=db user=u password=hunter2", "[redacted]"},
		{"Garbage", "postgres://u:hunter2@db:port/x", "[redacted]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			c.Store = tc.store
			got := c.String()
			if want := "\nDBPLANE_STORE=" + tc.want + "\n"; !strings.Contains(got, want) {
				t.Errorf("String() with store %q =\n%s\nwant a line %q", tc.store, got, strings.TrimSpace(want))
			}
			if strings.Contains(got, "hunter2") {
				t.Errorf("String() with store %q leaks the password:\n%s", tc.store, got)
			}
		})
	}
}

// TestConfig_Quiet checks every way a Config gets printed.
func TestConfig_Quiet(t *testing.T) {
	c := config.Default()
	c.Store = "postgres://u:hunter2@db/x"
	c.MasterKey = "k1:hunter2hunter2"
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", c)
	outputs := map[string]string{
		"String": c.String(),
		"%v":     fmt.Sprintf("%v", c),
		"%+v":    fmt.Sprintf("%+v", c),
		"%#v":    fmt.Sprintf("%#v", c),
		"%v ptr": fmt.Sprintf("%v", &c),
		"slog":   logged.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s leaks a secret:\n%s", how, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s does not show the redaction:\n%s", how, out)
		}
	}
	if !strings.Contains(c.String(), "DBPLANE_MASTER_KEY=[redacted]\n") {
		t.Errorf("String() =\n%s\nwant DBPLANE_MASTER_KEY=[redacted]", c.String())
	}
	if !strings.Contains(logged.String(), `"listen":"127.0.0.1:8080"`) {
		t.Errorf("slog output = %s, want snake_case keys", logged.String())
	}
}

// TestConfig_StringRoundTrip checks that String is a config file Load reads
// back to the same Config (secrets aside).
func TestConfig_StringRoundTrip(t *testing.T) {
	want := config.Default()
	want.DataDir = "/srv/dbplane"
	want.DisabledEngines = []string{"mongo", "mariadb"}
	want.NoMigrate = true
	want.QuotaInterval = 0
	path := filepath.Join(t.TempDir(), "dbplane.env")
	if err := os.WriteFile(path, []byte(want.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	got, _, err := config.Load(fs, []string{"--config", path}, nil)
	if err != nil {
		t.Fatalf("Load(String()) error = %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(String()) (-want +got):\n%s", diff)
	}
}
