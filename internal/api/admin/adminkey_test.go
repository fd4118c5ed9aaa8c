package admin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const (
	mintedAdminKey = "dbp_a_c2VjcmV0YWRtaW5rZXltYXRlcmlhbA"
	adminKeyID     = "01HVKEYADMIN0000000000001"
	otherAdminID   = "01HVADMIN2000000000000000"
)

func fixtureAdminKey() *dbplane.APIKey {
	return &dbplane.APIKey{
		ID: adminKeyID, AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Name: "deploy",
		Prefix: "dbp_a_c2Vj", Hash: []byte(keyHash), Permissions: []dbplane.Permission{"servers:read", "servers:write"},
		CreatedAt: t0, LastUsedAt: &t1,
	}
}

// adminKeySecrets lists what no admin key list, error or log line may hold.
var adminKeySecrets = []string{mintedAdminKey, keyHash, adminKey}

func listAdminKeys(_ *testing.T, m *mocks) {
	m.keys.ListAdminKeysFn = func(context.Context) ([]*dbplane.APIKey, error) {
		other := fixtureAdminKey()
		other.ID, other.AccountID, other.Name, other.Disabled, other.LastUsedAt = "01HVKEYADMIN0000000000002", otherAdminID, "monitoring", true, nil
		other.Permissions = []dbplane.Permission{"database_hosts:read"}
		return []*dbplane.APIKey{fixtureAdminKey(), other}, nil
	}
}

func TestAdminKeyList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/keys"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(permKey("keys:read")), Setup: listAdminKeys,
			WantStatus: http.StatusOK, NotContains: append(adminKeySecrets, `"key"`, "hash"),
		},
		{Name: "WriteOnly", Method: http.MethodGet, Path: path, Header: bearer(permKey("keys:write")), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
	})
}

func TestAdminKeyCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/keys"
	create := func(check func(*testing.T, dbplane.KeyInput)) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.keys.CreateKeyFn = func(_ context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error) {
				if check != nil {
					check(t, in)
				}
				if err := in.Validate(); err != nil {
					return nil, "", err
				}
				k := fixtureAdminKey()
				k.AccountID, k.Name, k.Permissions, k.ExpiresAt, k.LastUsedAt = in.AccountID, in.Name, in.Permissions, in.ExpiresAt, nil
				return k, mintedAdminKey, nil
			}
		}
	}
	otherAccount := func(role dbplane.Role) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.accounts.AccountFn = func(_ context.Context, id string) (*dbplane.Account, error) {
				if id != otherAdminID {
					return nil, errAccountNotFound
				}
				return &dbplane.Account{ID: otherAdminID, Email: "ops@example.com", Name: "Ops", Role: role, CreatedAt: t0, UpdatedAt: t0}, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"deploy","permissions":["servers:read","servers:write","servers:read"]}`,
			Setup: create(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Name: "deploy",
					Permissions: []dbplane.Permission{"servers:read", "servers:write"}}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: []string{keyHash, adminKey},
		},
		{
			Name: "PterodactylFormat", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"panel","permissions":["servers:read"],"format":"pterodactyl"}`,
			Setup: create(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Name: "panel",
					Permissions: []dbplane.Permission{"servers:read"}, Format: dbplane.KeyFormatPterodactyl}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated,
		},
		{
			Name: "OtherAdminAccount", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"ops","permissions":["nodes:read"],"accountId":"` + otherAdminID + `","expiresAt":"2027-01-01T00:00:00Z"}`,
			Setup: func(t *testing.T, m *mocks) {
				otherAccount(dbplane.RoleAdmin)(t, m)
				create(func(t *testing.T, in dbplane.KeyInput) {
					want := dbplane.KeyInput{AccountID: otherAdminID, Kind: dbplane.KeyAdmin, Name: "ops",
						Permissions: []dbplane.Permission{"nodes:read"}, ExpiresAt: ptr(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))}
					if diff := cmp.Diff(want, in); diff != "" {
						t.Errorf("CreateKey() input (-want +got):\n%s", diff)
					}
				})(t, m)
			},
			WantStatus: http.StatusCreated,
		},
		{
			Name: "UserAccount", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"ops","permissions":[],"accountId":"` + otherAdminID + `"}`,
			Setup: otherAccount(dbplane.RoleUser), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "UnknownAccount", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"ops","permissions":[],"accountId":"nope"}`, Setup: otherAccount(dbplane.RoleAdmin), WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "NullAccount", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"ops","permissions":[],"accountId":null}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UnknownPermission", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"x","permissions":["servers:read","servers:admin"]}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "MissingPermissions", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"x"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NullPermissions", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"x","permissions":null}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "EmptyPermissions", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"x","permissions":[]}`,
			Setup: create(nil), WantStatus: http.StatusCreated,
		},
		{
			Name: "GrantsOnlyWhatItHolds", Method: http.MethodPost, Path: path, Header: bearer(permKey("keys:write", "nodes:read")),
			Body: `{"name":"x","permissions":["nodes:read","nodes:write"]}`, WantStatus: http.StatusForbidden,
		},
		{
			Name: "GrantsWhatItHolds", Method: http.MethodPost, Path: path, Header: bearer(permKey("keys:write", "nodes:read")),
			Body: `{"name":"x","permissions":["nodes:read","keys:write"]}`, Setup: create(nil), WantStatus: http.StatusCreated,
		},
		{
			Name: "EmptyName", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":" ","permissions":[]}`,
			Setup: create(nil), WantStatus: http.StatusUnprocessableEntity, NotContains: adminKeySecrets,
		},
		{Name: "BadExpiry", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"x","permissions":[],"expiresAt":"soon"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "KindNotAccepted", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"x","permissions":[],"kind":"user"}`, WantStatus: http.StatusBadRequest},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{"name":"x","permissions":[]}`, WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodPost, Path: path, Header: bearer(userKey), Body: `{"name":"x","permissions":[]}`, WantStatus: http.StatusForbidden},
	})
}

func TestAdminKeyUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/keys/" + adminKeyID
	setDisabled := func(t *testing.T, m *mocks) {
		listAdminKeys(t, m)
		m.keys.SetKeyDisabledFn = func(_ context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
			if accountID != adminAccount.ID || keyID != adminKeyID {
				t.Errorf("SetKeyDisabled(%q, %q, %v), want the key's account and id", accountID, keyID, disabled)
			}
			k := fixtureAdminKey()
			k.Disabled = disabled
			return k, nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "Disable", Method: http.MethodPatch, Path: path, Header: bearer(permKey("keys:write")), Body: `{"disabled":true}`,
			Setup: setDisabled, WantStatus: http.StatusOK, NotContains: adminKeySecrets},
		{Name: "Enable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":false}`, Setup: setDisabled, WantStatus: http.StatusOK},
		{
			// Enabling hands the key's permissions back to whoever holds
			// it: keys:write alone cannot (SPEC §4.5); disabling, a
			// revocation, it can (above).
			Name: "EnableNeedsItsPermissions", Method: http.MethodPatch, Path: path, Header: bearer(permKey("keys:write", "servers:read")),
			Body: `{"disabled":false}`, Setup: listAdminKeys, WantStatus: http.StatusForbidden,
		},
		{
			Name: "EnableWithItsPermissions", Method: http.MethodPatch, Path: path, Header: bearer(permKey("keys:write", "servers:read", "servers:write")),
			Body: `{"disabled":false}`, Setup: setDisabled, WantStatus: http.StatusOK,
		},
		{Name: "Missing", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "Null", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":null}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UserKeyID", Method: http.MethodPatch, Path: "/api/admin/keys/01HVKEY0000000000000000001", Header: bearer(adminKey),
			Body: `{"disabled":true}`, Setup: listAdminKeys, WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{"disabled":true}`, WantStatus: http.StatusForbidden},
	})
}

func TestAdminKeyDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/keys/" + adminKeyID
	del := func(t *testing.T, m *mocks) {
		listAdminKeys(t, m)
		m.keys.DeleteKeyFn = func(_ context.Context, keyID string) error {
			if keyID != adminKeyID {
				t.Errorf("DeleteKey(%q), want %q", keyID, adminKeyID)
			}
			return nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(permKey("keys:write")), Setup: del, WantStatus: http.StatusNoContent},
		{Name: "NotFound", Method: http.MethodDelete, Path: "/api/admin/keys/nope", Header: bearer(adminKey), Setup: listAdminKeys, WantStatus: http.StatusNotFound},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodDelete, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
	})
}

func TestKeyDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID + "/keys/01HVKEY0000000000000000001"
	// deleteOwn is a service that deletes only the tenant's fixture key.
	deleteOwn := func(t *testing.T, m *mocks) {
		m.keys.DeleteAccountKeyFn = func(_ context.Context, accountID, keyID string) error {
			if accountID != tenantID || keyID != "01HVKEY0000000000000000001" {
				return dbplane.Errorf(dbplane.CodeNotFound, "API key not found")
			}
			return nil
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(permKey("keys:write")),
			Setup: deleteOwn, WantStatus: http.StatusNoContent,
		},
		{
			Name: "OtherAccountsKey", Method: http.MethodDelete, Path: "/api/admin/accounts/01HVOTHER000000000000000/keys/01HVKEY0000000000000000001",
			Header: bearer(adminKey), Setup: deleteOwn, WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
	})
}
