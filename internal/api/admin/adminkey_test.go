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
			name: "OK", method: http.MethodGet, path: path, header: bearer(permKey("keys:read")), setup: listAdminKeys,
			wantStatus: http.StatusOK, notContains: append(adminKeySecrets, `"key"`, "hash"),
		},
		{name: "WriteOnly", method: http.MethodGet, path: path, header: bearer(permKey("keys:write")), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodGet, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
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
			name: "OK", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"deploy","permissions":["servers:read","servers:write","servers:read"]}`,
			setup: create(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: adminAccount.ID, Kind: dbplane.KeyAdmin, Name: "deploy",
					Permissions: []dbplane.Permission{"servers:read", "servers:write"}}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusCreated, notContains: []string{keyHash, adminKey},
		},
		{
			name: "OtherAdminAccount", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"ops","permissions":["nodes:read"],"accountId":"` + otherAdminID + `","expiresAt":"2027-01-01T00:00:00Z"}`,
			setup: func(t *testing.T, m *mocks) {
				otherAccount(dbplane.RoleAdmin)(t, m)
				create(func(t *testing.T, in dbplane.KeyInput) {
					want := dbplane.KeyInput{AccountID: otherAdminID, Kind: dbplane.KeyAdmin, Name: "ops",
						Permissions: []dbplane.Permission{"nodes:read"}, ExpiresAt: ptr(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))}
					if diff := cmp.Diff(want, in); diff != "" {
						t.Errorf("CreateKey() input (-want +got):\n%s", diff)
					}
				})(t, m)
			},
			wantStatus: http.StatusCreated,
		},
		{
			name: "UserAccount", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"name":"ops","permissions":[],"accountId":"` + otherAdminID + `"}`,
			setup: otherAccount(dbplane.RoleUser), wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "UnknownAccount", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"ops","permissions":[],"accountId":"nope"}`, setup: otherAccount(dbplane.RoleAdmin), wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "NullAccount", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"ops","permissions":[],"accountId":null}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "UnknownPermission", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"x","permissions":["servers:read","servers:admin"]}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "MissingPermissions", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"x"}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "NullPermissions", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"x","permissions":null}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "EmptyPermissions", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"x","permissions":[]}`,
			setup: create(nil), wantStatus: http.StatusCreated,
		},
		{
			name: "GrantsOnlyWhatItHolds", method: http.MethodPost, path: path, header: bearer(permKey("keys:write", "nodes:read")),
			body: `{"name":"x","permissions":["nodes:read","nodes:write"]}`, wantStatus: http.StatusForbidden,
		},
		{
			name: "GrantsWhatItHolds", method: http.MethodPost, path: path, header: bearer(permKey("keys:write", "nodes:read")),
			body: `{"name":"x","permissions":["nodes:read","keys:write"]}`, setup: create(nil), wantStatus: http.StatusCreated,
		},
		{
			name: "EmptyName", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":" ","permissions":[]}`,
			setup: create(nil), wantStatus: http.StatusUnprocessableEntity, notContains: adminKeySecrets,
		},
		{name: "BadExpiry", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"x","permissions":[],"expiresAt":"soon"}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "KindNotAccepted", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"x","permissions":[],"kind":"user"}`, wantStatus: http.StatusBadRequest},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{"name":"x","permissions":[]}`, wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodPost, path: path, header: bearer(userKey), body: `{"name":"x","permissions":[]}`, wantStatus: http.StatusForbidden},
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
		{name: "Disable", method: http.MethodPatch, path: path, header: bearer(permKey("keys:write")), body: `{"disabled":true}`,
			setup: setDisabled, wantStatus: http.StatusOK, notContains: adminKeySecrets},
		{name: "Enable", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":false}`, setup: setDisabled, wantStatus: http.StatusOK},
		{name: "Missing", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "Null", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":null}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "UserKeyID", method: http.MethodPatch, path: "/api/admin/keys/01HVKEY0000000000000000001", header: bearer(adminKey),
			body: `{"disabled":true}`, setup: listAdminKeys, wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPatch, path: path, header: bearer(readOnlyKey), body: `{"disabled":true}`, wantStatus: http.StatusForbidden},
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
		{name: "OK", method: http.MethodDelete, path: path, header: bearer(permKey("keys:write")), setup: del, wantStatus: http.StatusNoContent},
		{name: "NotFound", method: http.MethodDelete, path: "/api/admin/keys/nope", header: bearer(adminKey), setup: listAdminKeys, wantStatus: http.StatusNotFound},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodDelete, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
	})
}

func TestKeyDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID + "/keys/01HVKEY0000000000000000001"
	list := func(t *testing.T, m *mocks) {
		m.keys.ListKeysFn = func(_ context.Context, accountID string) ([]*dbplane.APIKey, error) {
			if accountID != tenantID {
				return nil, nil
			}
			return []*dbplane.APIKey{fixtureKey()}, nil
		}
	}
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodDelete, path: path, header: bearer(permKey("keys:write")),
			setup: func(t *testing.T, m *mocks) {
				list(t, m)
				m.keys.DeleteKeyFn = func(_ context.Context, keyID string) error {
					if keyID != "01HVKEY0000000000000000001" {
						t.Errorf("DeleteKey(%q), want the path's key", keyID)
					}
					return nil
				}
			},
			wantStatus: http.StatusNoContent,
		},
		{
			name: "OtherAccountsKey", method: http.MethodDelete, path: "/api/admin/accounts/01HVOTHER000000000000000/keys/01HVKEY0000000000000000001",
			header: bearer(adminKey), setup: list, wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
	})
}
