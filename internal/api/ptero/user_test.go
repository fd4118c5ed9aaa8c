package ptero_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestAppUsers(t *testing.T) {
	t.Parallel()
	const path = "/api/application/users"
	runScenarios(t, []scenario{
		// Libraries probe this list to check an application key.
		{Name: "List", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "ListPage2", Method: http.MethodGet, Path: path + "?per_page=1&page=2", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterEmail", Method: http.MethodGet, Path: path + "?filter[email]=JANE.DOE@example.com", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterUsername", Method: http.MethodGet, Path: path + "?filter[username]=root", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterUnknown", Method: http.MethodGet, Path: path + "?filter[password]=x", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "RootAdminUserKey", Method: http.MethodGet, Path: path, Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusForbidden},
		{Name: "Get", Method: http.MethodGet, Path: path + "/7", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetByUUIDUpper", Method: http.MethodGet, Path: path + "/" + strings.ToUpper(adminUUID), Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetTrailingSlash", Method: http.MethodGet, Path: path + "/1/", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetNotFound", Method: http.MethodGet, Path: path + "/99", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "GetNotANumber", Method: http.MethodGet, Path: path + "/abc", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "SortIDDesc", Method: http.MethodGet, Path: path + "?sort=-id", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortUUID", Method: http.MethodGet, Path: path + "?sort=uuid", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortUUIDDescPage", Method: http.MethodGet, Path: path + "?sort=-uuid&per_page=1", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortUnknown", Method: http.MethodGet, Path: path + "?sort=-email", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		// GET /users/external/{external_id}: no account has an external id.
		{Name: "External", Method: http.MethodGet, Path: path + "/external/abc", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ExternalNoPermission", Method: http.MethodGet, Path: path + "/external/abc", Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "ExternalNoKey", Method: http.MethodGet, Path: path + "/external/abc", WantStatus: http.StatusUnauthorized},
		{Name: "ExternalPost", Method: http.MethodPost, Path: path + "/external/abc", Header: bearer(appKey), Body: `{}`, WantStatus: http.StatusMethodNotAllowed},
		{
			Name: "ListFails", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.ListAccountsFn = func(context.Context) ([]*dbplane.Account, error) {
					return nil, errors.New("select accounts: busy")
				}
			},
			WantLog: []string{"select accounts: busy"},
		},
	})
}

func TestAppNodes(t *testing.T) {
	t.Parallel()
	const path = "/api/application/nodes"
	runScenarios(t, []scenario{
		{Name: "List", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "ListPerPage1", Method: http.MethodGet, Path: path + "?per_page=1", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterName", Method: http.MethodGet, Path: path + "?filter[name]=node%202", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterUnknown", Method: http.MethodGet, Path: path + "?filter[memory]=1", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "SortUUIDDesc", Method: http.MethodGet, Path: path + "?sort=-uuid", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortMemoryThenID", Method: http.MethodGet, Path: path + "?sort=memory,-id", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "SortUnknown", Method: http.MethodGet, Path: path + "?sort=name", Header: bearer(appKey), WantStatus: http.StatusBadRequest},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "Get", Method: http.MethodGet, Path: path + "/3", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "GetNotFound", Method: http.MethodGet, Path: path + "/9", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "GetNotANumber", Method: http.MethodGet, Path: path + "/x", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{
			// The service resolved the reference as something else: not
			// the node this path names.
			Name: "GetMismatch", Method: http.MethodGet, Path: path + "/8", Header: bearer(appKey), WantStatus: http.StatusNotFound,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.NodeFn = func(context.Context, string) (*dbplane.Node, error) { return fixtureNode(), nil }
			},
		},
	})
}

func TestClientAccount(t *testing.T) {
	t.Parallel()
	const path = "/api/client/account"
	runScenarios(t, []scenario{
		// Libraries check a client key with this call.
		{Name: "Owner", Method: http.MethodGet, Path: path, Header: bearer(ownerKey), WantStatus: http.StatusOK},
		{Name: "AdminUser", Method: http.MethodGet, Path: path + "/", Header: bearer(adminUserKey), WantStatus: http.StatusOK},
		{Name: "AdminKey", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusForbidden},
		{Name: "NoKey", Method: http.MethodGet, Path: path, WantStatus: http.StatusUnauthorized},
	})
}
