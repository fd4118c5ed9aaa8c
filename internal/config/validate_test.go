package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/config"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   []string // substrings; nil = valid
	}{
		{"Default", func(c *config.Config) {}, nil},
		{"EmptyDataDir", func(c *config.Config) { c.DataDir = "" }, []string{"--data-dir (DBPLANE_DATA_DIR): must not be empty"}},
		{"ListenNoPort", func(c *config.Config) { c.Listen = "localhost" }, []string{"--listen (DBPLANE_LISTEN): want host:port"}},
		{"ListenBadPort", func(c *config.Config) { c.Listen = ":99999" }, []string{"--listen (DBPLANE_LISTEN): port must be"}},
		{"ListenAnyPort", func(c *config.Config) { c.Listen = ":0" }, nil},
		{"ListenIPv6", func(c *config.Config) { c.Listen = "[::1]:8080" }, nil},
		{"StoreSQLite", func(c *config.Config) { c.Store = "sqlite:/var/lib/dbplane/x.db" }, nil},
		{"StoreSQLiteNoPath", func(c *config.Config) { c.Store = "sqlite:" }, []string{"--store (DBPLANE_STORE): sqlite: needs a path"}},
		{"StorePostgres", func(c *config.Config) { c.Store = "postgres://u:p@db:5432/dbplane?sslmode=require" }, nil},
		{"StorePostgresql", func(c *config.Config) { c.Store = "postgresql:///dbplane?host=/run/postgresql" }, nil},
		{"StoreOther", func(c *config.Config) { c.Store = "mysql://x" }, []string{"--store (DBPLANE_STORE): must be empty"}},
		{"MasterKeyBoth", func(c *config.Config) { c.MasterKey = "k1:x"; c.MasterKeyFile = "/k" }, []string{"DBPLANE_MASTER_KEY: cannot be used with --master-key-file (DBPLANE_MASTER_KEY_FILE)"}},
		{"LogLevel", func(c *config.Config) { c.LogLevel = "INFO" }, []string{`--log-level (DBPLANE_LOG_LEVEL): must be one of debug, info, warn, error, got "INFO"`}},
		{"LogFormat", func(c *config.Config) { c.LogFormat = "xml" }, []string{`--log-format (DBPLANE_LOG_FORMAT): must be one of text, json, got "xml"`}},
		{"PasswordShort", func(c *config.Config) { c.PasswordLength = 15 }, []string{"--password-length (DBPLANE_PASSWORD_LENGTH): must be from 16 to 128, got 15"}},
		{"PasswordLong", func(c *config.Config) { c.PasswordLength = 129 }, []string{"got 129"}},
		{"PasswordBounds", func(c *config.Config) { c.PasswordLength = 16 }, nil},
		{"EngineTimeout", func(c *config.Config) { c.EngineTimeout = 0 }, []string{"--engine-timeout (DBPLANE_ENGINE_TIMEOUT): must be positive, got 0s"}},
		{"ShutdownTimeout", func(c *config.Config) { c.ShutdownTimeout = -time.Second }, []string{"--shutdown-timeout (DBPLANE_SHUTDOWN_TIMEOUT): must be positive"}},
		{"DisabledEngines", func(c *config.Config) { c.DisabledEngines = []string{"mongo", "redis"} }, []string{`--disable-engine (DBPLANE_DISABLED_ENGINES): unknown engine "redis", want mariadb, postgres, mongo`}},
		{"QuotaOff", func(c *config.Config) { c.QuotaInterval = 0 }, nil},
		{"QuotaNegative", func(c *config.Config) { c.QuotaInterval = -time.Minute }, []string{"--quota-interval (DBPLANE_QUOTA_INTERVAL): must be 0 (off) or positive"}},
		{"RateLimits", func(c *config.Config) { c.RateLimitApplication = 0; c.RateLimitClient = -1 }, []string{
			"--rate-limit-application (DBPLANE_RATE_LIMIT_APPLICATION): must be at least 1",
			"--rate-limit-client (DBPLANE_RATE_LIMIT_CLIENT): must be at least 1",
		}},
		{"KeyFormat", func(c *config.Config) { c.KeyFormat = "vault" }, []string{
			`--key-format (DBPLANE_KEY_FORMAT): must be dbplane, pterodactyl or pelican, got "vault"`,
		}},
		{"ServerCreateOff", func(c *config.Config) { c.RateLimitServerCreate = 0 }, nil},
		{"ServerCreateNegative", func(c *config.Config) { c.RateLimitServerCreate = -1 }, []string{
			"--rate-limit-server-create (DBPLANE_RATE_LIMIT_SERVER_CREATE): must be 0 (off) or positive",
		}},
		{"Everything", func(c *config.Config) { *c = config.Config{} }, []string{
			"DBPLANE_DATA_DIR", "DBPLANE_LISTEN", "DBPLANE_LOG_LEVEL", "DBPLANE_LOG_FORMAT", "DBPLANE_PASSWORD_LENGTH",
			"DBPLANE_ENGINE_TIMEOUT", "DBPLANE_SHUTDOWN_TIMEOUT", "DBPLANE_RATE_LIMIT_APPLICATION", "DBPLANE_RATE_LIMIT_CLIENT",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			tc.change(&c)
			err := c.Validate()
			if tc.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok || len(joined.Unwrap()) < len(tc.want) {
				t.Errorf("Validate() = %q, want one joined error per problem (%d)", err, len(tc.want))
			}
		})
	}
}

func TestConfig_StoreURL(t *testing.T) {
	c := config.Default()
	c.DataDir = "/var/lib/dbplane"
	if got, want := c.StoreURL(), "sqlite:/var/lib/dbplane/dbplane.db"; got != want {
		t.Errorf("StoreURL() = %q, want %q", got, want)
	}
	c.Store = "postgres://db/dbplane"
	if got := c.StoreURL(); got != c.Store {
		t.Errorf("StoreURL() = %q, want %q", got, c.Store)
	}
}
