package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
)

// serverGroup is "dbplane server": Pterodactyl servers over
// /api/admin/servers.
var serverGroup = &group{
	name: "server",
	about: "Manage servers, the tenant workloads whose databases the Pterodactyl APIs hand out (admin key\n" +
		"with servers:read, and :write to change them). SERVER is a server's UUID, numeric id or\n" +
		"8-character identifier.",
	subs: []sub{
		{name: "list", summary: "list servers, by numeric id", setup: serverList},
		{name: "create", args: "NAME", nargs: 1, summary: "create a server owned by an account, on a node", setup: serverCreate,
			example: "dbplane server create Survival --owner ada@example.com --node 1 --database-limit 3 --external-id panel-42"},
		{name: "show", args: "SERVER", nargs: 1, summary: "show one server", setup: serverShow},
		{name: "update", args: "SERVER", nargs: 1, summary: "rename a server or change its database limit or external id", setup: serverUpdate},
		{name: "delete", args: "SERVER", nargs: 1, summary: "delete a server that has no databases left", setup: serverDelete},
	},
}

// serverView is the admin API's server.
type serverView struct {
	ID            string  `json:"id"`
	NumericID     int64   `json:"numericId"`
	Identifier    string  `json:"identifier"`
	Name          string  `json:"name"`
	OwnerID       string  `json:"ownerId"`
	NodeID        string  `json:"nodeId"`
	DatabaseLimit *int    `json:"databaseLimit"`
	DatabaseCount int     `json:"databaseCount"`
	ExternalID    *string `json:"externalId"`
	CreatedAt     string  `json:"createdAt"`
	UpdatedAt     string  `json:"updatedAt"`
}

func serverPath(id string) string { return "/api/admin/servers/" + url.PathEscape(id) }

func serverList(fs *flag.FlagSet) runFunc {
	pf := registerPage(fs)
	return func(ctx context.Context, c *call) error {
		header := []string{"ID", "IDENTIFIER", "NAME", "OWNER", "DATABASES", "CREATED"}
		return pagesAndList(ctx, c, "/api/admin/servers", nil, *pf, header, func(s serverView) []string {
			return []string{fmt.Sprint(s.NumericID), s.Identifier, s.Name, s.OwnerID,
				itoa(s.DatabaseCount) + "/" + limit(s.DatabaseLimit, itoa), shortTimeOf(s.CreatedAt)}
		})
	}
}

func (c *call) showServer(data []byte, s serverView) error {
	if c.json {
		return c.writeJSON(data)
	}
	fields(c.stdout, []field{
		{"ID", fmt.Sprint(s.NumericID)}, {"UUID", s.ID}, {"Identifier", s.Identifier}, {"Name", s.Name},
		{"Owner", s.OwnerID}, {"Node", s.NodeID}, {"Databases", itoa(s.DatabaseCount) + " of " + limit(s.DatabaseLimit, itoa)},
		{"External id", externalID(s.ExternalID)}, {"Created", shortTimeOf(s.CreatedAt)}, {"Updated", shortTimeOf(s.UpdatedAt)},
	})
	return nil
}

func registerDatabaseLimit(fs *flag.FlagSet) *optNumber {
	l := &optNumber{nullWord: "unlimited"}
	fs.Var(l, "database-limit", "most databases the server may have (a `number`, 0 for none, or unlimited)")
	return l
}

// registerExternalID is --external-id on create and update: the id
// another system (a panel) knows the account or server by; on update ""
// removes it.
func registerExternalID(fs *flag.FlagSet) *optString {
	var o optString
	fs.Var(&o, "external-id", "the `id` another system (a panel) knows it by, unique among its kind (\"\" on update removes it)")
	return &o
}

// add puts externalId into body when the flag was given: "" is null.
func (o *optString) addExternalID(body map[string]any) {
	if o.set {
		body["externalId"] = o.orNull()
	}
}

// externalID shows an external id, or "none".
func externalID(p *string) string {
	if p == nil {
		return "none"
	}
	return *p
}

func serverCreate(fs *flag.FlagSet) runFunc {
	owner := fs.String("owner", "", "the owning `account` (id or email; required)")
	node := fs.String("node", "", "the `node` the server runs on (UUID or numeric id; required)")
	dbLimit := registerDatabaseLimit(fs)
	ext := registerExternalID(fs)
	return func(ctx context.Context, c *call) error {
		if *owner == "" || *node == "" {
			return usagef("server create needs --owner and --node")
		}
		ownerID, err := c.accountID(ctx, *owner)
		if err != nil {
			return err
		}
		body := map[string]any{"name": c.args[0], "ownerId": ownerID, "nodeId": *node}
		if dbLimit.set {
			body["databaseLimit"] = dbLimit.json()
		}
		ext.addExternalID(body)
		return sendAndShow(ctx, c, http.MethodPost, "/api/admin/servers", body, (*call).showServer)
	}
}

func serverShow(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return sendAndShow(ctx, c, http.MethodGet, serverPath(c.args[0]), nil, (*call).showServer)
	}
}

func serverUpdate(fs *flag.FlagSet) runFunc {
	var name optString
	fs.Var(&name, "name", "new `name`")
	dbLimit := registerDatabaseLimit(fs)
	ext := registerExternalID(fs)
	return func(ctx context.Context, c *call) error {
		body := map[string]any{}
		if name.set {
			body["name"] = name.v
		}
		if dbLimit.set {
			body["databaseLimit"] = dbLimit.json()
		}
		ext.addExternalID(body)
		if len(body) == 0 {
			return usagef("nothing to change: give --name, --database-limit or --external-id")
		}
		return sendAndShow(ctx, c, http.MethodPatch, serverPath(c.args[0]), body, (*call).showServer)
	}
}

func serverDelete(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		if _, err := c.api.send(ctx, http.MethodDelete, serverPath(c.args[0]), nil, nil); err != nil {
			return err
		}
		c.done("Deleted server %s.", c.args[0])
		return nil
	}
}
