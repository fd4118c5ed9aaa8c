package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// hostGroup is "dbplane host": database hosts over /api/admin/database-hosts.
var hostGroup = &group{
	name:  "host",
	about: "Manage database hosts (admin key with database_hosts:read, and :write to change them).",
	subs: []sub{
		{name: "list", summary: "list the hosts, alphabetically by name, with their live database counts", setup: hostList},
		{name: "add", args: "NAME", nargs: 1, summary: "add a host; dbplane tests the connection and every privilege first,\nand prints the GRANT statements the host's user lacks when that fails", setup: hostAdd,
			example: "echo \"$PW\" | dbplane host add db1 --engine mariadb --hostname 10.0.0.5 --username dbplane --password-stdin --max-databases 500"},
		{name: "test", args: "ID", nargs: 1, summary: "test a host's connection, version and privileges (exit 1 when a check fails)", setup: hostTest},
		{name: "update", args: "ID", nargs: 1, summary: "change the flags given and leave the rest (an omitted password is kept)", setup: hostUpdate},
		{name: "remove", args: "ID", nargs: 1, summary: "remove a host that has no databases left", setup: hostRemove},
		{name: "retire", args: "ID", nargs: 1, summary: "retire a dead host without contacting it: its databases become orphaned\n(no quota, delete only), its pending changes are abandoned; prints what was left on it", setup: hostRetire},
		{name: "orphans", args: "ID", nargs: 1, summary: "list the orphaned databases dbplane still has on a retired host", setup: hostOrphans},
	},
}

// hostView is the admin API's host, as the tables show it.
type hostView struct {
	ID             string   `json:"id"`
	NumericID      int64    `json:"numericId"`
	Name           string   `json:"name"`
	Engine         string   `json:"engine"`
	Hostname       string   `json:"hostname"`
	Port           int      `json:"port"`
	Username       string   `json:"username"`
	Database       string   `json:"database"`
	PublicHostname string   `json:"publicHostname"`
	PublicPort     int      `json:"publicPort"`
	TLS            string   `json:"tls"`
	TLSCA          *string  `json:"tlsCA"`
	TLSServerName  *string  `json:"tlsServerName"`
	NodeIDs        []string `json:"nodeIds"`
	MaxDatabases   *int     `json:"maxDatabases"`
	PoolSize       int      `json:"poolSize"`
	DatabaseCount  int      `json:"databaseCount"`
	WarmPool       int      `json:"warmPool"`
	WarmCount      int      `json:"warmCount"`
	Enabled        bool     `json:"enabled"`
	RetiredAt      *string  `json:"retiredAt"`
	CreatedAt      string   `json:"createdAt"`
	UpdatedAt      string   `json:"updatedAt"`
}

func hostPath(id string) string { return "/api/admin/database-hosts/" + url.PathEscape(id) }

func hostList(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		header := []string{"ID", "NAME", "ENGINE", "ADDRESS", "USER", "DATABASES", "ENABLED"}
		return getAndList(ctx, c, "/api/admin/database-hosts", header, func(h hostView) []string {
			return []string{
				fmt.Sprint(h.NumericID), h.Name, h.Engine, fmt.Sprintf("%s:%d", h.Hostname, h.Port), h.Username,
				itoa(h.DatabaseCount) + "/" + limit(h.MaxDatabases, itoa), yesNo(h.Enabled),
			}
		})
	}
}

// hostFlags are the settings of add and update.
type hostFlags struct {
	name, engine, hostname, username, password, database optString
	publicHostname, tls, node                            optString
	tlsCAFile, tlsServerName                             optString
	port, publicPort, maxDatabases, poolSize, warmPool   optNumber
	enabled                                              optBool
	passwordStdin                                        bool
}

func registerHostFlags(fs *flag.FlagSet, update bool) *hostFlags {
	f := &hostFlags{maxDatabases: optNumber{nullWord: "unlimited"}, poolSize: optNumber{nullWord: "auto"}}
	if update {
		fs.Var(&f.name, "name", "new `name` of the host")
		fs.Var(&f.enabled, "enabled", "enable (true) or disable (false) the host for new databases")
	} else {
		fs.Var(&f.engine, "engine", "`engine`: mariadb (default), postgres or mongo")
		fs.Var(&f.enabled, "enabled", "take new databases at once (default true)")
	}
	fs.Var(&f.hostname, "hostname", "`address` dbplane connects to (required for add)")
	fs.Var(&f.port, "port", "`port` dbplane connects to (default: the engine's usual port)")
	fs.Var(&f.username, "username", "admin `user` on the host (required for add)")
	fs.Var(&f.password, "password", "admin user's `password` (visible in the process list: prefer --password-stdin)")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the admin user's password from the first line of standard input")
	fs.Var(&f.database, "database", "admin `database` to connect to (\"\" for the engine's default)")
	fs.Var(&f.publicHostname, "public-hostname", "`address` put in tenants' connection strings (\"\" for --hostname)")
	fs.Var(&f.publicPort, "public-port", "`port` put in tenants' connection strings (0 for --port)")
	fs.Var(&f.tls, "tls-mode", "TLS `mode` of dbplane's connections to the host: disable, prefer (default),\nrequire or verify-full (the default with --tls-ca or --tls-server-name)")
	fs.Var(&f.tls, "tls", "same as --tls-mode")
	fs.Var(&f.tlsCAFile, "tls-ca", "PEM `file` of the CAs to trust for the host's certificate (verify-full; \"\" for the system's)")
	fs.Var(&f.tlsServerName, "tls-server-name", "`name` the host's certificate must hold instead of --hostname (verify-full; \"\" to clear)")
	fs.Var(&f.node, "node", "`ids` (comma-separated) of the nodes whose servers prefer this host (\"\" for none)")
	fs.Var(&f.maxDatabases, "max-databases", "most databases on the host (a `number`, or unlimited)")
	fs.Var(&f.poolSize, "pool-size", "most connections each dbplane replica keeps to the host's engine (a `number`\nfrom 1 to 1000, or auto: sized from the server, the default)")
	fs.Var(&f.warmPool, "warm-pool", "PostgreSQL databases to keep made ahead of time for creates to claim\n(a `number` up to 1000; 0, the default, turns the pool off)")
	return f
}

// body is the JSON body with the fields given on the command line.
func (f *hostFlags) body(in io.Reader) (map[string]any, error) {
	if f.passwordStdin {
		if f.password.set {
			return nil, usagef("give --password or --password-stdin, not both")
		}
		pw, err := readLine(in)
		if err != nil {
			return nil, err
		}
		f.password.Set(pw)
	}
	b := map[string]any{}
	for name, o := range map[string]*optString{
		"name": &f.name, "engine": &f.engine, "hostname": &f.hostname, "username": &f.username,
		"password": &f.password, "tls": &f.tls,
	} {
		if o.set {
			b[name] = o.v
		}
	}
	if f.tlsCAFile.set {
		b["tlsCA"] = nil
		if f.tlsCAFile.v != "" {
			ca, err := readCAFile(f.tlsCAFile.v)
			if err != nil {
				return nil, err
			}
			b["tlsCA"] = ca
		}
	}
	for name, o := range map[string]*optString{"database": &f.database, "publicHostname": &f.publicHostname,
		"tlsServerName": &f.tlsServerName} {
		if o.set {
			b[name] = o.orNull()
		}
	}
	if f.node.set {
		nodes := []string{}
		for _, id := range strings.Split(f.node.v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				nodes = append(nodes, id)
			}
		}
		b["nodeIds"] = nodes
	}
	if f.port.set {
		b["port"] = f.port.v
	}
	if f.publicPort.set {
		b["publicPort"] = f.publicPort.v
		if f.publicPort.v == 0 {
			b["publicPort"] = nil
		}
	}
	if f.maxDatabases.set {
		b["maxDatabases"] = f.maxDatabases.json()
	}
	if f.poolSize.set {
		b["poolSize"] = f.poolSize.v
		if f.poolSize.null {
			b["poolSize"] = 0 // auto
		}
	}
	if f.warmPool.set {
		b["warmPool"] = f.warmPool.v
	}
	if f.enabled.set {
		b["enabled"] = f.enabled.v
	}
	return b, nil
}

// readCAFile reads --tls-ca's file; the server checks what is in it.
func readCAFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", fmt.Errorf("--tls-ca: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return "", fmt.Errorf("--tls-ca: %w", err)
	}
	return string(b), nil
}

// readLine reads a secret from the first line of in.
func readLine(in io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(in, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("standard input holds no password")
	}
	return line, nil
}

func hostAdd(fs *flag.FlagSet) runFunc {
	f := registerHostFlags(fs, false)
	return func(ctx context.Context, c *call) error {
		f.name.Set(c.args[0])
		if !f.hostname.set || !f.username.set {
			return usagef("host add needs --hostname and --username")
		}
		body, err := f.body(c.stdin)
		if err != nil {
			return err
		}
		return withGrants(sendAndShow(ctx, c, http.MethodPost, "/api/admin/database-hosts", body, (*call).showHost))
	}
}

func hostUpdate(fs *flag.FlagSet) runFunc {
	f := registerHostFlags(fs, true)
	return func(ctx context.Context, c *call) error {
		body, err := f.body(c.stdin)
		if err != nil {
			return err
		}
		if len(body) == 0 {
			return usagef("nothing to change: give the flags of the settings to change")
		}
		return withGrants(sendAndShow(ctx, c, http.MethodPatch, hostPath(c.args[0]), body, (*call).showHost))
	}
}

func (c *call) showHost(data []byte, h hostView) error {
	if c.json {
		return c.writeJSON(data)
	}
	node := "-"
	if len(h.NodeIDs) > 0 {
		node = strings.Join(h.NodeIDs, ", ")
	}
	fields(c.stdout, []field{
		{"ID", fmt.Sprint(h.NumericID)}, {"UUID", h.ID}, {"Name", h.Name}, {"Engine", h.Engine},
		{"Address", fmt.Sprintf("%s:%d", h.Hostname, h.Port)}, {"User", h.Username}, {"Database", orDash(h.Database)},
		{"Public address", fmt.Sprintf("%s:%d", h.PublicHostname, h.PublicPort)}, {"TLS", tlsSummary(h)}, {"Nodes", node},
		{"Databases", itoa(h.DatabaseCount) + "/" + limit(h.MaxDatabases, itoa)}, {"Engine pool", poolSummary(h.PoolSize)},
		{"Enabled", yesNo(h.Enabled)},
		{"Created", shortTimeOf(h.CreatedAt)}, {"Updated", shortTimeOf(h.UpdatedAt)},
	})
	if h.WarmPool > 0 || h.WarmCount > 0 {
		fields(c.stdout, []field{{"Warm pool", fmt.Sprintf("%d (%d held now)", h.WarmPool, h.WarmCount)}})
	}
	if h.RetiredAt != nil {
		fields(c.stdout, []field{{"Retired", retiredOf(h.RetiredAt)}})
	}
	return nil
}

// poolSummary is a host's engine pool size as host add and update show it.
func poolSummary(n int) string {
	if n == 0 {
		return "auto (sized from the server)"
	}
	return itoa(n) + " connections"
}

// tlsSummary is the mode, with the CA bundle and server name when set.
func tlsSummary(h hostView) string {
	s := h.TLS
	if h.TLSCA != nil {
		s += fmt.Sprintf(", CA bundle of %d certificate(s)", strings.Count(*h.TLSCA, "-----BEGIN CERTIFICATE-----"))
	}
	if h.TLSServerName != nil {
		s += ", server name " + *h.TLSServerName
	}
	return s
}

// hintError is an error with a hint that is printed after it, such as the
// statements that give a host's user what it lacks.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// withGrants adds to a failed host check the GRANT statements the API
// sent (dbplane.AdminGrants, computed by the server, which knows the
// engine's answer).
func withGrants(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) || len(ae.Grants) == 0 {
		return err
	}
	return &hintError{err: err, hint: grantsText(ae.Grants)}
}

func grantsText(grants []string) string {
	return "The host's user lacks privileges dbplane needs. As an administrator of the engine, run:\n\n  " +
		strings.Join(grants, "\n  ") + "\n\nthen try again."
}

// hostTestView is the answer of POST …/test.
type hostTestView struct {
	Success bool     `json:"success"`
	Message string   `json:"message"`
	Grants  []string `json:"grants"`
}

// errCheckFailed is host test's error when the host failed a check.
var errCheckFailed = errors.New("the host failed its check")

func hostTest(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		var t hostTestView
		data, err := c.api.send(ctx, http.MethodPost, hostPath(c.args[0])+"/test", nil, &t)
		if err != nil {
			return err
		}
		if c.json {
			err = c.writeJSON(data)
		} else {
			fmt.Fprintln(c.stdout, t.Message)
			if len(t.Grants) > 0 {
				fmt.Fprintln(c.stdout, "\n"+grantsText(t.Grants))
			}
		}
		if err == nil && !t.Success {
			err = errCheckFailed
		}
		return err
	}
}

func hostRemove(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		if _, err := c.api.send(ctx, http.MethodDelete, hostPath(c.args[0]), nil, nil); err != nil {
			return err
		}
		c.done("Removed host %s.", c.args[0])
		return nil
	}
}

func retiredOf(at *string) string {
	if at == nil {
		return "no"
	}
	return shortTimeOf(*at)
}

// orphanReport is the admin API's report of a retired host.
type orphanReport struct {
	Host      hostView `json:"host"`
	Databases []struct {
		ID        string `json:"id"`
		AccountID string `json:"accountId"`
		Label     string `json:"label"`
		DBName    string `json:"dbName"`
		DBUser    string `json:"dbUser"`
	} `json:"databases"`
	Abandoned []struct {
		Kind       string `json:"kind"`
		DBName     string `json:"dbName"`
		DBUser     string `json:"dbUser"`
		WarmDBName string `json:"warmDbName"`
		WarmDBUser string `json:"warmDbUser"`
	} `json:"abandoned"`
	Warm []struct {
		DBName string `json:"dbName"`
		DBUser string `json:"dbUser"`
		State  string `json:"state"`
	} `json:"warm"`
}

func hostRetire(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return sendAndShow(ctx, c, http.MethodPost, hostPath(c.args[0])+"/retire", nil, (*call).showOrphans)
	}
}

func hostOrphans(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return sendAndShow(ctx, c, http.MethodGet, hostPath(c.args[0])+"/orphans", nil, (*call).showOrphans)
	}
}

// showOrphans prints what a retired host holds, to drop by hand should it
// come back: a table of the orphaned databases, the abandoned changes, then
// the warm databases.
func (c *call) showOrphans(data []byte, rep orphanReport) error {
	if c.json {
		return c.writeJSON(data)
	}
	fmt.Fprintf(c.stdout, "Host %s retired %s. Orphaned databases (no longer reached; delete them when done):\n", rep.Host.Name, retiredOf(rep.Host.RetiredAt))
	rows := make([][]string, 0, len(rep.Databases))
	for _, d := range rep.Databases {
		rows = append(rows, []string{d.ID, d.AccountID, d.Label, d.DBName, d.DBUser})
	}
	table(c.stdout, []string{"ID", "ACCOUNT", "LABEL", "DATABASE", "USER"}, rows)
	for _, a := range rep.Abandoned {
		fmt.Fprintf(c.stdout, "Abandoned %s of %s (user %s): it may have left them on the host.\n", a.Kind, a.DBName, a.DBUser)
		if a.WarmDBName != "" {
			fmt.Fprintf(c.stdout, "  It had claimed warm database %s (role %s): it may be on the host under those names.\n", a.WarmDBName, a.WarmDBUser)
		}
	}
	if len(rep.Warm) > 0 {
		fmt.Fprintln(c.stdout, "Warm databases (empty, made ahead of time; left on the host, forgotten when the host is deleted):")
		rows := make([][]string, 0, len(rep.Warm))
		for _, w := range rep.Warm {
			rows = append(rows, []string{w.DBName, w.DBUser, w.State})
		}
		table(c.stdout, []string{"DATABASE", "ROLE", "STATE"}, rows)
	}
	return nil
}
