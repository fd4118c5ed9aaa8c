package web

import (
	"encoding/json"
	"flag"
	"go/scanner"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

var updateSnippets = flag.Bool("update-snippets", false, "rewrite testdata/snippets/*.golden")

// nasty holds values no dbplane name or generated password takes, but an
// operator's host entry or a future naming scheme might: quotes, spaces,
// $, backslashes, backticks, shell and URL metacharacters, non-ASCII.
var nasty = connInfo{
	Host:     `db'host "x" $HOME`,
	Port:     3307,
	Database: `shop db;ü\x`,
	User:     `us'er "o" \ $USER`,
	Password: "p@ss w'o\"rd $HOME `id` \\n \\ ümlaut ✓ #;&|*?<>",
	URI:      `scheme://us%27er:p%40ss@host/db?x='y'&z=$HOME`,
}

func snippetCases() map[string]connInfo {
	plain := func(e dbplane.Engine, uri string) connInfo {
		return connInfo{Engine: e, Host: "db.example.com", Port: e.DefaultPort(), Database: "u" + e.Letter() + "_0a1b2c3d4e_1",
			User: "du" + e.Letter() + "_0a1b2c3d4e_1", Password: "Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa", URI: uri}
	}
	n := func(e dbplane.Engine) connInfo { c := nasty; c.Engine = e; return c }
	v6 := plain(dbplane.EngineMariaDB, "mysql://dum_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@[2001:db8::1]:3306/um_0a1b2c3d4e_1")
	v6.Host = "2001:db8::1"
	return map[string]connInfo{
		"mariadb":        plain(dbplane.EngineMariaDB, "mysql://dum_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:3306/um_0a1b2c3d4e_1"),
		"postgres":       plain(dbplane.EnginePostgres, "postgresql://dup_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:5432/up_0a1b2c3d4e_1"),
		"mongo":          plain(dbplane.EngineMongo, "mongodb://dug_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:27017/ug_0a1b2c3d4e_1?authSource=ug_0a1b2c3d4e_1"),
		"mariadb-ipv6":   v6,
		"mariadb-nasty":  n(dbplane.EngineMariaDB),
		"postgres-nasty": n(dbplane.EnginePostgres),
		"mongo-nasty":    n(dbplane.EngineMongo),
		"mariadb-require": withTLS(plain(dbplane.EngineMariaDB, "mysql://dum_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:3306/um_0a1b2c3d4e_1?ssl-mode=REQUIRED"),
			dbplane.TLSRequire),
		"mariadb-verify-full": withTLS(plain(dbplane.EngineMariaDB, "mysql://dum_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:3306/um_0a1b2c3d4e_1?ssl-mode=VERIFY_IDENTITY"),
			dbplane.TLSVerifyFull),
		"postgres-require": withTLS(plain(dbplane.EnginePostgres, "postgresql://dup_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:5432/up_0a1b2c3d4e_1?sslmode=require"),
			dbplane.TLSRequire),
		"postgres-verify-full": withTLS(plain(dbplane.EnginePostgres, "postgresql://dup_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:5432/up_0a1b2c3d4e_1?sslmode=verify-full"),
			dbplane.TLSVerifyFull),
		"mongo-verify-full": withTLS(plain(dbplane.EngineMongo, "mongodb://dug_0a1b2c3d4e_1:Xy7Qp2Lm9Rt4Vb8Nc3Kd6Wf1Hg5Js0Aa@db.example.com:27017/ug_0a1b2c3d4e_1?authSource=ug_0a1b2c3d4e_1&tls=true"),
			dbplane.TLSVerifyFull),
	}
}

func withTLS(ci connInfo, m dbplane.TLSMode) connInfo { ci.TLS = m; return ci }

// tlsWant is what the Node.js and Python snippets hand their driver for
// TLS, beside the address and credentials.
func tlsWant(ci connInfo, lang string) map[string]any {
	if ci.Engine == dbplane.EngineMongo {
		return nil // in the URI
	}
	switch {
	case lang == "node" && ci.TLS == dbplane.TLSRequire:
		return map[string]any{"ssl": map[string]any{"rejectUnauthorized": false}}
	case lang == "node" && ci.TLS == dbplane.TLSVerifyFull:
		return map[string]any{"ssl": map[string]any{}}
	case lang == "python" && ci.Engine == dbplane.EnginePostgres && tlsOn(ci.TLS):
		return map[string]any{"sslmode": string(ci.TLS)}
	case lang == "python" && ci.TLS == dbplane.TLSRequire:
		return map[string]any{"ssl": map[string]any{"check_hostname": false}}
	case lang == "python" && ci.TLS == dbplane.TLSVerifyFull:
		return map[string]any{"ssl": "default-context"}
	}
	return nil
}

func renderSnippets(ss []snippet) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString("==== " + s.Title + " (" + s.ID + ")\n" + s.Code)
		if !strings.HasSuffix(s.Code, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// TestSnippets_Golden pins every snippet of every engine, with plain and
// with nasty values. Run with -update-snippets to rewrite, then read the
// diff.
func TestSnippets_Golden(t *testing.T) {
	for name, ci := range snippetCases() {
		t.Run(name, func(t *testing.T) {
			got := renderSnippets(snippets(ci))
			path := filepath.Join("testdata", "snippets", name+".golden")
			if *updateSnippets {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-snippets)", err)
			}
			if got != string(want) {
				t.Errorf("snippets differ from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

func snippetCode(t *testing.T, ci connInfo, id string) string {
	t.Helper()
	for _, s := range snippets(ci) {
		if s.ID == id {
			return s.Code
		}
	}
	t.Fatalf("no snippet %s for %s", id, ci.Engine)
	return ""
}

// TestSnippets_PerEngine checks that MongoDB gets no JDBC URL and that every
// engine has its client.
func TestSnippets_PerEngine(t *testing.T) {
	for _, e := range dbplane.Engines {
		var ids []string
		for _, s := range snippets(connInfo{Engine: e}) {
			ids = append(ids, s.ID)
		}
		if hasJDBC := slices.Contains(ids, "snippet-jdbc"); hasJDBC == (e == dbplane.EngineMongo) {
			t.Errorf("%s: snippets %v", e, ids)
		}
	}
	for e, cmd := range map[dbplane.Engine]string{dbplane.EngineMariaDB: "mariadb ", dbplane.EnginePostgres: "psql ", dbplane.EngineMongo: "mongosh "} {
		if c := snippetCode(t, connInfo{Engine: e, URI: "x://y"}, "snippet-cli"); !strings.HasPrefix(c, cmd) {
			t.Errorf("%s command line = %q, want %s...", e, c, cmd)
		}
	}
}

// TestSnippets_ShellReadsBack runs the command lines and the .env file
// through /bin/sh and checks that every argument and variable reads back
// as the value it was made from.
func TestSnippets_ShellReadsBack(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for name, ci := range snippetCases() {
		t.Run(name, func(t *testing.T) {
			cli := snippetCode(t, ci, "snippet-cli")
			cmd, args, _ := strings.Cut(cli, " ")
			got := runSh(t, sh, `printf '%s\0' `+args)
			want := []string{ci.URI}
			if cmd == "mariadb" {
				want = []string{"--host=" + ci.Host, "--port=" + strconv.Itoa(ci.Port), "--user=" + ci.User,
					"--password=" + ci.Password, "--database=" + ci.Database}
				want = append(want, strings.Fields(mariadbClientTLS(ci.TLS))...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s arguments read back as %q, want %q", cmd, got, want)
			}

			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "x.env"), []byte(snippetCode(t, ci, "snippet-env")), 0o600); err != nil {
				t.Fatal(err)
			}
			got = runSh(t, sh, `set -a; . "`+dir+`/x.env"; printf '%s\0' "$DATABASE_URL" "$DB_HOST" "$DB_PORT" "$DB_DATABASE" "$DB_USERNAME" "$DB_PASSWORD"`)
			want = []string{ci.URI, ci.Host, strconv.Itoa(ci.Port), ci.Database, ci.User, ci.Password}
			if !slices.Equal(got, want) {
				t.Errorf(".env reads back as %q, want %q", got, want)
			}
		})
	}
}

func runSh(t *testing.T, sh, script string) []string {
	t.Helper()
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", script, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestSnippets_GoLiterals reads the Go snippet's string literals back with
// Go's own scanner.
func TestSnippets_GoLiterals(t *testing.T) {
	for name, ci := range snippetCases() {
		t.Run(name, func(t *testing.T) {
			src := snippetCode(t, ci, "snippet-go")
			var s scanner.Scanner
			fs := token.NewFileSet()
			s.Init(fs.AddFile("snippet.go", -1, len(src)), []byte(src), func(pos token.Position, msg string) {
				t.Errorf("%s: %s", pos, msg)
			}, 0)
			var lits []string
			for {
				_, tok, lit := s.Scan()
				if tok == token.EOF {
					break
				}
				if tok == token.STRING {
					v, err := strconv.Unquote(lit)
					if err != nil {
						t.Fatalf("literal %s: %v", lit, err)
					}
					lits = append(lits, v)
				}
			}
			want := map[dbplane.Engine][]string{
				dbplane.EngineMariaDB:  {ci.addr(), ci.User, ci.Password, ci.Database},
				dbplane.EnginePostgres: {ci.URI},
				dbplane.EngineMongo:    {ci.URI, ci.Database},
			}[ci.Engine]
			for _, w := range want {
				if !slices.Contains(lits, w) {
					t.Errorf("no Go literal reads %q; literals %q", w, lits)
				}
			}
		})
	}
}

// TestSnippets_NodeAndPythonRun runs the Node.js and Python snippets with
// the driver modules stubbed out, so the interpreters themselves parse
// every literal, and compares what the driver would have been given.
func TestSnippets_NodeAndPythonRun(t *testing.T) {
	node, nodeErr := exec.LookPath("node")
	python, pyErr := exec.LookPath("python3")
	if nodeErr != nil && pyErr != nil {
		t.Skip("neither node nor python3 is installed")
	}
	for name, ci := range snippetCases() {
		want := map[string]any{"host": ci.Host, "port": float64(ci.Port), "user": ci.User, "password": ci.Password, "database": ci.Database}
		if ci.Engine == dbplane.EngineMongo {
			want = map[string]any{"uri": ci.URI, "database": ci.Database}
		}
		plus := func(lang string) map[string]any {
			w := maps.Clone(want)
			maps.Copy(w, tlsWant(ci, lang))
			return w
		}
		t.Run(name, func(t *testing.T) {
			if nodeErr == nil {
				src := snippetCode(t, ci, "snippet-node")
				src = dropLines(src, "import ") + "\nconsole.log(JSON.stringify(globalThis.got));\n"
				stub := `const mysql = { createConnection: async (o) => { globalThis.got = o; } };
const pg = { Client: class { constructor(o) { globalThis.got = o; } async connect() {} } };
class MongoClient { constructor(uri) { globalThis.got = { uri }; } async connect() {} db(n) { globalThis.got.database = n; } }
`
				checkRun(t, plus("node"), node, "--input-type=module", "-e", stub+src)
			}
			if pyErr == nil {
				src := snippetCode(t, ci, "snippet-python")
				src = dropLines(src, "import ", "from ")
				stub := `import json
got = {}
class _Drv:
    def connect(self, **kw):
        got.update(kw)
        if "dbname" in kw: got["database"] = got.pop("dbname")
pymysql = psycopg = _Drv()
class ssl:
    create_default_context = staticmethod(lambda: "default-context")
class MongoClient:
    def __init__(self, uri): got["uri"] = uri
    def __getitem__(self, n): got["database"] = n
`
				checkRun(t, plus("python"), python, "-c", stub+src+"\nprint(json.dumps(got))\n")
			}
		})
	}
}

func dropLines(src string, prefixes ...string) string {
	var keep []string
	for _, l := range strings.Split(src, "\n") {
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(l, p) }) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func checkRun(t *testing.T, want map[string]any, prog string, args ...string) {
	t.Helper()
	out, err := exec.Command(prog, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(prog), err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s printed %q: %v", filepath.Base(prog), out, err)
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s: %s = %#v, want %#v", filepath.Base(prog), k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", filepath.Base(prog), got, want)
	}
}

// TestSnippets_Escapes checks the escapes of the languages no
// interpreter here runs: PHP single-quoted strings, libpq conninfo values
// and the JDBC URL's percent-encoding.
func TestSnippets_Escapes(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:      `'plain'`,
		`it's`:       `'it\'s'`,
		`back\slash`: `'back\\slash'`,
		`\'`:         `'\\\''`,
		`$x ü`:       `'$x ü'`,
	} {
		if got := phpString(in); got != want {
			t.Errorf("phpString(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"db.example.com": "db.example.com",
		"a b":            `'a b'`,
		`it's`:           `'it\'s'`,
		`a\b`:            `'a\\b'`,
		"":               `''`,
	} {
		if got := conninfoValue(in); got != want {
			t.Errorf("conninfoValue(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Az09-._~":  "Az09-._~",
		"a b+c&d=e": "a%20b%2Bc%26d%3De",
		"ü/?#%":     "%C3%BC%2F%3F%23%25",
	} {
		if got := pctEncode(in); got != want {
			t.Errorf("pctEncode(%q) = %s, want %s", in, got, want)
		}
	}
	if got := jdbcSnippet(snippetCases()["mariadb-ipv6"]); !strings.HasPrefix(got, "jdbc:mariadb://[2001:db8::1]:3306/") {
		t.Errorf("JDBC URL for an IPv6 host = %s", got)
	}
}

// TestConnInfoOf checks that the address is the host's public one and the
// URI the service's, and that IPv6 brackets come off for host fields.
func TestConnInfoOf(t *testing.T) {
	c := &dbplane.Credentials{
		Database: &dbplane.Database{Engine: dbplane.EngineMariaDB, DBName: "um_x_1", DBUser: "dum_x_1"},
		Host:     &dbplane.Host{Hostname: "10.0.0.5", Port: 3306, PublicHostname: "[2001:db8::1]", PublicPort: 13306, Password: "host-admin-secret"},
		Password: "pw", ConnectionString: "mysql://dum_x_1:pw@[2001:db8::1]:13306/um_x_1",
	}
	ci := connInfoOf(c)
	if ci.Host != "2001:db8::1" || ci.Port != 13306 || ci.URI != string(c.ConnectionString) || ci.Password != "pw" {
		t.Errorf("connInfoOf = %+v", ci)
	}
	if all := renderSnippets(snippets(ci)); strings.Contains(all, "host-admin-secret") || strings.Contains(all, "10.0.0.5") {
		t.Error("the snippets show the host's admin address or password")
	}
}
