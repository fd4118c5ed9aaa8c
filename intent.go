package dbplane

import "time"

// IntentKind names an engine change that is recorded before it runs.
type IntentKind string

// Intent kinds. Each is idempotent, so the reconciler can run it again.
const (
	IntentCreate IntentKind = "create" // ensure database + user with the stored password
	IntentDrop   IntentKind = "drop"   // drop database + user, then the row
	IntentRotate IntentKind = "rotate" // set SealedPassword on the engine, then store it
	IntentAccess IntentKind = "access" // make the engine's access match DesiredStatus, then store it
	IntentRepair IntentKind = "repair" // drift: ensure user, password and grants from the row, then its status's access
)

// Intent is an engine change in flight. It is written in the same
// transaction as the row it changes, before the engine is touched, and
// deleted once the engine and the row agree. At most one intent exists per
// database at a time. Whatever intents remain at
// start-up are finished by the reconciler.
type Intent struct {
	ID         string // ULID
	Kind       IntentKind
	DatabaseID string
	// The names are copied from the database row so that a drop intent
	// outlives the row it undoes.
	HostID string
	DBName string
	DBUser string
	Remote string
	// WarmDB and WarmUser are the placeholder names of the warm database
	// a create claimed (store.InsertDatabase): the engine step renames
	// them to DBName and DBUser. "" for a create without a claim.
	WarmDB         string
	WarmUser       string
	SealedPassword []byte // for rotate: the new password
	Attempts       int
	LastError      string
	CreatedAt      time.Time
	// Token fences the intent: it changes with every claim, and a change
	// of the intent made with an older token is refused, so a worker that
	// lost the intent to another stops.
	Token int64
	// LeasedAt is when the holder took the intent: at its creation or at
	// the last claim; the Unix epoch once a failed attempt gave it back.
	LeasedAt time.Time
}
