package control

import (
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// keyCache keeps authenticated keys with their accounts for keyCacheTTL,
// so the hot path reads no store. Every change the service makes to keys
// or accounts empties it at once (forget); a change made by another
// process shows within the TTL. With a store shared by replicas it is off
// (ttl 0): a key disabled on one replica must be refused on every other
// at once, and the read it saves costs about as much as a check whether
// it is still current would (BenchmarkHotReads: 20-30 µs on PostgreSQL).
type keyCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[[32]byte]*cachedKey
	gen uint64 // moved on by forget
}

type cachedKey struct {
	key     *dbplane.APIKey
	account *dbplane.Account
	until   time.Time
}

// maxCachedKeys bounds the cache; past it the cache starts again.
const maxCachedKeys = 10000

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, m: map[[32]byte]*cachedKey{}}
}

// get returns the cached key and account of a hash, if fresh, and the
// generation to hand to put after reading the store.
func (c *keyCache) get(sum [32]byte, now time.Time) (*dbplane.APIKey, *dbplane.Account, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[sum]; e != nil && now.Before(e.until) {
		return e.key, e.account, c.gen, true
	}
	return nil, nil, c.gen, false
}

// put caches what was read at generation gen, unless a change came since.
func (c *keyCache) put(sum [32]byte, gen uint64, k *dbplane.APIKey, a *dbplane.Account, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.m) >= maxCachedKeys {
		clear(c.m)
	}
	c.m[sum] = &cachedKey{key: k, account: a, until: now.Add(c.ttl)}
}

// touched records a key's new last use in its cached copy.
func (c *keyCache) touched(sum [32]byte, keyID string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[sum]; e != nil && e.key.ID == keyID {
		cp := *e.key
		cp.LastUsedAt = &at
		e.key = &cp
	}
}

// forget empties the cache after a change to keys or accounts.
func (c *keyCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
	c.gen++
}
