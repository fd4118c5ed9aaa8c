package control_test

import (
	"context"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/must"
)

// TestPreviewSuspension holds the preview to what UpdateAccount then does.
func TestPreviewSuspension(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	a := f.account
	for _, label := range []string{"one", "two", "three"} {
		f.mustCreate(t, a.ID, label)
	}
	dbs := must.Get(f.svc.ListDatabases(ctx, a.ID))(t)
	if _, err := f.svc.SetDatabaseDisabled(ctx, dbs[2].ID, true); err != nil { // stays disabled either way
		t.Fatal(err)
	}
	var keyIDs []string
	for _, name := range []string{"live", "off"} {
		k, _, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: a.ID, Kind: dbplane.KeyUser, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		keyIDs = append(keyIDs, k.ID)
	}
	if _, err := f.svc.SetKeyDisabled(ctx, a.ID, keyIDs[1], true); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetPassword(ctx, a.ID, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SignIn(ctx, a.Email, "a long enough password", dbplane.SessionMeta{}); err != nil {
		t.Fatal(err)
	}

	p, err := f.svc.PreviewSuspension(ctx, a.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := (dbplane.SuspensionPreview{Suspend: true, Keys: 1, Databases: 2, Sessions: 1}); *p != want {
		t.Errorf("preview of a suspension = %+v, want %+v", *p, want)
	}
	if p := must.Get(f.svc.PreviewSuspension(ctx, a.ID, false))(t); *p != (dbplane.SuspensionPreview{}) {
		t.Errorf("preview of unsuspending an active account = %+v, want nothing", *p)
	}

	// What the suspension then does matches.
	before := statuses(t, f, a.ID)
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	after := statuses(t, f, a.ID)
	if n := changed(before, after); n != p.Databases {
		t.Errorf("the suspension changed %d databases, the preview said %d", n, p.Databases)
	}
	keys := must.Get(f.svc.ListKeys(ctx, a.ID))(t)
	disabled := 0
	for _, k := range keys {
		if k.DisabledBySuspension {
			disabled++
		}
	}
	if disabled != p.Keys {
		t.Errorf("the suspension disabled %d keys, the preview said %d", disabled, p.Keys)
	}
	if ss := must.Get(f.svc.ListSessions(ctx, a.ID))(t); len(ss) != 0 {
		t.Errorf("%d sessions left after the suspension", len(ss))
	}

	// And back.
	p, err = f.svc.PreviewSuspension(ctx, a.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := (dbplane.SuspensionPreview{Keys: 1, Databases: 2}); *p != want {
		t.Errorf("preview of an unsuspension = %+v, want %+v", *p, want)
	}
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if n := changed(after, statuses(t, f, a.ID)); n != p.Databases {
		t.Errorf("the unsuspension changed %d databases, the preview said %d", n, p.Databases)
	}
	if _, err := f.svc.PreviewSuspension(ctx, "no-such-account", true); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("unknown account = %v, want CodeNotFound", err)
	}
}

func statuses(t *testing.T, f *fixture, accountID string) map[string]dbplane.Status {
	t.Helper()
	dbs, err := f.svc.ListDatabases(context.Background(), accountID)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]dbplane.Status{}
	for _, d := range dbs {
		m[d.ID] = d.Status
	}
	return m
}

func changed(a, b map[string]dbplane.Status) int {
	n := 0
	for id, s := range a {
		if b[id] != s {
			n++
		}
	}
	return n
}
