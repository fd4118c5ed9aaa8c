package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

// keyGroup is "dbplane key": an account's user keys
// (/api/admin/accounts/{id}/keys) and admin keys (/api/admin/keys).
var keyGroup = &group{
	name: "key",
	about: "Manage API keys (admin key with keys:read, and :write to change them). Every subcommand\n" +
		"takes --account ACCOUNT (an account's user keys, for /api/v1/db and /api/client) or --admin\n" +
		"(admin keys, for /api/admin and /api/application). A key is shown once, by create.",
	subs: []sub{
		{name: "list", summary: "list the keys: prefixes, never the keys", setup: keyList},
		{name: "create", args: "NAME", nargs: 1, summary: "mint a key and print it, once", setup: keyCreate,
			example: "dbplane key create ci --account ada@example.com --expires 720h --allowed-ip 203.0.113.0/24; dbplane key create monitor --admin --permissions database_hosts:read"},
		{name: "disable", args: "KEY-ID", nargs: 1, summary: "disable a key: it stops working at once", setup: keyDisable(true)},
		{name: "enable", args: "KEY-ID", nargs: 1, summary: "enable a disabled key again", setup: keyDisable(false)},
		{name: "allow", args: "KEY-ID", nargs: 1, summary: "set the addresses a key may be used from (--allowed-ip, none: anywhere)", setup: keyAllow,
			example: "dbplane key allow 01J... --account ada@example.com --allowed-ip 10.0.0.0/8 --allowed-ip 203.0.113.7"},
		{name: "delete", args: "KEY-ID", nargs: 1, summary: "delete a key for good", setup: keyDelete},
	},
}

// keyView is the admin API's key; Key is only in a create's answer.
type keyView struct {
	ID          string   `json:"id"`
	Key         string   `json:"key"`
	AccountID   string   `json:"accountId"`
	Name        string   `json:"name"`
	Prefix      string   `json:"prefix"`
	Kind        string   `json:"kind"`
	Permissions []string `json:"permissions"`
	Disabled    bool     `json:"disabled"`
	// DisabledByOperator: its owner cannot enable or delete it.
	DisabledByOperator bool     `json:"disabledByOperator"`
	AllowedIPs         []string `json:"allowedIps"`
	ExpiresAt          *string  `json:"expiresAt"`
	CreatedAt          string   `json:"createdAt"`
	LastUsedAt         *string  `json:"lastUsedAt"`
}

// keyScope is which keys a subcommand works on: an account's user keys,
// or admin keys.
type keyScope struct {
	account string
	admin   bool
}

func registerKeyScope(fs *flag.FlagSet, adminAccount bool) *keyScope {
	s := &keyScope{}
	usage := "the `account` (id or email) whose user keys to work on"
	if adminAccount {
		usage += "; with --admin, the admin account to own the new admin key (default: the caller's)"
	}
	fs.StringVar(&s.account, "account", "", usage)
	fs.BoolVar(&s.admin, "admin", false, "work on admin keys")
	return s
}

// path returns the collection's path: /api/admin/keys or an account's
// /api/admin/accounts/{id}/keys.
func (s *keyScope) path(ctx context.Context, c *call, create bool) (string, error) {
	switch {
	case s.admin && (s.account == "" || create):
		return "/api/admin/keys", nil
	case s.admin:
		return "", usagef("give --account ACCOUNT (its user keys) or --admin (admin keys), not both; --account goes with --admin only for create")
	case s.account == "":
		return "", usagef("give --account ACCOUNT (its user keys) or --admin (admin keys)")
	}
	id, err := c.accountID(ctx, s.account)
	if err != nil {
		return "", err
	}
	return accountPath(id) + "/keys", nil
}

func keyList(fs *flag.FlagSet) runFunc {
	scope := registerKeyScope(fs, false)
	return func(ctx context.Context, c *call) error {
		path, err := scope.path(ctx, c, false)
		if err != nil {
			return err
		}
		header := []string{"ID", "NAME", "PREFIX", "STATUS", "EXPIRES", "LAST USED", "CREATED"}
		if scope.admin {
			header = []string{"ID", "NAME", "PREFIX", "ACCOUNT", "PERMISSIONS", "STATUS", "EXPIRES", "LAST USED", "CREATED"}
		}
		return getAndList(ctx, c, path, header, func(k keyView) []string {
			row := []string{k.ID, k.Name, k.Prefix}
			if scope.admin {
				row = append(row, k.AccountID, permissionsText(k.Permissions))
			}
			return append(row, keyStatus(k), shortTime(k.ExpiresAt), shortTime(k.LastUsedAt), shortTimeOf(k.CreatedAt))
		})
	}
}

// permissionsText shows an admin key's permissions: "all" when it holds
// every one.
func permissionsText(ps []string) string {
	if len(ps) == 0 {
		return "none"
	}
	all := dbplane.AllPermissions()
	if len(ps) == len(all) {
		held := map[string]bool{}
		for _, p := range ps {
			held[p] = true
		}
		n := 0
		for _, p := range all {
			if held[string(p)] {
				n++
			}
		}
		if n == len(all) {
			return "all"
		}
	}
	return strings.Join(ps, ",")
}

func keyStatus(k keyView) string {
	if k.DisabledByOperator {
		return "disabled by an operator"
	}
	if k.Disabled {
		return "disabled"
	}
	if k.ExpiresAt != nil {
		if t, err := time.Parse(time.RFC3339Nano, *k.ExpiresAt); err == nil && !time.Now().Before(t) {
			return "expired"
		}
	}
	return "enabled"
}

func (c *call) showKey(data []byte, k keyView) error {
	if c.json {
		return c.writeJSON(data)
	}
	fs := []field{{"ID", k.ID}}
	if k.Key != "" {
		fs = append(fs, field{"Key", k.Key})
	}
	fs = append(fs, field{"Name", k.Name}, field{"Prefix", k.Prefix}, field{"Kind", k.Kind}, field{"Account", k.AccountID})
	if k.Kind == string(dbplane.KeyAdmin) {
		fs = append(fs, field{"Permissions", permissionsText(k.Permissions)})
	}
	allowed := "anywhere"
	if len(k.AllowedIPs) > 0 {
		allowed = strings.Join(k.AllowedIPs, ", ")
	}
	fs = append(fs, field{"Allowed from", allowed}, field{"Status", keyStatus(k)}, field{"Expires", shortTime(k.ExpiresAt)},
		field{"Last used", shortTime(k.LastUsedAt)}, field{"Created", shortTimeOf(k.CreatedAt)})
	fields(c.stdout, fs)
	if k.Key != "" {
		fmt.Fprintln(c.stderr, "The key is shown this once: dbplane keeps only its hash.")
	}
	return nil
}

// expiry reads --expires: an RFC 3339 time, or a duration from now.
func expiry(s string, now time.Time) (string, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.RFC3339), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return "", usagef(fmt.Sprintf("--expires %q: want an RFC 3339 time (2027-01-01T00:00:00Z) or a duration from now (720h)", s))
	}
	return now.Add(d).UTC().Format(time.RFC3339), nil
}

func keyCreate(fs *flag.FlagSet) runFunc {
	scope := registerKeyScope(fs, true)
	perms := fs.String("permissions", "", "an admin key's `permissions`: a comma list of <resource>:read|write, or all\n(a key hands out only what it holds itself)")
	expires := fs.String("expires", "", "when the key stops working: an RFC 3339 `time`, or a duration from now such as 720h (default never)")
	var allowed listFlag
	fs.Var(&allowed, "allowed-ip", "an IP `address` or CIDR range the key may be used from (repeatable, or a comma list; default anywhere)")
	return func(ctx context.Context, c *call) error {
		body := map[string]any{"name": c.args[0]}
		if len(allowed) > 0 {
			ips, err := allowedIPs(allowed)
			if err != nil {
				return err
			}
			body["allowedIps"] = ips
		}
		if *expires != "" {
			t, err := expiry(*expires, time.Now())
			if err != nil {
				return err
			}
			body["expiresAt"] = t
		}
		switch {
		case scope.admin:
			if *perms == "" {
				return usagef("an admin key needs --permissions (a comma list, or all)")
			}
			body["permissions"] = permissionList(*perms)
			if scope.account != "" {
				id, err := c.accountID(ctx, scope.account)
				if err != nil {
					return err
				}
				body["accountId"] = id
			}
		case *perms != "":
			return usagef("--permissions is for admin keys (--admin); a user key opens its own account's databases")
		}
		path, err := scope.path(ctx, c, true)
		if err != nil {
			return err
		}
		return sendAndShow(ctx, c, http.MethodPost, path, body, (*call).showKey)
	}
}

// allowedIPs checks --allowed-ip with the server's own rule before
// sending it, so a typo is a usage error, not a round trip.
func allowedIPs(l listFlag) ([]string, error) {
	ps, err := dbplane.ParseAllowedIPs("allowed-ip", l)
	if err != nil {
		return nil, usagef("--allowed-ip: " + dbplane.ErrorMessage(err))
	}
	return dbplane.FormatAllowedIPs(ps), nil
}

// keyAllow replaces the addresses a key may be used from; without
// --allowed-ip, it may be used from anywhere again.
func keyAllow(fs *flag.FlagSet) runFunc {
	scope := registerKeyScope(fs, false)
	var allowed listFlag
	fs.Var(&allowed, "allowed-ip", "an IP `address` or CIDR range the key may be used from (repeatable, or a comma list; none: anywhere)")
	return func(ctx context.Context, c *call) error {
		ips, err := allowedIPs(allowed)
		if err != nil {
			return err
		}
		path, err := scope.path(ctx, c, false)
		if err != nil {
			return err
		}
		return sendAndShow(ctx, c, http.MethodPatch, path+"/"+url.PathEscape(c.args[0]), map[string]any{"allowedIps": ips}, (*call).showKey)
	}
}

// permissionList reads --permissions: "all", or a comma list.
func permissionList(s string) []string {
	if strings.TrimSpace(s) == "all" {
		var out []string
		for _, p := range dbplane.AllPermissions() {
			out = append(out, string(p))
		}
		return out
	}
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func keyDisable(disable bool) func(*flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		scope := registerKeyScope(fs, false)
		return func(ctx context.Context, c *call) error {
			path, err := scope.path(ctx, c, false)
			if err != nil {
				return err
			}
			return sendAndShow(ctx, c, http.MethodPatch, path+"/"+url.PathEscape(c.args[0]), map[string]any{"disabled": disable}, (*call).showKey)
		}
	}
}

func keyDelete(fs *flag.FlagSet) runFunc {
	scope := registerKeyScope(fs, false)
	return func(ctx context.Context, c *call) error {
		path, err := scope.path(ctx, c, false)
		if err != nil {
			return err
		}
		if _, err := c.api.send(ctx, http.MethodDelete, path+"/"+url.PathEscape(c.args[0]), nil, nil); err != nil {
			return err
		}
		c.done("Deleted key %s.", c.args[0])
		return nil
	}
}
