package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// auditGroup is "dbplane audit": the audit log, over /api/admin/audit.
var auditGroup = &group{
	name:  "audit",
	about: "Read the audit log: every change, password reveal and sign-in, newest first (admin key with audit:read).",
	subs: []sub{
		{name: "list", summary: "list audit entries, newest first", setup: auditList,
			example: "dbplane audit list --resource 01J... --outcome failure --since 2026-05-01T00:00:00Z"},
	},
}

// auditView is the admin API's audit entry.
type auditView struct {
	ID        string            `json:"id"`
	Time      string            `json:"time"`
	Surface   string            `json:"surface"`
	Action    string            `json:"action"`
	Resources map[string]string `json:"resources"`
	AccountID *string           `json:"accountId"`
	KeyPrefix *string           `json:"keyPrefix"`
	SessionID *string           `json:"sessionId"`
	Email     *string           `json:"email"`
	Reveal    bool              `json:"reveal"`
	IP        string            `json:"ip"`
	Status    int               `json:"status"`
}

func auditList(fs *flag.FlagSet) runFunc {
	filters := map[string]*string{
		"account":  fs.String("account", "", "only this `account` id's entries"),
		"action":   fs.String("action", "", "a route pattern (\"POST /api/v1/db/databases/{id}/rotate\"), a `method` (DELETE) or a path prefix (/api/admin/keys)"),
		"resource": fs.String("resource", "", "only entries naming this `id` in their path"),
		"outcome":  fs.String("outcome", "", "`success` or failure"),
		"since":    fs.String("since", "", "entries at or after this `time` (RFC 3339)"),
		"until":    fs.String("until", "", "entries before this `time` (RFC 3339)"),
		"cursor":   fs.String("cursor", "", "start after this `cursor` (printed under a page that has more)"),
	}
	limit := fs.Int("limit", 50, "entries per page, 1 to 500")
	all := fs.Bool("all", false, "fetch every page")
	return func(ctx context.Context, c *call) error {
		q := url.Values{}
		for k, v := range filters {
			if *v != "" {
				q.Set(k, *v)
			}
		}
		q.Set("limit", fmt.Sprint(*limit))
		var items []json.RawMessage
		var next *string
		for {
			data, meta, err := c.api.do(ctx, "GET", "/api/admin/audit?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			var page []json.RawMessage
			if err := decodeData(data, &page); err != nil {
				return err
			}
			items = append(items, page...)
			next = nil
			if meta != nil {
				next = meta.NextCursor
			}
			if !*all || next == nil {
				break
			}
			q.Set("cursor", *next)
		}
		if c.json {
			return c.writeItems(items)
		}
		rows := make([][]string, 0, len(items))
		for _, raw := range items {
			var e auditView
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("read the answer: %w", err)
			}
			action := e.Action
			if e.Reveal {
				action += " (reveal)"
			}
			rows = append(rows, []string{shortTimeOf(e.Time), e.Surface, action, resourcesText(e.Resources), whoText(e), e.IP, fmt.Sprint(e.Status)})
		}
		table(c.stdout, []string{"TIME", "SURFACE", "ACTION", "RESOURCES", "WHO", "IP", "STATUS"}, rows)
		if next != nil {
			fmt.Fprintf(c.stderr, "more: --cursor %s (or --all)\n", *next)
		}
		return nil
	}
}

// resourcesText shows an entry's path values: "id=01J… keyId=…".
func resourcesText(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

// whoText names who a request acted for: the account and the key's
// prefix or "session", or the email tried at a sign-in; "-" for no one.
func whoText(e auditView) string {
	var parts []string
	if e.AccountID != nil {
		parts = append(parts, *e.AccountID)
	}
	switch {
	case e.KeyPrefix != nil:
		parts = append(parts, "key "+*e.KeyPrefix+"…")
	case e.SessionID != nil:
		parts = append(parts, "session")
	}
	if e.Email != nil && e.AccountID == nil {
		parts = append(parts, *e.Email)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}
