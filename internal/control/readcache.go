package control

import (
	"context"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// readCache keeps accounts' database lists between writes: the management
// API's list and reveal are the hot reads. Every write to the store from
// this process moves its generation and empties the cache; writes by
// another process (dbplane quota refresh) show within readCacheTTL. With
// a store shared by replicas it is off (ttl 0): a reveal on one replica
// right after a rotate on another must return the new password.
type readCache struct {
	ttl   time.Duration
	mu    sync.Mutex
	gen   uint64
	lists map[string]cachedList // by account id
}

type cachedList struct {
	rows  []*dbplane.Database
	until time.Time
}

const (
	maxCachedLists = 10000
	readCacheTTL   = 2 * time.Second
)

func (c *readCache) get(gen uint64, accountID string, now time.Time) ([]*dbplane.Database, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	l, ok := c.lists[accountID]
	if !ok || !now.Before(l.until) {
		return nil, false
	}
	return l.rows, true
}

func (c *readCache) put(gen uint64, accountID string, rows []*dbplane.Database, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.lists == nil || len(c.lists) >= maxCachedLists {
		c.gen, c.lists = gen, map[string]cachedList{}
	}
	c.lists[accountID] = cachedList{rows: rows, until: now.Add(c.ttl)}
}

// accountDatabases returns the account's databases, oldest first, from the
// cache when no write happened since it was filled. Callers must not change
// the rows.
func (s *Service) accountDatabases(ctx context.Context, accountID string) ([]*dbplane.Database, error) {
	gen, now := s.store.Generation(), s.opt.Now()
	if l, ok := s.reads.get(gen, accountID, now); ok {
		return l, nil
	}
	l, err := s.store.ListDatabases(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if s.store.Generation() == gen {
		s.reads.put(gen, accountID, l, now)
	}
	return l, nil
}
