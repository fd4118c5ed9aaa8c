package dbplane

import (
	"context"
	"slices"
	"time"
)

// Node is a machine that runs tenants' workloads (Pterodactyl's node).
// Hosts linked to a node are preferred for databases of its servers.
type Node struct {
	ID        string // UUID
	NumericID int64
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Server is a tenant workload (Pterodactyl's server).
type Server struct {
	ID             string // UUID; Pterodactyl's uuid
	NumericID      int64
	Identifier     string // first 8 characters of the UUID
	Name           string
	OwnerID        string
	OwnerNumericID int64 // the owner's NumericID, filled on reads
	NodeID         string
	DatabaseLimit  *int // nil = unlimited, 0 = none
	// ExternalID is the id another system (a panel) knows the server by;
	// nil when none. Unique among servers.
	ExternalID    *string
	DatabaseCount int // live, filled on reads
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// ServerInput creates a server.
type ServerInput struct {
	Name          string
	OwnerID       string
	NodeID        string
	DatabaseLimit *int
	ExternalID    *string // nil = none
}

// Validate reports the first invalid field.
func (in *ServerInput) Validate() error {
	name, err := ValidateName("name", in.Name, 191)
	if err != nil {
		return err
	}
	in.Name = name
	if in.OwnerID == "" {
		return FieldErrorf("ownerId", "The ownerId field is required.")
	}
	if in.NodeID == "" {
		return FieldErrorf("nodeId", "The nodeId field is required.")
	}
	if in.DatabaseLimit != nil && *in.DatabaseLimit < 0 {
		return FieldErrorf("databaseLimit", "The databaseLimit must be 0 or more, or null for unlimited.")
	}
	in.ExternalID, err = ValidateExternalID(in.ExternalID)
	return err
}

// ServerUpdate changes a server; DatabaseLimitSet tells null from omitted.
type ServerUpdate struct {
	Name             *string
	DatabaseLimitSet bool
	DatabaseLimit    *int
	// ExternalIDSet with a nil ExternalID removes the external id.
	ExternalIDSet bool
	ExternalID    *string
}

// Database permissions of a server's subusers (Pterodactyl's names).
const (
	PermDatabaseCreate       = "database.create"
	PermDatabaseRead         = "database.read"
	PermDatabaseUpdate       = "database.update"
	PermDatabaseDelete       = "database.delete"
	PermDatabaseViewPassword = "database.view_password"
)

// DatabasePermissions lists every subuser database permission.
var DatabasePermissions = []string{PermDatabaseCreate, PermDatabaseRead, PermDatabaseUpdate, PermDatabaseDelete, PermDatabaseViewPassword}

// Subuser is another account's access to a server.
type Subuser struct {
	ServerID    string
	AccountID   string
	Permissions []string
	CreatedAt   time.Time
}

// ServerAccess is what an account may do on a server.
type ServerAccess struct {
	Owner       bool
	Admin       bool
	Permissions []string // a subuser's
	// OwnerSuspended is set when the server's owner is suspended: the
	// server's databases are the owner's, and are closed to everyone but
	// admins until the suspension is lifted.
	OwnerSuspended bool
}

// Can reports whether the access includes perm: admins can do
// everything; while the owner is suspended, nobody else can do anything
// (a subuser would otherwise reveal and rotate the suspended owner's
// passwords); otherwise owners can do everything, subusers what they were
// given.
func (a ServerAccess) Can(perm string) bool {
	switch {
	case a.Admin:
		return true
	case a.OwnerSuspended:
		return false
	}
	return a.Owner || slices.Contains(a.Permissions, perm)
}

// Page selects a page of a list: Page from 1, PerPage 1–100.
type Page struct {
	Page    int
	PerPage int
}

// Offset returns the number of items before the page.
func (p Page) Offset() int { return (p.Page - 1) * p.PerPage }

// ServerOrder is the order FindServers returns servers in.
type ServerOrder string

// Server orders.
const (
	// ServersByNumericID is by numeric id, as ListServers: the default.
	ServersByNumericID ServerOrder = ""
	// ServersByID is by UUID.
	ServersByID ServerOrder = "id"
)

// ServerFilter selects, orders and pages servers for FindServers. Zero
// fields do not filter; set fields all apply.
type ServerFilter struct {
	// ExternalIDs selects the servers with one of these external ids,
	// compared whole and in their case: nil does not filter, an empty
	// slice selects none.
	ExternalIDs []string
	// Match, when set, is a further test of each server the other
	// fields select, for what the store cannot ask its index (the
	// panel's substring filters): the store then reads every server the
	// other fields select, in one query, and keeps only the page.
	Match func(*Server) bool
	Order ServerOrder
	// Desc reverses Order.
	Desc bool
	// Page is the page returned. A zero PerPage returns every server
	// selected (for lookups that select a few).
	Page Page
}

// ServerService manages nodes, servers and subusers. Server references are
// the UUID, the numeric id or the 8-character identifier.
type ServerService interface {
	CreateNode(ctx context.Context, name string) (*Node, error)
	ListNodes(ctx context.Context) ([]*Node, error)
	// Node returns CodeNotFound.
	Node(ctx context.Context, ref string) (*Node, error)

	// CreateServer returns CodeInvalid for a missing owner or node.
	CreateServer(ctx context.Context, in ServerInput) (*Server, error)
	// Server returns CodeNotFound.
	Server(ctx context.Context, ref string) (*Server, error)
	UpdateServer(ctx context.Context, ref string, u ServerUpdate) (*Server, error)
	// DeleteServer returns CodeConflict while the server has databases.
	DeleteServer(ctx context.Context, ref string) error
	// ListServers returns a page of every server and the total count.
	ListServers(ctx context.Context, p Page) ([]*Server, int, error)
	// FindServers returns the page of the servers f selects, in f's
	// order, and how many f selects.
	FindServers(ctx context.Context, f ServerFilter) ([]*Server, int, error)
	// AccessibleServers returns the servers an account owns or is a subuser
	// of (every server for an admin), and the total count.
	AccessibleServers(ctx context.Context, account *Account, p Page) ([]*Server, int, error)
	// ServerAccess returns what account may do on the server, or
	// CodeNotFound when it may do nothing (never revealing that it exists).
	ServerAccess(ctx context.Context, account *Account, ref string) (*Server, ServerAccess, error)

	// SetSubuser adds a subuser or replaces its permissions.
	SetSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*Subuser, error)
	// AddSubuser adds a subuser. It returns ErrSubuserExists when the
	// account already is one, atomically: of concurrent adds of one
	// account, exactly one succeeds.
	AddSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*Subuser, error)
	ListSubusers(ctx context.Context, serverRef string) ([]*Subuser, error)
	RemoveSubuser(ctx context.Context, serverRef, accountID string) error
}

// ServerDatabaseInput creates a database for a server (Pterodactyl).
type ServerDatabaseInput struct {
	ServerID       string
	Name           string // the name part: the database becomes s{server}_{name}
	Remote         string // "connections from"; "%" when empty
	HostID         string // a host's UUID or numeric id; "" picks one
	Engine         string // when HostID is empty; "" = mariadb
	MaxConnections int    // 0 = unlimited
	// MinNameLength is 1 on the application API and 3 on the client API.
	MinNameLength int
}

// ServerDatabaseService is what the Pterodactyl surfaces need. Database
// references are the numeric id (the application API's id, which the
// client API shows as a hashid).
type ServerDatabaseService interface {
	ServerDatabases(ctx context.Context, serverID string, p Page) ([]*Database, int, error)
	// ServerDatabase returns ErrDatabaseNotFound when the database is not
	// the server's.
	ServerDatabase(ctx context.Context, serverID, ref string) (*Database, error)
	// CreateServerDatabase checks the server's databaseLimit, the owner's
	// slots and storage, and the host's room atomically with the insert.
	CreateServerDatabase(ctx context.Context, in ServerDatabaseInput) (*Credentials, error)
	RotateServerDatabase(ctx context.Context, serverID, ref string) (*Credentials, error)
	// DeleteServerDatabase drops the database and its user on the engine,
	// then the row.
	DeleteServerDatabase(ctx context.Context, serverID, ref string) error
	// DatabaseCredentials returns d with its password and host.
	DatabaseCredentials(ctx context.Context, d *Database) (*Credentials, error)
}
