package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/secret"
)

// checkInitialised refuses to serve a SQLite data dir that 'dbplane init'
// never made, before anything is created in it: serve would otherwise make
// an empty store and a master key, and listen with no way in. It also
// refuses a store whose generated master key is gone, since a new key
// would leave every sealed password unreadable. Other stores are checked
// by init itself; serve cannot tell "never initialised" from "empty" there
// without opening them.
func checkInitialised(cfg config.Config) error {
	path, ok := sqlitePath(cfg.StoreURL())
	if !ok {
		return nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return &hintError{
			err: fmt.Errorf("%s was never initialised: there is no store at %s", cfg.DataDir, path),
			hint: fmt.Sprintf("Run 'dbplane init --data-dir %s' once first (with the same --store and master key settings):\n"+
				"it creates the master key, the store and the first admin API key, then start serve again.", cfg.DataDir),
		}
	}
	if cfg.MasterKey != "" || cfg.MasterKeyFile != "" {
		return nil // given explicitly; a missing file is an error when loaded
	}
	key := filepath.Join(cfg.DataDir, secret.DefaultKeyFile)
	if _, err := os.Stat(key); errors.Is(err, fs.ErrNotExist) {
		return &hintError{
			err: fmt.Errorf("the store %s exists but its master key %s is missing", path, key),
			hint: "Restore master.key from your backup (or point --master-key-file or DBPLANE_MASTER_KEY at it):\n" +
				"the stored host and database passwords are sealed with it and cannot be read without it.",
		}
	}
	return nil
}

// sqlitePath is the file of a SQLite store URL, as internal/store reads it.
func sqlitePath(storeURL string) (string, bool) {
	if strings.HasPrefix(storeURL, "postgres:") || strings.HasPrefix(storeURL, "postgresql:") {
		return "", false
	}
	p := strings.TrimPrefix(strings.TrimPrefix(storeURL, "sqlite:"), "//")
	p, _, _ = strings.Cut(p, "?")
	return p, p != ""
}
