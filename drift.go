package dbplane

import (
	"context"
	"time"
)

// DriftKind names what a drift sweep found on a host that differs from
// dbplane's records.
type DriftKind string

// Drift kinds. The first four concern a database dbplane holds; the last
// two, names in dbplane's naming scheme that dbplane has no record of.
const (
	DriftMissingDatabase DriftKind = "missing_database" // the row's database is gone from the host
	DriftMissingUser     DriftKind = "missing_user"     // the row's user is gone from the host
	DriftPassword        DriftKind = "password_mismatch"
	DriftAccess          DriftKind = "access_mismatch" // grants, lock or read-only not as the status says
	DriftUnknownDatabase DriftKind = "unknown_database"
	DriftUnknownUser     DriftKind = "unknown_user"
)

// DriftKinds lists every kind, in the order above.
var DriftKinds = []DriftKind{
	DriftMissingDatabase, DriftMissingUser, DriftPassword, DriftAccess, DriftUnknownDatabase, DriftUnknownUser,
}

// Repairable reports whether a sweep repairs this kind itself: dbplane is
// the source of truth for its users' passwords, grants and access. A
// missing database is not recreated (its data is gone; an empty database
// in its place would hide that, and could collide with a restore), and
// unknown objects are never touched.
func (k DriftKind) Repairable() bool {
	return k == DriftMissingUser || k == DriftPassword || k == DriftAccess
}

// Repair states of a finding.
const (
	RepairNone    = "none"    // reported only: an operator decides
	RepairPending = "pending" // a repair intent is recorded, not yet applied
	RepairDone    = "repaired"
	RepairFailed  = "failed"
)

// DriftFinding is one difference a sweep found.
type DriftFinding struct {
	HostID string
	Kind   DriftKind
	// Object is the database or user name on the host.
	Object string
	// DatabaseID is the database the finding concerns; "" for unknown
	// objects.
	DatabaseID string
	// Repair is RepairNone, RepairPending, RepairDone or RepairFailed;
	// RepairError says why a repair failed (never a secret).
	Repair      string
	RepairError string
	FoundAt     time.Time
}

// DriftFilter narrows the list of findings. Empty fields match all.
type DriftFilter struct {
	HostID     string
	Kind       DriftKind
	DatabaseID string
	Page       Page
}

// HostDrift is what one sweep found on one host.
type HostDrift struct {
	HostID   string
	HostName string
	// Skipped says why the host was not swept ("" when it was): found down
	// earlier, unreachable now, or its engine keeps no catalog.
	Skipped  string
	Findings int
	Repaired int
	Took     time.Duration
}

// DriftReport is the outcome of one sweep.
type DriftReport struct {
	StartedAt time.Time
	Took      time.Duration
	Hosts     []HostDrift
	Findings  int
	Repaired  int
}

// DriftService finds and repairs drift between dbplane's records and its
// hosts (SPEC §6).
type DriftService interface {
	// SweepDrift sweeps every enabled host now and returns what it found
	// and repaired.
	SweepDrift(ctx context.Context) (*DriftReport, error)
	// DriftFindings returns a filtered page of the latest findings, by
	// host, and their total.
	DriftFindings(ctx context.Context, f DriftFilter) ([]*DriftFinding, int, error)
	// DatabaseDrift returns the kinds of the latest findings of each of
	// the databases ids names.
	DatabaseDrift(ctx context.Context, ids []string) (map[string][]DriftKind, error)
}

// InNamingScheme reports whether name is one dbplane gives a database
// (database true) or a user (database false) on a host: u{m|p|g}_{slug}_{n}
// and du{m|p|g}_{slug}_{n} for the management API's databases,
// s{server}_{name} and u{server}_{suffix} for the Pterodactyl ones
// (ManagedNames, ServerDatabaseNames).
func InNamingScheme(name string, database bool) bool {
	if database {
		return managedName(name, "u") || serverDatabaseName(name)
	}
	return managedName(name, "du") || serverUserName(name)
}

// managedName matches prefix + [mpg] + "_" + 1–10 of [a-z0-9] + "_" + digits.
func managedName(s, prefix string) bool {
	if len(s) < len(prefix)+5 || s[:len(prefix)] != prefix {
		return false
	}
	s = s[len(prefix):]
	if s[0] != 'm' && s[0] != 'p' && s[0] != 'g' || s[1] != '_' {
		return false
	}
	s = s[2:]
	i := 0
	for i < len(s) && i <= 10 && isLowerAlnum(s[i]) && s[i] != '_' {
		i++
	}
	if i == 0 || i > 10 || i >= len(s) || s[i] != '_' {
		return false
	}
	return allDigits(s[i+1:])
}

// serverDatabaseName matches "s" + digits + "_" + 1 or more of [A-Za-z0-9_-],
// at most 48 bytes in all.
func serverDatabaseName(s string) bool {
	if len(s) > 48 {
		return false
	}
	rest, ok := serverPrefix(s, 's')
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !isLowerAlnum(c) && !('A' <= c && c <= 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// serverUserName matches "u" + digits + "_" + 10 of [a-z0-9].
func serverUserName(s string) bool {
	rest, ok := serverPrefix(s, 'u')
	if !ok || len(rest) != 10 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !isLowerAlnum(rest[i]) {
			return false
		}
	}
	return true
}

// serverPrefix strips letter + digits + "_" from s.
func serverPrefix(s string, letter byte) (string, bool) {
	if len(s) < 3 || s[0] != letter {
		return "", false
	}
	i := 1
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(s) || s[i] != '_' {
		return "", false
	}
	return s[i+1:], true
}

func isLowerAlnum(c byte) bool { return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') }

func allDigits(s string) bool {
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
