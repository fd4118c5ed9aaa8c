package mongo_test

import (
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mongo"
)

// Config.PoolSize sets the driver's pool, over the max_pool_size param;
// without either the pool is the default 8 (MongoDB has no setting worth
// sizing from); a negative size is refused.
func TestClientOptions_PoolSize(t *testing.T) {
	base := engine.Config{Host: "127.0.0.1", User: "admin", Password: "x"}
	for _, tc := range []struct {
		name   string
		size   int
		params map[string]string
		want   uint64
	}{
		{"default", 0, nil, 8},
		{"param", 0, map[string]string{"max_pool_size": "20"}, 20},
		{"host setting", 300, nil, 300},
		{"host setting over param", 5, map[string]string{"max_pool_size": "20"}, 5},
	} {
		cfg := base
		cfg.PoolSize, cfg.Params = tc.size, tc.params
		opts, err := mongo.ClientOptions(cfg)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if opts.MaxPoolSize == nil || *opts.MaxPoolSize != tc.want {
			t.Errorf("%s: MaxPoolSize = %v, want %d", tc.name, opts.MaxPoolSize, tc.want)
		}
	}
	cfg := base
	cfg.PoolSize = -1
	if _, err := mongo.ClientOptions(cfg); err == nil {
		t.Error("PoolSize -1: no error")
	}
}
