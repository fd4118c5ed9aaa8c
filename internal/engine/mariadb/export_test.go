package mariadb

import (
	"database/sql"

	"github.com/dbplane/dbplane/internal/engine"
)

// Internals for the external tests: rendering is pure and golden-tested
// without a server, and translation is table-tested.

type (
	Stmt        = stmt
	EnsureState = ensureState
)

var (
	RenderVersion         = renderVersion
	RenderCheckPrivileges = renderCheckPrivileges
	RenderEnsureProbe     = renderEnsureProbe
	RenderEnsure          = renderEnsure
	RenderEnsureFresh     = renderEnsureFresh
	PoolSize              = poolSize
	RenderDrop            = renderDrop
	RenderSetPassword     = renderSetPassword
	RenderSetAccess       = renderSetAccess
	RenderSizes           = renderSizes
	TablespaceTable       = tablespaceTable
	SizesBatch            = sizesBatch
	DecodeFilename        = decodeFilename
	RenderKill            = renderKill
	PasswordHash          = passwordHash
	Translate             = translate
	MissingPrivileges     = missingPrivileges
	GranteeOf             = granteeOf

	TenantPrivileges   = tenantPrivileges
	ReadOnlyPrivileges = readOnlyPrivileges
	WritePrivileges    = writePrivileges
)

// Ops are the operation names translate decides by.
const (
	OpEnsure    = opEnsure
	OpDrop      = opDrop
	OpSetAccess = opSetAccess
	OpPing      = opPing
)

// RenderTableSizes is renderTableSizes on tables given as schema, name
// pairs.
func RenderTableSizes(tables ...[2]string) []stmt {
	refs := make([]tableRef, len(tables))
	for i, t := range tables {
		refs[i] = tableRef{schema: t[0], table: t[1]}
	}
	return renderTableSizes(refs)
}

// TableOf returns the schema and table of a tablespaceTable result.
func TableOf(t tableRef) (schema, table string) { return t.schema, t.table }

// MaxOpenConns is the size of c's admin pool now.
func MaxOpenConns(c engine.Conn) int { return c.(*conn).db.Stats().MaxOpenConnections }

// Stats are the statistics of c's admin pool.
func Stats(c engine.Conn) sql.DBStats { return c.(*conn).db.Stats() }
