package admin

import (
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// orphanReportJSON is what dbplane left on a retired host, for the
// operator to clean up by hand: the orphaned databases (still in dbplane
// until deleted), in the retire response only, the engine changes that
// were pending on the host and were abandoned, and the warm databases
// (PostgreSQL's warm pool) it holds.
type orphanReportJSON struct {
	Host      hostJSON        `json:"host"`
	Databases []orphanJSON    `json:"databases"`
	Abandoned []abandonedJSON `json:"abandoned"`
	Warm      []warmJSON      `json:"warm"`
}

// orphanJSON is one orphaned database: the names to look for on the host.
type orphanJSON struct {
	ID        string  `json:"id"`
	NumericID int64   `json:"numericId"`
	AccountID string  `json:"accountId"`
	ServerID  *string `json:"serverId"`
	Label     string  `json:"label"`
	DBName    string  `json:"dbName"`
	DBUser    string  `json:"dbUser"`
	SizeBytes int64   `json:"sizeBytes"`
}

// abandonedJSON is an engine change given up when the host was retired.
// A create (or the drop undoing one) that had claimed a warm database
// names it too: the database may be on the host under those names.
type abandonedJSON struct {
	Kind       string `json:"kind"`
	DatabaseID string `json:"databaseId"`
	DBName     string `json:"dbName"`
	DBUser     string `json:"dbUser"`
	WarmDBName string `json:"warmDbName,omitempty"`
	WarmDBUser string `json:"warmDbUser,omitempty"`
	CreatedAt  string `json:"createdAt"`
}

// warmJSON is a warm database on a retired host: an empty database and
// its role under placeholder names, made ahead of time and never dropped.
type warmJSON struct {
	DBName    string `json:"dbName"`
	DBUser    string `json:"dbUser"`
	State     string `json:"state"`
	CreatedAt string `json:"createdAt"`
}

func toOrphanReportJSON(rep *dbplane.OrphanReport) orphanReportJSON {
	out := orphanReportJSON{Host: toHostJSON(rep.Host), Databases: []orphanJSON{}, Abandoned: []abandonedJSON{}, Warm: []warmJSON{}}
	for _, d := range rep.Databases {
		o := orphanJSON{ID: d.ID, NumericID: d.NumericID, AccountID: d.AccountID, Label: d.Label, DBName: d.DBName, DBUser: d.DBUser, SizeBytes: d.SizeBytes}
		if d.ServerID != "" {
			id := d.ServerID
			o.ServerID = &id
		}
		out.Databases = append(out.Databases, o)
	}
	for _, in := range rep.Abandoned {
		out.Abandoned = append(out.Abandoned, abandonedJSON{
			Kind: string(in.Kind), DatabaseID: in.DatabaseID, DBName: in.DBName, DBUser: in.DBUser, WarmDBName: in.WarmDB, WarmDBUser: in.WarmUser,
			CreatedAt: response.Time(in.CreatedAt),
		})
	}
	for _, w := range rep.Warm {
		out.Warm = append(out.Warm, warmJSON{DBName: w.DBName, DBUser: w.DBUser, State: w.State, CreatedAt: response.Time(w.CreatedAt)})
	}
	return out
}

// handleHostRetire marks a dead host gone (it is not contacted): its
// databases become orphaned, its pending engine changes are abandoned, its
// warm pool is turned off, and the orphan report is returned. Retiring again returns the report.
func (h *handler) handleHostRetire(w http.ResponseWriter, r *http.Request) {
	rep, err := h.hosts.RetireHost(r.Context(), r.PathValue("id"))
	h.writeOrphans(w, r, rep, err)
}

// handleHostOrphans returns the orphan report of a host.
func (h *handler) handleHostOrphans(w http.ResponseWriter, r *http.Request) {
	rep, err := h.hosts.HostOrphans(r.Context(), r.PathValue("id"))
	h.writeOrphans(w, r, rep, err)
}

func (h *handler) writeOrphans(w http.ResponseWriter, r *http.Request, rep *dbplane.OrphanReport, err error) {
	if err == nil && (rep == nil || rep.Host == nil) {
		err = errNoResult
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeData(w, r, http.StatusOK, toOrphanReportJSON(rep))
}
