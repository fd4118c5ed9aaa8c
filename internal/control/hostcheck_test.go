package control_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
)

func TestTestHostSettings(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	f.fake.SetAdmin(engine.Config{Host: "db.internal", Port: 3306, User: "root", Password: "hostpw-" + strings.Repeat("s", 20)})
	f.fake.AddLimitedLogin("weak", "weakpw")
	pw := dbplane.Secret("weakpw")

	// A new host whose user lacks privileges: the reason and the grants.
	got, err := f.svc.TestHostSettings(ctx, "", dbplane.HostInput{Name: ptr("h"), Hostname: ptr("db.internal"), Username: ptr("weak"), Password: &pw})
	if err != nil || got.Success || !strings.Contains(got.Message, "lacks privileges") {
		t.Fatalf("limited new host = %+v, %v; want a failure naming privileges", got, err)
	}
	if want := dbplane.AdminGrants(dbplane.EngineMariaDB, "weak", ""); !slices.Equal(got.Grants, want) {
		t.Errorf("Grants = %q, want %q", got.Grants, want)
	}
	// Unreachable: no grants to offer.
	got, err = f.svc.TestHostSettings(ctx, "", dbplane.HostInput{Name: ptr("h"), Hostname: ptr("elsewhere"), Username: ptr("weak"), Password: &pw})
	if err != nil || got.Success || got.Grants != nil {
		t.Errorf("unreachable new host = %+v, %v; want a failure without grants", got, err)
	}
	// Invalid input is an error, not a test result.
	if _, err := f.svc.TestHostSettings(ctx, "", dbplane.HostInput{Name: ptr("h")}); dbplane.ErrorCode(err) != dbplane.CodeInvalid {
		t.Errorf("incomplete input = %v, want CodeInvalid", err)
	}

	// A stored host: an omitted password keeps the stored one.
	hosts, _ := f.svc.ListHosts(ctx)
	id := hosts[0].ID
	if got, err := f.svc.TestHostSettings(ctx, id, dbplane.HostInput{Name: ptr("renamed")}); err != nil || !got.Success {
		t.Errorf("stored host, password omitted = %+v, %v; want success", got, err)
	}
	if got, err := f.svc.TestHostSettings(ctx, id, dbplane.HostInput{Username: ptr("weak"), Password: &pw}); err != nil || got.Success || len(got.Grants) == 0 {
		t.Errorf("stored host with a weak user = %+v, %v; want a failure with grants", got, err)
	}
	// The stored password goes only where it was saved for: another
	// address or user needs it typed again, to test or to save.
	for _, in := range []dbplane.HostInput{{Hostname: ptr("evil.example")}, {Port: ptr(3307)}, {Username: ptr("other")}} {
		if _, err := f.svc.TestHostSettings(ctx, id, in); dbplane.ErrorField(err) != "password" {
			t.Errorf("TestHostSettings(%+v) without a password = %v, want a password field error", in, err)
		}
		if _, err := f.svc.UpdateHost(ctx, id, in); dbplane.ErrorField(err) != "password" {
			t.Errorf("UpdateHost(%+v) without a password = %v, want a password field error", in, err)
		}
	}
	// Nothing was stored.
	if h, _ := f.svc.Host(ctx, id); h.Name != "fake-1" || h.Username != "root" {
		t.Errorf("testing settings changed the host: %s %s", h.Name, h.Username)
	}
	if _, err := f.svc.TestHostSettings(ctx, "no-such-host", dbplane.HostInput{}); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("unknown host = %v, want CodeNotFound", err)
	}
	if strings.Contains(f.logs.String(), "weakpw") {
		t.Error("a password appears in the logs")
	}
}

// TestHostSettings_GrantsFixPostgres runs the statements AdminGrants
// offers on a real PostgreSQL: afterwards the same settings pass.
// (MariaDB's are run by the dashboard's host test.)
func TestHostSettings_GrantsFixPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts database servers")
	}
	srv := dbtest.Postgres(t)
	ctx := context.Background()
	rs := openRealService(t, t.TempDir(), nil)
	in := hostInput(srv)
	lim := srv.NewLimitedUser(t)
	pw := dbplane.Secret(lim.Password)
	in.Username, in.Password = &lim.User, &pw
	got, err := rs.svc.TestHostSettings(ctx, "", in)
	if err != nil || got.Success || !strings.Contains(got.Message, "CREATEROLE") || len(got.Grants) == 0 {
		t.Fatalf("limited user = %+v, %v; want a failure naming CREATEROLE, with grants", got, err)
	}
	for _, g := range got.Grants {
		if _, err := srv.AdminDB().ExecContext(ctx, g); err != nil {
			t.Fatalf("%s: %v", g, err)
		}
	}
	if got, err := rs.svc.TestHostSettings(ctx, "", in); err != nil || !got.Success {
		t.Errorf("after the grants = %+v, %v; want success", got, err)
	}
}
