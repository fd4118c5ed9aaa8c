package mariadb

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
	RenderDrop            = renderDrop
	RenderSetPassword     = renderSetPassword
	RenderSetAccess       = renderSetAccess
	RenderSizes           = renderSizes
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
