package control_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/control"
)

// TestIdempotent: a finished request's response comes back for the same
// fingerprint until it expires, sealed at rest (its password never in the
// store's files); another fingerprint is ErrIdempotencyKeyReused; a claim
// in flight is ErrIdempotencyInFlight until it is abandoned; the sweep
// drops what expired.
func TestIdempotent(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	f := newFixture(t, control.Options{Now: c.now})
	req := dbplane.IdempotentRequest{AccountID: f.account.ID, Route: "POST /api/v1/db/databases", Key: "k1", Fingerprint: [32]byte{1}}
	other := req
	other.Fingerprint = [32]byte{2}

	if kept, err := f.svc.BeginIdempotent(ctx, req); kept != nil || err != nil {
		t.Fatalf("first BeginIdempotent = %v, %v; want the claim", kept, err)
	}
	if _, err := f.svc.BeginIdempotent(ctx, req); !errors.Is(err, dbplane.ErrIdempotencyInFlight) {
		t.Fatalf("BeginIdempotent in flight = %v, want ErrIdempotencyInFlight", err)
	}
	if _, err := f.svc.BeginIdempotent(ctx, other); !errors.Is(err, dbplane.ErrIdempotencyKeyReused) {
		t.Fatalf("BeginIdempotent of another body in flight = %v, want ErrIdempotencyKeyReused", err)
	}
	const password = "Zq8vTn3LwPx7Rk2MaB5cYd9Hf4Gj6Ks1"
	resp := &dbplane.IdempotentResponse{Status: 201, Header: map[string]string{"Content-Type": "application/json"},
		Body: []byte(`{"ok":true,"data":{"password":"` + password + `"}}`)}
	if err := f.svc.FinishIdempotent(ctx, req, resp); err != nil {
		t.Fatal(err)
	}
	f.assertNoSecretAtRest(t, password)

	c.t = c.t.Add(23 * time.Hour)
	kept, err := f.svc.BeginIdempotent(ctx, req)
	if err != nil || kept == nil || kept.Status != 201 || string(kept.Body) != string(resp.Body) || kept.Header["Content-Type"] != "application/json" {
		t.Fatalf("replay = %+v, %v; want the first response", kept, err)
	}
	if _, err := f.svc.BeginIdempotent(ctx, other); !errors.Is(err, dbplane.ErrIdempotencyKeyReused) {
		t.Fatalf("another body = %v, want ErrIdempotencyKeyReused", err)
	}
	// Another account, or another route, with the same key is its own.
	b := f.mustAccount(t, "bob@example.com", nil)
	for _, r := range []dbplane.IdempotentRequest{{AccountID: b.ID, Route: req.Route, Key: "k1"}, {AccountID: f.account.ID, Route: "POST /api/client/servers/x/databases", Key: "k1"}} {
		if kept, err := f.svc.BeginIdempotent(ctx, r); kept != nil || err != nil {
			t.Errorf("BeginIdempotent(%+v) = %v, %v; want a claim of its own", r, kept, err)
		}
	}

	// Expired: claimed afresh, and the sweep deletes the rest.
	c.t = c.t.Add(time.Hour + time.Second)
	if kept, err := f.svc.BeginIdempotent(ctx, other); kept != nil || err != nil {
		t.Fatalf("BeginIdempotent after 24 h = %v, %v; want a fresh claim", kept, err)
	}
	// 24 h after bob's and the other route's claims the sweep deletes
	// them, and only them.
	c.t = c.t.Add(23 * time.Hour)
	if n, err := f.svc.SweepIdempotency(ctx); err != nil || n != 2 {
		t.Errorf("SweepIdempotency = %d, %v; want the 2 expired claims", n, err)
	}

	// A claim whose process died is taken over once abandoned.
	if kept, err := f.svc.BeginIdempotent(ctx, other); kept != nil || err != nil {
		t.Fatalf("BeginIdempotent of a claim 23 h in flight = %v, %v; want it taken over", kept, err)
	}
	c.t = c.t.Add(dbplane.IdempotencyAbandoned - time.Second)
	if _, err := f.svc.BeginIdempotent(ctx, other); !errors.Is(err, dbplane.ErrIdempotencyInFlight) {
		t.Fatalf("before abandoned = %v, want ErrIdempotencyInFlight", err)
	}
	c.t = c.t.Add(2 * time.Second)
	if kept, err := f.svc.BeginIdempotent(ctx, other); kept != nil || err != nil {
		t.Fatalf("after abandoned = %v, %v; want the claim taken over", kept, err)
	}
	// A released claim (the request failed) is free at once.
	if err := f.svc.FinishIdempotent(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	if kept, err := f.svc.BeginIdempotent(ctx, other); kept != nil || err != nil {
		t.Fatalf("after a release = %v, %v; want a fresh claim", kept, err)
	}
}

// TestSetOwnKeyDisabled: a tenant cannot enable a key an operator
// disabled; an operator can.
func TestSetOwnKeyDisabled(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetKeyDisabled(ctx, f.account.ID, k.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetOwnKeyDisabled(ctx, f.account.ID, k.ID, false); !errors.Is(err, dbplane.ErrKeyDisabledByOperator) || dbplane.ErrorCode(err) != dbplane.CodeForbidden {
		t.Fatalf("tenant enable of an operator's disable = %v, want ErrKeyDisabledByOperator (forbidden)", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); !errors.Is(err, dbplane.ErrKeyDisabled) {
		t.Fatalf("after the refused enable Authenticate = %v, want ErrKeyDisabled", err)
	}
	if _, err := f.svc.SetKeyDisabled(ctx, f.account.ID, k.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), ""); err != nil {
		t.Fatalf("after the operator's enable Authenticate = %v", err)
	}
	if _, err := f.svc.SetOwnKeyDisabled(ctx, f.account.ID, k.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.SetOwnKeyDisabled(ctx, f.account.ID, k.ID, false); err != nil || got.Disabled {
		t.Fatalf("tenant enable of its own disable = %+v, %v", got, err)
	}
}

// TestSetKeyAllowedIPs_ClearsTheCache: a change of a key's ranges holds
// from the next request, although the key was just authenticated (and
// cached).
func TestSetKeyAllowedIPs_ClearsTheCache(t *testing.T) {
	f := newFixture(t, control.Options{})
	ctx := context.Background()
	k, raw, err := f.svc.CreateKey(ctx, dbplane.KeyInput{AccountID: f.account.ID, Kind: dbplane.KeyUser, Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), "198.51.100.1"); err != nil {
		t.Fatalf("Authenticate(from 198.51.100.1) = %v; want a key open to anywhere", err)
	}
	ips, err := dbplane.ParseAllowedIPs("allowedIps", []string{"203.0.113.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetKeyAllowedIPs(ctx, f.account.ID, k.ID, ips); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), "198.51.100.1"); !errors.Is(err, dbplane.ErrKeyIPNotAllowed) {
		t.Fatalf("after SetKeyAllowedIPs Authenticate(from 198.51.100.1) = %v; want ErrKeyIPNotAllowed", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, string(raw), "203.0.113.5"); err != nil {
		t.Fatalf("after SetKeyAllowedIPs Authenticate(from 203.0.113.5) = %v; want the key", err)
	}
	b := f.mustAccount(t, "bob@example.com", nil)
	if _, err := f.svc.SetKeyAllowedIPs(ctx, b.ID, k.ID, nil); dbplane.ErrorCode(err) != dbplane.CodeNotFound {
		t.Errorf("another account's SetKeyAllowedIPs = %v, want not found", err)
	}
}

// TestRekey_IdempotentResponses: the master-key rotation re-seals the
// responses kept for Idempotency-Key replays, so the old key can go and
// a replay still returns the first response.
func TestRekey_IdempotentResponses(t *testing.T) {
	rekeyStores(t, func(t *testing.T, url string) {
		ctx := context.Background()
		r := newRekeySetup(t, url, 1, false)
		old := r.open(t, control.Options{}, r.k1)
		req := dbplane.IdempotentRequest{AccountID: r.account, Route: "POST /api/v1/db/databases", Key: "k1", Fingerprint: [32]byte{7}}
		if _, err := old.BeginIdempotent(ctx, req); err != nil {
			t.Fatal(err)
		}
		resp := &dbplane.IdempotentResponse{Status: 201, Body: []byte(`{"password":"kept"}`)}
		if err := old.FinishIdempotent(ctx, req, resp); err != nil {
			t.Fatal(err)
		}
		rep, err := r.open(t, control.Options{}, r.k2, r.k1).Rekey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range rep.Tables {
			if tr.Table == "idempotency_keys" && (tr.Total != 1 || tr.Resealed != 1) {
				t.Errorf("idempotency_keys: %+v, want 1 of 1 re-sealed", tr)
			}
		}
		r.checkOnlyK2(t, nil)
		kept, err := r.open(t, control.Options{}, r.k2).BeginIdempotent(ctx, req)
		if err != nil || kept == nil || string(kept.Body) != string(resp.Body) {
			t.Errorf("replay with k2 alone = %+v, %v; want the kept response", kept, err)
		}
	})
}
