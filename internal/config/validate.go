package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// engines are the values DisabledEngines accepts.
var engines = []string{"mariadb", "postgres", "mongo"}

var (
	logLevels  = []string{"debug", "info", "warn", "error"}
	logFormats = []string{"text", "json"}
)

// Validate returns every problem with c at once, joined with errors.Join.
// Each message names the flag and variable at fault; a store URL is never
// echoed, since it may hold a password.
func (c Config) Validate() error {
	var errs []error
	bad := func(env, msg string) {
		errs = append(errs, errors.New(lookupSetting(env).label()+": "+msg))
	}
	if c.DataDir == "" {
		bad("DBPLANE_DATA_DIR", "must not be empty")
	}
	if msg := checkListen(c.Listen); msg != "" {
		bad("DBPLANE_LISTEN", msg)
	}
	if msg := checkStore(c.Store); msg != "" {
		bad("DBPLANE_STORE", msg)
	}
	if c.MasterKey != "" && c.MasterKeyFile != "" {
		bad("DBPLANE_MASTER_KEY", "cannot be used with --master-key-file (DBPLANE_MASTER_KEY_FILE); set one")
	}
	if !slices.Contains(logLevels, c.LogLevel) {
		bad("DBPLANE_LOG_LEVEL", fmt.Sprintf("must be one of %s, got %q", strings.Join(logLevels, ", "), c.LogLevel))
	}
	if !slices.Contains(logFormats, c.LogFormat) {
		bad("DBPLANE_LOG_FORMAT", fmt.Sprintf("must be one of %s, got %q", strings.Join(logFormats, ", "), c.LogFormat))
	}
	if c.PasswordLength < 16 || c.PasswordLength > 128 {
		bad("DBPLANE_PASSWORD_LENGTH", fmt.Sprintf("must be from 16 to 128, got %d", c.PasswordLength))
	}
	if c.EngineTimeout <= 0 {
		bad("DBPLANE_ENGINE_TIMEOUT", fmt.Sprintf("must be positive, got %s", c.EngineTimeout))
	}
	if c.ShutdownTimeout <= 0 {
		bad("DBPLANE_SHUTDOWN_TIMEOUT", fmt.Sprintf("must be positive, got %s", c.ShutdownTimeout))
	}
	if c.UpgradeURL != "" {
		if u, err := url.Parse(c.UpgradeURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("DBPLANE_UPGRADE_URL", "must be an http:// or https:// URL")
		}
	}
	if len(c.UpgradeText) > 200 {
		bad("DBPLANE_UPGRADE_TEXT", "must be at most 200 characters")
	}
	for _, e := range c.DisabledEngines {
		if !slices.Contains(engines, e) {
			bad("DBPLANE_DISABLED_ENGINES", fmt.Sprintf("unknown engine %q, want %s", e, strings.Join(engines, ", ")))
		}
	}
	if c.QuotaInterval < 0 {
		bad("DBPLANE_QUOTA_INTERVAL", fmt.Sprintf("must be 0 (off) or positive, got %s", c.QuotaInterval))
	}
	if c.RateLimitApplication < 1 {
		bad("DBPLANE_RATE_LIMIT_APPLICATION", fmt.Sprintf("must be at least 1 request per minute, got %d", c.RateLimitApplication))
	}
	if c.RateLimitClient < 1 {
		bad("DBPLANE_RATE_LIMIT_CLIENT", fmt.Sprintf("must be at least 1 request per minute, got %d", c.RateLimitClient))
	}
	switch c.KeyFormat {
	case "dbplane", "pterodactyl", "pelican":
	default:
		bad("DBPLANE_KEY_FORMAT", fmt.Sprintf("must be dbplane, pterodactyl or pelican, got %q", c.KeyFormat))
	}
	if c.RateLimitServerCreate < 0 {
		bad("DBPLANE_RATE_LIMIT_SERVER_CREATE", fmt.Sprintf("must be 0 (off) or positive, got %d", c.RateLimitServerCreate))
	}
	return errors.Join(errs...)
}

func checkListen(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("want host:port, got %q", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Sprintf("port must be a number from 0 to 65535, got %q", port)
	}
	return ""
}

// checkStore never quotes the value: it may be a DSN with a password.
func checkStore(store string) string {
	switch {
	case store == "":
		return ""
	case strings.HasPrefix(store, "sqlite:"):
		if strings.TrimPrefix(store, "sqlite:") == "" {
			return "sqlite: needs a path, for example sqlite:/var/lib/dbplane/dbplane.db"
		}
		return ""
	case strings.HasPrefix(store, "postgres://"), strings.HasPrefix(store, "postgresql://"):
		if _, err := url.Parse(store); err != nil {
			return "not a valid postgres:// URL (check that special characters in the password are percent-encoded)"
		}
		return ""
	default:
		return `must be empty (SQLite in the data dir), sqlite:<path> or postgres://...`
	}
}
