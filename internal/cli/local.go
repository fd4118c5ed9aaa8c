package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/dbplane/dbplane/internal/config"
)

// The settings the local commands (those that work on the data dir, with
// no server) show as flags: the store and the master key, plus the
// engines' settings for the commands that reach the hosts. The others
// still come from the environment and the config file.
var (
	storeFlags  = []string{"data-dir", "store", "master-key-file", "no-migrate"}
	engineFlags = append(storeFlags[:len(storeFlags):len(storeFlags)], "engine-timeout", "log-level", "log-format")
)

// loadLocal loads the configuration of a local command whose own flags
// are on fs, registering only the settings named as flags (every setting
// when none is named, for serve). usage is the
// command's text, printed above its flags by -h and on a bad flag (which
// is then a usage error, exit 2).
func loadLocal(fs *flag.FlagSet, e env, args []string, usage string, names ...string) (config.Config, []string, error) {
	fs.SetOutput(e.stderr)
	shown := false
	fs.Usage = func() {
		shown = true
		w := fs.Output()
		fmt.Fprint(w, usage)
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
		fmt.Fprintln(w, "\nEach setting flag has a DBPLANE_* environment twin (DBPLANE_DATA_DIR, ...); the master key\ncan also be given inline in DBPLANE_MASTER_KEY.")
	}
	load := config.Load
	if len(names) > 0 {
		load = func(fs *flag.FlagSet, args []string, getenv func(string) string) (config.Config, []string, error) {
			return config.LoadFlags(fs, args, getenv, names...)
		}
	}
	cfg, rest, err := load(fs, args, e.getenv)
	if err != nil && shown && !errors.Is(err, flag.ErrHelp) {
		err = &flagError{err: err}
	}
	return cfg, rest, err
}
