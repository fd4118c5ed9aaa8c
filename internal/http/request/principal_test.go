package request_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/mock"
)

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	key := &dbplane.APIKey{ID: "k1", Kind: dbplane.KeyUser}
	acct := &dbplane.Account{ID: "a1"}
	errDown := errors.New("store down")
	keys := &mock.KeyService{AuthenticateFn: func(_ context.Context, raw, _ string) (*dbplane.APIKey, *dbplane.Account, error) {
		switch raw {
		case "good":
			return key, acct, nil
		case "down":
			return nil, nil, errDown
		case "empty":
			return nil, nil, nil
		}
		return nil, nil, dbplane.ErrBadKey
	}}
	tests := []struct {
		name     string
		header   string // "" = none
		wantErr  error  // nil = the principal of key and acct
		wantCode dbplane.Code
	}{
		{name: "NoKey", wantErr: dbplane.ErrNoKey, wantCode: dbplane.CodeUnauthenticated},
		{name: "BadKey", header: "Bearer nope", wantErr: dbplane.ErrBadKey, wantCode: dbplane.CodeUnauthenticated},
		{name: "ServiceError", header: "Bearer down", wantErr: errDown, wantCode: dbplane.CodeInternal},
		{name: "NoPrincipal", header: "Bearer empty", wantCode: dbplane.CodeInternal},
		{name: "OK", header: "Bearer good"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			p, err := request.Authenticate(r, keys)
			if tc.wantCode == "" {
				if err != nil || p == nil || p.Key != key || p.Account != acct {
					t.Fatalf("Authenticate(%q) = %+v, %v; want the principal of k1 and a1", tc.header, p, err)
				}
				return
			}
			if p != nil || err == nil {
				t.Fatalf("Authenticate(%q) = %+v, %v; want an error", tc.header, p, err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("Authenticate(%q) error = %v, want %v", tc.header, err, tc.wantErr)
			}
			if got := dbplane.ErrorCode(err); got != tc.wantCode {
				t.Errorf("Authenticate(%q) code = %s, want %s", tc.header, got, tc.wantCode)
			}
		})
	}
}

func TestAdmit(t *testing.T) {
	t.Parallel()
	p := func(kind dbplane.KeyKind, suspended bool) *dbplane.Principal {
		return &dbplane.Principal{Key: &dbplane.APIKey{Kind: kind}, Account: &dbplane.Account{Suspended: suspended}}
	}
	tests := []struct {
		name string
		p    *dbplane.Principal
		want error
	}{
		{"OK", p(dbplane.KeyUser, false), nil},
		{"WrongKind", p(dbplane.KeyAdmin, false), dbplane.ErrWrongKeyKind},
		{"Suspended", p(dbplane.KeyUser, true), dbplane.ErrAccountSuspended},
		{"WrongKindFirst", p(dbplane.KeyAdmin, true), dbplane.ErrWrongKeyKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := request.Admit(tc.p, dbplane.KeyUser); got != tc.want {
				t.Errorf("Admit(%s key, suspended %t, %s) = %v, want %v", tc.p.Key.Kind, tc.p.Account.Suspended, dbplane.KeyUser, got, tc.want)
			}
		})
	}
}

// TestAuthenticate_AllowedIPs: the key service is asked with the
// client's address, and a key it refuses for its address is no
// principal (the service checks the ranges: control's Authenticate).
func TestAuthenticate_AllowedIPs(t *testing.T) {
	t.Parallel()
	ips, err := dbplane.ParseAllowedIPs("allowedIps", []string{"203.0.113.0/24", "2001:db8::/32"})
	if err != nil {
		t.Fatal(err)
	}
	key := &dbplane.APIKey{ID: "k1", Kind: dbplane.KeyUser, AllowedIPs: ips}
	keys := &mock.KeyService{AuthenticateFn: func(_ context.Context, _, from string) (*dbplane.APIKey, *dbplane.Account, error) {
		if !key.AllowsIP(from) {
			return key, &dbplane.Account{ID: "a1"}, dbplane.ErrKeyIPNotAllowed
		}
		return key, &dbplane.Account{ID: "a1"}, nil
	}}
	for _, tc := range []struct {
		remote string
		ok     bool
	}{
		{"203.0.113.7:4000", true},
		{"[2001:db8::5]:4000", true},
		{"[::ffff:203.0.113.7]:4000", true},
		{"198.51.100.1:4000", false},
		{"127.0.0.1:4000", false},
		{"[2001:db9::1]:4000", false},
		{"garbage", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		r.Header.Set("Authorization", "Bearer good")
		p, err := request.Authenticate(r, keys)
		if tc.ok && (err != nil || p == nil) {
			t.Errorf("from %s: Authenticate = %v, %v; want the principal", tc.remote, p, err)
		}
		if !tc.ok && (p != nil || !errors.Is(err, dbplane.ErrKeyIPNotAllowed)) {
			t.Errorf("from %s: Authenticate = %v, %v; want ErrKeyIPNotAllowed", tc.remote, p, err)
		}
	}
}
