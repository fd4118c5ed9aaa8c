package postgres

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbplane/dbplane/internal/engine"
)

// Defaults for what cfg leaves out.
const (
	defaultPort           = 5432
	defaultDatabase       = "postgres"
	defaultAppName        = "dbplane"
	defaultConnectTimeout = 5 * time.Second
)

// poolSize is the admin pool for a server with maxConnections, when
// neither Config.PoolSize nor max_conns gives it: a quarter, so that
// several dbplane replicas and the tenants keep room, at least minPool and
// at most maxPool, as the MariaDB driver sizes its own.
func poolSize(maxConnections int) int32 {
	return int32(min(max(maxConnections/4, minPool), maxPool))
}

// Bounds of poolSize, and of Config.PoolSize (pgxpool takes an int32).
const (
	minPool     = 2
	maxPool     = 64
	maxPoolSize = 1 << 16
)

// params are the supported keys of engine.Config.Params; doc.go describes
// them.
var params = map[string]func(v string) error{
	"application_name": func(v string) error {
		if len(v) > 63 {
			return errors.New("at most 63 bytes")
		}
		return nil
	},
	"connect_timeout": func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3600 {
			return errors.New("must be whole seconds from 1 to 3600")
		}
		return nil
	},
	"max_conns": func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return errors.New("must be a number from 1 to 100")
		}
		return nil
	},
	"sslrootcert": func(v string) error {
		if v == "" {
			return errors.New("must be a file path or \"system\"")
		}
		return nil
	},
}

// poolConfig validates cfg and turns it into a pool configuration. The
// password is set on the parsed config, never written into the connection
// string, so no parse error can quote it.
func poolConfig(cfg engine.Config) (*pgxpool.Config, error) {
	var problems []error
	if cfg.Host == "" {
		problems = append(problems, errors.New("host is required"))
	}
	port := cfg.Port
	if port == 0 {
		port = defaultPort
	}
	if port < 1 || port > 65535 {
		problems = append(problems, fmt.Errorf("port %d is out of range", cfg.Port))
	}
	if cfg.User == "" {
		problems = append(problems, errors.New("user is required"))
	}
	if cfg.PoolSize < 0 || cfg.PoolSize > maxPoolSize {
		problems = append(problems, fmt.Errorf("pool size %d is out of range (0 to %d)", cfg.PoolSize, maxPoolSize))
	}
	sslmode, err := sslMode(cfg.TLS)
	if err != nil {
		problems = append(problems, err)
	}
	for k, v := range cfg.Params {
		check, ok := params[k]
		if !ok {
			problems = append(problems, fmt.Errorf("unknown param %q", k))
			continue
		}
		if err := check(v); err != nil {
			problems = append(problems, fmt.Errorf("param %s: %w", k, err))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}

	database := cfg.Database
	if database == "" {
		database = defaultDatabase
	}
	settings := [][2]string{
		{"host", cfg.Host},
		{"port", strconv.Itoa(port)},
		{"user", cfg.User},
		{"dbname", database},
		{"sslmode", sslmode},
		{"application_name", paramOr(cfg, "application_name", defaultAppName)},
		{"connect_timeout", paramOr(cfg, "connect_timeout", strconv.Itoa(int(defaultConnectTimeout/time.Second)))},
	}
	if v, ok := cfg.Params["sslrootcert"]; ok {
		settings = append(settings, [2]string{"sslrootcert", v})
	}
	var dsn strings.Builder
	for _, kv := range settings {
		dsn.WriteString(kv[0] + "=" + quoteDSN(kv[1]) + " ")
	}

	pc, err := pgxpool.ParseConfig(dsn.String())
	if err != nil {
		return nil, err
	}
	if err := applyTLS(pc, cfg); err != nil {
		return nil, err
	}
	pc.ConnConfig.Password = cfg.Password
	// MaxConns stays 0 when neither PoolSize nor max_conns gives it: the
	// Conn sizes its pool from the server at the first operation (pool).
	pc.MaxConns = 0
	if v, ok := cfg.Params["max_conns"]; ok {
		n, _ := strconv.Atoi(v)
		pc.MaxConns = int32(n)
	}
	if cfg.PoolSize > 0 { // the host's setting wins over max_conns
		pc.MaxConns = int32(cfg.PoolSize)
	}
	pc.MinConns = 0
	pc.MinIdleConns = 0
	pc.MaxConnIdleTime = 5 * time.Minute
	pc.MaxConnLifetime = 30 * time.Minute
	return pc, nil
}

// sslMode maps a TLS mode to libpq's sslmode; empty means libpq's default.
func sslMode(m engine.TLSMode) (string, error) {
	switch m {
	case "":
		return string(engine.TLSPrefer), nil
	case engine.TLSDisable, engine.TLSPrefer, engine.TLSRequire, engine.TLSVerifyFull:
		return string(m), nil
	}
	return "", fmt.Errorf("unknown TLS mode %q", m)
}

// applyTLS puts the host's CA bundle and server name into the TLS config
// pgx made for verify-full (and into each fallback's, though verify-full
// has none). A CA or server name with another mode is an error: those
// modes check no certificate. The sslrootcert param is read by pgx itself.
func applyTLS(pc *pgxpool.Config, cfg engine.Config) error {
	verify, err := engine.VerifyTLS(engine.Config{Host: cfg.Host, TLS: cfg.TLS, TLSCA: cfg.TLSCA, TLSServerName: cfg.TLSServerName}, "")
	if err != nil || verify == nil || (cfg.TLSCA == "" && cfg.TLSServerName == "") {
		return err
	}
	set := func(tc *tls.Config) {
		if tc == nil {
			return
		}
		if cfg.TLSCA != "" {
			tc.RootCAs = verify.RootCAs
		}
		if cfg.TLSServerName != "" {
			tc.ServerName = verify.ServerName
		}
	}
	set(pc.ConnConfig.TLSConfig)
	for _, fb := range pc.ConnConfig.Fallbacks {
		set(fb.TLSConfig)
	}
	return nil
}

func paramOr(cfg engine.Config, key, def string) string {
	if v, ok := cfg.Params[key]; ok {
		return v
	}
	return def
}

// quoteDSN quotes a keyword/value connection string value.
func quoteDSN(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	return "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
}
