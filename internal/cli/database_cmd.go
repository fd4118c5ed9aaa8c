package cli

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"net/url"
	"strings"
)

// databaseGroup is "dbplane database": every database through the admin
// API (/api/admin/databases), and create, reveal and rotate through the
// management API (/api/v1/db), which takes a user key.
var databaseGroup = &group{
	name: "database",
	about: "Manage databases. list, show, disable, enable and delete see every database (admin key with\n" +
		"server_databases:read, and :write to change them); create, reveal and rotate are a tenant's,\n" +
		"over /api/v1/db with a user key of the account. Only create, reveal and rotate print a password.",
	subs: []sub{
		{name: "list", summary: "list databases, filtered (admin key); --mine lists the user key's own", setup: databaseList},
		{name: "show", args: "ID", nargs: 1, summary: "show one database, with its status and flags (admin key; no password)", setup: databaseShow},
		{name: "create", args: "NAME", nargs: 1, summary: "create a database for the user key's account and print its password and connection string", setup: databaseCreate,
			example: "DBPLANE_TOKEN=$USER_KEY dbplane database create my-app --engine postgres -o json | jq -r .connectionString"},
		{name: "reveal", args: "ID", nargs: 1, summary: "print a database's password and connection string (user key; the password is not changed)", setup: databaseReveal},
		{name: "rotate", args: "ID", nargs: 1, summary: "set a new password and print it; the old one stops working at once (user key)", setup: databaseRotate},
		{name: "disable", args: "ID", nargs: 1, summary: "refuse the database's logins and end its sessions (admin key)", setup: databaseAction("disable")},
		{name: "enable", args: "ID", nargs: 1, summary: "lift an operator's disable (admin key)", setup: databaseAction("enable")},
		{name: "delete", args: "ID", nargs: 1, summary: "drop the database and its user on the host, then forget it (admin key)", setup: databaseDelete},
	},
}

// adminDatabaseView is the admin API's database.
type adminDatabaseView struct {
	ID                 string  `json:"id"`
	NumericID          int64   `json:"numericId"`
	AccountID          string  `json:"accountId"`
	ServerID           *string `json:"serverId"`
	HostID             string  `json:"hostId"`
	Engine             string  `json:"engine"`
	Name               string  `json:"name"`
	DBName             string  `json:"dbName"`
	DBUser             string  `json:"dbUser"`
	Remote             string  `json:"remote"`
	MaxConnections     int     `json:"maxConnections"`
	Status             string  `json:"status"`
	DesiredStatus      string  `json:"desiredStatus"`
	AdminDisabled      bool    `json:"adminDisabled"`
	SuspensionDisabled bool    `json:"suspensionDisabled"`
	OverQuota          bool    `json:"overQuota"`
	SizeBytes          int64   `json:"sizeBytes"`
	SizeRefreshedAt    *string `json:"sizeRefreshedAt"`
	CreatedAt          string  `json:"createdAt"`
	UpdatedAt          string  `json:"updatedAt"`
	// Drift: kinds of the latest drift sweep's findings not repaired.
	Drift []string `json:"drift"`
}

// driftText shows a database's drift findings, or "none".
func driftText(kinds []string) string {
	if len(kinds) == 0 {
		return "none"
	}
	return strings.Join(kinds, ", ")
}

// tenantDatabaseView is the management API's database: a list item, or a
// create, reveal or rotate answer (with the password).
type tenantDatabaseView struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Engine           string  `json:"engine"`
	DBName           string  `json:"dbName"`
	DBUser           string  `json:"dbUser"`
	Password         string  `json:"password"`
	ConnectionString string  `json:"connectionString"`
	SizeBytes        int64   `json:"sizeBytes"`
	SizeRefreshedAt  *string `json:"sizeRefreshedAt"`
	Status           string  `json:"status"`
	CreatedAt        string  `json:"createdAt"`
}

func adminDatabasePath(id string) string  { return "/api/admin/databases/" + url.PathEscape(id) }
func tenantDatabasePath(id string) string { return "/api/v1/db/databases/" + url.PathEscape(id) }

// statusText shows a status, and the one it is moving to when an engine
// change is pending.
func statusText(d adminDatabaseView) string {
	if d.DesiredStatus != "" && d.DesiredStatus != d.Status {
		return d.Status + " -> " + d.DesiredStatus
	}
	return d.Status
}

// sizeText shows a measured size, or "-" before the first measure.
func sizeText(n int64, at *string) string {
	if at == nil {
		return "-"
	}
	return humanBytes(n)
}

func databaseList(fs *flag.FlagSet) runFunc {
	mine := fs.Bool("mine", false, "list the databases of the user key's own account (/api/v1/db) instead")
	account := fs.String("account", "", "only this `account`'s (id or email)")
	host := fs.String("host", "", "only those on this `host` (UUID or numeric id)")
	server := fs.String("server", "", "only this `server`'s (UUID, numeric id or identifier)")
	status := fs.String("status", "", "only those with this `status`: active, over_quota, disabled, creating, deleting or failed")
	pf := registerPage(fs)
	return func(ctx context.Context, c *call) error {
		if *mine {
			if *account != "" || *host != "" || *server != "" || *status != "" || pf.page != 0 || pf.perPage != 0 {
				return usagef("--mine takes no filter: /api/v1/db lists every database of the key's account")
			}
			return c.listMine(ctx)
		}
		q := url.Values{}
		if *account != "" {
			id, err := c.accountID(ctx, *account)
			if err != nil {
				return err
			}
			q.Set("accountId", id)
		}
		for k, v := range map[string]string{"hostId": *host, "serverId": *server, "status": *status} {
			if v != "" {
				q.Set(k, v)
			}
		}
		header := []string{"ID", "NAME", "ENGINE", "DB NAME", "ACCOUNT", "STATUS", "SIZE", "CREATED"}
		return userKeyHint(pagesAndList(ctx, c, "/api/admin/databases", q, *pf, header, func(d adminDatabaseView) []string {
			return []string{d.ID, d.Name, d.Engine, d.DBName, d.AccountID, statusText(d), sizeText(d.SizeBytes, d.SizeRefreshedAt), shortTimeOf(d.CreatedAt)}
		}), false)
	}
}

// listMine lists the user key's databases.
func (c *call) listMine(ctx context.Context) error {
	var list struct {
		Databases []tenantDatabaseView `json:"databases"`
	}
	data, err := c.api.get(ctx, "/api/v1/db/databases", &list)
	if err != nil || c.json {
		return c.orJSON(data, userKeyHint(err, true))
	}
	rows := make([][]string, 0, len(list.Databases))
	for _, d := range list.Databases {
		rows = append(rows, []string{d.ID, d.Name, d.Engine, d.DBName, d.Status, sizeText(d.SizeBytes, d.SizeRefreshedAt), shortTimeOf(d.CreatedAt)})
	}
	table(c.stdout, []string{"ID", "NAME", "ENGINE", "DB NAME", "STATUS", "SIZE", "CREATED"}, rows)
	return nil
}

// userKeyHint explains a 403 by the kind of key the subcommand needs.
func userKeyHint(err error, userKey bool) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden {
		return err
	}
	if userKey {
		return &hintError{err: err, hint: "This subcommand uses /api/v1/db, which takes a user key of the database's account (an admin key is refused there):\nmint one with 'dbplane key create NAME --account ACCOUNT'. A suspended account is refused too."}
	}
	return &hintError{err: err, hint: "This subcommand uses /api/admin, which takes an admin key with the server_databases permissions;\nwith a user key, 'dbplane database list --mine' lists its own databases."}
}

func (c *call) showAdminDatabase(data []byte, d adminDatabaseView) error {
	if c.json {
		return c.writeJSON(data)
	}
	server := "-"
	if d.ServerID != nil {
		server = *d.ServerID
	}
	conns := "unlimited"
	if d.MaxConnections > 0 {
		conns = itoa(d.MaxConnections)
	}
	fields(c.stdout, []field{
		{"ID", d.ID}, {"Numeric ID", itoa(int(d.NumericID))}, {"Name", d.Name}, {"Engine", d.Engine},
		{"DB name", d.DBName}, {"DB user", d.DBUser}, {"Account", d.AccountID}, {"Server", server}, {"Host", d.HostID},
		{"Remote", d.Remote}, {"Max connections", conns},
		{"Status", statusText(d)}, {"Disabled by an operator", yesNo(d.AdminDisabled)},
		{"Disabled by suspension", yesNo(d.SuspensionDisabled)}, {"Over quota", yesNo(d.OverQuota)},
		{"Drift", driftText(d.Drift)},
		{"Size", sizeText(d.SizeBytes, d.SizeRefreshedAt)}, {"Measured", shortTime(d.SizeRefreshedAt)},
		{"Created", shortTimeOf(d.CreatedAt)}, {"Updated", shortTimeOf(d.UpdatedAt)},
	})
	return nil
}

func databaseShow(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return userKeyHint(sendAndShow(ctx, c, http.MethodGet, adminDatabasePath(c.args[0]), nil, (*call).showAdminDatabase), false)
	}
}

func databaseAction(action string) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc {
		return func(ctx context.Context, c *call) error {
			return userKeyHint(sendAndShow(ctx, c, http.MethodPost, adminDatabasePath(c.args[0])+"/"+action, nil, (*call).showAdminDatabase), false)
		}
	}
}

func databaseDelete(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		if _, err := c.api.send(ctx, http.MethodDelete, adminDatabasePath(c.args[0]), nil, nil); err != nil {
			return userKeyHint(err, false)
		}
		c.done("Deleted database %s.", c.args[0])
		return nil
	}
}

// showCredentials prints a create, reveal or rotate answer: the one
// place the CLI prints a database password.
func (c *call) showCredentials(data []byte, d tenantDatabaseView, withStatus bool) error {
	if c.json {
		return c.writeJSON(data)
	}
	fs := []field{
		{"ID", d.ID}, {"Name", d.Name}, {"Engine", d.Engine}, {"DB name", d.DBName}, {"DB user", d.DBUser},
		{"Password", d.Password}, {"Connection string", d.ConnectionString},
	}
	if withStatus {
		fs = append(fs, field{"Status", d.Status}, field{"Size", sizeText(d.SizeBytes, d.SizeRefreshedAt)},
			field{"Created", shortTimeOf(d.CreatedAt)})
	}
	fields(c.stdout, fs)
	return nil
}

func databaseCreate(fs *flag.FlagSet) runFunc {
	engine := fs.String("engine", "mariadb", "`engine`: mariadb, postgres or mongo")
	return func(ctx context.Context, c *call) error {
		var d tenantDatabaseView
		data, err := c.api.send(ctx, http.MethodPost, "/api/v1/db/databases", map[string]any{"name": c.args[0], "engine": *engine}, &d)
		if err != nil {
			return userKeyHint(err, true)
		}
		return c.showCredentials(data, d, false)
	}
}

func databaseReveal(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		var d tenantDatabaseView
		data, err := c.api.get(ctx, tenantDatabasePath(c.args[0]), &d)
		if err != nil {
			return userKeyHint(err, true)
		}
		return c.showCredentials(data, d, true)
	}
}

func databaseRotate(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		var d tenantDatabaseView
		data, err := c.api.send(ctx, http.MethodPost, tenantDatabasePath(c.args[0])+"/rotate", nil, &d)
		if err != nil {
			return userKeyHint(err, true)
		}
		return c.showCredentials(data, d, false)
	}
}
