package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// setting ties a Config field to its flag and environment variable.
type setting struct {
	flag  string // "" = environment and config file only
	env   string
	usage string
	// secret settings are redacted by String and never echoed in errors.
	secret bool
	// twin settings also accept --<flag>-file and <env>_FILE, naming a file
	// that holds the value. (DBPLANE_MASTER_KEY has none: its file form is
	// the key file, DBPLANE_MASTER_KEY_FILE, which internal/secret reads.)
	twin  bool
	field func(c *Config) any // pointer to the field
}

// settings is every setting, in the order String prints them.
var settings = []setting{
	{flag: "data-dir", env: "DBPLANE_DATA_DIR", usage: "`directory` for the SQLite store and the master key",
		field: func(c *Config) any { return &c.DataDir }},
	{flag: "listen", env: "DBPLANE_LISTEN", usage: "HTTP listen `address` (host:port; port 0 picks a free one)",
		field: func(c *Config) any { return &c.Listen }},
	{flag: "store", env: "DBPLANE_STORE", secret: true, twin: true, usage: "metadata store `url`: empty for SQLite in the data dir, sqlite:<path> or postgres://...",
		field: func(c *Config) any { return &c.Store }},
	{flag: "master-key-file", env: "DBPLANE_MASTER_KEY_FILE", usage: "master key file `path` (default <data-dir>/master.key, created on first run)",
		field: func(c *Config) any { return &c.MasterKeyFile }},
	{env: "DBPLANE_MASTER_KEY", secret: true, usage: "master keys inline, id:base64 separated by commas",
		field: func(c *Config) any { return &c.MasterKey }},
	{flag: "log-level", env: "DBPLANE_LOG_LEVEL", usage: "log `level`: debug, info, warn or error",
		field: func(c *Config) any { return &c.LogLevel }},
	{flag: "log-format", env: "DBPLANE_LOG_FORMAT", usage: "log `format`: text or json",
		field: func(c *Config) any { return &c.LogFormat }},
	{flag: "password-length", env: "DBPLANE_PASSWORD_LENGTH", usage: "`length` of generated database passwords (16 to 128)",
		field: func(c *Config) any { return &c.PasswordLength }},
	{flag: "engine-timeout", env: "DBPLANE_ENGINE_TIMEOUT", usage: "time limit (a `duration`) for one operation on a database host",
		field: func(c *Config) any { return &c.EngineTimeout }},
	{flag: "shutdown-timeout", env: "DBPLANE_SHUTDOWN_TIMEOUT", usage: "time (a `duration`) allowed for in-flight work on shutdown",
		field: func(c *Config) any { return &c.ShutdownTimeout }},
	{flag: "disable-engine", env: "DBPLANE_DISABLED_ENGINES", usage: "`engine` that refuses new databases: mariadb, postgres or mongo (repeatable, or a comma list)",
		field: func(c *Config) any { return &c.DisabledEngines }},
	{flag: "no-migrate", env: "DBPLANE_NO_MIGRATE", usage: "do not migrate the metadata store on start",
		field: func(c *Config) any { return &c.NoMigrate }},
	{flag: "quota-interval", env: "DBPLANE_QUOTA_INTERVAL", usage: "how often (a `duration`) the quota watcher measures hosts; 0 disables it",
		field: func(c *Config) any { return &c.QuotaInterval }},
	{flag: "drift-interval", env: "DBPLANE_DRIFT_INTERVAL", usage: "how often (a `duration`) the drift sweep compares hosts with the records and repairs them; 0 disables it",
		field: func(c *Config) any { return &c.DriftInterval }},
	{flag: "rate-limit-application", env: "DBPLANE_RATE_LIMIT_APPLICATION", usage: "`requests` per minute per key on /api/application",
		field: func(c *Config) any { return &c.RateLimitApplication }},
	{flag: "rate-limit-client", env: "DBPLANE_RATE_LIMIT_CLIENT", usage: "`requests` per minute per key on /api/client and /api/v1/db",
		field: func(c *Config) any { return &c.RateLimitClient }},
	{flag: "rate-limit-server-create", env: "DBPLANE_RATE_LIMIT_SERVER_CREATE", usage: "database `creates` per minute per server on /api/client; 0 disables it",
		field: func(c *Config) any { return &c.RateLimitServerCreate }},
	{flag: "key-format", env: "DBPLANE_KEY_FORMAT", usage: "`format` of keys minted without one: dbplane (dbpa_/dbpu_), pterodactyl (ptla_/ptlc_) or pelican (papp_/pacc_)",
		field: func(c *Config) any { return &c.KeyFormat }},
	{flag: "upgrade-url", env: "DBPLANE_UPGRADE_URL", usage: "`url` where the dashboard sends a tenant out of slots or storage to get more",
		field: func(c *Config) any { return &c.UpgradeURL }},
	{flag: "upgrade-text", env: "DBPLANE_UPGRADE_TEXT", usage: "`text` of the dashboard's get-more link, or a note shown alone without --upgrade-url",
		field: func(c *Config) any { return &c.UpgradeText }},
	{flag: "metrics-token", env: "DBPLANE_METRICS_TOKEN", secret: true, twin: true, usage: "bearer `token` that GET /metrics requires (default: none, /metrics is open)",
		field: func(c *Config) any { return &c.MetricsToken }},
	{flag: "no-metrics", env: "DBPLANE_NO_METRICS", usage: "do not serve Prometheus metrics at /metrics",
		field: func(c *Config) any { return &c.NoMetrics }},
	{flag: "secure-cookies", env: "DBPLANE_SECURE_COOKIES", usage: "mark dashboard cookies Secure (__Host- prefix) when a proxy terminates HTTPS; automatic with --tls-cert",
		field: func(c *Config) any { return &c.SecureCookies }},
	{flag: "tls-cert", env: "DBPLANE_TLS_CERT", usage: "PEM certificate chain `file`: with --tls-key, serve HTTPS on --listen (reread on SIGHUP)",
		field: func(c *Config) any { return &c.TLSCert }},
	{flag: "tls-key", env: "DBPLANE_TLS_KEY", usage: "PEM private key `file` of --tls-cert",
		field: func(c *Config) any { return &c.TLSKey }},
	{flag: "trusted-proxy", env: "DBPLANE_TRUSTED_PROXIES", usage: "reverse proxy `cidr` or address whose X-Forwarded-For names the client (repeatable, or a comma list)",
		field: func(c *Config) any { return &c.TrustedProxies }},
	{flag: "public-url", env: "DBPLANE_PUBLIC_URL", usage: "`url` people reach dbplane at (https://db.example.com), for the links it prints and returns (default http(s)://<listen>)",
		field: func(c *Config) any { return &c.PublicURL }},
	{flag: "audit-retention", env: "DBPLANE_AUDIT_RETENTION", usage: "how long (a `duration`, such as 2160h for 90 days) audit entries are kept; 0 keeps them forever",
		field: func(c *Config) any { return &c.AuditRetention }},
	{flag: "audit-log", env: "DBPLANE_AUDIT_LOG", usage: "also write every audit entry as a JSON line to this `file` (- for standard output), for a log shipper",
		field: func(c *Config) any { return &c.AuditLog }},
}

// lookupSetting returns the setting whose variable is env.
func lookupSetting(env string) *setting {
	for i := range settings {
		if settings[i].env == env {
			return &settings[i]
		}
	}
	panic("config: no setting " + env) // a typo in this package
}

// label names a setting in messages: "--listen (DBPLANE_LISTEN)".
func (s *setting) label() string {
	if s.flag == "" {
		return s.env
	}
	return "--" + s.flag + " (" + s.env + ")"
}

// set parses v into the setting's field of c.
func (s *setting) set(c *Config, v string) error {
	v = strings.TrimSpace(v)
	switch p := s.field(c).(type) {
	case *string:
		*p = v
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("invalid integer %s", s.quote(v))
		}
		*p = n
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("invalid duration %s (want for example 10s, 1m30s or 0)", s.quote(v))
		}
		*p = d
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("invalid boolean %s (want true or false)", s.quote(v))
		}
		*p = b
	case *[]string:
		*p = splitList(v)
	default:
		panic(fmt.Sprintf("config: %s has unsupported type %T", s.env, p))
	}
	return nil
}

// get formats the setting's field of c as set would read it.
func (s *setting) get(c *Config) string {
	switch p := s.field(c).(type) {
	case *string:
		return *p
	case *int:
		return strconv.Itoa(*p)
	case *time.Duration:
		return p.String()
	case *bool:
		return strconv.FormatBool(*p)
	case *[]string:
		return strings.Join(*p, ",")
	default:
		panic(fmt.Sprintf("config: %s has unsupported type %T", s.env, p))
	}
}

func (s *setting) isBool() bool {
	_, ok := s.field(new(Config)).(*bool)
	return ok
}

func (s *setting) isList() bool {
	_, ok := s.field(new(Config)).(*[]string)
	return ok
}

// quote returns v for an error message, or a placeholder for secrets.
func (s *setting) quote(v string) string {
	if s.secret {
		return "(value not shown)"
	}
	return strconv.Quote(v)
}

// splitList splits a comma list, dropping blanks and repeats.
func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		if e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}
