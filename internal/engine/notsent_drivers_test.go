package engine_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
	"github.com/dbplane/dbplane/internal/engine/mongo"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestDrivers_RefusedDialIsNotSent: a change on a host that refuses the
// connection fails NotSent (it changed nothing), unreachable; a server
// that accepts and then never answers fails unreachable but not NotSent
// only once a statement went out, which the real-engine fault tests check.
func TestDrivers_RefusedDialIsNotSent(t *testing.T) {
	for _, d := range []engine.Driver{mariadb.Driver{}, postgres.Driver{}, mongo.Driver{}} {
		t.Run(d.Name(), func(t *testing.T) {
			c, err := d.Open(engine.Config{Host: "127.0.0.1", Port: closedPort(t), User: "root", Password: "pw", Database: "postgres", TLS: engine.TLSDisable})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = c.SetPassword(ctx, engine.SetPasswordRequest{Owner: "dum_x_1", Remote: "%", Password: "secret-password-1"})
			if !errors.Is(err, engine.ErrNotSent) || !errors.Is(err, engine.ErrUnreachable) {
				t.Errorf("SetPassword on a refused dial = %v, want NotSent and unreachable", err)
			}
		})
	}
}
