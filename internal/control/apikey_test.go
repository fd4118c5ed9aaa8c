package control_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
)

func TestCreateKey_ExpiryMustBeInTheFuture(t *testing.T) {
	now := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	f := newFixture(t, control.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		expires *time.Time
		ok      bool
	}{
		{"Never", nil, true},
		{"Tomorrow", ptr(now.Add(24 * time.Hour)), true},
		{"Now", ptr(now), false},
		{"Yesterday", ptr(now.Add(-24 * time.Hour)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: tc.name, ExpiresAt: tc.expires})
			if tc.ok {
				if err != nil || k == nil || raw == "" {
					t.Fatalf("CreateKey(expires %v) = %v, %v, want a key", tc.expires, k, err)
				}
				return
			}
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "expiresAt" {
				t.Fatalf("CreateKey(expires %v) error = %v (field %q), want invalid expiresAt", tc.expires, err, dbplane.ErrorField(err))
			}
		})
	}
	keys, err := f.svc.ListKeys(ctx, f.account.ID)
	if err != nil || len(keys) != 2 {
		t.Errorf("ListKeys() = %d keys, %v; want the 2 accepted ones", len(keys), err)
	}
}

func TestDeleteAccountKey_OnlyTheAccountsOwn(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	bob := f.mustAccount(t, "bob@example.com", nil)
	k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	// Another account cannot delete it, and it keeps working.
	if err := f.svc.DeleteAccountKey(ctx, bob.ID, k.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("DeleteAccountKey(bob, alice's key) = %v, want not found", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); err != nil {
		t.Fatalf("Authenticate() after a refused delete = %v, want the key to work", err)
	}
	if err := f.svc.DeleteAccountKey(ctx, f.account.ID, "no-such-key"); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("DeleteAccountKey(unknown key) = %v, want not found", err)
	}
	// Its own account deletes it, and it stops working at once (the
	// authentication cache is cleared).
	if err := f.svc.DeleteAccountKey(ctx, f.account.ID, k.ID); err != nil {
		t.Fatalf("DeleteAccountKey(alice, alice's key) = %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); !errors.Is(err, dbplane.ErrBadKey) {
		t.Errorf("Authenticate() after delete = %v, want ErrBadKey", err)
	}
	if err := f.svc.DeleteAccountKey(ctx, f.account.ID, k.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("DeleteAccountKey() twice = %v, want not found", err)
	}
}

func TestCreateKey_Formats(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		kind   dbplane.KeyKind
		format dbplane.KeyFormat
		prefix string
		length int
	}{
		{"DefaultUser", dbplane.KeyUser, "", "dbpu_", 45},
		{"DBPlaneAdmin", dbplane.KeyAdmin, dbplane.KeyFormatDBPlane, "dbpa_", 45},
		// Pterodactyl's keys are 48 characters; libraries check it.
		{"PterodactylClient", dbplane.KeyUser, dbplane.KeyFormatPterodactyl, "ptlc_", 48},
		{"PterodactylApplication", dbplane.KeyAdmin, dbplane.KeyFormatPterodactyl, "ptla_", 48},
		{"PelicanClient", dbplane.KeyUser, dbplane.KeyFormatPelican, "pacc_", 48},
		{"PelicanApplication", dbplane.KeyAdmin, dbplane.KeyFormatPelican, "papp_", 48},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := dbplane.KeyInput{AccountID: f.account.ID, Kind: tc.kind, Name: tc.name, Format: tc.format}
			if tc.kind == dbplane.KeyAdmin {
				in.Permissions = []dbplane.Permission{"servers:read"}
			}
			k, raw, err := f.svc.CreateKey(ctx, in)
			if err != nil {
				t.Fatalf("CreateKey(%s %s) = %v", tc.kind, tc.format, err)
			}
			s := string(raw)
			if len(s) != tc.length || s[:5] != tc.prefix || k.Prefix != s[:12] {
				t.Errorf("CreateKey(%s %s) = %q (%d chars, prefix %q), want %s and %d chars", tc.kind, tc.format, s, len(s), k.Prefix, tc.prefix, tc.length)
			}
			for _, c := range s[5:] {
				if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
					t.Fatalf("CreateKey(%s %s) = %q: %q is not alphanumeric", tc.kind, tc.format, s, c)
				}
			}
			// Hashed and checked like any other key.
			if got, _, err := f.svc.Authenticate(ctx, s, ""); err != nil || got.ID != k.ID {
				t.Errorf("Authenticate(%s key) = %v, %v; want key %s", tc.format, got, err, k.ID)
			}
		})
	}
	_, _, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "x", Format: "vault"})
	if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "format" {
		t.Errorf("CreateKey(format vault) = %v, want invalid format", err)
	}
}

func TestCreateKey_DeploymentFormat(t *testing.T) {
	f := newFixture(t, control.Options{KeyFormat: dbplane.KeyFormatPterodactyl})
	ctx := context.Background()
	_, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "default"})
	if err != nil || len(raw) != 48 || string(raw)[:5] != "ptlc_" {
		t.Errorf("CreateKey() with the deployment's pterodactyl format = %q..., %v; want ptlc_ and 48 characters", string(raw)[:min(8, len(raw))], err)
	}
	// A format asked for wins over the deployment's.
	_, raw, err = f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "own", Format: dbplane.KeyFormatDBPlane})
	if err != nil || string(raw)[:5] != "dbpu_" {
		t.Errorf("CreateKey(format dbplane) = %q..., %v; want dbpu_", string(raw)[:min(8, len(raw))], err)
	}
}

// TestDeleteOwnKey: the owner deletes its own keys, enabled or disabled by
// itself, but not one an operator disabled (403, the key and its mark
// stay), nor another account's (404); the operator still can.
func TestDeleteOwnKey(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	bob := f.mustAccount(t, "bob@example.com", nil)
	mint := func(name string) *dbplane.APIKey {
		t.Helper()
		k, _, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	enabled, ownDisabled, opDisabled := mint("enabled"), mint("own"), mint("operator")
	if _, err := f.svc.SetOwnKeyDisabled(ctx, f.account.ID, ownDisabled.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetKeyDisabled(ctx, f.account.ID, opDisabled.ID, true); err != nil {
		t.Fatal(err)
	}
	// The owner's own disable of an operator-disabled key keeps the mark.
	if _, err := f.svc.SetOwnKeyDisabled(ctx, f.account.ID, opDisabled.ID, true); err != nil {
		t.Fatal(err)
	}

	if err := f.svc.DeleteOwnKey(ctx, bob.ID, enabled.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("DeleteOwnKey(bob, alice's key) = %v, want not found", err)
	}
	if err := f.svc.DeleteOwnKey(ctx, f.account.ID, opDisabled.ID); !errors.Is(err, dbplane.ErrKeyDisabledByOperator) || dbplane.ErrorCode(err) != dbplane.CodeForbidden {
		t.Errorf("DeleteOwnKey(operator-disabled) = %v, want ErrKeyDisabledByOperator (forbidden)", err)
	}
	for _, k := range []*dbplane.APIKey{enabled, ownDisabled} {
		if err := f.svc.DeleteOwnKey(ctx, f.account.ID, k.ID); err != nil {
			t.Errorf("DeleteOwnKey(%s) = %v, want deleted", k.Name, err)
		}
	}
	keys, err := f.svc.ListKeys(ctx, f.account.ID)
	if err != nil || len(keys) != 1 || keys[0].ID != opDisabled.ID || !keys[0].Disabled || !keys[0].DisabledByOperator {
		t.Fatalf("after the deletes ListKeys() = %+v, %v; want only the operator-disabled key, still marked", keys, err)
	}
	if err := f.svc.DeleteAccountKey(ctx, f.account.ID, opDisabled.ID); err != nil {
		t.Errorf("the operator's DeleteAccountKey(operator-disabled) = %v", err)
	}
	if err := f.svc.DeleteOwnKey(ctx, f.account.ID, opDisabled.ID); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("DeleteOwnKey() of a deleted key = %v, want not found", err)
	}
}

// TestAuthenticate_RefusedAddressRecordsNothing: a key used from outside
// its allowed ranges is refused and its lastUsedAt is left as it was,
// before and after a use from inside recorded one.
func TestAuthenticate_RefusedAddressRecordsNothing(t *testing.T) {
	now := time.Date(2026, 5, 20, 9, 30, 0, 0, time.UTC)
	f := newFixture(t, control.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	ips, err := dbplane.ParseAllowedIPs("allowedIps", []string{"203.0.113.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "ci", AllowedIPs: ips})
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		keys, err := f.svc.ListKeys(ctx, f.account.ID)
		if err != nil || len(keys) != 1 {
			t.Fatalf("ListKeys() = %v, %v", keys, err)
		}
		return keys[0].LastUsedAt
	}
	got, acct, err := f.svc.Authenticate(ctx, string(raw), "198.51.100.1")
	if !errors.Is(err, dbplane.ErrKeyIPNotAllowed) || got == nil || got.ID != k.ID || acct == nil || acct.ID != f.account.ID {
		t.Fatalf("Authenticate(from outside) = %+v, %+v, %v; want the key, its account and ErrKeyIPNotAllowed", got, acct, err)
	}
	if at := lastUsed(); at != nil {
		t.Errorf("after a refused use lastUsedAt = %v, want unset", at)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), "203.0.113.9"); err != nil {
		t.Fatalf("Authenticate(from inside) = %v", err)
	}
	if at := lastUsed(); at == nil || !at.Equal(now) {
		t.Errorf("after a use from inside lastUsedAt = %v, want %v", at, now)
	}
	// Past the minute lastUsedAt is kept to, a refused use still records
	// nothing.
	used := now
	now = now.Add(2 * time.Minute)
	if _, _, err := f.svc.Authenticate(ctx, string(raw), "198.51.100.1"); !errors.Is(err, dbplane.ErrKeyIPNotAllowed) {
		t.Fatalf("Authenticate(from outside, later) = %v, want ErrKeyIPNotAllowed", err)
	}
	if at := lastUsed(); at == nil || !at.Equal(used) {
		t.Errorf("after a later refused use lastUsedAt = %v, want %v", at, used)
	}
}
