package dbapi

import (
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// databaseJSON is one entry of the list (document 003, "Database summary").
// It carries no secret.
type databaseJSON struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Engine          string  `json:"engine"`
	DBName          string  `json:"dbName"`
	DBUser          string  `json:"dbUser"`
	SizeBytes       int64   `json:"sizeBytes"`
	SizeRefreshedAt *string `json:"sizeRefreshedAt"` // null if never measured
	Status          string  `json:"status"`
	CreatedAt       string  `json:"createdAt"`
}

// credentialsJSON is the create and rotate response: the only shapes, with
// revealJSON, that carry a password.
type credentialsJSON struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Engine           string `json:"engine"`
	DBName           string `json:"dbName"`
	DBUser           string `json:"dbUser"`
	Password         string `json:"password"`
	ConnectionString string `json:"connectionString"`
}

// revealJSON is the create shape plus the list's size and status fields.
type revealJSON struct {
	credentialsJSON
	SizeBytes       int64   `json:"sizeBytes"`
	SizeRefreshedAt *string `json:"sizeRefreshedAt"`
	Status          string  `json:"status"`
	CreatedAt       string  `json:"createdAt"`
}

type databaseListJSON struct {
	Databases []databaseJSON `json:"databases"`
}

type createDatabaseRequest struct {
	Name   string `json:"name"`
	Engine string `json:"engine"`
}

type okBody struct {
	OK   bool `json:"ok"`
	Data any  `json:"data"`
}

func toDatabaseJSON(d *dbplane.Database) databaseJSON {
	return databaseJSON{
		ID:              d.ID,
		Name:            d.Label,
		Engine:          string(d.Engine),
		DBName:          d.DBName,
		DBUser:          d.DBUser,
		SizeBytes:       d.SizeBytes,
		SizeRefreshedAt: response.TimePtr(d.SizeRefreshedAt),
		Status:          string(d.Status.Public()),
		CreatedAt:       response.Time(d.CreatedAt),
	}
}

func toCredentialsJSON(c *dbplane.Credentials) credentialsJSON {
	d := c.Database
	return credentialsJSON{
		ID:               d.ID,
		Name:             d.Label,
		Engine:           string(d.Engine),
		DBName:           d.DBName,
		DBUser:           d.DBUser,
		Password:         string(c.Password),
		ConnectionString: string(c.ConnectionString),
	}
}

func toRevealJSON(c *dbplane.Credentials) revealJSON {
	s := toDatabaseJSON(c.Database)
	return revealJSON{
		credentialsJSON: toCredentialsJSON(c),
		SizeBytes:       s.SizeBytes,
		SizeRefreshedAt: s.SizeRefreshedAt,
		Status:          s.Status,
		CreatedAt:       s.CreatedAt,
	}
}

// handleDatabaseList lists the account's databases, oldest first, with no
// secrets.
func (h *handler) handleDatabaseList(w http.ResponseWriter, r *http.Request) {
	p := dbplane.PrincipalFrom(r.Context())
	dbs, err := h.databases.ListDatabases(r.Context(), p.Account.ID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	buf := response.GetBuffer()
	defer response.PutBuffer(buf)
	buf.Grow(64 + 320*len(dbs))
	body := appendListJSON(buf.AvailableBuffer(), dbs)
	if err := response.RawJSON(w, http.StatusOK, body); err != nil {
		response.LogWrite(h.logger, r, "write response", err)
	}
}

// handleDatabaseCreate provisions a database and returns its password and
// connection string.
func (h *handler) handleDatabaseCreate(w http.ResponseWriter, r *http.Request) {
	var in createDatabaseRequest
	if err := request.DecodeObject(w, r, &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	p := dbplane.PrincipalFrom(r.Context())
	creds, err := credentials(h.databases.CreateDatabase(r.Context(), dbplane.CreateDatabaseInput{
		AccountID: p.Account.ID,
		Label:     in.Name,
		Engine:    in.Engine,
	}))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, creds.Database.ID)
	h.writeOK(w, r, http.StatusCreated, toCredentialsJSON(creds))
}

// handleDatabaseReveal returns one database with its current password. It
// decrypts; it does not reset. Another account's id is 404.
func (h *handler) handleDatabaseReveal(w http.ResponseWriter, r *http.Request) {
	p := dbplane.PrincipalFrom(r.Context())
	creds, err := credentials(h.databases.RevealDatabase(r.Context(), p.Account.ID, r.PathValue("id")))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	buf := response.GetBuffer()
	defer response.PutBuffer(buf)
	buf.Grow(512)
	if err := response.RawJSON(w, http.StatusOK, appendRevealJSON(buf.AvailableBuffer(), creds)); err != nil {
		response.LogWrite(h.logger, r, "write response", err)
	}
}

// handleDatabaseRotate sets a new password on the engine and returns it;
// the old one is refused once this returns. No request body.
func (h *handler) handleDatabaseRotate(w http.ResponseWriter, r *http.Request) {
	p := dbplane.PrincipalFrom(r.Context())
	creds, err := credentials(h.databases.RotatePassword(r.Context(), p.Account.ID, r.PathValue("id")))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeOK(w, r, http.StatusOK, toCredentialsJSON(creds))
}

// credentials passes on what a service call returned, making credentials
// without a database, or none at all, an internal error.
func credentials(c *dbplane.Credentials, err error) (*dbplane.Credentials, error) {
	if err != nil {
		return nil, err
	}
	if c == nil || c.Database == nil {
		return nil, errNoCredentials
	}
	return c, nil
}

// writeOK writes data in the success envelope.
func (h *handler) writeOK(w http.ResponseWriter, r *http.Request, status int, data any) {
	if err := response.JSON(w, status, okBody{OK: true, Data: data}); err != nil {
		response.LogWrite(h.logger, r, "write response", err)
	}
}
