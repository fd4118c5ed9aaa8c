package admin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

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

// adminReturned makes Account return the admin account.
func adminReturned(_ *testing.T, m *mocks) {
	m.accounts.AccountFn = func(context.Context, string) (*dbplane.Account, error) {
		a := *adminAccount
		return &a, nil
	}
}

// both runs setups in order.
func both(setups ...func(*testing.T, *mocks)) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		for _, s := range setups {
			s(t, m)
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
				m.accounts.EachAccountFn = eachAccount(adminAccount, fixtureAccount())
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "None", Method: http.MethodGet, Path: "/api/admin/accounts", Header: bearer(readOnlyKey),
			Setup:      func(_ *testing.T, m *mocks) { m.accounts.EachAccountFn = eachAccount() },
			WantStatus: http.StatusOK,
		},
		{
			// The store fails before the first account: a plain 500.
			Name: "StoreFails", Method: http.MethodGet, Path: "/api/admin/accounts", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.EachAccountFn = func(context.Context, func(*dbplane.Account) error) error {
					return errors.New("store: disk I/O error")
				}
			},
			WantStatus: http.StatusInternalServerError,
			WantLog:    []string{"disk I/O error"},
			NotInBody:  []string{"disk I/O error"},
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
					Slots: in.Slots, StorageBytes: in.StorageBytes, ExternalID: in.ExternalID, CreatedAt: t0, UpdatedAt: t0}, nil
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
		{
			Name: "ExternalID", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"tenant@example.com","name":"Tenant","externalId":"billing-7"}`,
			Setup: createValidates(func(t *testing.T, in dbplane.AccountInput) {
				if in.ExternalID == nil || *in.ExternalID != "billing-7" {
					t.Errorf("CreateAccount() externalId = %v, want billing-7", in.ExternalID)
				}
			}),
			WantStatus: http.StatusCreated,
		},
		{
			Name: "ExternalIDTaken", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"a@example.com","name":"X","externalId":"billing-7"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.CreateAccountFn = func(context.Context, dbplane.AccountInput) (*dbplane.Account, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "An account with that externalId already exists")
				}
			},
			WantStatus: http.StatusConflict,
		},
		{
			Name: "ExternalIDTooLong", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"a@example.com","name":"X","externalId":"` + strings.Repeat("x", 192) + `"}`, Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "ExternalIDBidi", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"email":"a@example.com","name":"X","externalId":"a\u202eb"}`, Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			// A tenant is created with accounts:write alone.
			Name: "AccountsWriteOnly", Method: http.MethodPost, Path: path, Header: bearer(permKey("accounts:write")),
			Body: `{"email":"t@example.com","name":"T"}`, Setup: createValidates(nil), WantStatus: http.StatusCreated,
		},
		{
			// SPEC §4.5: accounts:write alone cannot create an admin.
			Name: "AdminAccountsWriteOnly", Method: http.MethodPost, Path: path, Header: bearer(permKey("accounts:write")),
			Body: `{"email":"ops@example.com","name":"Ops","role":"admin"}`, WantStatus: http.StatusForbidden,
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
				if u.ExternalIDSet {
					a.ExternalID = u.ExternalID
				}
				return a, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "Quotas", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"slots":null,"storageBytes":1048576}`,
			Setup: both(accountReturns(tenantID), updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{SlotsSet: true, StorageBytesSet: true, StorageBytes: ptr(int64(1048576))}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			})),
			WantStatus: http.StatusOK,
		},
		{
			Name: "Suspend", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"suspended":true,"name":"Renamed"}`,
			Setup: both(accountReturns(tenantID), updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				want := dbplane.AccountUpdate{Name: ptr("Renamed"), Suspended: ptr(true)}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			})),
			WantStatus: http.StatusOK,
		},
		{
			// A tenant is suspended with accounts:write alone.
			Name: "SuspendTenantAccountsWriteOnly", Method: http.MethodPatch, Path: path, Header: bearer(permKey("accounts:write")),
			Body: `{"suspended":true}`, Setup: both(accountReturns(tenantID), updateValidates(nil)), WantStatus: http.StatusOK,
		},
		{
			// SPEC §4.5: accounts:write alone cannot suspend an admin.
			Name: "SuspendAdminAccountsWriteOnly", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(permKey("accounts:write")), Body: `{"suspended":true}`, Setup: adminReturned, WantStatus: http.StatusForbidden,
		},
		{
			Name: "SuspendAdmin", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(adminKey), Body: `{"suspended":false}`, Setup: both(adminReturned, updateValidates(nil)), WantStatus: http.StatusOK,
		},
		{
			Name: "Nothing", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`,
			Setup: both(accountReturns(tenantID), updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				if diff := cmp.Diff(dbplane.AccountUpdate{}, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			})),
			WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalID", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":" billing-7 "}`,
			Setup: both(accountReturns(tenantID), updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				if diff := cmp.Diff(dbplane.AccountUpdate{ExternalIDSet: true, ExternalID: ptr("billing-7")}, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			})),
			WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalIDNull", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":null}`,
			Setup: both(accountReturns(tenantID), updateValidates(func(t *testing.T, u dbplane.AccountUpdate) {
				if diff := cmp.Diff(dbplane.AccountUpdate{ExternalIDSet: true}, u); diff != "" {
					t.Errorf("UpdateAccount() update (-want +got):\n%s", diff)
				}
			})),
			WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalIDTaken", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":"billing-7"}`,
			Setup: both(accountReturns(tenantID), func(_ *testing.T, m *mocks) {
				m.accounts.UpdateAccountFn = func(context.Context, string, dbplane.AccountUpdate) (*dbplane.Account, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "An account with that externalId already exists")
				}
			}),
			WantStatus: http.StatusConflict,
		},
		{Name: "ExternalIDTooLong", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":"` + strings.Repeat("x", 192) + `"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NullName", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NullSuspended", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":null}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "NegativeStorage", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"storageBytes":-5}`,
			Setup: updateValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":false}`,
			Setup: accountMissing, WantStatus: http.StatusNotFound,
		},
		{
			Name: "NotFoundRename", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":"X"}`,
			Setup: accountMissing, WantStatus: http.StatusNotFound,
		},
		{
			// SPEC §4.5: accounts:write alone changes nothing of an admin
			// account, whose keys can do more (UpdateAccountFn unset).
			Name: "RenameAdminAccountsWriteOnly", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(permKey("accounts:write")), Body: `{"name":"Mallory"}`, Setup: adminReturned, WantStatus: http.StatusForbidden,
		},
		{
			Name: "QuotaAdminAccountsWriteOnly", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(permKey("accounts:write")), Body: `{"slots":0}`, Setup: adminReturned, WantStatus: http.StatusForbidden,
		},
		{
			// There is no promotion: role is not a field of PATCH.
			Name: "PromoteRefused", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"role":"admin"}`, WantStatus: http.StatusBadRequest,
		},
		{Name: "WrongType", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"suspended":"yes"}`, WantStatus: http.StatusBadRequest},
		{Name: "EmailNotPatchable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"email":"x@example.com"}`, WantStatus: http.StatusBadRequest},
		{Name: "KeysPermissionOnly", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
	})
}

// passwordSet makes SetPassword expect the tenant and password, and
// UpdateAccount return the tenant.
func passwordSet(want string) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		accountReturns(tenantID)(t, m)
		m.signIn.SetPasswordFn = func(_ context.Context, id string, pw dbplane.Secret) error {
			if id != tenantID || string(pw) != want {
				t.Errorf("SetPassword(%q, password of %d bytes), want the tenant and the body's password", id, len(pw))
			}
			return nil
		}
		m.accounts.UpdateAccountFn = func(_ context.Context, _ string, u dbplane.AccountUpdate) (*dbplane.Account, error) {
			if err := u.Validate(); err != nil {
				return nil, err
			}
			a := fixtureAccount()
			if u.Name != nil {
				a.Name = *u.Name
			}
			return a, nil
		}
	}
}

func TestAccountPassword(t *testing.T) {
	t.Parallel()
	const (
		path = "/api/admin/accounts/" + tenantID
		pw   = "correct horse battery staple"
	)
	// canMint holds what a way into a tenant reaches: its databases and,
	// signed in to the dashboard, minting its own user keys.
	canMint := permKey("accounts:write", "server_databases:read", "server_databases:write", "keys:write")
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPatch, Path: path, Header: bearer(canMint),
			Body: `{"password":"` + pw + `"}`, Setup: passwordSet(pw),
			WantStatus: http.StatusOK, NotContains: []string{pw},
		},
		{
			// A password opens the dashboard, where the account mints user
			// keys: a key without keys:write cannot hand that out.
			Name: "WithoutKeysWrite", Method: http.MethodPatch, Path: path,
			Header: bearer(permKey("accounts:write", "server_databases:read", "server_databases:write")),
			Body:   `{"password":"` + pw + `"}`, Setup: accountReturns(tenantID),
			WantStatus: http.StatusForbidden, NotContains: []string{pw},
		},
		{
			Name: "WithName", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"` + pw + `","name":"Renamed"}`, Setup: passwordSet(pw),
			WantStatus: http.StatusOK, NotContains: []string{pw},
		},
		{
			// SetPasswordFn is unset: a call would be a 500.
			Name: "TooShort", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"hunter2"}`, Setup: accountReturns(tenantID),
			WantStatus: http.StatusUnprocessableEntity, NotContains: []string{"hunter2"},
		},
		{
			Name: "ControlCharacter", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"a long password\u0000with a NUL"}`, Setup: accountReturns(tenantID),
			WantStatus: http.StatusUnprocessableEntity, NotContains: []string{"with a NUL"},
		},
		{
			// Another field is invalid: the password is not set either.
			Name: "OtherFieldInvalid", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"` + pw + `","storageBytes":-1}`, Setup: accountReturns(tenantID),
			WantStatus: http.StatusUnprocessableEntity, NotContains: []string{pw},
		},
		{Name: "Null", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"password":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "WrongType", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"password":12345678901}`, WantStatus: http.StatusBadRequest},
		{
			// A password opens the dashboard, which reveals and rotates the
			// account's passwords: accounts:write alone is not enough.
			Name: "AccountsWriteOnly", Method: http.MethodPatch, Path: path, Header: bearer(permKey("accounts:write")),
			Body: `{"password":"` + pw + `"}`, Setup: accountReturns(tenantID),
			WantStatus: http.StatusForbidden, NotContains: []string{pw},
		},
		{
			// An admin's password is every operator page: every permission.
			Name: "AdminAccountNeedsEveryPermission", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(canMint), Body: `{"password":"` + pw + `"}`, Setup: adminReturned,
			WantStatus: http.StatusForbidden, NotContains: []string{pw},
		},
		{
			Name: "AdminAccount", Method: http.MethodPatch, Path: "/api/admin/accounts/" + adminAccount.ID,
			Header: bearer(adminKey), Body: `{"password":"` + pw + `"}`,
			Setup: func(t *testing.T, m *mocks) {
				adminReturned(t, m)
				m.signIn.SetPasswordFn = func(_ context.Context, id string, _ dbplane.Secret) error {
					if id != adminAccount.ID {
						t.Errorf("SetPassword(%q), want the admin", id)
					}
					return nil
				}
				m.accounts.UpdateAccountFn = func(context.Context, string, dbplane.AccountUpdate) (*dbplane.Account, error) {
					a := *adminAccount
					return &a, nil
				}
			},
			WantStatus: http.StatusOK, NotContains: []string{pw},
		},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey),
			Body: `{"password":"` + pw + `"}`, Setup: accountMissing, WantStatus: http.StatusNotFound, NotContains: []string{pw},
		},
		{Name: "ReadOnlyKey", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{"password":"` + pw + `"}`, WantStatus: http.StatusForbidden},
	})
}

func TestPasswordLinkCreate(t *testing.T) {
	t.Parallel()
	const (
		path  = "/api/admin/accounts/" + tenantID + "/password-link"
		token = "sEt-pAsSwOrD_tOkEn"
	)
	linkMade := func(want string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.signIn.CreatePasswordLinkFn = func(_ context.Context, id string) (dbplane.Secret, time.Time, error) {
				if id != want {
					t.Errorf("CreatePasswordLink(%q), want %q", id, want)
				}
				return token, t1, nil
			}
		}
	}
	canMint := permKey("accounts:write", "server_databases:read", "server_databases:write", "keys:write")
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(canMint),
			Setup: both(accountReturns(tenantID), linkMade(tenantID)), WantStatus: http.StatusCreated,
		},
		{
			Name: "WithoutKeysWrite", Method: http.MethodPost, Path: path,
			Header: bearer(permKey("accounts:write", "server_databases:read", "server_databases:write")),
			Setup:  accountReturns(tenantID), WantStatus: http.StatusForbidden,
		},
		{
			Name: "AccountsWriteOnly", Method: http.MethodPost, Path: path, Header: bearer(permKey("accounts:write")),
			Setup: accountReturns(tenantID), WantStatus: http.StatusForbidden,
		},
		{
			Name: "AdminAccountNeedsEveryPermission", Method: http.MethodPost, Path: "/api/admin/accounts/" + adminAccount.ID + "/password-link",
			Header: bearer(canMint), Setup: adminReturned, WantStatus: http.StatusForbidden,
		},
		{
			Name: "AdminAccount", Method: http.MethodPost, Path: "/api/admin/accounts/" + adminAccount.ID + "/password-link",
			Header: bearer(adminKey), Setup: both(adminReturned, linkMade(adminAccount.ID)), WantStatus: http.StatusCreated,
		},
		{Name: "NotFound", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Setup: accountMissing, WantStatus: http.StatusNotFound},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "Get", Method: http.MethodGet, Path: path, Header: bearer(adminKey), WantStatus: http.StatusMethodNotAllowed},
	})
}
