package store

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"none", `SELECT 1`, `SELECT 1`},
		{"in order", `UPDATE t SET a = ? WHERE id = ? AND b = ?`, `UPDATE t SET a = $1 WHERE id = $2 AND b = $3`},
		{"quoted ? is text", `SELECT '?', ? FROM t WHERE s = 'a?b' AND x = ?`, `SELECT '?', $1 FROM t WHERE s = 'a?b' AND x = $2`},
		{"doubled quote", `SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"cast", `SELECT nextval(?::regclass)`, `SELECT nextval($1::regclass)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r rebinder
			for range 2 { // the second answer comes from the cache
				if got := r.rebind(tc.in); got != tc.want {
					t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
				}
			}
		})
	}
}
