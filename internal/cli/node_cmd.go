package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
)

// nodeGroup is "dbplane node": the machines servers run on, over
// /api/admin/nodes (server create needs one).
var nodeGroup = &group{
	name:  "node",
	about: "Manage nodes, the machines servers run on (admin key with nodes:read, and :write to create).",
	subs: []sub{
		{name: "list", summary: "list nodes", setup: nodeList},
		{name: "create", args: "NAME", nargs: 1, summary: "create a node", setup: nodeCreate},
		{name: "show", args: "NODE", nargs: 1, summary: "show one node (UUID or numeric id)", setup: nodeShow},
	},
}

// nodeView is the admin API's node.
type nodeView struct {
	ID        string `json:"id"`
	NumericID int64  `json:"numericId"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

func nodeList(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return getAndList(ctx, c, "/api/admin/nodes", []string{"ID", "UUID", "NAME", "CREATED"}, func(n nodeView) []string {
			return []string{fmt.Sprint(n.NumericID), n.ID, n.Name, shortTimeOf(n.CreatedAt)}
		})
	}
}

func (c *call) showNode(data []byte, n nodeView) error {
	if c.json {
		return c.writeJSON(data)
	}
	fields(c.stdout, []field{{"ID", fmt.Sprint(n.NumericID)}, {"UUID", n.ID}, {"Name", n.Name}, {"Created", shortTimeOf(n.CreatedAt)}})
	return nil
}

func nodeCreate(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return sendAndShow(ctx, c, http.MethodPost, "/api/admin/nodes", map[string]any{"name": c.args[0]}, (*call).showNode)
	}
}

func nodeShow(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		return sendAndShow(ctx, c, http.MethodGet, "/api/admin/nodes/"+url.PathEscape(c.args[0]), nil, (*call).showNode)
	}
}
