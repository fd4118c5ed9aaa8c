package mariadb_test

import (
	"strconv"
	"strings"
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

func TestTablespaceTable(t *testing.T) {
	tests := []struct{ in, schema, table string }{
		{"um_abc_1/t", "um_abc_1", "t"},
		{"s1_my@002ddb/t@002d1", "s1_my-db", "t-1"},
		{"um_abc_1/p#P#p0", "um_abc_1", "p"},
		{"um_abc_1/p#p#p1#sp#s0", "um_abc_1", "p"},
		{"um_abc_1/h@0023x", "um_abc_1", "h#x"},
		{"um_abc_1/#sql-ib42", "um_abc_1", ""},
	}
	for _, tc := range tests {
		s, tb := mariadb.TableOf(mariadb.TablespaceTable(tc.in))
		if s != tc.schema || tb != tc.table {
			t.Errorf("TablespaceTable(%q) = %q, %q; want %q, %q", tc.in, s, tb, tc.schema, tc.table)
		}
	}
}

// TestRenderTableSizes checks that step 2 looks every table up once, in
// statements of at most SizesBatch tables, with the names bound as
// arguments.
func TestRenderTableSizes(t *testing.T) {
	if got := mariadb.RenderTableSizes(); len(got) != 0 {
		t.Errorf("RenderTableSizes() = %d statements, want none", len(got))
	}
	n := 2*mariadb.SizesBatch + 3
	var tables [][2]string
	for i := range n {
		tables = append(tables, [2]string{"s" + strconv.Itoa(i), "t'" + strconv.Itoa(i)})
	}
	stmts := mariadb.RenderTableSizes(tables...)
	if len(stmts) != 3 {
		t.Fatalf("%d tables: %d statements, want 3", n, len(stmts))
	}
	seen := 0
	for _, s := range stmts {
		branches := strings.Count(s.SQL, "SELECT ")
		if branches > mariadb.SizesBatch || 2*branches != len(s.Args) || strings.Count(s.SQL, "?") != len(s.Args) {
			t.Errorf("statement with %d branches and %d args", branches, len(s.Args))
		}
		if strings.Contains(s.SQL, "'t") {
			t.Errorf("a table name is in the statement text: %s", s.SQL)
		}
		for i := 0; i+1 < len(s.Args); i += 2 {
			if s.Args[i] != tables[seen][0] || s.Args[i+1] != tables[seen][1] {
				t.Errorf("args %d = %v, %v; want %v", seen, s.Args[i], s.Args[i+1], tables[seen])
			}
			seen++
		}
	}
	if seen != n {
		t.Errorf("looked up %d tables, want %d", seen, n)
	}
}
