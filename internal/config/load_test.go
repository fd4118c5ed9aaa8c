package config_test

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/config"
)

// load runs Load on a fresh FlagSet with env as the whole environment.
func load(tb testing.TB, args []string, env map[string]string) (config.Config, []string, error) {
	tb.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return config.Load(fs, args, func(k string) string { return env[k] })
}

// mustWrite writes a file in a fresh temp dir and returns its path.
func mustWrite(tb testing.TB, name, data string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoad_Default(t *testing.T) {
	got, rest, err := load(t, []string{"a", "b"}, nil)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if diff := cmp.Diff(config.Default(), got); diff != "" {
		t.Errorf("Load() with nothing set (-want +got):\n%s", diff)
	}
	if strings.Join(rest, " ") != "a b" {
		t.Errorf("Load() args = %q, want [a b]", rest)
	}
	if err := config.Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestLoad_Precedence(t *testing.T) {
	t.Parallel()
	storeFile := mustWrite(t, "store", "postgres://env-file@db/dbplane\n")
	tests := []struct {
		name string
		file string            // config file contents; "" = no file
		env  map[string]string // DBPLANE_CONFIG is set when file != ""
		args []string
		want func(c *config.Config)
	}{
		{
			name: "FileOverDefault",
			// The CLI's DBPLANE_ADDR and DBPLANE_TOKEN are skipped, as other tools' keys are.
			file: "# comment\nDBPLANE_LISTEN=127.0.0.1:9000\nexport DBPLANE_LOG_LEVEL=\"debug\"\nDBPLANE_ENGINE_TIMEOUT='3s'\nOTHER_TOOL=x\nDBPLANE_ADDR=http://127.0.0.1:9000\nDBPLANE_TOKEN=dbp_x\n",
			want: func(c *config.Config) {
				c.Listen = "127.0.0.1:9000"
				c.LogLevel = "debug"
				c.EngineTimeout = 3 * time.Second
			},
		},
		{
			name: "EnvOverFile",
			file: "DBPLANE_LISTEN=127.0.0.1:9000\nDBPLANE_PASSWORD_LENGTH=20\n",
			env:  map[string]string{"DBPLANE_LISTEN": ":9001"},
			want: func(c *config.Config) { c.Listen = ":9001"; c.PasswordLength = 20 },
		},
		{
			name: "FlagOverEnvOverFile",
			file: "DBPLANE_LISTEN=127.0.0.1:9000\nDBPLANE_LOG_FORMAT=json\n",
			env:  map[string]string{"DBPLANE_LISTEN": ":9001", "DBPLANE_DATA_DIR": "/env"},
			args: []string{"--listen", ":9002", "-data-dir=/flag"},
			want: func(c *config.Config) { c.Listen = ":9002"; c.DataDir = "/flag"; c.LogFormat = "json" },
		},
		{
			name: "FlagOverFile",
			file: "DBPLANE_QUOTA_INTERVAL=1m\n",
			args: []string{"--quota-interval=0"},
			want: func(c *config.Config) { c.QuotaInterval = 0 },
		},
		{
			name: "EveryFlag",
			args: []string{
				"--data-dir", "/d", "--listen", ":0", "--store", "sqlite:/s.db", "--master-key-file", "/k",
				"--log-level", "warn", "--log-format", "json", "--password-length", "64",
				"--engine-timeout", "2s", "--shutdown-timeout", "1m", "--disable-engine", "mongo",
				"--no-migrate", "--quota-interval", "30s", "--drift-interval", "2m", "--rate-limit-application", "10", "--rate-limit-client", "20",
				"--rate-limit-server-create", "0", "--key-format", "pelican",
				"--audit-retention", "720h", "--audit-log", "/var/log/dbplane-audit.jsonl",
			},
			want: func(c *config.Config) {
				*c = config.Config{
					DataDir: "/d", Listen: ":0", Store: "sqlite:/s.db", MasterKeyFile: "/k", LogLevel: "warn", LogFormat: "json",
					PasswordLength: 64, EngineTimeout: 2 * time.Second, ShutdownTimeout: time.Minute, DisabledEngines: []string{"mongo"},
					NoMigrate: true, QuotaInterval: 30 * time.Second, DriftInterval: 2 * time.Minute, RateLimitApplication: 10, RateLimitClient: 20,
					RateLimitServerCreate: 0, KeyFormat: "pelican",
					AuditRetention: 720 * time.Hour, AuditLog: "/var/log/dbplane-audit.jsonl",
				}
			},
		},
		{
			name: "EveryEnv",
			env: map[string]string{
				"DBPLANE_DATA_DIR": "/d", "DBPLANE_LISTEN": ":0", "DBPLANE_STORE": "postgres://u@h/db", "DBPLANE_MASTER_KEY": "k1:AAAA",
				"DBPLANE_LOG_LEVEL": "error", "DBPLANE_LOG_FORMAT": "json", "DBPLANE_PASSWORD_LENGTH": "128",
				"DBPLANE_ENGINE_TIMEOUT": "1m", "DBPLANE_SHUTDOWN_TIMEOUT": "2s", "DBPLANE_DISABLED_ENGINES": " mariadb, postgres ,",
				"DBPLANE_NO_MIGRATE": "1", "DBPLANE_QUOTA_INTERVAL": "1h", "DBPLANE_DRIFT_INTERVAL": "0", "DBPLANE_RATE_LIMIT_APPLICATION": "1", "DBPLANE_RATE_LIMIT_CLIENT": "2",
				"DBPLANE_RATE_LIMIT_SERVER_CREATE": "3", "DBPLANE_KEY_FORMAT": "pterodactyl",
				"DBPLANE_AUDIT_RETENTION": "0", "DBPLANE_AUDIT_LOG": "-",
			},
			want: func(c *config.Config) {
				*c = config.Config{
					DataDir: "/d", Listen: ":0", Store: "postgres://u@h/db", MasterKey: "k1:AAAA", LogLevel: "error", LogFormat: "json",
					PasswordLength: 128, EngineTimeout: time.Minute, ShutdownTimeout: 2 * time.Second, DisabledEngines: []string{"mariadb", "postgres"},
					NoMigrate: true, QuotaInterval: time.Hour, RateLimitApplication: 1, RateLimitClient: 2,
					RateLimitServerCreate: 3, KeyFormat: "pterodactyl",
					AuditRetention: 0, AuditLog: "-",
				}
			},
		},
		{
			name: "DisableEngineFlagsReplaceEnv",
			env:  map[string]string{"DBPLANE_DISABLED_ENGINES": "mongo"},
			args: []string{"--disable-engine", "mariadb", "--disable-engine=postgres,mariadb"},
			want: func(c *config.Config) { c.DisabledEngines = []string{"mariadb", "postgres"} },
		},
		{
			name: "NoMigrateFalseOverEnv",
			env:  map[string]string{"DBPLANE_NO_MIGRATE": "true"},
			args: []string{"--no-migrate=false"},
			want: func(c *config.Config) { c.NoMigrate = false },
		},
		{
			name: "EnvFileTwinOverFile",
			file: "DBPLANE_STORE=postgres://file@db/dbplane\n",
			env:  map[string]string{"DBPLANE_STORE_FILE": storeFile},
			want: func(c *config.Config) { c.Store = "postgres://env-file@db/dbplane" },
		},
		{
			name: "FlagOverEnvFileTwin",
			env:  map[string]string{"DBPLANE_STORE_FILE": storeFile},
			args: []string{"--store", "sqlite:/x.db"},
			want: func(c *config.Config) { c.Store = "sqlite:/x.db" },
		},
		{
			name: "FlagFileTwin",
			args: []string{"--store-file", storeFile},
			want: func(c *config.Config) { c.Store = "postgres://env-file@db/dbplane" },
		},
		{
			name: "FileTwinInFile",
			file: "DBPLANE_STORE_FILE=" + storeFile + "\n",
			want: func(c *config.Config) { c.Store = "postgres://env-file@db/dbplane" },
		},
		{
			name: "EmptyInFileClears",
			file: "DBPLANE_MASTER_KEY_FILE=/from/file\nDBPLANE_STORE=\n",
			want: func(c *config.Config) { c.MasterKeyFile = "/from/file" },
		},
		{
			name: "UnknownEnvIgnored",
			env:  map[string]string{"DBPLANE_LISTENN": "nonsense", "DBPLANE_BOGUS": "1", "HOME": "/root"},
			want: func(c *config.Config) {},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.file != "" {
				env["DBPLANE_CONFIG"] = mustWrite(t, "dbplane.env", tc.file)
			}
			got, _, err := load(t, tc.args, env)
			if err != nil {
				t.Fatalf("Load(%q) error = %v", tc.args, err)
			}
			want := config.Default()
			tc.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load(%q) (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestLoad_ConfigFlagOverConfigEnv(t *testing.T) {
	fromEnv := mustWrite(t, "env.conf", "DBPLANE_LISTEN=:1\n")
	fromFlag := mustWrite(t, "flag.conf", "DBPLANE_LISTEN=:2\n")
	got, _, err := load(t, []string{"--config", fromFlag}, map[string]string{"DBPLANE_CONFIG": fromEnv})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if got.Listen != ":2" {
		t.Errorf("Load() Listen = %q, want :2 from the --config file", got.Listen)
	}
}

func TestLoad_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		env  map[string]string
		args []string
		want []string // substrings of the error, all required
		hide string   // must not appear in the error
	}{
		{
			name: "EnvDuration",
			env:  map[string]string{"DBPLANE_ENGINE_TIMEOUT": "10x"},
			want: []string{"DBPLANE_ENGINE_TIMEOUT", `invalid duration "10x"`},
		},
		{
			name: "FileDuration",
			file: "# c\nDBPLANE_QUOTA_INTERVAL=5 minutes\n",
			want: []string{"line 2", "DBPLANE_QUOTA_INTERVAL", `invalid duration "5 minutes"`},
		},
		{
			name: "FlagDuration",
			args: []string{"--shutdown-timeout", "soon"},
			want: []string{"shutdown-timeout", "invalid duration"},
		},
		{
			name: "EnvInteger",
			env:  map[string]string{"DBPLANE_PASSWORD_LENGTH": "long"},
			want: []string{"DBPLANE_PASSWORD_LENGTH", `invalid integer "long"`},
		},
		{
			name: "EnvBool",
			env:  map[string]string{"DBPLANE_NO_MIGRATE": "yes please"},
			want: []string{"DBPLANE_NO_MIGRATE", "invalid boolean"},
		},
		{
			name: "SeveralAtOnce",
			env:  map[string]string{"DBPLANE_ENGINE_TIMEOUT": "x", "DBPLANE_RATE_LIMIT_CLIENT": "y", "DBPLANE_LOG_LEVEL": "loud"},
			want: []string{"DBPLANE_ENGINE_TIMEOUT", "DBPLANE_RATE_LIMIT_CLIENT", "--log-level (DBPLANE_LOG_LEVEL): must be one of"},
		},
		{
			name: "InvalidAfterParse",
			env:  map[string]string{"DBPLANE_PASSWORD_LENGTH": "8", "DBPLANE_LOG_LEVEL": "loud"},
			want: []string{"--password-length (DBPLANE_PASSWORD_LENGTH)", "--log-level (DBPLANE_LOG_LEVEL)"},
		},
		{
			name: "StoreAndStoreFile",
			env:  map[string]string{"DBPLANE_STORE": "sqlite:/a", "DBPLANE_STORE_FILE": "/b"},
			want: []string{"DBPLANE_STORE and DBPLANE_STORE_FILE are both set"},
		},
		{
			name: "StoreFlagAndStoreFileFlag",
			args: []string{"--store", "sqlite:/a", "--store-file", "/b"},
			want: []string{"--store and --store-file are both set"},
		},
		{
			name: "MissingStoreFile",
			env:  map[string]string{"DBPLANE_STORE_FILE": "/nonexistent/store"},
			want: []string{"DBPLANE_STORE_FILE", "/nonexistent/store"},
		},
		{
			name: "MissingConfigFile",
			env:  map[string]string{"DBPLANE_CONFIG": "/nonexistent/dbplane.env"},
			want: []string{"config file", "/nonexistent/dbplane.env"},
		},
		{
			name: "FileUnknownKey",
			file: "DBPLANE_LISTN=:1\n",
			want: []string{"line 1", "unknown setting DBPLANE_LISTN"},
		},
		{
			name: "FileNotKeyValue",
			file: "DBPLANE_LISTEN :1\n",
			want: []string{"line 1", "want KEY=VALUE"},
		},
		{
			name: "FileDuplicate",
			file: "DBPLANE_LISTEN=:1\nDBPLANE_LISTEN=:2\n",
			want: []string{"line 2", "already set on line 1"},
		},
		{
			name: "StoreNotEchoed",
			env:  map[string]string{"DBPLANE_STORE": "mysql://root:hunter2@db/x"},
			want: []string{"--store (DBPLANE_STORE)", "postgres://"},
			hide: "hunter2",
		},
		{
			name: "BadStoreURLNotEchoed",
			args: []string{"--store", "postgres://u:hunter2@db:badport/x"},
			want: []string{"--store (DBPLANE_STORE)", "not a valid postgres:// URL"},
			hide: "hunter2",
		},
		{
			name: "MasterKeyAndFile",
			env:  map[string]string{"DBPLANE_MASTER_KEY": "k1:hunter2", "DBPLANE_MASTER_KEY_FILE": "/k"},
			want: []string{"DBPLANE_MASTER_KEY: cannot be used with --master-key-file"},
			hide: "hunter2",
		},
		{
			name: "UnknownFlag",
			args: []string{"--bogus"},
			want: []string{"bogus"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.file != "" {
				env["DBPLANE_CONFIG"] = mustWrite(t, "dbplane.env", tc.file)
			}
			_, _, err := load(t, tc.args, env)
			if err == nil {
				t.Fatalf("Load(%q) error = nil, want an error", tc.args)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%q) error = %q, want it to contain %q", tc.args, err, w)
				}
			}
			if tc.hide != "" && strings.Contains(err.Error(), tc.hide) {
				t.Errorf("Load(%q) error = %q leaks %q", tc.args, err, tc.hide)
			}
		})
	}
}

func TestLoad_Help(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var usage strings.Builder
	fs.SetOutput(&usage)
	_, _, err := config.Load(fs, []string{"-h"}, nil)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Load(-h) error = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"-listen", "DBPLANE_LISTEN", "127.0.0.1:8080", "-store-file", "DBPLANE_STORE_FILE", "-config", "-no-migrate"} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("usage does not mention %q:\n%s", want, usage.String())
		}
	}
}

func TestLoad_SubcommandFlags(t *testing.T) {
	fs := flag.NewFlagSet("host add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "host name")
	c, rest, err := config.Load(fs, []string{"--name", "db1", "--listen", ":7", "extra"}, nil)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if *name != "db1" || c.Listen != ":7" || len(rest) != 1 || rest[0] != "extra" {
		t.Errorf("Load() = name %q, listen %q, args %q; want db1, :7, [extra]", *name, c.Listen, rest)
	}
}

// TestLoadFlags: only the named flags (and their -file twins) are
// registered; the other settings still come from the environment.
func TestLoadFlags(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env := map[string]string{"DBPLANE_LISTEN": "127.0.0.1:9999"}
	got, rest, err := config.LoadFlags(fs, []string{"--data-dir", "/d", "x"}, func(k string) string { return env[k] }, "data-dir", "store")
	if err != nil {
		t.Fatalf("LoadFlags() error = %v", err)
	}
	if got.DataDir != "/d" || got.Listen != "127.0.0.1:9999" || strings.Join(rest, " ") != "x" {
		t.Errorf("LoadFlags() = data dir %q, listen %q, args %q; want /d, the environment's 127.0.0.1:9999, [x]", got.DataDir, got.Listen, rest)
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if want := []string{"config", "data-dir", "store", "store-file"}; !slices.Equal(names, want) {
		t.Errorf("LoadFlags() registered %q, want %q", names, want)
	}
	fs = flag.NewFlagSet("init", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, _, err := config.LoadFlags(fs, []string{"--listen", ":1"}, nil, "data-dir"); err == nil {
		t.Error("LoadFlags() accepted --listen, which it was not asked to register")
	}
}
