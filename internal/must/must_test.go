package must_test

import (
	"errors"
	"testing"

	"github.com/dbplane/dbplane/internal/must"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestGet(t *testing.T) {
	r := &recorder{TB: t}
	if v := must.Get(42, nil)(r); v != 42 || r.failed {
		t.Errorf("Get(42, nil) = %d, failed %v; want 42, not failed", v, r.failed)
	}
	must.Get(0, errors.New("boom"))(r)
	if !r.failed {
		t.Error("Get(0, err) did not fail the test")
	}
}

func TestGet2(t *testing.T) {
	r := &recorder{TB: t}
	if a, b := must.Get2("a", 2, nil)(r); a != "a" || b != 2 || r.failed {
		t.Errorf("Get2(a, 2, nil) = %q, %d, failed %v; want a, 2, not failed", a, b, r.failed)
	}
	must.Get2("", 0, errors.New("boom"))(r)
	if !r.failed {
		t.Error("Get2(err) did not fail the test")
	}
}
