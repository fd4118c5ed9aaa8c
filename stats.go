package dbplane

import "time"

// Stats are the figures of a deployment that metrics and the operator's
// overview show, read in one go from the store.
type Stats struct {
	// Databases counts rows by engine and status (internal states too).
	Databases map[Engine]map[Status]int
	// Hosts counts hosts by enabled state.
	HostsEnabled, HostsDisabled int
	// IntentsPending counts engine changes not settled yet; OldestIntent
	// is when the oldest of them was recorded (zero when there is none).
	IntentsPending int
	OldestIntent   time.Time
	// Keys counts API keys by kind and whether they can be used now
	// (enabled and not expired).
	KeysActive, KeysInactive map[KeyKind]int
	// Sessions counts live dashboard sessions.
	Sessions int
	// HostsDown counts the enabled hosts this replica last found down.
	HostsDown int
	// DriftFindings counts the latest drift sweep's findings that are not
	// repaired, by kind.
	DriftFindings map[DriftKind]int
	// WriteTransactions and WriteCommits count the metadata store's write
	// transactions this replica committed since it started, and the
	// commits they took: with SQLite, concurrent writes share commits.
	WriteTransactions, WriteCommits int64
}

// DriftOutstanding is the number of drift findings not repaired.
func (s *Stats) DriftOutstanding() int {
	n := 0
	for _, c := range s.DriftFindings {
		n += c
	}
	return n
}
