package admin

import (
	"context"
	"net/http"
	"slices"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// driftJSON is one finding of the drift sweep. It never carries a
// password, hash or verifier: only names.
type driftJSON struct {
	HostID      string  `json:"hostId"`
	Kind        string  `json:"kind"`
	Object      string  `json:"object"`
	DatabaseID  *string `json:"databaseId"` // null for an object dbplane has no record of
	Repair      string  `json:"repair"`
	RepairError *string `json:"repairError"`
	FoundAt     string  `json:"foundAt"`
}

func toDriftJSON(f *dbplane.DriftFinding) driftJSON {
	out := driftJSON{HostID: f.HostID, Kind: string(f.Kind), Object: f.Object, Repair: f.Repair, FoundAt: response.Time(f.FoundAt)}
	if f.DatabaseID != "" {
		id := f.DatabaseID
		out.DatabaseID = &id
	}
	if f.RepairError != "" {
		e := f.RepairError
		out.RepairError = &e
	}
	return out
}

// driftFilter reads the list's query: hostId and databaseId take any form
// their paths take and must name something; kind must be a known kind.
func (h *handler) driftFilter(r *http.Request) (dbplane.DriftFilter, error) {
	var f dbplane.DriftFilter
	p, err := parsePage(r)
	if err != nil {
		return f, err
	}
	f.Page = p
	q := r.URL.Query()
	if k := q.Get("kind"); k != "" {
		if !slices.Contains(dbplane.DriftKinds, dbplane.DriftKind(k)) {
			return f, dbplane.FieldErrorf("kind", "The kind must be one of missing_database, missing_user, password_mismatch, access_mismatch, unknown_database or unknown_user.")
		}
		f.Kind = dbplane.DriftKind(k)
	}
	if ref := q.Get("hostId"); ref != "" {
		if f.HostID, err = h.filterHost(r, ref); err != nil {
			return f, err
		}
	}
	if ref := q.Get("databaseId"); ref != "" {
		d, err := h.databases.Database(r.Context(), ref)
		if err := filterRef(err, "databaseId", "No database with that id."); err != nil {
			return f, err
		}
		if d == nil {
			return f, errNoResult
		}
		f.DatabaseID = d.ID
	}
	return f, nil
}

// handleDriftList lists one page of the latest drift findings.
func (h *handler) handleDriftList(w http.ResponseWriter, r *http.Request) {
	if h.drift == nil {
		h.writeError(w, r, errRouteNotFound)
		return
	}
	f, err := h.driftFilter(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	list, total, err := h.drift.DriftFindings(r.Context(), f)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]driftJSON, 0, len(list))
	for _, d := range list {
		out = append(out, toDriftJSON(d))
	}
	h.writeList(w, r, out, f.Page, total)
}

// driftReportJSON is one sweep.
type driftReportJSON struct {
	StartedAt string          `json:"startedAt"`
	TookMs    int64           `json:"tookMs"`
	Findings  int             `json:"findings"`
	Repaired  int             `json:"repaired"`
	Hosts     []hostDriftJSON `json:"hosts"`
}

type hostDriftJSON struct {
	HostID   string  `json:"hostId"`
	HostName string  `json:"hostName"`
	Skipped  *string `json:"skipped"` // null when the host was swept
	Findings int     `json:"findings"`
	Repaired int     `json:"repaired"`
	TookMs   int64   `json:"tookMs"`
}

// handleDriftSweep sweeps every host now and answers when it is done. A
// host that cannot be read is reported in the sweep, not as an error.
func (h *handler) handleDriftSweep(w http.ResponseWriter, r *http.Request) {
	if h.drift == nil {
		h.writeError(w, r, errRouteNotFound)
		return
	}
	rep, err := h.drift.SweepDrift(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := driftReportJSON{
		StartedAt: response.Time(rep.StartedAt), TookMs: rep.Took.Milliseconds(),
		Findings: rep.Findings, Repaired: rep.Repaired, Hosts: make([]hostDriftJSON, 0, len(rep.Hosts)),
	}
	for _, hd := range rep.Hosts {
		j := hostDriftJSON{HostID: hd.HostID, HostName: hd.HostName, Findings: hd.Findings, Repaired: hd.Repaired, TookMs: hd.Took.Milliseconds()}
		if hd.Skipped != "" {
			s := hd.Skipped
			j.Skipped = &s
		}
		out.Hosts = append(out.Hosts, j)
	}
	h.writeData(w, r, http.StatusOK, out)
}

// withDrift fills the drift field of each database: the kinds of the
// latest sweep's findings not repaired. A store error leaves it empty
// and is logged: the databases themselves are still shown.
func (h *handler) withDrift(ctx context.Context, out []databaseJSON) {
	for i := range out {
		out[i].Drift = []string{}
	}
	if h.drift == nil || len(out) == 0 {
		return
	}
	ids := make([]string, len(out))
	for i, d := range out {
		ids[i] = d.ID
	}
	kinds, err := h.drift.DatabaseDrift(ctx, ids)
	if err != nil {
		h.logger.Warn("admin: read drift findings", "err", err)
		return
	}
	for i := range out {
		for _, k := range kinds[out[i].ID] {
			out[i].Drift = append(out[i].Drift, string(k))
		}
	}
}
