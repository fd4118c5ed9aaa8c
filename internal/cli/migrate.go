package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/dbplane/dbplane/internal/store"
)

const migrateUsage = `Usage: dbplane migrate [flags]

Bring the metadata store (the SQLite file of the data dir, or --store) to
this binary's schema, then exit. serve does the same on start unless
--no-migrate; with replicas on a PostgreSQL store, run this before rolling
out a new version. Refused while serve runs on the SQLite data dir.
`

// runMigrate brings the metadata store to this binary's schema and exits,
// for operators who upgrade the schema before rolling out replicas (serve
// also migrates on start, unless --no-migrate). A SQLite store is not
// migrated under a running serve: that serve is an older binary.
func runMigrate(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg, rest, err := loadLocal(fs, e, args, migrateUsage, "data-dir", "store")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	unlock, err := lockServe(cfg)
	if err != nil {
		return fmt.Errorf("%w: stop it before migrating", err)
	}
	defer unlock()
	st, err := store.Open(ctx, cfg.StoreURL(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "the store is at schema version %d\n", v)
	return nil
}
