//go:build !unix

package cli

// lockDataDir is a no-op where flock is not available: one-shot commands
// then behave as if serve were running (they leave young changes alone).
func lockDataDir(dataDir string) (unlock func(), held bool, err error) {
	return func() {}, true, nil
}
