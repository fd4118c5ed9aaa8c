package dbplane_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestHostInput_NodeIDs(t *testing.T) {
	apply := func(ids ...string) (*dbplane.Host, error) {
		h := &dbplane.Host{NodeIDs: []string{"old"}}
		err := (&dbplane.HostInput{NodeIDs: &ids}).Apply(h, false)
		return h, err
	}
	h, err := apply(" b ", "a", "b")
	if err != nil || !slices.Equal(h.NodeIDs, []string{"a", "b"}) {
		t.Errorf("Apply(b, a, b) = %v, %v; want [a b]", h.NodeIDs, err)
	}
	if h, err := apply(); err != nil || len(h.NodeIDs) != 0 {
		t.Errorf("Apply() = %v, %v; want no nodes", h.NodeIDs, err)
	}
	h = &dbplane.Host{NodeIDs: []string{"old"}}
	if err := (&dbplane.HostInput{}).Apply(h, false); err != nil || !slices.Equal(h.NodeIDs, []string{"old"}) {
		t.Errorf("Apply without nodeIds = %v, %v; want the links kept", h.NodeIDs, err)
	}
	many := make([]string, dbplane.MaxHostNodes+1)
	for i := range many {
		many[i] = "node-" + strconv.Itoa(i)
	}
	for name, ids := range map[string][]string{
		"blank": {"a", " "}, "too long": {strings.Repeat("x", 65)}, "control": {"a\x00"}, "too many": many,
	} {
		if _, err := apply(ids...); dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "nodeIds" {
			t.Errorf("%s: Apply = %v, want a nodeIds field error", name, err)
		}
	}
	if h := (&dbplane.Host{NodeIDs: []string{"a", "b"}}); !h.LinkedTo("b") || h.LinkedTo("c") || h.LinkedTo("") {
		t.Error("LinkedTo is wrong")
	}
}

// poolSize takes 0 (automatic) to MaxPoolSize; anything else is a field
// error that changes nothing, and an omitted poolSize keeps the old one.
func TestHostInput_PoolSize(t *testing.T) {
	for _, n := range []int{0, 1, 64, dbplane.MaxPoolSize} {
		h := &dbplane.Host{PoolSize: 7}
		if err := (&dbplane.HostInput{PoolSize: &n}).Apply(h, false); err != nil || h.PoolSize != n {
			t.Errorf("Apply(poolSize %d) = %d, %v; want %d", n, h.PoolSize, err, n)
		}
	}
	for _, n := range []int{-1, dbplane.MaxPoolSize + 1, -1 << 62} {
		h := &dbplane.Host{PoolSize: 7}
		err := (&dbplane.HostInput{PoolSize: &n}).Apply(h, false)
		if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "poolSize" || h.PoolSize != 7 {
			t.Errorf("Apply(poolSize %d) = %d, %v; want a poolSize field error and 7 kept", n, h.PoolSize, err)
		}
	}
	h := &dbplane.Host{PoolSize: 7}
	if err := (&dbplane.HostInput{}).Apply(h, false); err != nil || h.PoolSize != 7 {
		t.Errorf("Apply without poolSize = %d, %v; want 7 kept", h.PoolSize, err)
	}
}

func FuzzHostInput_NodeIDs(f *testing.F) {
	for _, s := range []string{"", "a", "a,b", "a, a", " ,x", "\x00", "名前,b", strings.Repeat("x", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids := strings.Split(s, ",")
		h := &dbplane.Host{}
		err := (&dbplane.HostInput{NodeIDs: &ids}).Apply(h, false)
		if err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "nodeIds" {
				t.Fatalf("Apply(%q) = %v, want a nodeIds field error", s, err)
			}
			return
		}
		if !slices.IsSorted(h.NodeIDs) || len(slices.Compact(slices.Clone(h.NodeIDs))) != len(h.NodeIDs) || len(h.NodeIDs) > dbplane.MaxHostNodes {
			t.Fatalf("Apply(%q) NodeIDs = %q: not sorted, not unique or too many", s, h.NodeIDs)
		}
		for _, id := range h.NodeIDs {
			if id == "" || id != strings.TrimSpace(id) || len(id) > 64 {
				t.Fatalf("Apply(%q) kept %q", s, id)
			}
		}
	})
}
