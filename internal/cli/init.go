package cli

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

const initUsage = `Usage: dbplane init [flags]

Create the data directory, the master key and the metadata store, then an
admin account with one admin API key holding every permission. The key
alone goes to standard output, so that a script can capture it; lost, it
can be replaced with 'dbplane admin-key recover'.
`

// runInit creates the data directory, the master key and the metadata
// store, then an admin account with one admin key holding every permission.
// The key alone goes to stdout so scripts can capture it; everything else
// goes to stderr.
func runInit(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	email := fs.String("admin-email", "admin@localhost", "email of the admin account to create")
	cfg, rest, err := loadLocal(fs, e, args, initUsage, "data-dir", "store", "master-key-file", "listen", "public-url")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	where := cfg.DataDir
	if cfg.SharedStore() {
		where = "the PostgreSQL store" // never its URL: it holds a password
	} else if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	sealer, err := openSealer(cfg, e.stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.StoreURL(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.CountKeys(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s is already initialised (it holds %d API key(s)); mint more keys through /api/admin", where, n)
	}
	svc := control.New(st, engine.NewRegistry(engine.Options{}), sealer, control.Options{})
	if err := svc.CheckMasterKey(ctx); err != nil {
		return err
	}
	acct, err := svc.CreateAccount(ctx, dbplane.AccountInput{Email: *email, Name: "Administrator", Role: dbplane.RoleAdmin})
	if err != nil {
		return fmt.Errorf("create admin account: %s", dbplane.ErrorMessage(err))
	}
	_, key, err := svc.CreateKey(ctx, dbplane.KeyInput{
		AccountID: acct.ID, Kind: dbplane.KeyAdmin, Name: "init", Permissions: dbplane.AllPermissions(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "created admin account %s (%s); its admin API key follows, shown once:\n", acct.Email, acct.ID)
	fmt.Fprintln(e.stdout, string(key))
	link, until, err := svc.CreatePasswordLink(ctx, acct.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "\nonce serve runs, open this one-time link to choose the dashboard password of %s (valid until %s):\n  %s/set-password?token=%s\n",
		acct.Email, until.Format("2006-01-02 15:04 MST"), cfg.BaseURL(), url.QueryEscape(string(link)))
	storeFlag := "--data-dir " + cfg.DataDir
	if cfg.SharedStore() {
		storeFlag = "--store <the same URL>"
	}
	fmt.Fprintf(e.stderr, "or set it now: echo 'a long passphrase' | dbplane account set-password %s %s\n", acct.Email, storeFlag)
	return nil
}
