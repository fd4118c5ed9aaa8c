package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
)

// driftGroup is "dbplane drift": the drift sweep's findings and a sweep
// now, over /api/admin/drift.
var driftGroup = &group{
	name: "drift",
	about: "Drift between dbplane's records and its hosts: databases or users gone, passwords or grants changed\n" +
		"behind dbplane's back, unknown names in its naming scheme (admin key with server_databases:read;\n" +
		"sweep needs :write, since it repairs what dbplane owns).",
	subs: []sub{
		{name: "list", summary: "list the latest sweep's findings, filtered", setup: driftList,
			example: "dbplane drift list --kind password_mismatch --host 1"},
		{name: "sweep", summary: "sweep every host now, repair what dbplane owns, and print what was found", setup: driftSweep},
	},
}

// driftView is the admin API's drift finding.
type driftView struct {
	HostID      string  `json:"hostId"`
	Kind        string  `json:"kind"`
	Object      string  `json:"object"`
	DatabaseID  *string `json:"databaseId"`
	Repair      string  `json:"repair"`
	RepairError *string `json:"repairError"`
	FoundAt     string  `json:"foundAt"`
}

func driftList(fs *flag.FlagSet) runFunc {
	host := fs.String("host", "", "only this `host`'s findings (UUID or numeric id)")
	kind := fs.String("kind", "", "only findings of this `kind`: missing_database, missing_user, password_mismatch, access_mismatch, unknown_database or unknown_user")
	database := fs.String("database", "", "only this `database`'s findings (ULID or numeric id)")
	pf := registerPage(fs)
	return func(ctx context.Context, c *call) error {
		q := url.Values{}
		for k, v := range map[string]string{"hostId": *host, "kind": *kind, "databaseId": *database} {
			if v != "" {
				q.Set(k, v)
			}
		}
		header := []string{"HOST", "KIND", "OBJECT", "DATABASE", "REPAIR", "FOUND"}
		return pagesAndList(ctx, c, "/api/admin/drift", q, *pf, header, func(d driftView) []string {
			db := "-"
			if d.DatabaseID != nil {
				db = *d.DatabaseID
			}
			repair := d.Repair
			if d.RepairError != nil {
				repair += ": " + *d.RepairError
			}
			return []string{d.HostID, d.Kind, d.Object, db, repair, shortTimeOf(d.FoundAt)}
		})
	}
}

// driftReportView is the admin API's sweep report.
type driftReportView struct {
	StartedAt string `json:"startedAt"`
	TookMs    int64  `json:"tookMs"`
	Findings  int    `json:"findings"`
	Repaired  int    `json:"repaired"`
	Hosts     []struct {
		HostID   string  `json:"hostId"`
		HostName string  `json:"hostName"`
		Skipped  *string `json:"skipped"`
		Findings int     `json:"findings"`
		Repaired int     `json:"repaired"`
		TookMs   int64   `json:"tookMs"`
	} `json:"hosts"`
}

func driftSweep(*flag.FlagSet) runFunc {
	return func(ctx context.Context, c *call) error {
		var rep driftReportView
		data, err := c.api.send(ctx, http.MethodPost, "/api/admin/drift/sweep", nil, &rep)
		if err != nil {
			return err
		}
		if c.json {
			return c.writeJSON(data)
		}
		rows := make([][]string, 0, len(rep.Hosts))
		skipped := 0
		for _, h := range rep.Hosts {
			result := "swept"
			if h.Skipped != nil {
				result, skipped = "skipped: "+*h.Skipped, skipped+1
			}
			rows = append(rows, []string{h.HostName, h.HostID, fmt.Sprint(h.Findings), fmt.Sprint(h.Repaired), fmt.Sprintf("%dms", h.TookMs), result})
		}
		table(c.stdout, []string{"HOST", "ID", "FINDINGS", "REPAIRED", "TOOK", "RESULT"}, rows)
		fmt.Fprintf(c.stdout, "%d finding(s), %d repaired, %d host(s) skipped; 'dbplane drift list' shows them.\n", rep.Findings, rep.Repaired, skipped)
		if skipped > 0 {
			return fmt.Errorf("%d of %d host(s) could not be swept", skipped, len(rep.Hosts))
		}
		return nil
	}
}
