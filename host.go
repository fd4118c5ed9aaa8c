package dbplane

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Engine names a kind of database server.
type Engine string

// The engines dbplane drives.
const (
	EngineMariaDB  Engine = "mariadb"
	EnginePostgres Engine = "postgres"
	EngineMongo    Engine = "mongo"
)

// Engines lists every engine in a stable order.
var Engines = []Engine{EngineMariaDB, EnginePostgres, EngineMongo}

// ParseEngine returns the engine named s ("" means mariadb, as document 003
// says) or a CodeInvalid error for the field.
func ParseEngine(field, s string) (Engine, error) {
	switch Engine(s) {
	case "":
		return EngineMariaDB, nil
	case EngineMariaDB, EnginePostgres, EngineMongo:
		return Engine(s), nil
	}
	return "", FieldErrorf(field, "The engine must be one of mariadb, postgres, mongo.")
}

// DefaultPort is the usual port of an engine.
func (e Engine) DefaultPort() int {
	switch e {
	case EnginePostgres:
		return 5432
	case EngineMongo:
		return 27017
	}
	return 3306
}

// Letter is the engine's letter in the management API's naming scheme.
func (e Engine) Letter() string {
	switch e {
	case EnginePostgres:
		return "p"
	case EngineMongo:
		return "g"
	}
	return "m"
}

// TLSMode says how dbplane talks TLS to a host's admin connection.
type TLSMode string

// TLS modes.
const (
	TLSDisable    TLSMode = "disable"
	TLSPrefer     TLSMode = "prefer"
	TLSRequire    TLSMode = "require"
	TLSVerifyFull TLSMode = "verify-full"
)

// Host is a database server that dbplane manages.
type Host struct {
	ID             string // UUID
	NumericID      int64
	Name           string
	Engine         Engine
	Hostname       string
	Port           int
	Username       string
	Password       Secret // plaintext, only in memory
	SealedPassword []byte // what the store keeps
	Database       string // admin database, "" for the engine default
	PublicHostname string
	PublicPort     int
	TLS            TLSMode
	TLSCA          string   // PEM CA bundle to trust instead of the system's; "" for the system's
	TLSServerName  string   // name the certificate must hold instead of Hostname; "" for Hostname
	NodeIDs        []string // the nodes whose servers prefer this host, sorted; empty = none
	MaxDatabases   *int     // nil = unlimited
	// PoolSize is how many admin connections dbplane keeps to the host at
	// most, per replica; 0 sizes the pool from the server (engine.Config).
	PoolSize int
	// WarmPool is how many PostgreSQL databases dbplane keeps made ahead
	// of time on the host, for creates to claim (0 = off; MaxWarmPool at
	// most). WarmCount is how many it holds now: being made, ready or
	// being dropped; they count against MaxDatabases, never against any
	// account.
	WarmPool  int
	WarmCount int
	Enabled   bool
	// RetiredAt is when an operator retired the host (RetireHost): it is
	// gone for good, takes no databases, and its databases are orphaned.
	RetiredAt     *time.Time
	DatabaseCount int // live, filled on reads
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// PublicAddress returns the host and port tenants connect to.
func (h *Host) PublicAddress() (string, int) {
	host, port := h.PublicHostname, h.PublicPort
	if host == "" {
		host = h.Hostname
	}
	if port == 0 {
		port = h.Port
	}
	return host, port
}

// HostInput creates a host, or (with all fields optional) updates one.
// Pointers are nil when the field was not given.
type HostInput struct {
	Name            *string
	Engine          *string
	Hostname        *string
	Port            *int
	Username        *string
	Password        *Secret
	Database        *string
	PublicHostname  *string
	PublicPort      *int
	TLS             *string
	TLSCA           *string   // "" clears it
	TLSServerName   *string   // "" clears it
	NodeIDs         *[]string // the linked nodes, all of them; an empty list unlinks every node
	MaxDatabasesSet bool      // true when maxDatabases was given, even as null
	MaxDatabases    *int
	PoolSize        *int // 0 = automatic, from the server
	WarmPool        *int // 0..MaxWarmPool; above 0 on PostgreSQL hosts only
	Enabled         *bool
}

// MaxWarmPool bounds a host's warmPool.
const MaxWarmPool = 1000

// Apply validates in and writes its fields into h. With create set, the
// required fields must be present and defaults are filled in.
func (in *HostInput) Apply(h *Host, create bool) error {
	str := func(field string, p *string, dst *string, required bool, max int) error {
		if p == nil {
			if required && create {
				return FieldErrorf(field, "The %s field is required.", field)
			}
			return nil
		}
		if err := ValidateText(field, *p); err != nil {
			return err
		}
		v := strings.TrimSpace(*p)
		if (required && v == "") || len(v) > max {
			return FieldErrorf(field, "The %s must be 1 to %d characters.", field, max)
		}
		*dst = v
		return nil
	}
	if err := str("name", in.Name, &h.Name, true, 255); err != nil {
		return err
	}
	if in.Engine != nil || create {
		s := ""
		if in.Engine != nil {
			s = *in.Engine
		}
		if !create && Engine(s) != h.Engine {
			return FieldErrorf("engine", "The engine of a host cannot change.")
		}
		e, err := ParseEngine("engine", s)
		if err != nil {
			return err
		}
		h.Engine = e
	}
	if err := str("hostname", in.Hostname, &h.Hostname, true, 255); err != nil {
		return err
	}
	if err := validHostname("hostname", h.Hostname, create || in.Hostname != nil); err != nil {
		return err
	}
	if err := str("username", in.Username, &h.Username, true, 255); err != nil {
		return err
	}
	if in.Password != nil {
		if len(*in.Password) == 0 || len(*in.Password) > 1024 {
			return FieldErrorf("password", "The password must be 1 to 1024 characters.")
		}
		h.Password = *in.Password
	} else if create {
		return FieldErrorf("password", "The password field is required.")
	}
	if err := str("database", in.Database, &h.Database, false, 255); err != nil {
		return err
	}
	if err := str("publicHostname", in.PublicHostname, &h.PublicHostname, false, 255); err != nil {
		return err
	}
	if err := validHostname("publicHostname", h.PublicHostname, in.PublicHostname != nil && h.PublicHostname != ""); err != nil {
		return err
	}
	if in.NodeIDs != nil {
		ids, err := hostNodeIDs(*in.NodeIDs)
		if err != nil {
			return err
		}
		h.NodeIDs = ids
	}
	if in.Port != nil {
		if *in.Port < 1 || *in.Port > 65535 {
			return FieldErrorf("port", "The port must be between 1 and 65535.")
		}
		h.Port = *in.Port
	} else if create {
		h.Port = h.Engine.DefaultPort()
	}
	if in.PublicPort != nil {
		if *in.PublicPort < 0 || *in.PublicPort > 65535 {
			return FieldErrorf("publicPort", "The publicPort must be between 1 and 65535, or 0 for the admin port.")
		}
		h.PublicPort = *in.PublicPort
	}
	if err := in.applyTLS(h, create); err != nil {
		return err
	}
	if in.MaxDatabasesSet {
		if in.MaxDatabases != nil && *in.MaxDatabases < 0 {
			return FieldErrorf("maxDatabases", "The maxDatabases must be 0 or more, or null for unlimited.")
		}
		h.MaxDatabases = in.MaxDatabases
	}
	if in.PoolSize != nil {
		if *in.PoolSize < 0 || *in.PoolSize > MaxPoolSize {
			return FieldErrorf("poolSize", "The poolSize must be between 1 and %d, or 0 to size the pool from the server.", MaxPoolSize)
		}
		h.PoolSize = *in.PoolSize
	}
	if in.WarmPool != nil {
		if *in.WarmPool < 0 || *in.WarmPool > MaxWarmPool {
			return FieldErrorf("warmPool", "The warmPool must be between 0 and %d.", MaxWarmPool)
		}
		if *in.WarmPool > 0 && h.Engine != EnginePostgres {
			return FieldErrorf("warmPool", "The warmPool is for PostgreSQL hosts only; it must be 0 on a %s host.", h.Engine)
		}
		h.WarmPool = *in.WarmPool
	}
	if in.Enabled != nil {
		h.Enabled = *in.Enabled
	} else if create {
		h.Enabled = true
	}
	return nil
}

// MaxPoolSize bounds a host's PoolSize: more admin connections than this
// from one replica is a typo, not a setting.
const MaxPoolSize = 1000

// MaxHostNodes bounds the nodes one host is linked to.
const MaxHostNodes = 100

// hostNodeIDs checks a host's node links and returns them sorted, without
// duplicates. Whether each node exists is the store's to check.
func hostNodeIDs(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, id := range in {
		if err := ValidateText("nodeIds", id); err != nil {
			return nil, err
		}
		id = strings.TrimSpace(id)
		if id == "" || len(id) > 64 {
			return nil, FieldErrorf("nodeIds", "Each of the nodeIds must be 1 to 64 characters.")
		}
		out = append(out, id)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxHostNodes {
		return nil, FieldErrorf("nodeIds", "A host can be linked to at most %d nodes.", MaxHostNodes)
	}
	return out, nil
}

// LinkedTo reports whether the host is linked to the node.
func (h *Host) LinkedTo(nodeID string) bool {
	return nodeID != "" && slices.Contains(h.NodeIDs, nodeID)
}

func validHostname(field, s string, check bool) error {
	if !check {
		return nil
	}
	for _, r := range s {
		ok := r == '.' || r == '-' || r == ':' || r == '_' || r == '[' || r == ']' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !ok {
			return FieldErrorf(field, "The %s must be a host name or an IP address.", field)
		}
	}
	return nil
}

// HostTest is the outcome of checking a host.
type HostTest struct {
	Success bool
	Message string
	// Grants, when the host answered but its user lacks privileges, are
	// the statements that give the user what dbplane needs (AdminGrants).
	Grants []string
}

// HostCheckFailed is the cause carried by CreateHost's and UpdateHost's
// CodeInvalid error when the host fails its check, so that a form can
// show the whole outcome (the grants to run, say) and not only the message.
type HostCheckFailed struct {
	Test HostTest
}

func (e *HostCheckFailed) Error() string { return "host check failed" }

// HostService manages database hosts. ids are UUIDs or numeric ids.
type HostService interface {
	ListHosts(ctx context.Context) ([]*Host, error)
	// Host returns CodeNotFound.
	Host(ctx context.Context, id string) (*Host, error)
	// CreateHost tests the connection and privileges first and returns
	// CodeInvalid with the reason when they fail.
	CreateHost(ctx context.Context, in HostInput) (*Host, error)
	// UpdateHost returns CodeNotFound or CodeInvalid.
	UpdateHost(ctx context.Context, id string, in HostInput) (*Host, error)
	// DeleteHost returns CodeConflict while databases exist on the host.
	DeleteHost(ctx context.Context, id string) error
	// TestHost checks connectivity, version and privileges.
	TestHost(ctx context.Context, id string) (HostTest, error)
	// TestHostSettings checks settings before they are saved: in as a new
	// host when id is "", else in applied over the stored host id (an
	// omitted password keeps the stored one). It stores nothing; invalid
	// input is CodeInvalid.
	TestHostSettings(ctx context.Context, id string, in HostInput) (HostTest, error)
	// RetireHost marks a dead host gone without contacting it: it takes
	// no new databases, its databases become StatusOrphaned (no longer
	// counted against any quota, deletable without the engine), and the
	// engine changes pending on it are abandoned. It returns the orphan
	// report; retiring a retired host again returns the report. The host
	// can be deleted once its orphans are. CodeNotFound.
	RetireHost(ctx context.Context, id string) (*OrphanReport, error)
	// HostOrphans returns what dbplane left on a retired host, for an
	// operator to clean up by hand. CodeNotFound.
	HostOrphans(ctx context.Context, id string) (*OrphanReport, error)
	// HostHealth returns what this replica last saw of each host it has
	// touched since it started (in memory; no engine is contacted).
	HostHealth() []HostHealth
}

// OrphanReport lists what dbplane left behind on a retired host: the
// databases and users that may still exist there, for an operator to drop
// by hand if the host ever comes back.
type OrphanReport struct {
	Host *Host
	// Databases are the orphaned rows still in dbplane.
	Databases []*Database
	// Abandoned are the engine changes pending on the host when it was
	// retired, given up without reaching the engine; a drop among them
	// may have left its database and user behind. Only RetireHost's own
	// report carries them. A create that had claimed a warm database
	// names it in WarmDB and WarmUser.
	Abandoned []*Intent
	// Warm are the host's warm databases (PostgreSQL's warm pool): empty
	// databases and their roles under placeholder names (WarmPrefix),
	// which dbplane made ahead of time and, the host being retired, never
	// drops. Deleting the retired host forgets them.
	Warm []*WarmLeftover
}

// WarmLeftover is a warm database on a retired host (OrphanReport.Warm).
type WarmLeftover struct {
	DBName string
	DBUser string
	// State is "ready", or "making" / "dropping" when the host was retired
	// while the warm database was being made or dropped: it may then be
	// only partly there, or gone.
	State     string
	CreatedAt time.Time
}
