package control_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/must"
)

// fastPasswords keeps argon2id cheap in tests; the format and the checks
// are the same at any cost.
var fastPasswords = control.PasswordParams{Memory: 64, Time: 1, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSignInFixture(t *testing.T) (*fixture, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	f := newFixture(t, control.Options{PasswordParams: fastPasswords, Now: c.now,
		SessionIdle: time.Hour, SessionAbsolute: 24 * time.Hour})
	f.st.Now = c.now
	return f, c
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	f, c := newSignInFixture(t)
	a := f.account
	const pw = dbplane.Secret("correct horse battery")

	// No password yet: refused like a wrong one.
	if _, _, err := f.svc.SignIn(ctx, a.Email, pw, dbplane.SessionMeta{}); !errors.Is(err, dbplane.ErrBadCredentials) {
		t.Fatalf("sign-in without a password = %v, want ErrBadCredentials", err)
	}
	if err := f.svc.SetPassword(ctx, a.ID, "short"); dbplane.ErrorField(err) != "password" {
		t.Errorf("SetPassword(short) = %v, want a password field error", err)
	}
	if err := f.svc.SetPassword(ctx, a.ID, pw); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email string
		pw    dbplane.Secret
	}{{a.Email, "wrong password!"}, {"nobody@example.com", pw}, {a.Email, ""}, {a.Email, dbplane.Secret(strings.Repeat("x", 5000))}} {
		if _, _, err := f.svc.SignIn(ctx, tc.email, tc.pw, dbplane.SessionMeta{}); !errors.Is(err, dbplane.ErrBadCredentials) {
			t.Errorf("SignIn(%q) = %v, want ErrBadCredentials", tc.email, err)
		}
	}
	sess, token, err := f.svc.SignIn(ctx, "  "+a.Email+" ", pw, dbplane.SessionMeta{IP: "192.0.2.1", UserAgent: "Test\x00Browser\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || sess.AccountID != a.ID || sess.UserAgent != "TestBrowser" {
		t.Errorf("session = %+v, token length %d; want 43 characters (32 bytes) and a clean user agent", sess, len(token))
	}
	got, acct, err := f.svc.SessionByToken(ctx, token)
	if err != nil || got.ID != sess.ID || acct.ID != a.ID {
		t.Fatalf("SessionByToken = %v, %v, %v", got, acct, err)
	}
	// The store holds only the hash of the token and of the password.
	raw, err := os.ReadFile(filepath.Join(f.dir, "dbplane.db"))
	if err != nil {
		t.Fatal(err)
	}
	if wal, err := os.ReadFile(filepath.Join(f.dir, "dbplane.db-wal")); err == nil {
		raw = append(raw, wal...)
	}
	for _, s := range []string{string(token), string(pw)} {
		if strings.Contains(string(raw), s) {
			t.Errorf("the metadata store holds %q in plaintext", s[:6])
		}
	}

	// Idle: a request within the idle timeout keeps it alive; past it, gone.
	c.t = c.t.Add(50 * time.Minute)
	if _, _, err := f.svc.SessionByToken(ctx, token); err != nil {
		t.Fatalf("session used within the idle timeout: %v", err)
	}
	c.t = c.t.Add(61 * time.Minute)
	if _, _, err := f.svc.SessionByToken(ctx, token); !errors.Is(err, dbplane.ErrNoSession) {
		t.Fatalf("idle session = %v, want ErrNoSession", err)
	}

	// Absolute: used every 50 minutes, it still ends after 24 hours.
	sess, token, err = f.svc.SignIn(ctx, a.Email, pw, dbplane.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		c.t = c.t.Add(50 * time.Minute)
		_, _, err = f.svc.SessionByToken(ctx, token)
		if err != nil {
			break
		}
	}
	if !errors.Is(err, dbplane.ErrNoSession) || c.t.Sub(sess.CreatedAt) < 24*time.Hour || c.t.Sub(sess.CreatedAt) > 25*time.Hour {
		t.Fatalf("session used every 50 minutes: %v after %v, want ErrNoSession after 24h", err, c.t.Sub(sess.CreatedAt))
	}
}

func TestSignInPasswordChangeEndsOtherSessions(t *testing.T) {
	ctx := context.Background()
	f, _ := newSignInFixture(t)
	a := f.account
	if err := f.svc.SetPassword(ctx, a.ID, "first password"); err != nil {
		t.Fatal(err)
	}
	s1, t1 := must.Get2(f.svc.SignIn(ctx, a.Email, "first password", dbplane.SessionMeta{}))(t)
	_, t2 := must.Get2(f.svc.SignIn(ctx, a.Email, "first password", dbplane.SessionMeta{}))(t)
	list, err := f.svc.ListSessions(ctx, a.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListSessions = %d, %v; want 2", len(list), err)
	}
	if err := f.svc.ChangePassword(ctx, a.ID, "not it at all", "second password", s1.ID); !errors.Is(err, dbplane.ErrWrongPassword) {
		t.Fatalf("ChangePassword with a wrong current password = %v", err)
	}
	if err := f.svc.ChangePassword(ctx, a.ID, "first password", "second password", s1.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, t1); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, t2); !errors.Is(err, dbplane.ErrNoSession) {
		t.Errorf("another session survived a password change: %v", err)
	}
	if _, _, err := f.svc.SignIn(ctx, a.Email, "first password", dbplane.SessionMeta{}); !errors.Is(err, dbplane.ErrBadCredentials) {
		t.Errorf("old password still signs in: %v", err)
	}
	// An operator's reset ends them all.
	if err := f.svc.SetPassword(ctx, a.ID, "third password"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, t1); !errors.Is(err, dbplane.ErrNoSession) {
		t.Errorf("a session survived an operator's password reset: %v", err)
	}
	// Revoking one session.
	s3, t3 := must.Get2(f.svc.SignIn(ctx, a.Email, "third password", dbplane.SessionMeta{}))(t)
	if err := f.svc.RevokeSession(ctx, "someone-else", s3.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("revoking another account's session = %v, want not found", err)
	}
	if err := f.svc.RevokeSession(ctx, a.ID, s3.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, t3); !errors.Is(err, dbplane.ErrNoSession) {
		t.Errorf("revoked session still works: %v", err)
	}
}

func TestSignInSuspensionSignsOut(t *testing.T) {
	ctx := context.Background()
	f, _ := newSignInFixture(t)
	a := f.account
	if err := f.svc.SetPassword(ctx, a.ID, "a fine password"); err != nil {
		t.Fatal(err)
	}
	_, token, err := f.svc.SignIn(ctx, a.Email, "a fine password", dbplane.SessionMeta{})
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, token); !errors.Is(err, dbplane.ErrNoSession) {
		t.Errorf("session of a suspended account = %v, want ended", err)
	}
	if _, _, err := f.svc.SignIn(ctx, a.Email, "a fine password", dbplane.SessionMeta{}); !errors.Is(err, dbplane.ErrAccountSuspended) {
		t.Errorf("sign-in of a suspended account = %v", err)
	}
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: &no}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.SignIn(ctx, a.Email, "a fine password", dbplane.SessionMeta{}); err != nil {
		t.Errorf("sign-in after unsuspending = %v", err)
	}
}

func TestPasswordLink(t *testing.T) {
	ctx := context.Background()
	f, c := newSignInFixture(t)
	a := f.account
	token, until, err := f.svc.CreatePasswordLink(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if until.Sub(c.t) != control.PasswordLinkTTL {
		t.Errorf("link valid until %v, want now + %v", until, control.PasswordLinkTTL)
	}
	if _, err := f.svc.UsePasswordLink(ctx, token, "short"); dbplane.ErrorField(err) != "password" {
		t.Errorf("a short password through a link = %v", err)
	}
	if _, err := f.svc.UsePasswordLink(ctx, "made-up", "a long password"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("unknown link = %v", err)
	}
	got, err := f.svc.UsePasswordLink(ctx, token, "a long password")
	if err != nil || got.ID != a.ID {
		t.Fatalf("UsePasswordLink = %v, %v", got, err)
	}
	if _, err := f.svc.UsePasswordLink(ctx, token, "another password"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("a spent link = %v, want ErrBadLink", err)
	}
	if _, _, err := f.svc.SignIn(ctx, a.Email, "a long password", dbplane.SessionMeta{}); err != nil {
		t.Errorf("sign-in with the link's password: %v", err)
	}
	// A newer link replaces the older; an expired one is refused.
	old, _ := must.Get2(f.svc.CreatePasswordLink(ctx, a.ID))(t)
	fresh, _ := must.Get2(f.svc.CreatePasswordLink(ctx, a.ID))(t)
	if _, err := f.svc.UsePasswordLink(ctx, old, "a long password 2"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("a replaced link = %v", err)
	}
	// Setting the password another way spends the account's links; so
	// does a suspension.
	if err := f.svc.SetPassword(ctx, a.ID, "set by the operator"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UsePasswordLink(ctx, fresh, "a long password 4"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("a link from before a password change = %v, want ErrBadLink", err)
	}
	suspended, _ := must.Get2(f.svc.CreatePasswordLink(ctx, a.ID))(t)
	yes, no := true, false
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateAccount(ctx, a.ID, dbplane.AccountUpdate{Suspended: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UsePasswordLink(ctx, suspended, "a long password 5"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("a link from before a suspension = %v, want ErrBadLink", err)
	}
	expiring, _ := must.Get2(f.svc.CreatePasswordLink(ctx, a.ID))(t)
	c.t = c.t.Add(control.PasswordLinkTTL)
	if _, err := f.svc.UsePasswordLink(ctx, expiring, "a long password 3"); !errors.Is(err, dbplane.ErrBadLink) {
		t.Errorf("an expired link = %v", err)
	}
}

func TestSweepSessions(t *testing.T) {
	ctx := context.Background()
	f, c := newSignInFixture(t)
	a := f.account
	if err := f.svc.SetPassword(ctx, a.ID, "a fine password"); err != nil {
		t.Fatal(err)
	}
	_, old := must.Get2(f.svc.SignIn(ctx, a.Email, "a fine password", dbplane.SessionMeta{}))(t)
	c.t = c.t.Add(2 * time.Hour) // past the idle timeout
	_, fresh := must.Get2(f.svc.SignIn(ctx, a.Email, "a fine password", dbplane.SessionMeta{}))(t)
	if err := f.svc.SweepSessions(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(f.dir, "dbplane.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d sessions after the sweep, want 1 (the fresh one)", n)
	}
	if _, _, err := f.svc.SessionByToken(ctx, fresh); err != nil {
		t.Errorf("the fresh session was swept: %v", err)
	}
	if _, _, err := f.svc.SessionByToken(ctx, old); !errors.Is(err, dbplane.ErrNoSession) {
		t.Errorf("the idle session = %v", err)
	}
}
