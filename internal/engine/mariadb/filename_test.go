package mariadb_test

import (
	"testing"

	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func TestDecodeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"um_0a1b2c3d4e_1", "um_0a1b2c3d4e_1"},
		{"s1_my@002ddb", "s1_my-db"},
		{"s1_World@002d1", "s1_World-1"},
		{"bad@zz", "bad@zz"},
		{"tail@00", "tail@00"},
	}
	for _, tc := range tests {
		if got := mariadb.DecodeFilename(tc.in); got != tc.want {
			t.Errorf("DecodeFilename(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
