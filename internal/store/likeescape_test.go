package store_test

import (
	"testing"

	"github.com/dbplane/dbplane/internal/store"
)

func TestLikeEscape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"Plain", "database.create", "database.create"},
		{"Percent", "50%", "50!%"},
		{"Underscore", "a_b", "a!_b"},
		{"Bang", "a!b", "a!!b"},
		{"All", "!%_", "!!!%!_"},
		{"Empty", "", ""},
	} {
		if got := store.LikeEscape(tc.in); got != tc.want {
			t.Errorf("%s: likeEscape(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestLikeEscape_NoAllocs: the replacer is built once, not on every call, so
// a term with nothing to escape costs no allocation.
func TestLikeEscape_NoAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = store.LikeEscape("database.create") }); n != 0 {
		t.Errorf("likeEscape(%q) allocates %.0f times a call, want 0", "database.create", n)
	}
}
