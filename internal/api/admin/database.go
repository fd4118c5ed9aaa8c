package admin

import (
	"net/http"
	"slices"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// statuses are the values of ?status=, the internal ones included: admins
// see creating, deleting and failed as they are.
var statuses = []dbplane.Status{
	dbplane.StatusActive, dbplane.StatusOverQuota, dbplane.StatusDisabled,
	dbplane.StatusCreating, dbplane.StatusDeleting, dbplane.StatusFailed, dbplane.StatusOrphaned,
}

// databaseJSON is the operator's view of a database. It never carries the
// password, sealed or not.
type databaseJSON struct {
	ID                 string  `json:"id"`
	NumericID          int64   `json:"numericId"`
	AccountID          string  `json:"accountId"`
	ServerID           *string `json:"serverId"` // null when not a server's
	HostID             string  `json:"hostId"`
	Engine             string  `json:"engine"`
	Name               string  `json:"name"` // the label the tenant chose
	DBName             string  `json:"dbName"`
	DBUser             string  `json:"dbUser"`
	Remote             string  `json:"remote"`
	MaxConnections     int     `json:"maxConnections"` // 0 = unlimited
	Status             string  `json:"status"`
	DesiredStatus      string  `json:"desiredStatus"`
	AdminDisabled      bool    `json:"adminDisabled"`
	SuspensionDisabled bool    `json:"suspensionDisabled"`
	OverQuota          bool    `json:"overQuota"`
	SizeBytes          int64   `json:"sizeBytes"`
	SizeRefreshedAt    *string `json:"sizeRefreshedAt"`
	CreatedAt          string  `json:"createdAt"`
	UpdatedAt          string  `json:"updatedAt"`
	// Drift lists the kinds of the latest drift sweep's findings on the
	// database that are not repaired; empty when none.
	Drift []string `json:"drift"`
}

func toDatabaseJSON(d *dbplane.Database) databaseJSON {
	out := databaseJSON{
		ID:                 d.ID,
		NumericID:          d.NumericID,
		AccountID:          d.AccountID,
		HostID:             d.HostID,
		Engine:             string(d.Engine),
		Name:               d.Label,
		DBName:             d.DBName,
		DBUser:             d.DBUser,
		Remote:             d.Remote,
		MaxConnections:     d.MaxConnections,
		Status:             string(d.Status),
		DesiredStatus:      string(d.DesiredStatus()),
		AdminDisabled:      d.AdminDisabled,
		SuspensionDisabled: d.SuspensionDisabled,
		OverQuota:          d.OverQuota,
		SizeBytes:          d.SizeBytes,
		SizeRefreshedAt:    response.TimePtr(d.SizeRefreshedAt),
		CreatedAt:          response.Time(d.CreatedAt),
		UpdatedAt:          response.Time(d.UpdatedAt),
	}
	if d.ServerID != "" {
		id := d.ServerID
		out.ServerID = &id
	}
	return out
}

// databaseFilter reads the list's query. hostId and serverId take any
// form the paths take (UUID, numeric id, identifier) and are resolved to
// the UUID here; one that matches nothing is a 422 naming it, not an
// empty page.
func (h *handler) databaseFilter(r *http.Request) (dbplane.DatabaseFilter, error) {
	var f dbplane.DatabaseFilter
	p, err := parsePage(r)
	if err != nil {
		return f, err
	}
	f.Page = p
	q := r.URL.Query()
	f.AccountID = q.Get("accountId")
	if s := q.Get("status"); s != "" {
		if !slices.Contains(statuses, dbplane.Status(s)) {
			return f, dbplane.FieldErrorf("status", "The status must be one of active, over_quota, disabled, creating, deleting, failed or orphaned.")
		}
		f.Status = dbplane.Status(s)
	}
	if ref := q.Get("hostId"); ref != "" {
		if f.HostID, err = h.filterHost(r, ref); err != nil {
			return f, err
		}
	}
	if ref := q.Get("serverId"); ref != "" {
		srv, err := h.servers.Server(r.Context(), ref)
		if err := filterRef(err, "serverId", "No server with that id."); err != nil {
			return f, err
		}
		if srv == nil {
			return f, errNoResult
		}
		f.ServerID = srv.ID
	}
	return f, nil
}

// filterHost resolves the hostId filter: a host that does not exist is a
// 422 on the field, and a host the store no longer returns matches nothing.
func (h *handler) filterHost(r *http.Request, ref string) (string, error) {
	host, err := h.hosts.Host(r.Context(), ref)
	if err := filterRef(err, "hostId", "No host with that id."); err != nil {
		return "", err
	}
	if host == nil {
		return "", errNoResult
	}
	return host.ID, nil
}

// filterRef turns a not-found of a filter's reference into a 422 on the
// query field.
func filterRef(err error, field, msg string) error {
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return dbplane.FieldErrorf(field, "%s", msg)
	}
	return err
}

// handleDatabaseList lists one page of every database, filtered.
func (h *handler) handleDatabaseList(w http.ResponseWriter, r *http.Request) {
	f, err := h.databaseFilter(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	dbs, total, err := h.databases.ListAllDatabases(r.Context(), f)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]databaseJSON, 0, len(dbs))
	for _, d := range dbs {
		out = append(out, toDatabaseJSON(d))
	}
	h.withDrift(r.Context(), out)
	h.writeList(w, r, out, f.Page, total)
}

// handleDatabaseGet returns any database by ULID or numeric id.
func (h *handler) handleDatabaseGet(w http.ResponseWriter, r *http.Request) {
	d, err := h.databases.Database(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeDatabase(w, r, d)
}

// handleDatabaseDisable refuses the database's logins on the engine and
// ends its sessions.
func (h *handler) handleDatabaseDisable(w http.ResponseWriter, r *http.Request) {
	h.setDatabaseDisabled(w, r, true)
}

// handleDatabaseEnable lifts an operator's disable. A database that is
// also disabled by its account's suspension, or over quota, stays so.
func (h *handler) handleDatabaseEnable(w http.ResponseWriter, r *http.Request) {
	h.setDatabaseDisabled(w, r, false)
}

func (h *handler) setDatabaseDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	d, err := h.databases.SetDatabaseDisabled(r.Context(), r.PathValue("id"), disabled)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeDatabase(w, r, d)
}

// handleDatabaseDelete drops the database and its user on the engine,
// then the row.
func (h *handler) handleDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	if err := h.databases.DeleteDatabase(r.Context(), r.PathValue("id")); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

func (h *handler) writeDatabase(w http.ResponseWriter, r *http.Request, d *dbplane.Database) {
	if d == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	out := []databaseJSON{toDatabaseJSON(d)}
	h.withDrift(r.Context(), out)
	h.writeData(w, r, http.StatusOK, out[0])
}

// quotaReportJSON is one quota pass.
type quotaReportJSON struct {
	StartedAt string            `json:"startedAt"`
	TookMs    int64             `json:"tookMs"`
	Hosts     []hostMeasureJSON `json:"hosts"`
	Changed   []statusJSON      `json:"changed"`
}

type hostMeasureJSON struct {
	HostID    string  `json:"hostId"`
	HostName  string  `json:"hostName"`
	Databases int     `json:"databases"`
	Error     *string `json:"error"` // null when the host was measured
	TookMs    int64   `json:"tookMs"`
}

type statusJSON struct {
	DatabaseID string `json:"databaseId"`
	AccountID  string `json:"accountId"`
	From       string `json:"from"`
	To         string `json:"to"`
}

func toQuotaReportJSON(rep *dbplane.QuotaReport) quotaReportJSON {
	out := quotaReportJSON{
		StartedAt: response.Time(rep.StartedAt),
		TookMs:    rep.Took.Milliseconds(),
		Hosts:     make([]hostMeasureJSON, 0, len(rep.Hosts)),
		Changed:   make([]statusJSON, 0, len(rep.Changed)),
	}
	for _, m := range rep.Hosts {
		hm := hostMeasureJSON{HostID: m.HostID, HostName: m.HostName, Databases: m.Databases, TookMs: m.Took.Milliseconds()}
		if m.Error != "" {
			e := m.Error
			hm.Error = &e
		}
		out.Hosts = append(out.Hosts, hm)
	}
	for _, c := range rep.Changed {
		out.Changed = append(out.Changed, statusJSON{DatabaseID: c.DatabaseID, AccountID: c.AccountID, From: string(c.From), To: string(c.To)})
	}
	return out
}

// handleQuotaRefresh runs one pass of the quota watcher and answers when
// it is done. A host that cannot be measured is reported in the pass, not
// as an error of the request.
func (h *handler) handleQuotaRefresh(w http.ResponseWriter, r *http.Request) {
	rep, err := h.databases.RefreshQuota(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if rep == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, http.StatusOK, toQuotaReportJSON(rep))
}
