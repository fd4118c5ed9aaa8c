package admin

import (
	"net/http"

	"github.com/dbplane/dbplane"
)

type rekeyReportJSON struct {
	PrimaryKey string           `json:"primaryKey"`
	Done       bool             `json:"done"`
	Tables     []rekeyTableJSON `json:"tables"`
}

type rekeyTableJSON struct {
	Table    string `json:"table"`
	Total    int    `json:"total"`
	Resealed int    `json:"resealed"`
	Current  int    `json:"current"`
	Skipped  int    `json:"skipped"`
}

func toRekeyReportJSON(rep *dbplane.RekeyReport) rekeyReportJSON {
	out := rekeyReportJSON{PrimaryKey: rep.PrimaryKey, Done: rep.Done(), Tables: make([]rekeyTableJSON, 0, len(rep.Tables))}
	for _, t := range rep.Tables {
		out.Tables = append(out.Tables, rekeyTableJSON{Table: t.Table, Total: t.Total, Resealed: t.Resealed, Current: t.Current, Skipped: t.Skipped})
	}
	return out
}

// handleRekey seals every stored secret again under the server's primary
// master key and answers with what it did, when it is done.
func (h *handler) handleRekey(w http.ResponseWriter, r *http.Request) {
	rep, err := h.databases.Rekey(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if rep == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, http.StatusOK, toRekeyReportJSON(rep))
}
