package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// accountGroup is "dbplane account": accounts over /api/admin/accounts,
// and set-password, which works on the data dir.
var accountGroup = &group{
	name: "account",
	about: "Manage accounts (admin key with accounts:read, and :write to change them). ACCOUNT is an\n" +
		"account's id or its email.",
	subs: []sub{
		{name: "list", summary: "list every account, oldest first, with its usage and quotas", setup: accountList},
		{name: "create", args: "EMAIL", nargs: 1, summary: "create an account (role user unless --role admin)", setup: accountCreate,
			example: "dbplane account create ada@example.com --name Ada --slots 5 --storage 10GiB"},
		{name: "show", args: "ACCOUNT", nargs: 1, summary: "show one account", setup: accountShow},
		{name: "update", args: "ACCOUNT", nargs: 1, summary: "change the name, quotas, external id or dashboard password given", setup: accountUpdate},
		{name: "suspend", args: "ACCOUNT", nargs: 1, summary: "suspend an account: its keys and databases are disabled", setup: accountSuspend(true)},
		{name: "unsuspend", args: "ACCOUNT", nargs: 1, summary: "lift a suspension: restore exactly what it disabled", setup: accountSuspend(false)},
		{name: "delete", args: "ACCOUNT", nargs: 1, summary: "delete an account with its keys, sessions and subuser links; refused while it\nowns databases or servers unless --cascade, which drops them on their engines first", setup: accountDelete},
		{name: "set-password", args: "EMAIL", summary: "set an account's dashboard password from the data dir, no server needed\n(local; 'dbplane account set-password -h')", local: runSetPassword},
	},
}

// runAccount runs "dbplane account".
func runAccount(ctx context.Context, e env, args []string) error {
	return accountGroup.run(ctx, e, args)
}

// accountView is the admin API's account.
type accountView struct {
	ID            string  `json:"id"`
	Email         string  `json:"email"`
	Name          string  `json:"name"`
	Role          string  `json:"role"`
	Slots         *int    `json:"slots"`
	StorageBytes  *int64  `json:"storageBytes"`
	Suspended     bool    `json:"suspended"`
	DatabaseCount int     `json:"databaseCount"`
	UsedBytes     int64   `json:"usedBytes"`
	ExternalID    *string `json:"externalId"`
	DeletingAt    *string `json:"deletingAt"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     string  `json:"updatedAt"`
}

func accountPath(id string) string { return "/api/admin/accounts/" + url.PathEscape(id) }

// accountID returns the id of the account named by arg: arg itself, or
// the id of the account whose email it is.
func (c *call) accountID(ctx context.Context, arg string) (string, error) {
	if !strings.Contains(arg, "@") {
		return arg, nil
	}
	var accounts []accountView
	if _, err := c.api.get(ctx, "/api/admin/accounts", &accounts); err != nil {
		return "", err
	}
	for _, a := range accounts {
		if strings.EqualFold(a.Email, arg) {
			return a.ID, nil
		}
	}
	return "", &apiError{Status: http.StatusNotFound, Code: "not_found", Message: fmt.Sprintf("No account has the email %s", arg)}
}

func accountList(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		header := []string{"ID", "EMAIL", "NAME", "ROLE", "DATABASES", "STORAGE", "SUSPENDED"}
		return getAndList(ctx, c, "/api/admin/accounts", header, func(a accountView) []string {
			return []string{
				a.ID, a.Email, a.Name, a.Role, itoa(a.DatabaseCount) + "/" + limit(a.Slots, itoa),
				humanBytes(a.UsedBytes) + "/" + limit(a.StorageBytes, humanBytes), yesNo(a.Suspended),
			}
		})
	}
}

func (c *call) showAccount(data []byte, a accountView) error {
	if c.json {
		return c.writeJSON(data)
	}
	fields(c.stdout, []field{
		{"ID", a.ID}, {"Email", a.Email}, {"Name", a.Name}, {"Role", a.Role},
		{"Databases", itoa(a.DatabaseCount) + " of " + limit(a.Slots, itoa)},
		{"Storage", humanBytes(a.UsedBytes) + " of " + limit(a.StorageBytes, humanBytes)},
		{"Suspended", yesNo(a.Suspended)}, {"External id", externalID(a.ExternalID)}, {"Created", shortTimeOf(a.CreatedAt)}, {"Updated", shortTimeOf(a.UpdatedAt)},
	})
	if a.DeletingAt != nil {
		fields(c.stdout, []field{{"Deleting since", shortTimeOf(*a.DeletingAt)}})
	}
	return nil
}

// quotaFlags are an account's quotas on the command line.
type quotaFlags struct {
	slots, storage optNumber
}

func registerQuotaFlags(fs *flag.FlagSet) *quotaFlags {
	q := &quotaFlags{slots: optNumber{nullWord: "unlimited"}, storage: optNumber{nullWord: "unlimited", sizes: true}}
	fs.Var(&q.slots, "slots", "most databases the account may have (a `number`, or unlimited)")
	fs.Var(&q.storage, "storage", "storage quota (a `size` such as 10GiB or 500MB, or unlimited)")
	return q
}

func (q *quotaFlags) add(b map[string]any) {
	if q.slots.set {
		b["slots"] = q.slots.json()
	}
	if q.storage.set {
		b["storageBytes"] = q.storage.json()
	}
}

func accountCreate(fs *flag.FlagSet) runFunc {
	name := fs.String("name", "", "the account's `name` (default: the email)")
	role := fs.String("role", "user", "`role`: user or admin (admin needs a key holding every permission)")
	q := registerQuotaFlags(fs)
	ext := registerExternalID(fs)
	return func(ctx context.Context, c *call) error {
		email := c.args[0]
		body := map[string]any{"email": email, "name": *name, "role": *role}
		if *name == "" {
			body["name"] = email
		}
		q.add(body)
		ext.addExternalID(body)
		return sendAndShow(ctx, c, http.MethodPost, "/api/admin/accounts", body, (*call).showAccount)
	}
}

func accountShow(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		id, err := c.accountID(ctx, c.args[0])
		if err != nil {
			return err
		}
		return sendAndShow(ctx, c, http.MethodGet, accountPath(id), nil, (*call).showAccount)
	}
}

func accountUpdate(fs *flag.FlagSet) runFunc {
	var name optString
	fs.Var(&name, "name", "new `name`")
	q := registerQuotaFlags(fs)
	ext := registerExternalID(fs)
	pwStdin := fs.Bool("password-stdin", false, "set the dashboard password from the first line of standard input (every session of the account ends)")
	return func(ctx context.Context, c *call) error {
		body := map[string]any{}
		if name.set {
			body["name"] = name.v
		}
		q.add(body)
		ext.addExternalID(body)
		if *pwStdin {
			pw, err := readLine(c.stdin)
			if err != nil {
				return err
			}
			body["password"] = pw
		}
		if len(body) == 0 {
			return usagef("nothing to change: give --name, --slots, --storage, --external-id or --password-stdin")
		}
		return c.patchAccount(ctx, body)
	}
}

func (c *call) patchAccount(ctx context.Context, body map[string]any) error {
	id, err := c.accountID(ctx, c.args[0])
	if err != nil {
		return err
	}
	return sendAndShow(ctx, c, http.MethodPatch, accountPath(id), body, (*call).showAccount)
}

func accountSuspend(suspend bool) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc {
		return func(ctx context.Context, c *call) error {
			return c.patchAccount(ctx, map[string]any{"suspended": suspend})
		}
	}
}

// accountDeletion is the admin API's 202 body of a cascading delete that
// waits for hosts.
type accountDeletion struct {
	Databases int `json:"databases"`
	Pending   int `json:"pending"`
}

func accountDelete(fs *flag.FlagSet) runFunc {
	cascade := fs.Bool("cascade", false, "also drop the account's databases (on their engines) and its servers")
	return func(ctx context.Context, c *call) error {
		id, err := c.accountID(ctx, c.args[0])
		if err != nil {
			return err
		}
		path := accountPath(id)
		if *cascade {
			path += "?cascade=true"
		}
		var res accountDeletion
		data, err := c.api.send(ctx, http.MethodDelete, path, nil, &res)
		if err != nil {
			return err
		}
		if data == nil {
			c.done("Deleted account %s.", c.args[0])
			return nil
		}
		if c.json {
			return c.writeJSON(data)
		}
		fmt.Fprintf(c.stdout, "Deleting account %s: %d database(s) dropped, %d waiting for their hosts; dbplane finishes once they answer.\n",
			c.args[0], res.Databases, res.Pending)
		return nil
	}
}
