package postgres

import (
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Internals for the external test package: the pure rendering and hashing
// functions, which golden and known-answer tests pin without a server.

type (
	Stmt  = stmt
	State = state
)

var (
	RenderEnsure      = renderEnsure
	RenderClaim       = renderClaim
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

// PoolStat is the statistics of c's pool; made is false (and the Stat
// nil) before the pool is made.
func PoolStat(c any) (stat *pgxpool.Stat, made bool) {
	p := c.(*conn).p.Load()
	if p == nil {
		return nil, false
	}
	return p.Stat(), true
}

// PoolSize is the pool a server with max_connections n gets.
func PoolSize(n int) int32 { return poolSize(n) }

// SetAfterStatement sets the hook apply runs after each statement that
// succeeded, until the test ends.
func SetAfterStatement(tb interface{ Cleanup(func()) }, f func(pc *pgxpool.Conn, i int)) {
	afterStatement = f
	tb.Cleanup(func() { afterStatement = nil })
}
