package control

import (
	"bytes"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

// hostConn is a cached engine connection and the host row it was made
// from, without the password (sealed: the sealed one, to tell a change).
type hostConn struct {
	conn   engine.Conn
	host   *dbplane.Host
	sealed []byte
}

// sameConnection reports whether a host row still connects as hc was made,
// with the same pool size.
func (hc *hostConn) sameConnection(h *dbplane.Host) bool {
	c := hc.host
	return c.Engine == h.Engine && c.Hostname == h.Hostname && c.Port == h.Port && c.Username == h.Username &&
		c.Database == h.Database && c.TLS == h.TLS && c.TLSCA == h.TLSCA && c.TLSServerName == h.TLSServerName &&
		c.PoolSize == h.PoolSize && bytes.Equal(hc.sealed, h.SealedPassword)
}

// connCache keeps one engine connection per host. A connection made from
// a host row read before the host changed is never kept: put refuses it
// when a drop came since the caller's get (the generation moved).
type connCache struct {
	// closeAfter is how long a dropped connection stays open for the
	// calls that already hold it.
	closeAfter time.Duration

	mu  sync.Mutex
	m   map[string]*hostConn // by host id
	gen uint64               // moved on by every drop
}

func newConnCache(closeAfter time.Duration) *connCache {
	return &connCache{closeAfter: closeAfter, m: map[string]*hostConn{}}
}

// get returns the host's cached connection (nil if none) and the
// generation to hand to put.
func (c *connCache) get(hostID string) (*hostConn, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[hostID], c.gen
}

// put caches hc, made from a row read at generation gen. It returns the
// connection to use: hc, or the one another call cached first. ok is
// false when a drop came since gen: the caller closes hc and reads the
// host again.
func (c *connCache) put(hostID string, hc *hostConn, gen uint64) (use *hostConn, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur := c.m[hostID]; cur != nil {
		return cur, true
	}
	if c.gen != gen {
		return nil, false
	}
	c.m[hostID] = hc
	return hc, true
}

// drop forgets a host's connection after the host changed. Calls already
// holding it may still be opening sessions on it, and closing it now would
// cancel them ("context canceled" on a create that had nothing wrong): it
// is closed closeAfter later, when every call it may carry is over.
func (c *connCache) drop(hostID string) {
	c.mu.Lock()
	hc := c.m[hostID]
	delete(c.m, hostID)
	c.gen++
	c.mu.Unlock()
	if hc != nil {
		time.AfterFunc(c.closeAfter, func() { hc.conn.Close() })
	}
}

// closeAll closes every cached connection at once (the service is closing).
func (c *connCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, hc := range c.m {
		hc.conn.Close()
		delete(c.m, id)
	}
}
