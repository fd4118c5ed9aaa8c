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

func TestDecodeObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       error // nil, ErrNullBody, or ErrBody
	}{
		{"Object", `{"name":"a"}`, nil},
		{"EmptyObject", `{}`, nil},
		{"Null", `null`, request.ErrNullBody},
		{"NullSpaced", " \t\r\nnull \n", request.ErrNullBody},
		{"NullField", `{"name":null}`, nil},
		{"Array", `[]`, request.ErrBody},
		{"NullTwice", `null null`, request.ErrBody},
		{"Empty", ``, request.ErrBody},
		{"Nonsense", `nul`, request.ErrBody},
		// encoding/json would store U+FFFD in its place.
		{"InvalidUTF8", "{\"name\":\"ops\xffteam\"}", request.ErrBody},
		{"EscapedControl", `{"name":"ops\u0000team"}`, nil}, // the domain refuses it, with the field
		{"TooLarge", `{"name":"` + strings.Repeat("a", request.MaxBodyBytes) + `"}`, request.ErrBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var v createBody
			r := httptest.NewRequest(http.MethodPatch, "/", strings.NewReader(tc.body))
			err := request.DecodeObject(httptest.NewRecorder(), r, &v)
			if (err == nil) != (tc.want == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("DecodeObject(%q) = %v, want %v", tc.body, err, tc.want)
			}
			if errors.Is(err, request.ErrNullBody) && (errors.Is(err, request.ErrBody) || dbplane.ErrorCode(err) != dbplane.CodeInvalid) {
				t.Errorf("DecodeObject(%q) = %v: want CodeInvalid without ErrBody (a value, not a syntax, is wrong)", tc.body, err)
			}
		})
	}
}
