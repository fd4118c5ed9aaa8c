package ptero_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/ptero"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/google/go-cmp/cmp"
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
		// filter[external_id] matches the whole id, in its case.
		{Name: "FilterExternalID", Method: http.MethodGet, Path: path + "?filter[external_id]=WHMCS-7", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterExternalIDAnyOf", Method: http.MethodGet, Path: path + "?filter[external_id]=x,WHMCS-7", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterExternalIDPart", Method: http.MethodGet, Path: path + "?filter[external_id]=WHMCS", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "FilterExternalIDCase", Method: http.MethodGet, Path: path + "?filter[external_id]=whmcs-7", Header: bearer(appKey), WantStatus: http.StatusOK},
		// GET /users/external/{external_id}: the account with that id.
		{Name: "External", Method: http.MethodGet, Path: path + "/external/WHMCS-7", Header: bearer(appKey), WantStatus: http.StatusOK},
		{Name: "ExternalNotFound", Method: http.MethodGet, Path: path + "/external/abc", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ExternalPart", Method: http.MethodGet, Path: path + "/external/WHMCS", Header: bearer(appKey), WantStatus: http.StatusNotFound},
		{Name: "ExternalNoPermission", Method: http.MethodGet, Path: path + "/external/abc", Header: bearer(appReadKey), WantStatus: http.StatusForbidden},
		{Name: "ExternalNoKey", Method: http.MethodGet, Path: path + "/external/abc", WantStatus: http.StatusUnauthorized},
		{Name: "ExternalPost", Method: http.MethodPost, Path: path + "/external/abc", Header: bearer(appKey), Body: `{}`, WantStatus: http.StatusMethodNotAllowed},
		{
			Name: "ListFails", Method: http.MethodGet, Path: path, Header: bearer(appKey), WantStatus: http.StatusInternalServerError,
			Setup: func(_ *testing.T, m *mocks) {
				m.accounts.FindAccountsFn = func(context.Context, dbplane.AccountFilter) ([]*dbplane.Account, int, error) {
					return nil, 0, errors.New("select accounts: busy")
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

// TestAppUsersAskForAPage: the users list asks the service for the page
// it shows, in the order asked, with the exact filters the store's
// indexes answer; the substring filters go as Match with the page, and
// one user is looked up by its id. Nothing reads every account.
func TestAppUsersAskForAPage(t *testing.T) {
	t.Parallel()
	type asked struct {
		NumericID   int64
		ExternalIDs []string
		Match       bool
		Order       dbplane.AccountOrder
		Desc        bool
		Page        dbplane.Page
	}
	byNumeric := dbplane.AccountsByNumericID
	for _, tc := range []struct {
		path string
		want []asked
	}{
		{"/api/application/users?per_page=1&page=2", []asked{{Order: byNumeric, Page: dbplane.Page{Page: 2, PerPage: 1}}}},
		{"/api/application/users", []asked{{Order: byNumeric, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/users?sort=-uuid&per_page=1", []asked{{Order: dbplane.AccountsByID, Desc: true, Page: dbplane.Page{Page: 1, PerPage: 1}}}},
		{"/api/application/users?sort=-id,uuid&page=3", []asked{{Order: byNumeric, Desc: true, Page: dbplane.Page{Page: 3, PerPage: 50}}}},
		{"/api/application/users?filter[external_id]=x,WHMCS-7", []asked{{ExternalIDs: []string{"x", "WHMCS-7"}, Order: byNumeric, Page: dbplane.Page{Page: 1, PerPage: 50}}}},
		{"/api/application/users?filter[email]=jane&filter[external_id]=WHMCS-7&per_page=5", []asked{{ExternalIDs: []string{"WHMCS-7"}, Match: true, Order: byNumeric, Page: dbplane.Page{Page: 1, PerPage: 5}}}},
		{"/api/application/users?filter[username]=root&page=2&per_page=10", []asked{{Match: true, Order: byNumeric, Page: dbplane.Page{Page: 2, PerPage: 10}}}},
		{"/api/application/users/7", []asked{{NumericID: 7}}},
		{"/api/application/users/external/WHMCS-7", []asked{{ExternalIDs: []string{"WHMCS-7"}}}},
	} {
		m := newMocks()
		m.accounts.EachAccountFn = func(context.Context, func(*dbplane.Account) error) error {
			t.Errorf("GET %s read every account", tc.path)
			return nil
		}
		var calls []dbplane.AccountFilter
		m.accounts.FindAccountsFn = mock.FindAccountsIn(fixtureAccounts, &calls)
		r := httptest.NewRequest(http.MethodGet, tc.path, nil)
		r.Header.Set("Authorization", "Bearer "+appKey)
		w := httptest.NewRecorder()
		newHandler(m, io.Discard, ptero.Options{}).ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", tc.path, w.Code, w.Body)
		}
		var got []asked
		for _, f := range calls {
			got = append(got, asked{NumericID: f.NumericID, ExternalIDs: f.ExternalIDs, Match: f.Match != nil, Order: f.Order, Desc: f.Desc, Page: f.Page})
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s asked FindAccounts (-want +got):\n%s", tc.path, diff)
		}
	}
}
