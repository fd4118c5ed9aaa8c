package control

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/must"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	p := PasswordParams{Memory: 64, Time: 1, Threads: 1}
	h, err := hashPassword(rand.Reader, p, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with its parameters", h)
	}
	h2 := must.Get(hashPassword(rand.Reader, p, "correct horse"))(t)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horse ": false, "": false} {
		if ok, err := checkPassword(h, pw); err != nil || ok != want {
			t.Errorf("checkPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	// Hashes made under other costs still check.
	strong := must.Get(hashPassword(rand.Reader, PasswordParams{Memory: 128, Time: 2, Threads: 2}, "x"))(t)
	if ok, err := checkPassword(strong, "x"); !ok || err != nil {
		t.Errorf("a hash with other parameters does not check: %v %v", ok, err)
	}
}

// FuzzParsePasswordHash: a stored hash, however mangled, never panics and
// never asks for unbounded memory or time.
func FuzzParsePasswordHash(f *testing.F) {
	good := must.Get(hashPassword(rand.Reader, PasswordParams{Memory: 64, Time: 1, Threads: 1}, "x"))(f)
	for _, s := range []string{good, "", "$argon2id$v=19$m=4294967295,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", "$argon2i$v=19$m=64,t=1,p=1$a$b", "$$$$$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := parsePasswordHash(s)
		if err != nil {
			return
		}
		if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
			t.Errorf("parsePasswordHash(%q) accepted out-of-bounds parameters %+v (salt %d, key %d)", s, p, len(salt), len(key))
		}
	})
}

func TestPasswordSlots(t *testing.T) {
	p := passwordSlots{c: make(chan struct{}, 2), wait: 20 * time.Millisecond}
	hold, held := make(chan struct{}), make(chan struct{}, 2)
	for range 2 {
		go p.do(context.Background(), func() { held <- struct{}{}; <-hold })
	}
	<-held
	<-held
	ran := false
	if err := p.do(context.Background(), func() { ran = true }); !errors.Is(err, ErrBusy) || ran {
		t.Fatalf("a third password operation with two running = %v (ran %v), want ErrBusy", err, ran)
	}
	close(hold)
	if err := p.do(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("after the slots freed up: %v (ran %v)", err, ran)
	}
}
