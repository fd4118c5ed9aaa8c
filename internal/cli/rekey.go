package cli

import (
	"context"
	"flag"
	"fmt"
)

const rekeyUsage = `Usage: dbplane rekey [flags]

Seal every stored secret (databases' and hosts' passwords, pending
rotations, the master key canary) again under the primary master key: the
first key of the key file (--master-key-file, or DBPLANE_MASTER_KEY).
Afterwards the older keys can be removed from the key file and the server
still starts. It works while serve runs, on SQLite and on a PostgreSQL
store, in batches each its own transaction; run it again after a crash or
an interruption to finish. Progress goes to standard error, per table.
`

// runRekey re-seals the store's secrets under the primary master key
// (control's Rekey), printing its progress and a summary on stderr.
func runRekey(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("rekey", flag.ContinueOnError)
	cfg, rest, err := loadLocal(fs, e, args, rekeyUsage, storeFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	svc, sealer, closeStore, err := openExisting(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	fmt.Fprintf(e.stderr, "re-sealing the stored secrets under the master key %q\n", sealer.PrimaryID())
	rep, err := svc.RekeyProgress(ctx, func(table string, done, total int) {
		fmt.Fprintf(e.stderr, "%s: %d/%d\n", table, done, total)
	})
	if rep == nil {
		return err
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(e.stderr, "%s: %d re-sealed, %d already under %q, %d changed meanwhile (of %d)\n",
			t.Table, t.Resealed, t.Current, rep.PrimaryKey, t.Skipped, t.Total)
	}
	if err != nil {
		return fmt.Errorf("rekey stopped: %w; run it again to finish", err)
	}
	if !rep.Done() {
		fmt.Fprintf(e.stderr, "some values changed while rekey ran; run it again to check them (a serve still sealing under an older primary key must be restarted with the new key file first)\n")
		return nil
	}
	fmt.Fprintf(e.stderr, "done: every stored secret is sealed under %q; the older keys can be removed from the key file\n", rep.PrimaryKey)
	return nil
}
