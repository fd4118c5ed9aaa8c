package ptero

import (
	"math"
	"testing"
)

func TestHashIDs(t *testing.T) {
	t.Parallel()
	h := newHashIDs("salt")
	for _, id := range []int64{0, 1, 2, 3, 9, 10, 61, 62, 1000, 123456789, 1<<46 - 1, 1 << 46, 1<<46 + 1, 1 << 62, math.MaxInt64} {
		s := h.Encode(id)
		want := 8
		if id >= 1<<46 {
			want = 11
		}
		if len(s) != want {
			t.Errorf("Encode(%d) = %q, want %d characters", id, s, want)
		}
		for i := 0; i < len(s); i++ {
			if digit62(s[i]) < 0 {
				t.Errorf("Encode(%d) = %q, want only [0-9a-zA-Z]", id, s)
			}
		}
		if got, ok := h.Decode(s); !ok || got != id {
			t.Errorf("Decode(Encode(%d) = %q) = %d, %v; want %d, true", id, s, got, ok, id)
		}
	}
	if a, b := h.Encode(1), newHashIDs("other").Encode(1); a == b {
		t.Errorf("Encode(1) = %q under two salts, want them to differ", a)
	}
	if a, b := h.Encode(1), h.Encode(2); a[:4] == b[:4] {
		t.Errorf("Encode(1) = %q, Encode(2) = %q: neighbours should not look alike", a, b)
	}
}

func TestHashIDs_DecodeRejects(t *testing.T) {
	t.Parallel()
	h := newHashIDs("salt")
	small := h.Encode(5)
	// The 11-character form of a small id is not how Encode writes it.
	nonCanonical := base62(h.permute(5, 32), largeLen)
	tests := map[string]string{
		"Empty":        "",
		"Short":        small[:7],
		"Long":         small + "0",
		"Nine":         "123456789",
		"BadChar":      small[:7] + "-",
		"Space":        " " + small[1:],
		"Unicode":      "éééé",
		"SmallTooBig":  "ZZZZZZZZ",
		"Overflow":     "ZZZZZZZZZZZ",
		"NonCanonical": nonCanonical,
	}
	for name, s := range tests {
		if id, ok := h.Decode(s); ok {
			t.Errorf("%s: Decode(%q) = %d, true; want false", name, s, id)
		}
	}
}

// FuzzHashID checks that Decode never panics and accepts only what Encode
// writes, and that every id round-trips.
func FuzzHashID(f *testing.F) {
	h := newHashIDs("fuzz-salt")
	for _, s := range []string{"", "bEY4yAD5", "00000000", "ZZZZZZZZZZZ", "zzzzzzzzzzz", "aaaaaaaa", h.Encode(1), h.Encode(math.MaxInt64)} {
		f.Add(s, int64(len(s)))
	}
	f.Add("x", int64(-1))
	f.Add("y", int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if got, ok := h.Decode(s); ok {
			if got < 0 || h.Encode(got) != s {
				t.Fatalf("Decode(%q) = %d, true; Encode gives %q", s, got, h.Encode(got))
			}
		}
		if id < 0 {
			id = -(id + 1)
		}
		enc := h.Encode(id)
		if got, ok := h.Decode(enc); !ok || got != id {
			t.Fatalf("Decode(Encode(%d) = %q) = %d, %v", id, enc, got, ok)
		}
	})
}
