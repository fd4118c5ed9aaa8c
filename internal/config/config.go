// Package config holds dbplane's settings: the Config struct, its defaults,
// loading from flags, DBPLANE_* environment variables and an optional config
// file, validation, and a redacted dump.
//
// Precedence, highest first: flags, environment, the --config file
// (DBPLANE_CONFIG), Default(). The config file holds KEY=VALUE lines with the
// same DBPLANE_* names as the environment. Settings that can hold a secret
// also accept a _FILE twin naming a file that holds the value
// (DBPLANE_STORE_FILE, --store-file), for Docker and systemd credentials.
//
// Only this package and internal/cli read the environment; everything else
// is handed plain values by cli.
package config

import (
	"net"
	"path/filepath"
	"strings"
	"time"
)

// Config is every setting of a dbplane process. Each field's comment names
// its flag and environment variable; the config file uses the variable names.
type Config struct {
	DataDir string // --data-dir, DBPLANE_DATA_DIR; default "./data"
	Listen  string // --listen, DBPLANE_LISTEN; default "127.0.0.1:8080"
	// Store is the metadata store: "" means SQLite at DataDir/dbplane.db;
	// otherwise "sqlite:<path>" or "postgres://..." (see StoreURL).
	// --store, DBPLANE_STORE, or --store-file, DBPLANE_STORE_FILE.
	Store string
	// MasterKeyFile is the key file of internal/secret; "" means
	// DataDir/master.key, generated on first run. --master-key-file,
	// DBPLANE_MASTER_KEY_FILE.
	MasterKeyFile string
	// MasterKey is key-file text given inline ("k1:<base64>", several keys
	// separated by commas, primary first) instead of a file. DBPLANE_MASTER_KEY
	// only: there is no flag, so that it never shows in a process list.
	// Exclusive with MasterKeyFile.
	MasterKey       string
	LogLevel        string        // --log-level, DBPLANE_LOG_LEVEL: debug|info|warn|error; default info
	LogFormat       string        // --log-format, DBPLANE_LOG_FORMAT: text|json; default text
	PasswordLength  int           // --password-length, DBPLANE_PASSWORD_LENGTH: 16..128; default 32
	EngineTimeout   time.Duration // --engine-timeout, DBPLANE_ENGINE_TIMEOUT: per engine operation; default 10s
	ShutdownTimeout time.Duration // --shutdown-timeout, DBPLANE_SHUTDOWN_TIMEOUT; default 15s
	// DisabledEngines are engines that refuse new databases: mariadb,
	// postgres, mongo. --disable-engine (repeatable, or a comma list),
	// DBPLANE_DISABLED_ENGINES (comma list).
	DisabledEngines []string
	NoMigrate       bool          // --no-migrate, DBPLANE_NO_MIGRATE: serve without migrating the store
	QuotaInterval   time.Duration // --quota-interval, DBPLANE_QUOTA_INTERVAL: watcher period, 0 disables it; default 5m
	DriftInterval   time.Duration // --drift-interval, DBPLANE_DRIFT_INTERVAL: drift sweep period, 0 disables it; default 15m
	// Requests per minute per API key on the Pterodactyl application API
	// (--rate-limit-application, DBPLANE_RATE_LIMIT_APPLICATION, default
	// 240), and on the client API and /api/v1/db (--rate-limit-client,
	// DBPLANE_RATE_LIMIT_CLIENT, default 720).
	RateLimitApplication int
	RateLimitClient      int
	// Databases one server may create a minute over /api/client (the
	// panel's per-server create throttle): --rate-limit-server-create,
	// DBPLANE_RATE_LIMIT_SERVER_CREATE; 0 disables it; default 10.
	RateLimitServerCreate int
	// How keys minted without a format are written (the admin API's
	// "format", the dashboard, the CLI): dbplane (dbpa_/dbpu_), pterodactyl
	// (ptla_/ptlc_, 48 characters, for libraries that check) or pelican
	// (papp_/pacc_). --key-format, DBPLANE_KEY_FORMAT; default dbplane.
	KeyFormat string
	// Where the dashboard sends a tenant out of room to get more:
	// --upgrade-url, DBPLANE_UPGRADE_URL (an http(s) link) and
	// --upgrade-text, DBPLANE_UPGRADE_TEXT (its label, or a note shown
	// alone when there is no link).
	UpgradeURL  string
	UpgradeText string
	// SecureCookies marks dashboard cookies Secure (serve over HTTPS or
	// behind a TLS proxy). --secure-cookies, DBPLANE_SECURE_COOKIES.
	SecureCookies bool
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	// --metrics-token, DBPLANE_METRICS_TOKEN (or _FILE). NoMetrics turns
	// /metrics off: --no-metrics, DBPLANE_NO_METRICS.
	MetricsToken string
	NoMetrics    bool
	// TLSCert and TLSKey are the PEM certificate chain and private key
	// files: with both set, serve speaks HTTPS on Listen, rereads them on
	// SIGHUP, and marks dashboard cookies Secure. --tls-cert,
	// DBPLANE_TLS_CERT and --tls-key, DBPLANE_TLS_KEY.
	TLSCert string
	TLSKey  string
	// TrustedProxies are the reverse proxies (CIDRs or single addresses)
	// whose X-Forwarded-For names the client. --trusted-proxy
	// (repeatable, or a comma list), DBPLANE_TRUSTED_PROXIES (comma list).
	TrustedProxies []string
	// PublicURL is the scheme and host (and port) people and panels reach
	// dbplane at, such as https://db.example.com, for the absolute links
	// dbplane prints or returns. "" means the listen address.
	// --public-url, DBPLANE_PUBLIC_URL.
	PublicURL string
	// AuditRetention is how long audit entries are kept; 0 keeps them
	// forever. --audit-retention, DBPLANE_AUDIT_RETENTION; default 2160h
	// (90 days).
	AuditRetention time.Duration
	// AuditLog also writes every audit entry as a JSON line to this file
	// ("-": standard output), for a log shipper. --audit-log,
	// DBPLANE_AUDIT_LOG; default none.
	AuditLog string
}

// Default returns the settings used when nothing else is given.
func Default() Config {
	return Config{
		DataDir:               "./data",
		Listen:                "127.0.0.1:8080",
		LogLevel:              "info",
		LogFormat:             "text",
		PasswordLength:        32,
		EngineTimeout:         10 * time.Second,
		ShutdownTimeout:       15 * time.Second,
		QuotaInterval:         5 * time.Minute,
		DriftInterval:         15 * time.Minute,
		RateLimitApplication:  240,
		RateLimitClient:       720,
		RateLimitServerCreate: 10,
		KeyFormat:             "dbplane",
		AuditRetention:        90 * 24 * time.Hour,
	}
}

// StoreURL returns the metadata store URL for store.Open: Store, or
// "sqlite:" + DataDir/dbplane.db when Store is "".
func (c Config) StoreURL() string {
	if c.Store == "" {
		return "sqlite:" + filepath.Join(c.DataDir, "dbplane.db")
	}
	return c.Store
}

// TLS reports whether serve speaks HTTPS (both TLSCert and TLSKey are set).
func (c Config) TLS() bool { return c.TLSCert != "" && c.TLSKey != "" }

// BaseURL is the root of the absolute links dbplane prints or returns:
// PublicURL without its trailing slash, or else the listen address with
// http:// or, with TLS on, https://; an unspecified host (":8080",
// "0.0.0.0:8080", "[::]:8080") reads as localhost.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	scheme := "http://"
	if c.TLS() {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return scheme + c.Listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// SharedStore reports a PostgreSQL store, which several replicas may share:
// the master key must then come from outside the data dir, and background
// work runs on one elected replica.
func (c Config) SharedStore() bool {
	return strings.HasPrefix(c.Store, "postgres://") || strings.HasPrefix(c.Store, "postgresql://")
}
