package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/store"
)

// runMigrate brings the metadata store to this binary's schema and exits,
// for operators who upgrade the schema before rolling out replicas (serve
// also migrates on start, unless --no-migrate). A SQLite store is not
// migrated under a running serve: that serve is an older binary.
func runMigrate(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg, rest, err := config.Load(fs, args, e.getenv)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected arguments %q", rest)
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
