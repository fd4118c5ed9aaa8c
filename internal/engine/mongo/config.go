package mongo

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dbplane/dbplane/internal/engine"
)

// Defaults for Config.Params.
const (
	defaultConnectTimeout = 5 * time.Second
	// A down server is only noticed when server selection gives up, so
	// this bounds how long an unreachable host takes to fail.
	defaultSelectionTimeout = 3 * time.Second
	defaultMaxPoolSize      = 8
)

// clientOptions turns an engine.Config into driver options. It reads the
// CA file, if any, and dials nothing.
func clientOptions(cfg engine.Config) (*options.ClientOptions, error) {
	if cfg.Host == "" {
		return nil, errors.New("host is required")
	}
	if cfg.User == "" {
		return nil, errors.New("user is required")
	}
	port := cfg.Port
	if port == 0 {
		port = 27017
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("port %d is out of range", cfg.Port)
	}
	authDB := cfg.Database
	if authDB == "" {
		authDB = adminDB
	}
	connectTimeout, selectionTimeout := defaultConnectTimeout, defaultSelectionTimeout
	maxPool := uint64(defaultMaxPoolSize)
	var caFile string
	for k, v := range cfg.Params {
		switch k {
		case "connect_timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > time.Hour {
				return nil, fmt.Errorf("param connect_timeout=%q: want a Go duration up to 1h", v)
			}
			connectTimeout = d
		case "server_selection_timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > time.Hour {
				return nil, fmt.Errorf("param server_selection_timeout=%q: want a Go duration up to 1h", v)
			}
			selectionTimeout = d
		case "max_pool_size":
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n < 1 || n > 100 {
				return nil, fmt.Errorf("param max_pool_size=%q: want 1 to 100", v)
			}
			maxPool = n
		case "tls_ca_file":
			caFile = v
		default:
			return nil, fmt.Errorf("unknown param %q", k)
		}
	}
	switch {
	case cfg.PoolSize < 0:
		return nil, fmt.Errorf("pool size %d is negative", cfg.PoolSize)
	case cfg.PoolSize > 0: // the host's setting wins over max_pool_size
		maxPool = uint64(cfg.PoolSize)
	}
	opts := options.Client().
		SetHosts([]string{net.JoinHostPort(cfg.Host, strconv.Itoa(port))}).
		SetAuth(options.Credential{AuthSource: authDB, Username: cfg.User, Password: cfg.Password}).
		SetAppName("dbplane").
		SetConnectTimeout(connectTimeout).
		SetServerSelectionTimeout(selectionTimeout).
		SetMaxPoolSize(maxPool).
		SetMinPoolSize(0).
		SetRetryWrites(false) // every change is idempotent and retried by the caller
	tc, err := tlsConfig(cfg, caFile)
	if err != nil {
		return nil, err
	}
	if tc != nil {
		opts.SetTLSConfig(tc)
	}
	return opts, nil
}

// tlsConfig maps the libpq-style modes onto MongoDB's all-or-nothing TLS:
// the wire protocol cannot negotiate TLS on a connection, so prefer (and
// "") connect in plain text, like disable. A CA (cfg.TLSCA or the
// tls_ca_file param) or a server name needs verify-full.
func tlsConfig(cfg engine.Config, caFile string) (*tls.Config, error) {
	switch cfg.TLS {
	case "", engine.TLSDisable, engine.TLSPrefer, engine.TLSVerifyFull:
		return engine.VerifyTLS(cfg, caFile)
	case engine.TLSRequire:
		if _, err := engine.VerifyTLS(cfg, caFile); err != nil {
			return nil, err
		}
		return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, nil //nolint:gosec // require: encrypted, unverified, as libpq's
	default:
		return nil, fmt.Errorf("unknown TLS mode %q", cfg.TLS)
	}
}
