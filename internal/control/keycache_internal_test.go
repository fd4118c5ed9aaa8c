package control

import (
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

func TestKeyCache(t *testing.T) {
	now := time.Now()
	sum := [32]byte{1}
	k, a := &dbplane.APIKey{ID: "k"}, &dbplane.Account{ID: "a"}

	c := newKeyCache(5 * time.Second)
	_, _, gen, ok := c.get(sum, now)
	if ok {
		t.Fatal("get on an empty cache = hit")
	}
	c.put(sum, gen, k, a, now)
	if gk, ga, _, ok := c.get(sum, now.Add(4*time.Second)); !ok || gk != k || ga != a {
		t.Errorf("get within the TTL = %v, %v, %v; want the key and account put", gk, ga, ok)
	}
	if _, _, _, ok := c.get(sum, now.Add(5*time.Second)); ok {
		t.Error("get at the TTL = hit, want a miss")
	}

	// A change between the read and the put: the stale read is not kept.
	_, _, gen, _ = c.get([32]byte{2}, now)
	c.forget()
	c.put([32]byte{2}, gen, k, a, now)
	if _, _, _, ok := c.get([32]byte{2}, now); ok {
		t.Error("a read from before forget was cached")
	}
	c.put(sum, 1, k, a, now)
	c.forget()
	if _, _, _, ok := c.get(sum, now); ok {
		t.Error("get after forget = hit")
	}

	c.put(sum, c.gen, k, a, now)
	used := now.Add(time.Minute)
	c.touched(sum, "k", used)
	if gk, _, _, _ := c.get(sum, now); gk.LastUsedAt == nil || !gk.LastUsedAt.Equal(used) || k.LastUsedAt != nil {
		t.Errorf("after touched, cached LastUsedAt = %v (original %v); want %v on a copy", gk.LastUsedAt, k.LastUsedAt, used)
	}

	off := newKeyCache(0) // a store shared by replicas
	_, _, gen, _ = off.get(sum, now)
	off.put(sum, gen, k, a, now)
	if _, _, _, ok := off.get(sum, now); ok {
		t.Error("a cache with TTL 0 kept a key")
	}
}
