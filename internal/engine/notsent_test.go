package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dbplane/dbplane/internal/engine"
)

// An Error says it changed nothing on the server only with NotSent set,
// through errors.Is(err, ErrNotSent), beside its kind and cause.
func TestError_NotSent(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	sent := &engine.Error{Op: engine.OpSetPassword, Engine: "mariadb", Kind: engine.ErrUnreachable, Err: cause}
	notSent := &engine.Error{Op: engine.OpSetPassword, Engine: "mariadb", Kind: engine.ErrUnreachable, NotSent: true, Err: cause}
	unclassified := &engine.Error{Op: engine.OpSetPassword, Engine: "mariadb", NotSent: true, Err: cause}
	for _, tc := range []struct {
		name               string
		err                error
		notSent, unreached bool
	}{
		{"sent", sent, false, true},
		{"not sent", notSent, true, true},
		{"not sent, no kind", unclassified, true, false},
		{"wrapped", fmt.Errorf("rotate: %w", notSent), true, true},
	} {
		if got := errors.Is(tc.err, engine.ErrNotSent); got != tc.notSent {
			t.Errorf("%s: errors.Is(ErrNotSent) = %v, want %v", tc.name, got, tc.notSent)
		}
		if got := errors.Is(tc.err, engine.ErrUnreachable); got != tc.unreached {
			t.Errorf("%s: errors.Is(ErrUnreachable) = %v, want %v", tc.name, got, tc.unreached)
		}
		if !errors.Is(tc.err, cause) {
			t.Errorf("%s: the cause is lost", tc.name)
		}
	}
}
