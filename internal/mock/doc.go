// Package mock holds function-field fakes of the dbplane service interfaces
// for transport tests. Each method calls its Fn field; an unset field
// returns an internal error that names it, so a test that reaches a service
// it did not set up sees a 500 rather than a panic.
package mock

import "fmt"

func notSet(method string) error {
	return fmt.Errorf("mock: %s not set", method)
}
