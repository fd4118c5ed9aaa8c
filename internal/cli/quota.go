package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

const quotaUsage = `Usage: dbplane quota refresh [flags]

  refresh   measure every enabled host once (one query per host), store the
            sizes, move accounts over their storage quota to over_quota and
            back, and print what was measured and what changed

The exit status is 1 when a host could not be measured; the others are
measured and their changes applied all the same.
`

// runQuota runs the quota watcher's subcommands: today only "refresh".
func runQuota(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		io.WriteString(e.stderr, quotaUsage)
		return usagef("missing subcommand: try 'dbplane quota refresh'")
	}
	switch args[0] {
	case "refresh":
		return runQuotaRefresh(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		io.WriteString(e.stderr, quotaUsage)
		return flag.ErrHelp
	}
	io.WriteString(e.stderr, quotaUsage)
	return usagef(fmt.Sprintf("unknown subcommand %q", args[0]))
}

// runQuotaRefresh runs one pass of the quota watcher against the store and
// the hosts of the configuration, as serve does on its interval.
func runQuotaRefresh(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("quota refresh", flag.ContinueOnError)
	cfg, rest, err := loadLocal(fs, e, args, quotaUsage, engineFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	logger := newLogger(e.stderr, cfg.LogLevel, cfg.LogFormat)
	svc, err := openService(ctx, cfg, logger, e.stderr, observers{})
	if err != nil {
		return err
	}
	defer svc.Close()
	// Replicas sharing a PostgreSQL store: the pass runs only while no
	// serve leads, since the leader runs the watcher itself (and its
	// writes are fenced on its epoch). Alone on SQLite it always runs.
	var rep *dbplane.QuotaReport
	err = svc.store.Lead(ctx, store.LeadOptions{ID: "quota-refresh-" + replicaID(), Once: true}, func(ctx context.Context) error {
		var err error
		rep, err = svc.RefreshQuota(ctx)
		return err
	})
	if errors.Is(err, store.ErrLeaderElsewhere) {
		return errors.New("a serve replica is the leader and runs the quota watcher itself (every --quota-interval); " +
			"this command runs a pass only while no replica leads")
	}
	if err != nil {
		return fmt.Errorf("quota pass: %w", err)
	}
	writeQuotaReport(e.stdout, rep)
	if n := skippedHosts(rep); n > 0 {
		return fmt.Errorf("%d of %d host(s) could not be measured", n, len(rep.Hosts))
	}
	return nil
}

func skippedHosts(rep *dbplane.QuotaReport) int {
	n := 0
	for _, h := range rep.Hosts {
		if h.Error != "" {
			n++
		}
	}
	return n
}

// writeQuotaReport prints a pass as two tables: the hosts, measured or
// skipped, and the databases whose status changed.
func writeQuotaReport(w io.Writer, rep *dbplane.QuotaReport) {
	fmt.Fprintf(w, "Quota pass started %s, took %s.\n\n",
		rep.StartedAt.UTC().Format(time.RFC3339), rep.Took.Round(time.Millisecond))
	if len(rep.Hosts) == 0 {
		fmt.Fprintln(w, "No enabled hosts to measure.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "HOST\tID\tDATABASES\tTOOK\tRESULT")
		for _, h := range rep.Hosts {
			result, count := "measured", fmt.Sprint(h.Databases)
			if h.Error != "" {
				result, count = "skipped: "+h.Error, "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.HostName, h.HostID, count, h.Took.Round(time.Millisecond), result)
		}
		tw.Flush()
		fmt.Fprintf(w, "%d measured, %d skipped.\n", len(rep.Hosts)-skippedHosts(rep), skippedHosts(rep))
	}
	fmt.Fprintln(w)
	if len(rep.Changed) == 0 {
		fmt.Fprintln(w, "No status changes.")
		return
	}
	fmt.Fprintf(w, "%d status change(s):\n", len(rep.Changed))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATABASE\tACCOUNT\tFROM\tTO")
	for _, c := range rep.Changed {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.DatabaseID, c.AccountID, c.From, c.To)
	}
	tw.Flush()
}
