package request_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// FuzzDecodeJSON checks that no body makes DecodeJSON panic, and that every
// failure is a client error with a message.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"name":"a","port":1}`, `{"name":1}`, `{"x":1}`,
		`{"maxDatabases":null}`, `{"maxDatabases":"1"}`, `{"nested":{"On":true}}`,
		`{"name":"a"} {}`, `{"port":1e400}`, `"\ud800"`, `{"tags":["a",1]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		var v createBody
		err := request.DecodeJSON(httptest.NewRecorder(), r, &v)
		if err == nil {
			return
		}
		if dbplane.ErrorCode(err) != dbplane.CodeInvalid {
			t.Fatalf("DecodeJSON(%q) code = %s, want invalid", body, dbplane.ErrorCode(err))
		}
		if !errors.Is(err, request.ErrBody) {
			t.Fatalf("DecodeJSON(%q) = %v, want ErrBody in the chain", body, err)
		}
		if msg := dbplane.ErrorMessage(err); msg == "" || msg == "Internal error" {
			t.Fatalf("DecodeJSON(%q) message = %q, want a client message", body, msg)
		}
	})
}
