package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const tenantID = "01HVTENANT00000000000000"

func fixtureAccount() *dbplane.Account {
	return &dbplane.Account{
		ID: tenantID, Email: "tenant@example.com", Name: "Tenant", Role: dbplane.RoleUser,
		Slots: ptr(5), StorageBytes: nil, DatabaseCount: 2, UsedBytes: 2097152, CreatedAt: t0, UpdatedAt: t1,
	}
}

func accountReturns(want string) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.accounts.AccountFn = func(_ context.Context, id string) (*dbplane.Account, error) {
			if id != want {
				t.Errorf("Account(%q), want %q", id, want)
			}
			return fixtureAccount(), nil
		}
	}
}

var errAccountNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Account not found")

func accountMissing(_ *testing.T, m *mocks) {
	m.accounts.AccountFn = func(context.Context, string) (*dbplane.Account, error) { return nil, errAccountNotFound }
}

func TestAccountList(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: "/api/admin/accounts", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.accounts.ListAccountsFn = func(context.Context) ([]*dbplane.Account, error) {
					return []*dbplane.Account{adminAccount, fixtureAccount()}, nil
				}
			},
			wantStatus: http.StatusOK,
		},
		{name: "NoKey", method: http.MethodGet, path: "/api/admin/accounts", wantStatus: http.StatusUnauthorized},
		{name: "UserKey", method: http.MethodGet, path: "/api/admin/accounts", header: bearer(userKey), wantStatus: http.StatusForbidden},
	})
}

func TestAccountCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts"
	createValidates := func(check func(*testing.T, dbplane.AccountInput)) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.accounts.CreateAccountFn = func(_ context.Context, in dbplane.AccountInput) (*dbplane.Account, error) {
				if check != nil {
					check(t, in)
				}
				if err := in.Validate(); err != nil {
					return nil, err
				}
				return &dbplane.Account{ID: tenantID, Email: in.Email, Name: in.Name, Role: in.Role,
					Slots: in.Slots, StorageBytes: in.StorageBytes, CreatedAt: t0, UpdatedAt: t0}, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"email":"tenant@example.com","name":"Tenant","slots":5,"storageBytes":1073741824}`,
			setup: createValidates(func(t *testing.T, in dbplane.AccountInput) {
				want := dbplane.AccountInput{Email: "tenant@example.com", Name: "Tenant", Slots: ptr(5), StorageBytes: ptr(int64(1073741824))}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateAccount() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusCreated,
		},
		{
			name: "Unlimited", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"email":"ops@example.com","name":"Ops","role":"admin","slots":null}`,
			setup: createValidates(nil), wantStatus: http.StatusCreated,
		},
		{
			name: "BadEmail", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"email":"nope","name":"X"}`, setup: createValidates(nil), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "NegativeSlots", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"email":"a@example.com","name":"X","slots":-1}`, setup: createValidates(nil), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "EmailTaken", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"email":"a@example.com","name":"X"}`,
			setup: func(_ *testing.T, m *mocks) {
				m.accounts.CreateAccountFn = func(context.Context, dbplane.AccountInput) (*dbplane.Account, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "An account with that email exists")
				}
			},
			wantStatus: http.StatusConflict,
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
		{name: "UnknownField", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"password":"x"}`, wantStatus: http.StatusBadRequest},
	})
}

func TestAccountGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: "/api/admin/accounts/" + tenantID, header: bearer(readOnlyKey),
			setup: accountReturns(tenantID), wantStatus: http.StatusOK,
		},
		{
			name: "NotFound", method: http.MethodGet, path: "/api/admin/accounts/nope", header: bearer(adminKey),
			setup: accountMissing, wantStatus: http.StatusNotFound,
		},
	})
}

func TestAccountUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID
	updateValidates := func(check func(*testing.T, dbplane.AccountUpdate)) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.accounts.UpdateAccountFn = func(_ context.Context, id string, u dbplane.AccountUpdate) (*dbplane.Account, error) {
				if check != nil {
					check(t, u)
				}
				if err := u.Validate(); err != nil {
					return nil, err
				}
				a := fixtureAccount()
				if u.SlotsSet {
					a.Slots = u.Slots
				}
				if u.StorageBytesSet {
					a.StorageBytes = u.StorageBytes
				}
				if u.Suspended != nil {
					a.Suspended = *u.Suspended
				}
				if u.Name != nil {
					a.Name = *u.Name
				}
				return a, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name: "Quotas", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"slots":null,"storageBytes":1048576}`,
			setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{SlotsSet: true, StorageBytesSet: true, StorageBytes: ptr(int64(1048576))}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusOK,
		},
		{
			name: "Suspend", method: http.MethodPatch, path: path, header: bearer(adminKey),
			body: `{"suspended":true,"name":"Renamed"}`,
			setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{Name: ptr("Renamed"), Suspended: ptr(true)}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusOK,
		},
		{
			name: "Nothing", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{}`,
			setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				if diff := cmp.Diff(dbplane.AccountUpdate{}, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusOK,
		},
		{name: "NullName", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"name":null}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "NullSuspended", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"suspended":null}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "NegativeStorage", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"storageBytes":-5}`,
			setup: updateValidates(nil), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "NotFound", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"suspended":false}`,
			setup: func(_ *testing.T, m *mocks) {
				m.accounts.UpdateAccountFn = func(context.Context, string, dbplane.AccountUpdate) (*dbplane.Account, error) {
					return nil, errAccountNotFound
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "WrongType", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"suspended":"yes"}`, wantStatus: http.StatusBadRequest},
		{name: "EmailNotPatchable", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"email":"x@example.com"}`, wantStatus: http.StatusBadRequest},
		{name: "KeysPermissionOnly", method: http.MethodPatch, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
	})
}
