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
			name: "OK", method: http.MethodGet, path: path, header: bearer(readOnlyKey),
			setup: func(t *testing.T, m *mocks) {
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
			wantStatus: http.StatusOK, notContains: append(keySecrets, `"key"`, "hash"),
		},
		{name: "AccountNotFound", method: http.MethodGet, path: path, header: bearer(adminKey), setup: accountMissing, wantStatus: http.StatusNotFound},
		{name: "NoPermission", method: http.MethodGet, path: path, header: bearer(noPermKey), wantStatus: http.StatusForbidden},
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
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"ci"}`,
			setup: createValidates(func(t *testing.T, in dbplane.KeyInput) {
				want := dbplane.KeyInput{AccountID: tenantID, Kind: dbplane.KeyUser, Name: "ci"}
				if diff := cmp.Diff(want, in); diff != "" {
					t.Errorf("CreateKey() input (-want +got):\n%s", diff)
				}
			}),
			wantStatus: http.StatusCreated, notContains: []string{keyHash, adminKey},
		},
		{
			name: "Expiring", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"ci","expiresAt":"2027-01-01T00:00:00+02:00"}`,
			setup: createValidates(func(t *testing.T, in dbplane.KeyInput) {
				want := time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC)
				if in.ExpiresAt == nil || !in.ExpiresAt.Equal(want) {
					t.Errorf("CreateKey() expiresAt = %v, want %v", in.ExpiresAt, want)
				}
			}),
			wantStatus: http.StatusCreated,
		},
		{
			name: "BadExpiry", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"ci","expiresAt":"tomorrow"}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "EmptyName", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"  "}`,
			setup: createValidates(nil), wantStatus: http.StatusUnprocessableEntity, notContains: keySecrets,
		},
		{
			name: "AccountNotFound", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"ci"}`,
			setup: accountMissing, wantStatus: http.StatusNotFound,
		},
		{
			name: "PermissionsNotAccepted", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"ci","permissions":["keys:write"]}`, wantStatus: http.StatusBadRequest,
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{"name":"ci"}`, wantStatus: http.StatusForbidden},
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
		{name: "Disable", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":true}`,
			setup: setDisabled, wantStatus: http.StatusOK, notContains: keySecrets},
		{name: "Enable", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":false}`,
			setup: setDisabled, wantStatus: http.StatusOK},
		{name: "Missing", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "Null", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":null}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "WrongType", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":"yes"}`, wantStatus: http.StatusBadRequest},
		{
			name: "NotFound", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"disabled":true}`,
			setup: func(_ *testing.T, m *mocks) {
				m.keys.SetKeyDisabledFn = func(context.Context, string, string, bool) (*dbplane.APIKey, error) {
					return nil, dbplane.Errorf(dbplane.CodeNotFound, "API key not found")
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPatch, path: path, header: bearer(readOnlyKey), body: `{"disabled":true}`, wantStatus: http.StatusForbidden},
	})
}
