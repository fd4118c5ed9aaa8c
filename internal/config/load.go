package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// EnvConfig names the config file when --config is not given.
const EnvConfig = "DBPLANE_CONFIG"

// maxFileSize bounds the config file and _FILE secrets.
const maxFileSize = 1 << 20

// Load fills a Config for one subcommand. It registers the settings' flags
// and --config on fs, parses args, and layers, highest first: flags,
// DBPLANE_* variables from getenv, the config file, Default(). It returns the
// positional arguments left after the flags.
//
// The Config is validated: the error joins every problem found, each naming
// its flag or variable. A parse error from fs (flag.ErrHelp for -h) is
// returned as is. A nil getenv means an empty environment. DBPLANE_* names
// this package does not know are ignored in the environment (it may hold
// anything) but rejected in the config file (where they are typos).
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, []string, error) {
	return load(fs, args, getenv, nil)
}

// LoadFlags is Load with only the flags named (without dashes, as
// "data-dir"; a setting's -file twin comes with it) registered on fs, so
// that a subcommand's -h lists the settings it uses and no others. Every
// setting is still read from the environment and the config file, and
// validated, as Load does.
func LoadFlags(fs *flag.FlagSet, args []string, getenv func(string) string, names ...string) (Config, []string, error) {
	only := map[string]bool{}
	for _, n := range names {
		only[n] = true
	}
	return load(fs, args, getenv, only)
}

// load is Load registering the flags in only, or all when only is nil.
func load(fs *flag.FlagSet, args []string, getenv func(string) string, only map[string]bool) (Config, []string, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	flags := registerFlags(fs, only)
	configPath := fs.String("config", "", "`path` of a file of DBPLANE_*=value lines, below flags and environment ("+EnvConfig+")")
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}

	c := Default()
	var errs []error
	path := *configPath
	if path == "" {
		path = getenv(EnvConfig)
	}
	if path != "" {
		file, err := readConfigFile(path)
		errs = append(errs, err)
		errs = append(errs, apply(&c, file.lookup))
	}
	errs = append(errs, apply(&c, func(name string) (string, string, bool) {
		v := getenv(name)
		return v, name, v != ""
	}))
	errs = append(errs, apply(&c, flags.lookup))
	errs = append(errs, c.Validate())
	if err := errors.Join(errs...); err != nil {
		return Config{}, nil, err
	}
	return c, fs.Args(), nil
}

// lookupFunc returns a layer's raw value for a variable name, a label for
// messages, and whether the layer sets it.
type lookupFunc func(env string) (value, where string, ok bool)

// apply sets on c every setting that a layer holds. A setting and its _FILE
// twin in the same layer is an error.
func apply(c *Config, lookup lookupFunc) error {
	var errs []error
	for i := range settings {
		s := &settings[i]
		v, where, ok := lookup(s.env)
		if s.twin {
			path, fwhere, fok := lookup(s.env + "_FILE")
			if ok && fok {
				errs = append(errs, fmt.Errorf("%s and %s are both set; use one", where, fwhere))
				continue
			}
			if fok {
				content, err := readSecretFile(path)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", fwhere, err))
					continue
				}
				v, where, ok = content, fwhere, true
			}
		}
		if !ok {
			continue
		}
		if err := s.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
	}
	return errors.Join(errs...)
}

// readSecretFile returns the contents of a _FILE twin without its trailing
// newline.
func readSecretFile(path string) (string, error) {
	b, err := readLimited(path)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxFileSize)
	}
	return b, nil
}

// flagValue is one registered flag: it checks syntax when parsed and holds
// the raw values until Load applies them above the other layers.
type flagValue struct {
	s    *setting
	file bool // the --<flag>-file twin: the value is a path
	def  string
	vals []string
}

func (v *flagValue) String() string {
	if v == nil || v.s == nil {
		return ""
	}
	if v.vals == nil {
		return v.def
	}
	return strings.Join(v.vals, ",")
}

func (v *flagValue) Set(x string) error {
	if !v.file {
		if err := v.s.set(new(Config), x); err != nil {
			return err
		}
	}
	if v.s.isList() {
		v.vals = append(v.vals, x)
	} else {
		v.vals = []string{x}
	}
	return nil
}

func (v *flagValue) IsBoolFlag() bool { return v.s != nil && !v.file && v.s.isBool() }

// flagLayer is the flags given on the command line, by variable name.
type flagLayer map[string]*flagValue

func registerFlags(fs *flag.FlagSet, only map[string]bool) flagLayer {
	def := Default()
	layer := flagLayer{}
	for i := range settings {
		s := &settings[i]
		if s.flag == "" || (only != nil && !only[s.flag]) {
			continue
		}
		v := &flagValue{s: s, def: s.get(&def)}
		if s.secret || v.def == s.get(new(Config)) {
			v.def = "" // the flag package prints no default for ""
		}
		usage := s.usage + " (" + s.env + ")"
		fs.Var(v, s.flag, usage)
		layer[s.env] = v
		if s.twin {
			fv := &flagValue{s: s, file: true}
			fs.Var(fv, s.flag+"-file", "`path` of a file holding the --"+s.flag+" value ("+s.env+"_FILE)")
			layer[s.env+"_FILE"] = fv
		}
	}
	return layer
}

func (l flagLayer) lookup(env string) (string, string, bool) {
	v := l[env]
	if v == nil || v.vals == nil {
		return "", "", false
	}
	name := "--" + v.s.flag
	if v.file {
		name += "-file"
	}
	return strings.Join(v.vals, ","), name, true
}
