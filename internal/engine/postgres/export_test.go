package postgres

import "io"

// Internals for the external test package: the pure rendering and hashing
// functions, which golden and known-answer tests pin without a server.

type (
	Stmt  = stmt
	State = state
)

var (
	RenderEnsure      = renderEnsure
	RenderDrop        = renderDrop
	RenderSetPassword = renderSetPassword
	RenderSetAccess   = renderSetAccess
	ScramVerifier     = scramVerifier
	ScramVerifierSalt = scramVerifierWithSalt
	Translate         = translate
	Transient         = transient
	LockKey           = lockKey
	CheckStored       = checkStored
	WallRoles         = wallRoles
)

// Fixed queries, for the golden file that shows them.
const (
	InspectQuery    = inspectQuery
	LockQuery       = lockQuery
	UnlockQuery     = unlockQuery
	VersionQuery    = versionQuery
	PrivilegesQuery = privilegesQuery
	SizesQuery      = sizesQuery
)

// SetRand replaces the salt source of a Conn opened by Driver.Open.
func SetRand(c any, r io.Reader) { c.(*conn).rand = r }
