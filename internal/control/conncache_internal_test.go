package control

import (
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/enginefake"
)

func TestConnCache(t *testing.T) {
	fake := enginefake.New("mariadb")
	newConn := func() *hostConn {
		c, err := fake.Open(engine.Config{Host: "h"})
		if err != nil {
			t.Fatal(err)
		}
		return &hostConn{conn: c, host: &dbplane.Host{ID: "h1", Hostname: "h"}, sealed: []byte("s1")}
	}
	c := newConnCache(0)

	hc, gen := c.get("h1")
	if hc != nil {
		t.Fatal("get on an empty cache returned a connection")
	}
	first := newConn()
	if use, ok := c.put("h1", first, gen); !ok || use != first {
		t.Fatalf("put = %v, %v; want the connection put", use, ok)
	}
	if other, ok := c.put("h1", newConn(), gen); !ok || other != first {
		t.Errorf("a second put = %v, %v; want the first connection, cached first", other, ok)
	}

	// A connection made from a row read before a drop is not kept.
	_, stale := c.get("h2")
	c.drop("h1")
	if _, ok := c.put("h2", newConn(), stale); ok {
		t.Error("put after a drop since its get = ok, want refused")
	}
	if hc, _ := c.get("h1"); hc != nil {
		t.Error("the dropped connection is still cached")
	}
	// The dropped one is closed after closeAfter (0 here), not by drop.
	deadline := time.Now().Add(5 * time.Second)
	for fake.OpenConns() > 2 { // first is closed; the second put's and h2's stay open (callers close them)
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open 5s after the drop, want the dropped one closed", fake.OpenConns())
		}
		time.Sleep(10 * time.Millisecond)
	}

	if !first.sameConnection(&dbplane.Host{ID: "h1", Hostname: "h", SealedPassword: []byte("s1")}) {
		t.Error("sameConnection of an unchanged row = false")
	}
	if first.sameConnection(&dbplane.Host{ID: "h1", Hostname: "h", SealedPassword: []byte("s2")}) {
		t.Error("sameConnection of a row with a new password = true")
	}
}
