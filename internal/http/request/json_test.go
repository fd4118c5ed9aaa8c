package request_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/google/go-cmp/cmp"
)

type createBody struct {
	Name   string                   `json:"name"`
	Port   int                      `json:"port"`
	Max    request.Optional[int]    `json:"maxDatabases"`
	Tags   []string                 `json:"tags"`
	Nested struct{ On bool }        `json:"nested"`
	Label  request.Optional[string] `json:"label"`
}

func decode(t *testing.T, body string, v any) error {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	return request.DecodeJSON(httptest.NewRecorder(), r, v)
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		body      string
		wantMsg   string // "" = success
		wantField string
	}{
		{name: "OK", body: `{"name":"a","port":5}`},
		{name: "TrailingSpace", body: "{\"name\":\"a\"}\n\t "},
		{name: "Empty", body: ``, wantMsg: "Request body is empty"},
		{name: "OnlySpace", body: "  \n", wantMsg: "Request body is empty"},
		{name: "Syntax", body: `{"name":`, wantMsg: "Request body is not valid JSON"},
		{name: "Garbage", body: `hello`, wantMsg: "Request body is not valid JSON"},
		{name: "TwoValues", body: `{"name":"a"}{"name":"b"}`, wantMsg: "Request body must be a single JSON value"},
		{name: "TrailingGarbage", body: `{"name":"a"} x`, wantMsg: "Request body must be a single JSON value"},
		{name: "UnknownField", body: `{"name":"a","x":1}`, wantMsg: `Unknown field "x"`, wantField: "x"},
		{name: "UnknownFieldLong", body: `{"` + strings.Repeat("é", 100) + `":1}`,
			wantMsg: `Unknown field "` + strings.Repeat("é", 32) + `..."`, wantField: strings.Repeat("é", 32) + "..."},
		{name: "WrongType", body: `{"name":5}`, wantMsg: `Field "name" must be a string`, wantField: "name"},
		{name: "WrongTypeNumber", body: `{"port":"5"}`, wantMsg: `Field "port" must be a number`, wantField: "port"},
		{name: "OutOfRange", body: `{"port":1e40}`, wantMsg: `Field "port" must be a whole number in range`, wantField: "port"},
		{name: "Fraction", body: `{"port":1.5}`, wantMsg: `Field "port" must be a whole number in range`, wantField: "port"},
		{name: "WrongTypeArray", body: `{"tags":"x"}`, wantMsg: `Field "tags" must be an array`, wantField: "tags"},
		{name: "WrongTypeNested", body: `{"nested":{"On":"x"}}`, wantMsg: `Field "nested.On" must be true or false`, wantField: "nested.On"},
		{name: "WrongTypeOptional", body: `{"maxDatabases":"x"}`, wantMsg: `Field "maxDatabases" must be a number`, wantField: "maxDatabases"},
		{name: "NotObject", body: `[1,2]`, wantMsg: "Request body must be a JSON object"},
		{name: "String", body: `"x"`, wantMsg: "Request body must be a JSON object"},
		{name: "TooLarge", body: `{"name":"` + strings.Repeat("a", request.MaxBodyBytes) + `"}`, wantMsg: "Request body too large"},
		{name: "TooLargeTrailer", body: `{"name":"a"}` + strings.Repeat(" ", request.MaxBodyBytes), wantMsg: "Request body too large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var v createBody
			err := decode(t, tc.body, &v)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("DecodeJSON(%.40q) = %v, want nil", tc.body, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("DecodeJSON(%.40q) = nil, want %q", tc.body, tc.wantMsg)
			}
			if got := dbplane.ErrorCode(err); got != dbplane.CodeInvalid {
				t.Errorf("DecodeJSON(%.40q) code = %s, want invalid", tc.body, got)
			}
			if got := dbplane.ErrorMessage(err); got != tc.wantMsg {
				t.Errorf("DecodeJSON(%.40q) message = %q, want %q", tc.body, got, tc.wantMsg)
			}
			if got := dbplane.ErrorField(err); got != tc.wantField {
				t.Errorf("DecodeJSON(%.40q) field = %q, want %q", tc.body, got, tc.wantField)
			}
			if !errors.Is(err, request.ErrBody) {
				t.Errorf("DecodeJSON(%.40q) = %v, want it to wrap ErrBody", tc.body, err)
			}
		})
	}
}

func TestDecodeJSON_NoBody(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	var v createBody
	err := request.DecodeJSON(httptest.NewRecorder(), r, &v)
	if got := dbplane.ErrorMessage(err); got != "Request body is empty" {
		t.Errorf("DecodeJSON(no body) message = %q, want %q", got, "Request body is empty")
	}
}

func TestOptional(t *testing.T) {
	t.Parallel()
	type body struct {
		Max   request.Optional[int]    `json:"maxDatabases"`
		Label request.Optional[string] `json:"label"`
	}
	tests := []struct {
		name string
		body string
		want body
	}{
		{name: "Omitted", body: `{}`, want: body{}},
		{name: "Null", body: `{"maxDatabases":null}`, want: body{Max: request.Optional[int]{Set: true, Null: true}}},
		{name: "Value", body: `{"maxDatabases":7,"label":"x"}`, want: body{
			Max:   request.Optional[int]{Set: true, Value: 7},
			Label: request.Optional[string]{Set: true, Value: "x"},
		}},
		{name: "Zero", body: `{"maxDatabases":0}`, want: body{Max: request.Optional[int]{Set: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got body
			if err := decode(t, tc.body, &got); err != nil {
				t.Fatalf("DecodeJSON(%s) = %v", tc.body, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DecodeJSON(%s) (-want +got):\n%s", tc.body, diff)
			}
		})
	}
	if p := (request.Optional[int]{Set: true, Null: true}).Ptr(); p != nil {
		t.Errorf("Optional{Null}.Ptr() = %v, want nil", *p)
	}
	if p := (request.Optional[int]{Set: true, Value: 3}).Ptr(); p == nil || *p != 3 {
		t.Errorf("Optional{3}.Ptr() = %v, want 3", p)
	}
}
