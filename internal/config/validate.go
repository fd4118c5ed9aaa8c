package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
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
	if c.DriftInterval < 0 {
		bad("DBPLANE_DRIFT_INTERVAL", fmt.Sprintf("must be 0 (off) or positive, got %s", c.DriftInterval))
	}
	if c.AuditRetention < 0 {
		bad("DBPLANE_AUDIT_RETENTION", fmt.Sprintf("must be 0 (keep forever) or positive, got %s", c.AuditRetention))
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
	switch {
	case c.TLSCert != "" && c.TLSKey == "":
		bad("DBPLANE_TLS_CERT", "needs --tls-key (DBPLANE_TLS_KEY) too: set both for HTTPS, or neither")
	case c.TLSCert == "" && c.TLSKey != "":
		bad("DBPLANE_TLS_KEY", "needs --tls-cert (DBPLANE_TLS_CERT) too: set both for HTTPS, or neither")
	}
	for _, p := range c.TrustedProxies {
		if _, err := ParseTrustedProxy(p); err != nil {
			bad("DBPLANE_TRUSTED_PROXIES", err.Error())
		}
	}
	if msg := checkPublicURL(c.PublicURL); msg != "" {
		bad("DBPLANE_PUBLIC_URL", msg)
	}
	return errors.Join(errs...)
}

// ParseTrustedProxy reads one --trusted-proxy entry: a CIDR such as
// 10.0.0.0/8 or fd00::/8, or a single address (a /32 or /128). A CIDR with
// host bits set (10.0.0.1/8) is refused, since it is most likely a typo for
// a single address or for the network; an IPv4-mapped IPv6 entry is read
// as the IPv4 one, because client addresses are compared unmapped.
func ParseTrustedProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("want a CIDR (10.0.0.0/8) or an IP address, got %q", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("want a CIDR (10.0.0.0/8) or an IP address, got %q", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has bits set past its /%d: write %s for the network or %s for one address", s, p.Bits(), p.Masked(), p.Addr())
	}
	if a := p.Addr(); a.Is4In6() {
		// Canonical, so at least /96: the mapped prefix ::ffff:0:0/96 is
		// set in full.
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p, nil
}

// TrustedProxyPrefixes parses TrustedProxies (see ParseTrustedProxy).
func (c Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(c.TrustedProxies))
	for _, s := range c.TrustedProxies {
		p, err := ParseTrustedProxy(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// checkPublicURL accepts "" or an http(s) URL of a scheme, a host and an
// optional port, with at most a trailing slash: links are made by putting
// a path after it.
func checkPublicURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return fmt.Sprintf("want an http:// or https:// URL such as https://db.example.com, got %q", s)
	case u.User != nil:
		return "must not hold a user or password"
	case u.Path != "" && u.Path != "/":
		return fmt.Sprintf("must not have a path (dbplane serves at the root), got %q", u.Path)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "must not have a query or fragment"
	case u.Hostname() == "":
		return fmt.Sprintf("has no host name, got %q", s)
	}
	return ""
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
