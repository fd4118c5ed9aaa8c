package cli_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestJourney is the user journey of the foundation issue on real engines:
// add a host, create an account and a key, create a database, log in with
// the returned connection string, rotate, and see the old password refused.
func TestJourney(t *testing.T) {
	servers := map[string]func(testing.TB) *dbtest.Server{"mariadb": dbtest.MariaDB, "postgres": dbtest.Postgres, "mongo": dbtest.Mongo}
	engines := []string{"mariadb", "postgres", "mongo"}
	in := startInstance(t)
	var secrets []string
	for _, eng := range engines {
		srv := servers[eng](t)
		host := in.addHost(t, srv)
		secrets = append(secrets, srv.AdminConfig().Password)
		if _, ok := host["password"]; ok {
			t.Errorf("host response carries a password field")
		}
		test := in.mustDo(t, 200, "POST", "/api/admin/database-hosts/"+host["id"].(string)+"/test", in.adminKey, nil).data(t)
		if test["success"] != true {
			t.Errorf("host test = %v, want success", test)
		}
	}
	_, key := in.addTenant(t, "ada@example.com", 5)
	secrets = append(secrets, key)

	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			srv := servers[eng](t)
			ctx := context.Background()
			created := in.mustDo(t, 201, "POST", "/api/v1/db/databases", key, map[string]any{"name": "app-" + eng, "engine": eng}).data(t)
			pw := created["password"].(string)
			secrets = append(secrets, pw)
			letter := map[string]string{"mariadb": "m", "postgres": "p", "mongo": "g"}[eng]
			if !regexp.MustCompile(`^u` + letter + `_[a-z0-9]{10}_1$`).MatchString(created["dbName"].(string)) {
				t.Errorf("dbName = %v, want u%s_<slug>_1", created["dbName"], letter)
			}
			u, err := url.Parse(created["connectionString"].(string))
			if err != nil {
				t.Fatal(err)
			}
			gotPW, _ := u.User.Password()
			if eng == "mongo" && u.Query().Get("authSource") != created["dbName"] {
				t.Errorf("mongo connection string %q lacks authSource=%v", created["connectionString"], created["dbName"])
			}
			if gotPW != pw || u.User.Username() != created["dbUser"] || strings.TrimPrefix(u.Path, "/") != created["dbName"] {
				t.Errorf("connection string %q does not match the user, password and database", created["connectionString"])
			}
			if err := srv.ConnectAs(ctx, u.User.Username(), gotPW, created["dbName"].(string)); err != nil {
				t.Fatalf("log in with the created credentials: %v", err)
			}
			clientLogin(t, eng, u, true)

			id := created["id"].(string)
			rotated := in.mustDo(t, 200, "POST", "/api/v1/db/databases/"+id+"/rotate", key, nil).data(t)
			newPW := rotated["password"].(string)
			secrets = append(secrets, newPW)
			if newPW == pw {
				t.Fatal("rotate returned the same password")
			}
			if err := srv.ConnectAs(ctx, u.User.Username(), pw, created["dbName"].(string)); err == nil {
				t.Error("the old password still logs in after rotate")
			}
			clientLogin(t, eng, u, false)
			nu, _ := url.Parse(rotated["connectionString"].(string))
			clientLogin(t, eng, nu, true)

			revealed := in.mustDo(t, 200, "GET", "/api/v1/db/databases/"+id, key, nil).data(t)
			if revealed["password"] != newPW || revealed["status"] != "active" {
				t.Errorf("reveal = %v, want the rotated password and status active", revealed)
			}
		})
	}

	list := in.mustDo(t, 200, "GET", "/api/v1/db/databases", key, nil)
	if n := len(list.data(t)["databases"].([]any)); n != len(engines) {
		t.Errorf("list has %d databases, want %d", n, len(engines))
	}
	// No secret in list bodies, logs or any file of the data dir.
	files, _ := filepath.Glob(filepath.Join(in.dataDir, "*"))
	for _, s := range secrets {
		if bytes.Contains(list.body, []byte(s)) {
			t.Errorf("a secret appears in the list response")
		}
		if strings.Contains(in.logs.String(), s) {
			t.Errorf("a secret appears in the server log")
		}
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("a secret appears in plaintext in %s", filepath.Base(f))
			}
		}
	}

	// A host with databases cannot be deleted.
	hosts := in.mustDo(t, 200, "GET", "/api/admin/database-hosts", in.adminKey, nil).json(t)["data"].([]any)
	for _, h := range hosts {
		r := in.do(t, "DELETE", "/api/admin/database-hosts/"+h.(map[string]any)["id"].(string), in.adminKey, nil)
		if r.status != 409 {
			t.Errorf("DELETE host with databases = %d %s, want 409", r.status, r.body)
		}
	}
}

// clientLogin logs in with the engine's own command-line client, when it is
// installed (CI installs it with the server packages).
func clientLogin(t *testing.T, eng string, u *url.URL, wantOK bool) {
	t.Helper()
	pw, _ := u.User.Password()
	var cmd *exec.Cmd
	switch eng {
	case "mariadb":
		bin, err := exec.LookPath("mariadb")
		if err != nil {
			if bin, err = exec.LookPath("mysql"); err != nil {
				requireInCI(t, "the mariadb client")
				return
			}
		}
		cmd = exec.Command(bin, "--protocol=TCP", "-h", u.Hostname(), "-P", u.Port(), "-u", u.User.Username(),
			strings.TrimPrefix(u.Path, "/"), "-e", "SELECT 1")
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+pw)
	case "postgres":
		bin, err := exec.LookPath("psql")
		if err != nil {
			requireInCI(t, "psql")
			return
		}
		cmd = exec.Command(bin, u.String(), "-c", "SELECT 1")
		cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=5")
	default:
		// No MongoDB shell ships in Debian; ConnectAs logged in with the
		// official driver instead.
		return
	}
	out, err := cmd.CombinedOutput()
	if (err == nil) != wantOK {
		t.Errorf("%s client login ok=%v, want %v: %s", eng, err == nil, wantOK, bytes.ReplaceAll(out, []byte(pw), []byte("***")))
	}
}

func requireInCI(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI=true)", what)
	}
	t.Logf("%s is not installed; skipping the client login check", what)
}
