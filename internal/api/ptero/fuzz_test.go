package ptero_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/api/ptero"
)

// FuzzCreateBody checks that no create body is a 500 (SPEC §6: bad input
// gets a 4xx) and that errors never echo a password.
func FuzzCreateBody(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"database":"my_database","remote":"%","host":1}`, `{"database":"abc","remote":"%"}`,
		`{"database":5,"remote":[],"host":"x"}`, `{"database":"a","remote":"%","host":1e99}`, `{"host":"-1"}`,
		`{"database":"a","remote":"%","engine":"postgres"}`, `{"max_connections":"7"}`, `"\ud800"`, `{"database":"\u0000"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		m := newMocks()
		var logs bytes.Buffer
		h := newHandler(m, &logs, ptero.Options{ApplicationRate: 1 << 30, ClientRate: 1 << 30})
		for _, c := range []struct{ key, path string }{{appKey, appDBs}, {ownerKey, clientDBs}} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, surface.Request(http.MethodPost, c.path, body, bearer(c.key)))
			switch w.Code {
			case http.StatusOK, http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity:
			default:
				t.Fatalf("POST %s %q = %d: %s", c.path, body, w.Code, w.Body)
			}
			if w.Code >= 400 && strings.Contains(w.Body.String(), dbPassword) {
				t.Fatalf("POST %s %q = %d leaks the password", c.path, body, w.Code)
			}
		}
	})
}

// FuzzFormAndQuery checks the Laravel-lenient parsers: a form body and a
// query of filters and includes are never a 500, and a bad one is a 4xx.
func FuzzFormAndQuery(f *testing.F) {
	for _, s := range []string{
		"", "database=a&remote=%25&host=1", "database=%zz", "host=1&host=2", "a[]=1&a[]=2", "=&&=",
		"filter[name]=x", "filter[x]=1", "filter%5Bname%5D=a,b", "include[]=databases&include[]=user", "filter[name", "include[0]=node",
		"sort=-id,uuid", "sort=,-,", "sort=-", "sort=id&sort=-uuid", "sort=--id", "sort=name&filter[x]=1", "sort[]=id",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := newMocks()
		hostMocks(t, m)
		var logs bytes.Buffer
		h := newHandler(m, &logs, ptero.Options{ApplicationRate: 1 << 30, ClientRate: 1 << 30})
		header := map[string]string{"Authorization": "Bearer " + appKey, "Content-Type": "application/x-www-form-urlencoded"}
		servers := surface.Request(http.MethodGet, "/api/application/servers", "", bearer(appKey))
		servers.URL.RawQuery = s
		lists := []*http.Request{surface.Request(http.MethodPost, appDBs, s, header), servers}
		for _, path := range []string{"/api/application/users", "/api/application/nodes", "/api/application/database-hosts"} {
			r := surface.Request(http.MethodGet, path, "", bearer(appKey))
			r.URL.RawQuery = s
			lists = append(lists, r)
		}
		for _, r := range lists {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("%s %s %q = %d: %s", r.Method, r.URL, s, w.Code, w.Body)
			}
		}
	})
}
