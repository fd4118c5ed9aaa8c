package dbplane_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
)

func TestAPIKey_Usable(t *testing.T) {
	now := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	tests := []struct {
		name string
		key  dbplane.APIKey
		want error
	}{
		{"NoExpiry", dbplane.APIKey{}, nil},
		{"BeforeExpiry", dbplane.APIKey{ExpiresAt: &future}, nil},
		{"AtExpiry", dbplane.APIKey{ExpiresAt: &now}, dbplane.ErrKeyExpired},
		{"AfterExpiry", dbplane.APIKey{ExpiresAt: &past}, dbplane.ErrKeyExpired},
		{"Disabled", dbplane.APIKey{Disabled: true}, dbplane.ErrKeyDisabled},
		{"DisabledAndExpired", dbplane.APIKey{Disabled: true, ExpiresAt: &past}, dbplane.ErrKeyDisabled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.key.Usable(now); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("Usable(%v) = %v, want %v", now, got, tc.want)
			}
		})
	}
}
