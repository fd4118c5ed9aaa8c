package dbtest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// TestFaults: Freeze makes the server hang (a login times out), Thaw
// resumes it; Kill makes it refuse connections and Restart brings it back
// on the same port with its data.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a server")
	}
	ctx := context.Background()
	srv, err := dbtest.StartMariaDB(ctx, t.TempDir())
	if errors.Is(err, dbtest.ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Thaw(); srv.Stop() })
	cfg := srv.AdminConfig()
	login := func(d time.Duration) error {
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		return srv.ConnectAs(ctx, cfg.User, cfg.Password, cfg.Database)
	}
	db := srv.NewDatabase(t)

	if err := srv.Freeze(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := login(time.Second); err == nil {
		t.Error("login to a frozen server = nil, want a timeout")
	}
	if took := time.Since(start); took < time.Second {
		t.Errorf("login to a frozen server failed after %s, want it to hang until its deadline", took)
	}
	if err := srv.Thaw(); err != nil {
		t.Fatal(err)
	}
	if err := login(30 * time.Second); err != nil {
		t.Errorf("login after Thaw = %v", err)
	}

	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := login(5 * time.Second); err == nil {
		t.Error("login to a killed server = nil, want a refused connection")
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.ConnectAs(ctx, cfg.User, cfg.Password, db); err != nil {
		t.Errorf("login to the database made before Kill, after Restart = %v", err)
	}
}
