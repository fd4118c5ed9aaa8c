package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// cliProxy forwards TCP to a database server until stopped, to take a
// host down in the middle of a test.
type cliProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startCLIProxy(t *testing.T, target string) *cliProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cliProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *cliProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

// stop refuses new connections and cuts the open ones.
func (p *cliProxy) stop() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// credentials is a create, reveal or rotate answer.
type credentials struct {
	ID, Name, DBName, DBUser, Password, ConnectionString string
}

func mustCredentials(t *testing.T, r run) credentials {
	t.Helper()
	var c credentials
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil || c.Password == "" {
		t.Fatalf("credentials = %s (%v), want a password", r.stdout, err)
	}
	return c
}

// TestDatabaseCommands: a tenant creates, lists, reveals and rotates with
// its user key (the passwords log in on the real MariaDB, the old one no
// longer after rotate); an operator lists, shows, disables, enables and
// deletes; no list holds a password; 402, 403, 404, 409, 422 and 503 exit
// by class.
func TestDatabaseCommands(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	srv := dbtest.MariaDB(t)
	cfg := srv.AdminConfig()
	proxy := startCLIProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	in.mustDo(t, 201, "POST", "/api/admin/database-hosts", in.adminKey, map[string]any{
		"name": "maria", "engine": "mariadb", "hostname": "127.0.0.1", "port": proxy.port(),
		"username": cfg.User, "password": cfg.Password, "tls": "disable", "database": cfg.Database,
	})
	_, key := in.addTenant(t, "ada@example.com", 3)
	ctx := context.Background()

	r := in.mustCLI(t, 0, key, "database", "create", "app")
	golden(t, "create", r.stdout, nil)
	created := mustCredentials(t, in.mustCLI(t, 0, key, "database", "reveal", strings.Fields(r.stdout)[1], "-o", "json"))
	if !strings.Contains(r.stdout, created.Password) || !strings.Contains(r.stdout, created.ConnectionString) {
		t.Errorf("database create did not print the password and connection string that reveal gives")
	}
	if err := srv.ConnectAs(ctx, created.DBUser, created.Password, created.DBName); err != nil {
		t.Fatalf("log in with the created password: %v", err)
	}
	second := mustCredentials(t, in.mustCLI(t, 0, key, "database", "create", "reports", "-o", "json"))
	secrets := []string{created.Password, second.Password, key}

	// Lists: no password, no connection string.
	for name, args := range map[string][]string{
		"list-mine": {"database", "list", "--mine"}, "list-mine.json": {"database", "list", "--mine", "-o", "json"},
	} {
		r := in.mustCLI(t, 0, key, args...)
		golden(t, name, r.stdout, nil)
		mustNotContain(t, name, r.stdout, secrets...)
	}
	for name, args := range map[string][]string{
		"list": {"database", "list"}, "list.json": {"database", "list", "-o", "json"},
		"list-account": {"database", "list", "--account", "ada@example.com", "--status", "active", "--per-page", "1"},
	} {
		r := in.mustCLI(t, 0, in.adminKey, args...)
		golden(t, name, r.stdout, nil)
		mustNotContain(t, name, r.stdout, secrets...)
	}
	r = in.mustCLI(t, 0, in.adminKey, "database", "list", "--page", "2", "--per-page", "1", "-o", "json")
	if !strings.Contains(r.stdout, `"name": "reports"`) || strings.Contains(r.stdout, `"name": "app"`) {
		t.Errorf("database list --page 2 --per-page 1 = %s, want only the second database", r.stdout)
	}

	r = in.mustCLI(t, 0, key, "database", "reveal", created.ID)
	golden(t, "reveal", r.stdout, nil)
	if !strings.Contains(r.stdout, created.Password) {
		t.Errorf("database reveal does not show the password")
	}
	rotated := mustCredentials(t, in.mustCLI(t, 0, key, "database", "rotate", created.ID, "-o", "json"))
	if rotated.Password == created.Password {
		t.Fatal("rotate printed the old password")
	}
	if err := srv.ConnectAs(ctx, created.DBUser, created.Password, created.DBName); err == nil {
		t.Error("the old password still logs in after database rotate")
	}
	if err := srv.ConnectAs(ctx, rotated.DBUser, rotated.Password, rotated.DBName); err != nil {
		t.Errorf("the rotated password does not log in: %v", err)
	}

	r = in.mustCLI(t, 0, in.adminKey, "database", "show", created.ID)
	golden(t, "show", r.stdout, nil)
	mustNotContain(t, "database show", r.stdout, rotated.Password)
	r = in.mustCLI(t, 0, in.adminKey, "database", "disable", created.ID)
	if !strings.Contains(r.stdout, "Disabled by an operator  yes") {
		t.Errorf("database disable = %s", r.stdout)
	}
	if err := srv.ConnectAs(ctx, rotated.DBUser, rotated.Password, rotated.DBName); err == nil {
		t.Error("a disabled database still logs in")
	}
	in.mustCLI(t, 0, in.adminKey, "database", "enable", created.ID)
	if err := srv.ConnectAs(ctx, rotated.DBUser, rotated.Password, rotated.DBName); err != nil {
		t.Errorf("an enabled database does not log in: %v", err)
	}
	r = in.mustCLI(t, 0, in.adminKey, "database", "delete", second.ID)
	golden(t, "delete", r.stdout, nil)

	// Exit codes by class.
	in.mustCLI(t, 5, key, "database", "create", "app")           // 409: name taken
	in.mustCLI(t, 2, key, "database", "create", "-bad-")         // 400: invalid name
	in.mustCLI(t, 3, key, "database", "reveal", second.ID)       // 404: deleted
	in.mustCLI(t, 3, in.adminKey, "database", "show", second.ID) // 404
	r = in.mustCLI(t, 4, in.adminKey, "database", "create", "x") // 403: an admin key on /api/v1/db
	if !strings.Contains(r.stderr, "user key") {
		t.Errorf("database create with an admin key: stderr %q, want the user-key hint", r.stderr)
	}
	in.mustCLI(t, 4, key, "database", "list")                                    // 403: a user key on /api/admin
	in.mustCLI(t, 4, "dbpu_nosuchkey", "database", "reveal", created.ID)         // 401
	in.mustCLI(t, 2, in.adminKey, "database", "list", "--status", "sleeping")    // 422
	in.mustCLI(t, 2, in.adminKey, "database", "list", "--mine", "--status", "x") // usage
	_, small := in.addTenant(t, "bob@example.com", 0)
	in.mustCLI(t, 5, small, "database", "create", "one") // 402: no slot

	proxy.stop()
	r = in.mustCLI(t, 6, key, "database", "rotate", created.ID) // 503: host down
	mustNotContain(t, "rotate with the host down", r.stdout+r.stderr, rotated.Password)
	r = in.mustCLI(t, 0, key, "database", "list", "--mine") // the rest still works
	if !strings.Contains(r.stdout, "app") {
		t.Errorf("database list --mine with the host down = %s", r.stdout)
	}
}
