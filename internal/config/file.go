package config

import (
	"errors"
	"fmt"
	"strings"
)

// configFile is the parsed --config file: values by variable name.
type configFile struct {
	path    string
	entries map[string]fileEntry
}

type fileEntry struct {
	value string
	line  int
}

// The CLI's client commands read these; serve does not. One env file often
// serves both (packaging/dbplane.env beside a shell profile), so the config
// file skips them instead of calling them unknown.
const (
	EnvAddr  = "DBPLANE_ADDR"
	EnvToken = "DBPLANE_TOKEN"
)

// readConfigFile parses a file of KEY=VALUE lines. Blank lines and lines
// starting with # are skipped, an "export " prefix is allowed, and a value
// in matching single or double quotes loses them (as in shell env files); a
// # later in a line is part of the value. Keys without the DBPLANE_ prefix
// are ignored, so the file can double as an env file for other tools; a
// DBPLANE_ key this package does not know (other than the CLI's EnvAddr and
// EnvToken), or one given twice, is an error.
func readConfigFile(path string) (configFile, error) {
	f := configFile{path: path, entries: map[string]fileEntry{}}
	b, err := readLimited(path)
	if err != nil {
		return f, fmt.Errorf("config file: %w", err)
	}
	known := map[string]bool{}
	clientOnly := map[string]bool{EnvAddr: true, EnvToken: true}
	for _, s := range settings {
		known[s.env] = true
		if s.twin {
			known[s.env+"_FILE"] = true
		}
	}
	var errs []error
	for i, line := range strings.Split(string(b), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			errs = append(errs, fmt.Errorf("config file %s line %d: want KEY=VALUE", path, n))
			continue
		}
		if !strings.HasPrefix(key, "DBPLANE_") {
			continue
		}
		if clientOnly[key] {
			continue
		}
		if !known[key] {
			errs = append(errs, fmt.Errorf("config file %s line %d: unknown setting %s", path, n, key))
			continue
		}
		if prev, dup := f.entries[key]; dup {
			errs = append(errs, fmt.Errorf("config file %s line %d: %s already set on line %d", path, n, key, prev.line))
			continue
		}
		f.entries[key] = fileEntry{value: unquote(strings.TrimSpace(value)), line: n}
	}
	return f, errors.Join(errs...)
}

func (f configFile) lookup(env string) (string, string, bool) {
	e, ok := f.entries[env]
	if !ok {
		return "", "", false
	}
	return e.value, fmt.Sprintf("config file %s line %d: %s", f.path, e.line, env), true
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}
