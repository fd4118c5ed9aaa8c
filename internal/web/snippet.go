package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
)

// connInfo is what the snippets are built from: a database's public
// address and credentials, as the service hands them out.
type connInfo struct {
	Engine   dbplane.Engine
	Host     string // the public host name or IP address, IPv6 without brackets
	Port     int
	Database string
	User     string
	Password string
	URI      string          // the service's connection string (SPEC §3)
	TLS      dbplane.TLSMode // the host's public TLS mode (Host.PublicTLS): prefer, require or verify-full
}

// connInfoOf takes the address from the host's PublicAddress and the
// connection string from the service: the snippets re-derive neither.
func connInfoOf(c *dbplane.Credentials) connInfo {
	host, port := c.Host.PublicAddress()
	return connInfo{
		Engine:   c.Database.Engine,
		Host:     strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"),
		Port:     port,
		Database: c.Database.DBName,
		User:     c.Database.DBUser,
		Password: string(c.Password),
		URI:      string(c.ConnectionString),
		TLS:      c.Host.PublicTLS(),
	}
}

// addr is host:port, with brackets around an IPv6 address.
func (ci connInfo) addr() string { return net.JoinHostPort(ci.Host, strconv.Itoa(ci.Port)) }

// snippet is one ready-to-paste way to connect. Code is plain text; the
// template escapes it for HTML.
type snippet struct {
	ID    string // element id, for the copy button
	Title string
	Code  string
}

// snippets returns the ways to connect to ci's database: the URI, JDBC
// (not for MongoDB), the engine's command-line client, a .env file, and
// Node.js, Python, Go and PHP. Every value is escaped for the language it
// lands in, so a password, user, database or host name with quotes,
// spaces, $, backslashes or non-ASCII text reads back as itself.
func snippets(ci connInfo) []snippet {
	out := []snippet{{ID: "snippet-uri", Title: "Connection URI", Code: ci.URI}}
	if ci.Engine != dbplane.EngineMongo {
		out = append(out, snippet{ID: "snippet-jdbc", Title: "JDBC", Code: jdbcSnippet(ci)})
	}
	return append(out,
		snippet{ID: "snippet-cli", Title: cliTitle(ci.Engine), Code: cliSnippet(ci)},
		snippet{ID: "snippet-env", Title: ".env", Code: envSnippet(ci)},
		snippet{ID: "snippet-node", Title: "Node.js", Code: nodeSnippet(ci)},
		snippet{ID: "snippet-python", Title: "Python", Code: pythonSnippet(ci)},
		snippet{ID: "snippet-go", Title: "Go", Code: goSnippet(ci)},
		snippet{ID: "snippet-php", Title: "PHP", Code: phpSnippet(ci)},
	)
}

// jdbcSnippet is a JDBC URL with the credentials as percent-encoded
// parameters: MariaDB Connector/J or the PostgreSQL JDBC driver.
func jdbcSnippet(ci connInfo) string {
	scheme := "jdbc:mariadb://"
	if ci.Engine == dbplane.EnginePostgres {
		scheme = "jdbc:postgresql://"
	}
	return scheme + ci.addr() + "/" + pctEncode(ci.Database) +
		"?user=" + pctEncode(ci.User) + "&password=" + pctEncode(ci.Password) + jdbcTLS(ci)
}

// tlsOn reports whether a public TLS mode (Host.PublicTLS) asks clients
// for TLS: require or verify-full. The snippets add nothing for prefer.
func tlsOn(m dbplane.TLSMode) bool { return m == dbplane.TLSRequire || m == dbplane.TLSVerifyFull }

// jdbcTLS is the TLS parameter of the JDBC URL, "" for prefer (both
// drivers' default): the PostgreSQL driver's sslmode takes libpq's names,
// MariaDB Connector/J's sslMode calls require "trust".
func jdbcTLS(ci connInfo) string {
	if !tlsOn(ci.TLS) {
		return ""
	}
	if ci.Engine == dbplane.EnginePostgres {
		return "&sslmode=" + string(ci.TLS)
	}
	if ci.TLS == dbplane.TLSRequire {
		return "&sslMode=trust"
	}
	return "&sslMode=" + string(ci.TLS)
}

func cliTitle(e dbplane.Engine) string {
	switch e {
	case dbplane.EnginePostgres:
		return "psql"
	case dbplane.EngineMongo:
		return "mongosh"
	}
	return "mariadb / mysql"
}

// cliSnippet is a POSIX shell command line. The mariadb and mysql clients
// take no URI, so they get one flag per value; psql and mongosh take the
// connection string.
func cliSnippet(ci connInfo) string {
	switch ci.Engine {
	case dbplane.EnginePostgres:
		return "psql " + shellQuote(ci.URI)
	case dbplane.EngineMongo:
		return "mongosh " + shellQuote(ci.URI)
	}
	return "mariadb --host=" + shellQuote(ci.Host) + " --port=" + strconv.Itoa(ci.Port) +
		" --user=" + shellQuote(ci.User) + " --password=" + shellQuote(ci.Password) +
		" --database=" + shellQuote(ci.Database) + mariadbClientTLS(ci.TLS)
}

// mariadbClientTLS are the mariadb client's TLS flags for a mode, "" for
// prefer.
func mariadbClientTLS(m dbplane.TLSMode) string {
	switch m {
	case dbplane.TLSRequire:
		return " --ssl --skip-ssl-verify-server-cert"
	case dbplane.TLSVerifyFull:
		return " --ssl --ssl-verify-server-cert"
	}
	return ""
}

// envSnippet is a .env file: DATABASE_URL and the parts Laravel and most
// frameworks read.
func envSnippet(ci connInfo) string {
	var b strings.Builder
	for _, kv := range [][2]string{
		{"DATABASE_URL", ci.URI},
		{"DB_HOST", ci.Host},
		{"DB_PORT", strconv.Itoa(ci.Port)},
		{"DB_DATABASE", ci.Database},
		{"DB_USERNAME", ci.User},
		{"DB_PASSWORD", ci.Password},
	} {
		b.WriteString(kv[0] + "=" + envQuote(kv[1]) + "\n")
	}
	if ci.Engine == dbplane.EnginePostgres && tlsOn(ci.TLS) {
		b.WriteString("DB_SSLMODE=" + string(ci.TLS) + "\n") // Laravel's pgsql connection reads it
	}
	return b.String()
}

func nodeSnippet(ci connInfo) string {
	switch ci.Engine {
	case dbplane.EnginePostgres:
		return "// npm install pg\nimport pg from \"pg\";\n\n" +
			"const client = new pg.Client({\n" + jsFields(ci, "database") + "});\nawait client.connect();\n"
	case dbplane.EngineMongo:
		return "// npm install mongodb\nimport { MongoClient } from \"mongodb\";\n\n" +
			"const client = new MongoClient(" + jsString(ci.URI) + ");\nawait client.connect();\n" +
			"const db = client.db(" + jsString(ci.Database) + ");\n"
	}
	return "// npm install mysql2\nimport mysql from \"mysql2/promise\";\n\n" +
		"const conn = await mysql.createConnection({\n" + jsFields(ci, "database") + "});\n"
}

func jsFields(ci connInfo, dbKey string) string {
	return "  host: " + jsString(ci.Host) + ",\n" +
		"  port: " + strconv.Itoa(ci.Port) + ",\n" +
		"  user: " + jsString(ci.User) + ",\n" +
		"  password: " + jsString(ci.Password) + ",\n" +
		"  " + dbKey + ": " + jsString(ci.Database) + ",\n" + jsTLS(ci.TLS)
}

// jsTLS is the ssl option of pg and mysql2, "" for prefer (and disable:
// neither uses TLS unless told). Both verify the certificate when given
// an object without rejectUnauthorized: false.
func jsTLS(m dbplane.TLSMode) string {
	switch m {
	case dbplane.TLSRequire:
		return "  ssl: { rejectUnauthorized: false },\n"
	case dbplane.TLSVerifyFull:
		return "  ssl: {},\n"
	}
	return ""
}

func pythonSnippet(ci connInfo) string {
	switch ci.Engine {
	case dbplane.EnginePostgres:
		return "# pip install \"psycopg[binary]\"\nimport psycopg\n\n" +
			"conn = psycopg.connect(\n" + pyFields(ci, "dbname") + pySSLMode(ci.TLS) + ")\n"
	case dbplane.EngineMongo:
		return "# pip install pymongo\nfrom pymongo import MongoClient\n\n" +
			"client = MongoClient(" + pyString(ci.URI) + ")\n" +
			"db = client[" + pyString(ci.Database) + "]\n"
	}
	switch ci.TLS {
	case dbplane.TLSRequire:
		return "# pip install PyMySQL\nimport pymysql\n\n" +
			"conn = pymysql.connect(\n" + pyFields(ci, "database") + "    ssl={\"check_hostname\": False},  # TLS, certificate not checked\n)\n"
	case dbplane.TLSVerifyFull:
		return "# pip install PyMySQL\nimport ssl\n\nimport pymysql\n\n" +
			"conn = pymysql.connect(\n" + pyFields(ci, "database") + "    ssl=ssl.create_default_context(),\n)\n"
	}
	return "# pip install PyMySQL\nimport pymysql\n\n" +
		"conn = pymysql.connect(\n" + pyFields(ci, "database") + ")\n"
}

// pySSLMode is psycopg's sslmode argument (libpq's names), "" for prefer.
func pySSLMode(m dbplane.TLSMode) string {
	if !tlsOn(m) {
		return ""
	}
	return "    sslmode=" + pyString(string(m)) + ",\n"
}

func pyFields(ci connInfo, dbKey string) string {
	return "    host=" + pyString(ci.Host) + ",\n" +
		"    port=" + strconv.Itoa(ci.Port) + ",\n" +
		"    user=" + pyString(ci.User) + ",\n" +
		"    password=" + pyString(ci.Password) + ",\n" +
		"    " + dbKey + "=" + pyString(ci.Database) + ",\n"
}

func goSnippet(ci connInfo) string {
	q := strconv.Quote
	switch ci.Engine {
	case dbplane.EnginePostgres:
		return "// go get github.com/jackc/pgx/v5\nimport \"github.com/jackc/pgx/v5\"\n\n" +
			"conn, err := pgx.Connect(ctx, " + q(ci.URI) + ")\n"
	case dbplane.EngineMongo:
		return "// go get go.mongodb.org/mongo-driver/v2\nimport (\n" +
			"\t\"go.mongodb.org/mongo-driver/v2/mongo\"\n\t\"go.mongodb.org/mongo-driver/v2/mongo/options\"\n)\n\n" +
			"client, err := mongo.Connect(options.Client().ApplyURI(" + q(ci.URI) + "))\n" +
			"db := client.Database(" + q(ci.Database) + ")\n"
	}
	// The driver's Config, not a hand-made DSN: FormatDSN escapes it.
	return "// go get github.com/go-sql-driver/mysql\nimport (\n\t\"database/sql\"\n\n\t\"github.com/go-sql-driver/mysql\"\n)\n\n" +
		"cfg := mysql.NewConfig()\ncfg.Net = \"tcp\"\n" +
		"cfg.Addr = " + q(ci.addr()) + "\n" +
		"cfg.User = " + q(ci.User) + "\n" +
		"cfg.Passwd = " + q(ci.Password) + "\n" +
		"cfg.DBName = " + q(ci.Database) + "\n" + goMySQLTLS(ci.TLS) +
		"db, err := sql.Open(\"mysql\", cfg.FormatDSN())\n"
}

// goMySQLTLS sets go-sql-driver's tls parameter, "" for prefer.
func goMySQLTLS(m dbplane.TLSMode) string {
	switch m {
	case dbplane.TLSRequire:
		return "cfg.TLSConfig = \"skip-verify\" // TLS, certificate not checked\n"
	case dbplane.TLSVerifyFull:
		return "cfg.TLSConfig = \"true\"\n"
	}
	return ""
}

// phpSnippet uses PDO for MariaDB and PostgreSQL. A PDO DSN has no escape
// for ";", which host and database names never contain (dbplane validates
// them); PostgreSQL's DSN values are quoted as libpq reads them.
func phpSnippet(ci connInfo) string {
	q := phpString
	switch ci.Engine {
	case dbplane.EnginePostgres:
		dsn := "pgsql:host=" + conninfoValue(ci.Host) + ";port=" + strconv.Itoa(ci.Port) + ";dbname=" + conninfoValue(ci.Database)
		if tlsOn(ci.TLS) {
			dsn += ";sslmode=" + string(ci.TLS)
		}
		return "<?php\n$pdo = new PDO(\n    " + q(dsn) + ",\n    " + q(ci.User) + ",\n    " + q(ci.Password) + "\n);\n"
	case dbplane.EngineMongo:
		return "<?php\n// composer require mongodb/mongodb\n$client = new MongoDB\\Client(" + q(ci.URI) + ");\n" +
			"$db = $client->selectDatabase(" + q(ci.Database) + ");\n"
	}
	dsn := "mysql:host=" + ci.Host + ";port=" + strconv.Itoa(ci.Port) + ";dbname=" + ci.Database + ";charset=utf8mb4"
	opts := ""
	switch ci.TLS {
	case dbplane.TLSRequire:
		opts = ",\n    [PDO::MYSQL_ATTR_SSL_CA => '/etc/ssl/certs/ca-certificates.crt', PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false]"
	case dbplane.TLSVerifyFull:
		opts = ",\n    [PDO::MYSQL_ATTR_SSL_CA => '/etc/ssl/certs/ca-certificates.crt']  // your system's CA bundle"
	}
	return "<?php\n$pdo = new PDO(\n    " + q(dsn) + ",\n    " + q(ci.User) + ",\n    " + q(ci.Password) + opts + "\n);\n"
}

// shellQuote quotes s for a POSIX shell: bare when every byte is safe,
// otherwise in single quotes, where nothing is special but the quote
// itself: it is closed, written as \', and opened again.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !shellSafe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellSafe(r rune) bool {
	return r < utf8.RuneSelf && (isAlnum(byte(r)) || strings.ContainsRune("@%_+=:,./-", r))
}

// envQuote quotes a .env value so that docker compose, python-dotenv,
// phpdotenv, Node's dotenv and a POSIX shell (set -a; . ./.env) read the
// same text: bare when safe, else in single quotes (literal in all of
// them). A value with a single quote or a control character goes in
// double quotes with the shell's escapes, which the dotenv libraries do
// not all read back alike; dbplane's own values never need it (passwords
// are alphanumeric, names and hosts validated).
func envQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !shellSafe(r) }) < 0 {
		return s
	}
	if !strings.ContainsRune(s, '\'') && strings.IndexFunc(s, unicode.IsControl) < 0 {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '\\' || r == '"' || r == '$' || r == '`' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// jsString is a JavaScript string literal: JSON's, which escapes quotes,
// backslashes, control characters and U+2028/U+2029.
func jsString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// A Go string always encodes; invalid UTF-8 becomes U+FFFD.
		return `""`
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// pyString is a Python 3 string literal in double quotes. Printable
// non-ASCII text stays as it is (source files are UTF-8).
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && !unicode.IsPrint(r) && r != ' ':
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && !unicode.IsPrint(r):
			if r > 0xFFFF {
				fmt.Fprintf(&b, `\U%08x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// phpString is a PHP single-quoted string, where only \\ and \' are
// escapes: every backslash and quote is escaped.
func phpString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// conninfoValue quotes a value for a libpq connection string (PDO's pgsql
// DSN is one): bare when it has no space, quote or backslash.
func conninfoValue(s string) string {
	if s != "" && !strings.ContainsAny(s, " '\\\t\n\r") {
		return s
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// pctEncode percent-encodes every byte but RFC 3986's unreserved ones, so
// the result is safe in a URL path or query value.
func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
