package dbapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// FuzzDatabaseCreate sends arbitrary bodies to POST /api/v1/db/databases
// behind a service that validates as the real one does. No body may cause a
// panic or a 5xx, and every answer is the document's envelope.
func FuzzDatabaseCreate(f *testing.F) {
	for _, s := range []string{
		`{"name":"my-app","engine":"mariadb"}`, `{"name":"my-app"}`, `{"name":"-x"}`, `{"name":""}`,
		`{"name":"a","engine":"oracle"}`, `{"name":5}`, `{"engine":null}`, `{"name":"a","x":1}`,
		`null`, `[]`, `""`, `{`, `{"name":"a"}{}`, `{"name":"\u0000"}`, `{"name":"é"}`,
	} {
		f.Add(s)
	}
	m := newMocks()
	m.databases.CreateDatabaseFn = func(_ context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
		if err := dbplane.ValidateLabel(in.Label); err != nil {
			return nil, err
		}
		if _, err := dbplane.ParseEngine("engine", in.Engine); err != nil {
			return nil, err
		}
		c := fixtureCredentials(password)
		c.Database.Label = in.Label
		return c, nil
	}
	h := newHandler(m)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "http://dbplane.test/api/v1/db/databases", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+userKey)
		w := record(h, r)
		if w.Code >= 500 {
			t.Fatalf("POST %q = %d, want no 5xx: %s", body, w.Code, w.Body)
		}
		var env struct {
			OK    bool            `json:"ok"`
			Data  json.RawMessage `json:"data"`
			Error string          `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("POST %q body is not JSON: %v: %s", body, err, w.Body)
		}
		if env.OK != (w.Code == http.StatusCreated) || (!env.OK && env.Error == "") {
			t.Fatalf("POST %q = %d %s, want the document's envelope", body, w.Code, w.Body)
		}
		if w.Code != http.StatusCreated && strings.Contains(w.Body.String(), password) {
			t.Fatalf("POST %q error body holds the password: %s", body, w.Body)
		}
	})
}
