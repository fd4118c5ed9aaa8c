package control

import (
	"slices"
	"testing"

	"github.com/dbplane/dbplane"
)

// TestMeasuring_SilentHostsStayOut: a quota pass's early moves leave out the
// hosts still being measured and those whose measurement found them silent
// (each would cost the step an engine timeout), and count every host
// measured, silent or not.
func TestMeasuring_SilentHostsStayOut(t *testing.T) {
	m := newMeasuring([]*dbplane.Host{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}})
	m.finish("a", false)
	m.finish("d", true)
	m.finish("b", true)
	measuring, silent, measured := m.now()
	if !slices.Equal(measuring, []string{"c"}) || !slices.Equal(silent, []string{"b", "d"}) || measured != 3 {
		t.Errorf("now() = measuring %v, silent %v, measured %d; want [c], [b d], 3", measuring, silent, measured)
	}
}
