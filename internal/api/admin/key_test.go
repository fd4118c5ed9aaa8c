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
	mintedKey = "dbp_u_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"
	keyHash   = "hash-bytes-never-shown"
)

func fixtureKey() *dbplane.APIKey {
	return &dbplane.APIKey{
		ID: "01HVKEY0000000000000000001", AccountID: tenantID, Kind: dbplane.KeyUser, Name: "ci",
		Prefix: "dbp_u_Zm9v", Hash: []byte(keyHash), CreatedAt: t0, LastUsedAt: &t1,
	}
}

// keySecrets lists what no key list, error or log line may hold.
var keySecrets = []string{mintedKey, keyHash, adminKey}

func TestKeyList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID + "/keys"
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey),
			Setup: func(t *testing.T, m *mocks) {
				accountReturns(tenantID)(t, m)
				m.keys.ListKeysFn = func(_ context.Context, accountID string) ([]*dbplane.APIKey, error) {
					if accountID != tenantID {
						t.Errorf("ListKeys(%q), want %q", accountID, tenantID)
					}
					disabled := fixtureKey()
					disabled.ID, disabled.Disabled, disabled.LastUsedAt, disabled.ExpiresAt = "01HVKEY0000000000000000002", true, nil, &t1
					return []*dbplane.APIKey{fixtureKey(), disabled}, nil
				}
			},
			WantStatus: http.StatusOK, NotContains: append(keySecrets, `"key"`, "hash"),
		},
		{Name: "AccountNotFound", Method: http.MethodGet, Path: path, Header: bearer(adminKey), Setup: accountMissing, WantStatus: http.StatusNotFound},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
	})
}

func TestKeyCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID + "/keys"
	createValidates := func(check func(*testing.T, dbplane.KeyInput)) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			accountReturns(tenantID)(t, m)
			m.keys.CreateKeyFn = func(_ context.Context, in dbplane.KeyInput) (*dbplane.APIKey, dbplane.Secret, error) {
				if check != nil {
					check(t, in)
				}
				if err := in.Validate(); err != nil {
					return nil, "", err
				}
				k := fixtureKey()
				k.Name, k.ExpiresAt, k.LastUsedAt = in.Name, in.ExpiresAt, nil
				return k, mintedKey, nil
			}
		}
	}
	runScenarios(t, []scenario{
		// A user key reveals its account's passwords: a key that holds only
		// keys:write must not mint one (it would read what it cannot).
		{
			Name: "KeysOnlyKeyCannotMint", Method: http.MethodPost, Path: path, Header: bearer(permKey("keys:read", "keys:write")),
			Body: `{"name":"ci"}`, Setup: accountReturns(tenantID), WantStatus: http.StatusForbidden, NotContains: []string{mintedKey},
		},
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"ci"}`,
			Setup: createValidates(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: tenantID, Kind: dbplane.KeyUser, Name: "ci"}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated, NotContains: []string{keyHash, adminKey},
		},
		{
			// Pterodactyl's format: ptlc_ + 43 (control mints it).
			Name: "PterodactylFormat", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"ci","format":"pterodactyl"}`,
			Setup: createValidates(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: tenantID, Kind: dbplane.KeyUser, Name: "ci", Format: dbplane.KeyFormatPterodactyl}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			WantStatus: http.StatusCreated,
		},
		{
			Name: "BadFormat", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"ci","format":"vault"}`,
			Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "Expiring", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"ci","expiresAt":"2027-01-01T00:00:00+02:00"}`,
			Setup: createValidates(func(t *testing.T, in dbplane.KeyInput) {
				want := time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC)
				if in.ExpiresAt == nil || !in.ExpiresAt.Equal(want) {
					t.Errorf("CreateKey() expiresAt = %v, want %v", in.ExpiresAt, want)
				}
			}),
			WantStatus: http.StatusCreated,
		},
		{
			Name: "BadExpiry", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"ci","expiresAt":"tomorrow"}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "EmptyName", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"  "}`,
			Setup: createValidates(nil), WantStatus: http.StatusUnprocessableEntity, NotContains: keySecrets,
		},
		{
			Name: "AccountNotFound", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"ci"}`,
			Setup: accountMissing, WantStatus: http.StatusNotFound,
		},
		{
			Name: "PermissionsNotAccepted", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"ci","permissions":["keys:write"]}`, WantStatus: http.StatusBadRequest,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{"name":"ci"}`, WantStatus: http.StatusForbidden},
	})
}

func TestKeyUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/accounts/" + tenantID + "/keys/01HVKEY0000000000000000001"
	setDisabled := func(t *testing.T, m *mocks) {
		m.keys.SetKeyDisabledFn = func(_ context.Context, accountID, keyID string, disabled bool) (*dbplane.APIKey, error) {
			if accountID != tenantID || keyID != "01HVKEY0000000000000000001" {
				t.Errorf("SetKeyDisabled(%q, %q, %v), want the path's ids", accountID, keyID, disabled)
			}
			k := fixtureKey()
			k.Disabled = disabled
			return k, nil
		}
	}
	runScenarios(t, []scenario{
		{Name: "Disable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":true}`,
			Setup: setDisabled, WantStatus: http.StatusOK, NotContains: keySecrets},
		{Name: "Enable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":false}`,
			Setup: func(t *testing.T, m *mocks) { accountReturns(tenantID)(t, m); setDisabled(t, m) }, WantStatus: http.StatusOK},
		// Enabling a user key hands out what the key can do: reading and
		// rotating the account's passwords.
		{Name: "EnableNeedsDatabasePermissions", Method: http.MethodPatch, Path: path, Header: bearer(permKey("keys:read", "keys:write")),
			Body: `{"disabled":false}`, Setup: accountReturns(tenantID), WantStatus: http.StatusForbidden},
		{Name: "Missing", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "Null", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "WrongType", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":"yes"}`, WantStatus: http.StatusBadRequest},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"disabled":true}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.keys.SetKeyDisabledFn = func(context.Context, string, string, bool) (*dbplane.APIKey, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "API key not found")
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{"disabled":true}`, WantStatus: http.StatusForbidden},
	})
}
