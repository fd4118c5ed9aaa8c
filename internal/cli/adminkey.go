package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
)

// adminKeyGroup is "dbplane admin-key": local help for an operator locked
// out of the admin API.
var adminKeyGroup = &group{
	name:  "admin-key",
	about: "Mint admin keys from the data dir, for an operator who lost the one 'dbplane init' printed.",
	subs: []sub{
		{name: "recover", summary: "mint a new admin key with every permission for the init admin (or --email)\nfrom the data dir and the master key, no server needed", local: runAdminKeyRecover},
	},
}

func runAdminKey(ctx context.Context, e env, args []string) error {
	return adminKeyGroup.run(ctx, e, args)
}

const adminKeyRecoverUsage = `Usage: dbplane admin-key recover [flags]

Mint a new admin API key holding every permission for an admin account:
the oldest one (the account 'dbplane init' made) unless --email names
another. It needs the data dir (or --store) and its master key, not a
running server, and works while serve runs. The key alone goes to standard
output; the lost key keeps working until you disable it
('dbplane key list --admin', then 'dbplane key disable KEY-ID --admin').
`

func runAdminKeyRecover(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("admin-key recover", flag.ContinueOnError)
	email := fs.String("email", "", "`email` of the admin account to mint the key for (default: the oldest admin account)")
	name := fs.String("name", "recovered", "`name` of the new key, to recognise it in 'dbplane key list --admin'")
	cfg, rest, err := loadLocal(fs, e, args, adminKeyRecoverUsage, storeFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	svc, _, closeStore, err := openExisting(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	acct, err := recoverAccount(ctx, svc, *email)
	if err != nil {
		return err
	}
	k, key, err := svc.CreateKey(ctx, dbplane.KeyInput{
		AccountID: acct.ID, Kind: dbplane.KeyAdmin, Name: *name, Permissions: dbplane.AllPermissions(),
	})
	if err != nil {
		return errors.New(dbplane.ErrorMessage(err))
	}
	fmt.Fprintf(e.stderr, "minted admin key %s (%s) for %s (%s); it follows, shown once.\n"+
		"The lost key still works: find it with 'dbplane key list --admin' and disable it.\n", k.ID, k.Prefix, acct.Email, acct.ID)
	fmt.Fprintln(e.stdout, string(key))
	return nil
}

// recoverAccount returns the admin account with email, or the oldest
// admin account when email is "". A suspended account is refused: its keys
// are refused too. It reads the accounts oldest first, one at a time, and
// stops at the first that email (or the admin role) picks.
func recoverAccount(ctx context.Context, svc *control.Service, email string) (*dbplane.Account, error) {
	want := strings.TrimSpace(email)
	var found *dbplane.Account
	err := svc.EachAccount(ctx, func(a *dbplane.Account) error {
		if email != "" && strings.EqualFold(a.Email, want) || email == "" && a.Role == dbplane.RoleAdmin {
			found = a
			return errFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	switch {
	case found == nil && email != "":
		return nil, fmt.Errorf("no account has the email %s", email)
	case found == nil:
		return nil, errors.New("the store holds no admin account: is --data-dir right?")
	case found.Role != dbplane.RoleAdmin:
		return nil, fmt.Errorf("account %s has the role %s: admin keys are for admin accounts", found.Email, found.Role)
	case found.Suspended:
		return nil, fmt.Errorf("account %s is suspended, and a suspended account's keys are refused; pick another with --email", found.Email)
	}
	return found, nil
}

// errFound stops recoverAccount's walk at the account it picks.
var errFound = errors.New("found")

// openExisting opens the store of cfg with its master key, for the local
// commands that repair or maintain a deployment: it never makes a key or
// a store (a wrong --data-dir must not look like a new one), and the
// service it returns reaches no engine.
func openExisting(ctx context.Context, cfg config.Config) (*control.Service, *secret.Sealer, func(), error) {
	sealer, err := existingSealer(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	if cfg.Store == "" {
		path := filepath.Join(cfg.DataDir, "dbplane.db")
		if _, err := os.Stat(path); err != nil {
			return nil, nil, nil, fmt.Errorf("%s holds no dbplane store (%v): is --data-dir right? 'dbplane init' makes a new one", cfg.DataDir, err)
		}
	}
	st, err := store.Open(ctx, cfg.StoreURL(), store.Options{NoMigrate: cfg.NoMigrate})
	if err != nil {
		return nil, nil, nil, err
	}
	svc := control.New(st, engine.NewRegistry(engine.Options{}), sealer, control.Options{})
	return svc, sealer, func() { svc.Close(); st.Close() }, nil
}

// existingSealer opens the master key without ever making one: a command
// that repairs a data dir must not mistake a wrong path for a new one.
func existingSealer(cfg config.Config) (*secret.Sealer, error) {
	if cfg.MasterKey != "" {
		return openSealer(cfg, nil)
	}
	path := cfg.MasterKeyFile
	if path == "" {
		path = filepath.Join(cfg.DataDir, secret.DefaultKeyFile)
	}
	primary, others, err := secret.LoadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no master key at %s: is --data-dir (or --master-key-file, DBPLANE_MASTER_KEY) right?", path)
	}
	if err != nil {
		return nil, err
	}
	return secret.NewSealer(primary, others...)
}
