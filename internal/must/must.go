// Package must ends a test at once when a call whose result the test reads
// fails, so the failure is reported as that call's error and not as a wrong
// value read from a zero result:
//
//	dbs := must.Get(svc.ListDatabases(ctx, id))(t)
//
// Only tests import it.
package must

import "testing"

// Get returns v, or fails tb with err.
func Get[T any](v T, err error) func(tb testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// Get2 is Get for calls that return two values and an error.
func Get2[A, B any](a A, b B, err error) func(tb testing.TB) (A, B) {
	return func(tb testing.TB) (A, B) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return a, b
	}
}
