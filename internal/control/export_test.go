package control

import (
	"context"
	"time"
)

// SetRekeyBatch sets Rekey's batch size for a test and returns the undo.
func SetRekeyBatch(n int) (restore func()) {
	old := rekeyBatch
	rekeyBatch = n
	return func() { rekeyBatch = old }
}

// RefillWarmAged is RefillWarm taking over warm databases whose lease is
// at least minAge old (0: all), as a restarted process alone on its store.
func (s *Service) RefillWarmAged(ctx context.Context, minAge time.Duration) error {
	return s.refillWarm(ctx, minAge)
}
