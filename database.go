package dbplane

import (
	"context"
	"time"
)

// Status is a database's state.
type Status string

// Public statuses (document 003) and internal ones, shown to admins only.
const (
	StatusActive    Status = "active"
	StatusOverQuota Status = "over_quota"
	StatusDisabled  Status = "disabled"
	StatusCreating  Status = "creating"
	StatusDeleting  Status = "deleting"
	StatusFailed    Status = "failed"
	// StatusOrphaned marks a database whose host an operator retired
	// (RetireHost): the engine is gone, the row stays until it is
	// deleted, and it no longer counts against any quota.
	StatusOrphaned Status = "orphaned"
)

// Public maps an internal status to the public value a tenant sees:
// active, over_quota, disabled, or orphaned (its host was retired).
func (s Status) Public() Status {
	switch s {
	case StatusOverQuota, StatusDisabled, StatusOrphaned:
		return s
	}
	return StatusActive
}

// Database is one database plus its dedicated user on one host.
type Database struct {
	ID              string // ULID (management API)
	NumericID       int64  // application API
	AccountID       string
	ServerID        string // "" when not attached to a server
	HostID          string
	Engine          Engine
	Label           string // the friendly name the tenant chose
	DBName          string
	DBUser          string
	Remote          string // MariaDB host pattern; "%" elsewhere
	MaxConnections  int    // 0 = unlimited
	SealedPassword  []byte // AES-256-GCM under a master key id
	Status          Status
	SizeBytes       int64
	SizeRefreshedAt *time.Time
	// Why the database is restricted; Status follows these once the engine
	// has applied them (DesiredStatus).
	AdminDisabled      bool // an operator disabled it
	SuspensionDisabled bool // its account is suspended
	OverQuota          bool // its account's measured storage is over quota
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// DesiredStatus is the status the flags call for. Status catches up with it
// once the engine change is applied.
func (d *Database) DesiredStatus() Status {
	switch {
	case d.Status == StatusOrphaned:
		return StatusOrphaned // nothing to apply: the host is gone
	case d.AdminDisabled || d.SuspensionDisabled:
		return StatusDisabled
	case d.OverQuota:
		return StatusOverQuota
	}
	return StatusActive
}

// Credentials is a database with its password and connection string, as the
// create, reveal and rotate responses show it.
type Credentials struct {
	Database         *Database
	Host             *Host
	Password         Secret
	ConnectionString Secret
}

// CreateDatabaseInput is what the management API asks for.
type CreateDatabaseInput struct {
	AccountID string
	Label     string
	Engine    string // "" = mariadb
}

// DatabaseService is what the tenant surfaces need.
type DatabaseService interface {
	// ListDatabases returns the account's databases, oldest first.
	ListDatabases(ctx context.Context, accountID string) ([]*Database, error)
	// CreateDatabase returns CodeInvalid (label), ErrEngineDisabled,
	// ErrOutOfSlots, ErrOutOfStorage, ErrHostFull, ErrAccountSuspended,
	// ErrDuplicateLabel or ErrHostUnavailable.
	CreateDatabase(ctx context.Context, in CreateDatabaseInput) (*Credentials, error)
	// RevealDatabase decrypts the stored password. ErrDatabaseNotFound when
	// the database is not the account's.
	RevealDatabase(ctx context.Context, accountID, id string) (*Credentials, error)
	// RotatePassword sets a new password on the engine first; the old one is
	// refused when it returns.
	RotatePassword(ctx context.Context, accountID, id string) (*Credentials, error)
	// DeleteOwnDatabase drops one of the account's databases and its user on
	// the engine, then its row: the tenant's delete (the management API has
	// none). confirmLabel must be the database's label, typed by the tenant;
	// otherwise it returns a CodeInvalid error for the field "confirm" and
	// changes nothing. ErrDatabaseNotFound when the database is not the
	// account's; CodeUnavailable (store.ErrBusy) while another change to it
	// is in flight;
	// ErrHostUnavailable when the host cannot be reached, in which case the
	// database stays "deleting" and the drop is finished once the host
	// answers.
	DeleteOwnDatabase(ctx context.Context, accountID, id, confirmLabel string) error
	// Engines returns the engines a create can use now: not disabled by
	// the deployment and served by at least one enabled host.
	Engines(ctx context.Context) ([]Engine, error)
}
