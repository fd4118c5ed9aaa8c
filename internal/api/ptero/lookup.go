package ptero

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dbplane/dbplane"
)

// lookups fetches the hosts and nodes a response names, once per request.
type lookups struct {
	h     *handler
	ctx   context.Context
	hosts map[string]*dbplane.Host
	nodes map[string]*dbplane.Node
}

func (h *handler) lookups(ctx context.Context) *lookups {
	return &lookups{h: h, ctx: ctx, hosts: map[string]*dbplane.Host{}, nodes: map[string]*dbplane.Node{}}
}

// serverDatabase fetches the database ref of a server; a service that
// returns none without an error is an internal error.
func (h *handler) serverDatabase(ctx context.Context, serverID, ref string) (*dbplane.Database, error) {
	d, err := h.databases.ServerDatabase(ctx, serverID, ref)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errNoResult
	}
	return d, nil
}

// databaseCredentials fetches d's password, for a response that shows it;
// a service that returns none is an internal error.
func (h *handler) databaseCredentials(ctx context.Context, d *dbplane.Database) (*dbplane.Credentials, error) {
	c, err := h.databases.DatabaseCredentials(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("credentials of database %d: %w", d.NumericID, err)
	}
	if c == nil {
		return nil, errNoResult
	}
	return c, nil
}

// host returns the host of a database. The database exists, so a missing
// host is an internal error, never a 404 for the request.
func (l *lookups) host(id string) (*dbplane.Host, error) {
	if h, ok := l.hosts[id]; ok {
		return h, nil
	}
	h, err := l.h.hosts.Host(l.ctx, id)
	if err != nil {
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			return nil, fmt.Errorf("host %s of a database: %v", id, err) // drops the code: 500
		}
		return nil, fmt.Errorf("host %s: %w", id, err)
	}
	if h == nil {
		return nil, errNoResult
	}
	l.hosts[id] = h
	return h, nil
}

// remember caches a host a service returned with credentials.
func (l *lookups) remember(h *dbplane.Host) {
	if h != nil && h.ID != "" {
		l.hosts[h.ID] = h
	}
}

// node returns a node, or nil when id is "" or the node is gone: a
// server's or host's node is decoration, not a reason to fail a request.
func (l *lookups) node(id string) (*dbplane.Node, error) {
	if id == "" {
		return nil, nil
	}
	if n, ok := l.nodes[id]; ok {
		return n, nil
	}
	n, err := l.h.servers.Node(l.ctx, id)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		n, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	l.nodes[id] = n
	return n, nil
}

// nodeID returns a node's numeric id, or nil (JSON null) when there is
// none.
func (l *lookups) nodeID(id string) (*int64, error) {
	n, err := l.node(id)
	if err != nil || n == nil {
		return nil, err
	}
	v := n.NumericID
	return &v, nil
}

// hostNode is the one node Pterodactyl's database_host shows (node, a
// numeric id or null) for a host that dbplane may link to several: the
// server's own node when the host is linked to it, else the linked node
// with the lowest numeric id.
func (l *lookups) hostNode(host *dbplane.Host, serverNode string) (*int64, error) {
	if host.LinkedTo(serverNode) {
		return l.nodeID(serverNode)
	}
	var low *int64
	for _, id := range host.NodeIDs {
		n, err := l.nodeID(id)
		if err != nil {
			return nil, err
		}
		if n != nil && (low == nil || *n < *low) {
			low = n
		}
	}
	return low, nil
}

// nodeName returns a node's name, or "" when there is none.
func (l *lookups) nodeName(id string) (string, error) {
	n, err := l.node(id)
	if err != nil || n == nil {
		return "", err
	}
	return n.Name, nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numericRef parses an application API id: digits, at most int64, above
// zero. It returns the canonical form ("007" is "7") or errNotFound, as
// Laravel's route binding answers an id that matches nothing.
func numericRef(s string) (string, error) {
	if !isDigits(s) {
		return "", errNotFound
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return "", errNotFound
	}
	return strconv.FormatInt(n, 10), nil
}

// isUUID reports whether s has the 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
