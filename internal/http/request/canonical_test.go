package request_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dbplane/dbplane/internal/http/request"
)

func TestFingerprint(t *testing.T) {
	const js, form = "application/json", "application/x-www-form-urlencoded"
	same := []struct{ ta, a, tb, b string }{
		{js, `{"label":"app","engine":"mariadb"}`, js, `{ "engine" : "mariadb",
			"label": "app" }`},
		{js, `{"a":{"y":1,"x":[1,2]}}`, js, `{"a":{"x":[1,2],"y":1}}`},
		{js, `{"s":"\u00e9"}`, js, `{"s":"é"}`},
		{"", `{"a":1}`, "application/json; charset=utf-8", `{"a":1}`},
		{form, "database=app&remote=%25", form, "remote=%25&database=app"},
		{form, "a=1&a=2", form, "a=1&a=2"},
	}
	for _, tc := range same {
		if request.Fingerprint(tc.ta, []byte(tc.a)) != request.Fingerprint(tc.tb, []byte(tc.b)) {
			t.Errorf("Fingerprint(%s) != Fingerprint(%s), want the same request", tc.a, tc.b)
		}
	}
	differ := []struct{ ta, a, tb, b string }{
		{js, `{"label":"app"}`, js, `{"label":"app2"}`},
		{js, `{"a":1}`, js, `{"a":1.0}`},
		{js, `{"a":[1,2]}`, js, `{"a":[2,1]}`},
		{js, `{"a":1,"a":2}`, js, `{"a":2,"a":1}`},
		{js, `{"a":1,"a":2}`, js, `{"a":2}`},
		{js, `{"a":"1"}`, js, `{"a":1}`},
		{js, `{"a":1}`, js, `{"a":1} x`},
		{js, "", js, "null"},
		{form, "a=1&a=2", form, "a=2&a=1"},
		{js, "\xff", js, "\xfe"},
		{js, `{"a":1}`, form, `{"a":1}`},
	}
	for _, tc := range differ {
		if request.Fingerprint(tc.ta, []byte(tc.a)) == request.Fingerprint(tc.tb, []byte(tc.b)) {
			t.Errorf("Fingerprint(%q %s) == Fingerprint(%q %s), want different requests", tc.ta, tc.a, tc.tb, tc.b)
		}
	}
}

// FuzzCanonicalBody: never panics; canonical JSON is valid JSON whose
// canonical form is itself (so a retry that sends the canonical form of
// the first body is the same request); and re-indenting a JSON body does
// not change its canonical form.
func FuzzCanonicalBody(f *testing.F) {
	for _, s := range []string{`{"label":"app","engine":"mariadb"}`, `[1,{"b":2,"a":[true,null]}]`, `"x"`, `{"a":1,"a":2}`, "a=1&b=2", "\xff", `{"a":`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := request.CanonicalBody("application/json", []byte(body))
		if len(c) == 0 || (c[0] != 'j' && c[0] != 'r') {
			t.Fatalf("CanonicalBody(%q) = %q: no tag", body, c)
		}
		if c[0] == 'r' {
			if !bytes.Equal(c[1:], []byte(body)) {
				t.Fatalf("CanonicalBody(%q) raw = %q, want the body", body, c)
			}
			return
		}
		if !json.Valid(c[1:]) {
			t.Fatalf("CanonicalBody(%q) = %q, not JSON", body, c)
		}
		if again := request.CanonicalBody("application/json", c[1:]); !bytes.Equal(again, c) {
			t.Fatalf("CanonicalBody(%q) = %q, but of that it is %q", body, c, again)
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, []byte(body), "", "  "); err == nil {
			if got := request.CanonicalBody("application/json", ind.Bytes()); !bytes.Equal(got, c) {
				t.Fatalf("CanonicalBody of %q re-indented = %q, want %q", body, got, c)
			}
		}
		form := request.CanonicalBody("application/x-www-form-urlencoded", []byte(body))
		if len(form) == 0 || (form[0] != 'f' && form[0] != 'r') {
			t.Fatalf("form CanonicalBody(%q) = %q: no tag", body, form)
		}
	})
}
