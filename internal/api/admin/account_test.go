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
			Name: "OK", Method: http.MethodGet, Path: "/api/admin/accounts", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.ListAccountsFn = func(context.Context) ([]*dbplane.Account, error) {
					return []*dbplane.Account{adminAccount, fixtureAccount()}, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{Name: "NoKey", Method: http.MethodGet, Path: "/api/admin/accounts", WantStatus: http.StatusUnauthorized},
		{Name: "UserKey", Method: http.MethodGet, Path: "/api/admin/accounts", Header: bearer(userKey), WantStatus: http.StatusForbidden},
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
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"tenant@example.com","name":"Tenant","slots":5,"storageBytes":1073741824}`,
			Setup: createValidates(func(t *testing.T, in dbplane.AccountInput) {
				want := dbplane.AccountInput{Email: "tenant@example.com", Name: "Tenant", Slots: ptr(5), StorageBytes: ptr(int64(1073741824))}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateAccount() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated,
		},
		{
			Name: "Unlimited", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"email":"ops@example.com","name":"Ops","role":"admin","slots":null}`,
			Setup: createValidates(nil), WantStatus: http.StatusCreated,
		},
		{
			Name: "BadEmail", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"nope","name":"X"}`, Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NegativeSlots", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"a@example.com","name":"X","slots":-1}`, Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "EmailTaken", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"a@example.com","name":"X"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.CreateAccountFn = func(context.Context, dbplane.AccountInput) (*dbplane.Account, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "An account with that email exists")
				}
			},
			WantStatus: http.StatusConflict,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
		{Name: "UnknownField", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"password":"x"}`, WantStatus: http.StatusBadRequest},
	})
}

func TestAccountGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: "/api/admin/accounts/" + tenantID, Header: bearer(readOnlyKey),
			Setup: accountReturns(tenantID), WantStatus: http.StatusOK,
		},
		{
			Name: "NotFound", Method: http.MethodGet, Path: "/api/admin/accounts/nope", Header: bearer(adminKey),
			Setup: accountMissing, WantStatus: http.StatusNotFound,
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
			Name: "Quotas", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"slots":null,"storageBytes":1048576}`,
			Setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{SlotsSet: true, StorageBytesSet: true, StorageBytes: ptr(int64(1048576))}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "Suspend", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"suspended":true,"name":"Renamed"}`,
			Setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{Name: ptr("Renamed"), Suspended: ptr(true)}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{
			Name: "Nothing", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`,
			Setup: updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				if diff := cmp.Diff(dbplane.AccountUpdate{}, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusOK,
		},
		{Name: "NullName", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NullSuspended", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":null}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "NegativeStorage", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"storageBytes":-5}`,
			Setup: updateValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":false}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.UpdateAccountFn = func(context.Context, string, dbplane.AccountUpdate) (*dbplane.Account, error) {
					return nil, errAccountNotFound
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "WrongType", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":"yes"}`, WantStatus: http.StatusBadRequest},
		{Name: "EmailNotPatchable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"email":"x@example.com"}`, WantStatus: http.StatusBadRequest},
		{Name: "KeysPermissionOnly", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
	})
}
