package dbplane

import "time"

// HostHealth is what dbplane last saw of a host: down after an operation
// could not reach it, timed out or was refused its credentials; up after
// any operation the host answered. A host nothing has touched since start
// is not listed.
type HostHealth struct {
	HostID string
	Name   string // filled in where the host's name is at hand
	Down   bool
	// Problem says why the host is down, in words safe to show an
	// operator (never a driver's raw text).
	Problem string
	Since   time.Time // when the host went up or down
	SeenAt  time.Time // the last operation
}
