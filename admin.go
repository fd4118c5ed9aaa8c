package dbplane

import (
	"context"
	"time"
)

// DatabaseFilter narrows the admin list of databases. Empty fields match all.
type DatabaseFilter struct {
	AccountID string
	HostID    string
	ServerID  string
	Engine    Engine
	Status    Status
	Page      Page
}

// HostMeasurement is what one quota pass found on one host.
type HostMeasurement struct {
	HostID    string
	HostName  string
	Databases int // rows measured
	Error     string
	Took      time.Duration
}

// QuotaReport is the outcome of one pass of the quota watcher.
type QuotaReport struct {
	StartedAt time.Time
	Took      time.Duration
	Hosts     []HostMeasurement
	// Changed lists the databases whose status changed in this pass.
	Changed []StatusChange
}

// StatusChange is one database moving between statuses.
type StatusChange struct {
	DatabaseID string
	AccountID  string
	From, To   Status
}

// AdminDatabaseService is the operator's view of every database.
type AdminDatabaseService interface {
	ListAllDatabases(ctx context.Context, f DatabaseFilter) ([]*Database, int, error)
	// Database returns any database by ULID or numeric id.
	Database(ctx context.Context, ref string) (*Database, error)
	// SetDatabaseDisabled disables (logins refused on the engine, sessions
	// ended) or enables a database.
	SetDatabaseDisabled(ctx context.Context, ref string, disabled bool) (*Database, error)
	// DeleteDatabase drops the database and its user, then the row.
	DeleteDatabase(ctx context.Context, ref string) error
	// RefreshQuota runs one pass of the quota watcher and returns when it is
	// done.
	RefreshQuota(ctx context.Context) (*QuotaReport, error)
	// Stats are the deployment's figures (databases by engine and status,
	// hosts, engine changes in flight), read from the store.
	Stats(ctx context.Context) (*Stats, error)
	// PendingChanges returns the engine changes not settled yet, oldest
	// first, with the error of their last attempt. Sealed passwords and
	// lease tokens are left out.
	PendingChanges(ctx context.Context) ([]*Intent, error)
	// Rekey seals every stored secret again under the primary master key,
	// so that the older keys can be dropped from the key file.
	Rekey(ctx context.Context) (*RekeyReport, error)
}

// RekeyReport is what a master-key rotation (Rekey) did, table by table.
type RekeyReport struct {
	// PrimaryKey is the id of the key every value is now sealed with.
	PrimaryKey string
	Tables     []RekeyTable
}

// RekeyTable is what Rekey did in one table of sealed values.
type RekeyTable struct {
	Table string
	// Total is how many sealed values the table held when Rekey began;
	// Resealed were sealed again under the primary key; Current already
	// were; Skipped changed while Rekey ran (a concurrent password
	// rotation sealed them anew) or were gone.
	Total, Resealed, Current, Skipped int
}

// Done reports whether every value was found under the primary key or
// re-sealed: nothing changed while Rekey ran.
func (r *RekeyReport) Done() bool {
	for _, t := range r.Tables {
		if t.Skipped > 0 {
			return false
		}
	}
	return true
}
