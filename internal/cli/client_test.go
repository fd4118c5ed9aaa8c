package cli_test

import (
	"flag"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dbplane/dbplane/internal/cli"
)

func TestStatusExit(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]int{
		400: 2, 422: 2, 401: 4, 403: 4, 404: 3, 402: 5, 409: 5, 429: 6, 502: 6, 503: 6, 504: 6, 500: 1, 405: 1, 418: 1,
	} {
		if got := cli.StatusExit(status); got != want {
			t.Errorf("StatusExit(%d) = %d, want %d", status, got, want)
		}
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body                string
		code, message, field, txt string
		grants                    []string
	}{
		{"Admin", `{"error":{"code":"invalid","message":"The port must be between 1 and 65535.","field":"port"}}`,
			"invalid", "The port must be between 1 and 65535.", "port", "The port must be between 1 and 65535. [422 invalid]", nil},
		{"AdminFieldNotInMessage", `{"error":{"code":"invalid","message":"Too long.","field":"name"}}`,
			"invalid", "Too long.", "name", "Too long. (name) [422 invalid]", nil},
		{"AdminGrants", `{"error":{"code":"invalid","message":"lacks","grants":["GRANT x;"]}}`,
			"invalid", "lacks", "", "lacks [422 invalid]", []string{"GRANT x;"}},
		{"Management", `{"ok":false,"error":"Database not found","code":"NOT_FOUND"}`,
			"NOT_FOUND", "Database not found", "", "Database not found [422 NOT_FOUND]", nil},
		{"ManagementNoCode", `{"ok":false,"error":"Invalid name"}`, "", "Invalid name", "", "Invalid name [422]", nil},
		{"NotJSON", `<html>bad gateway</html>`, "", "", "", "Unprocessable Entity [422]", nil},
		{"Empty", ``, "", "", "", "Unprocessable Entity [422]", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, msg, field, grants, txt := cli.DecodeError(422, []byte(tc.body))
			if code != tc.code || msg != tc.message || field != tc.field || txt != tc.txt || !slices.Equal(grants, tc.grants) {
				t.Errorf("DecodeError(%s) = %q %q %q %q %q, want %q %q %q %q %q", tc.body, code, msg, field, grants, txt,
					tc.code, tc.message, tc.field, tc.grants, tc.txt)
			}
		})
	}
}

// FuzzDecodeError: any body decodes without panicking, and the text names
// the status.
func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{`{"error":{"code":"x","message":"y","field":"z","grants":["g"]}}`, `{"ok":false,"error":"e","code":"C"}`, `{"error":5}`, `null`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		_, _, _, _, txt := cli.DecodeError(503, []byte(body))
		if !strings.Contains(txt, "[503") {
			t.Errorf("DecodeError(%q) text %q lacks the status", body, txt)
		}
	})
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"0": 0, "1048576": 1 << 20, "10GiB": 10 << 30, "10 gib": 10 << 30, "500MB": 500e6, "1k": 1024, "2 KB": 2000,
		"7B": 7, "1PiB": 1 << 50, "8191PiB": 8191 << 50,
	} {
		if got, err := cli.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.5GiB", "GiB", "10 XB", "8192PiB", "99999999999999999999", "1e9", "0x10", "+5"} {
		if got, err := cli.ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

// FuzzParseSize: never panics, never negative; a plain number reads as
// itself.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"10GiB", "500 MB", "1", "9223372036854775807", "8191PiB", "-1", "1.5k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := cli.ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 || n > math.MaxInt64 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
		if v, perr := strconv.ParseInt(s, 10, 64); perr == nil && v >= 0 && utf8.ValidString(s) && !strings.HasPrefix(s, "+") && v != n {
			t.Errorf("ParseSize(%q) = %d, want %d", s, n, v)
		}
	})
}

func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		pos     []string
		verbose bool
	}{
		{[]string{"a", "-v", "b"}, []string{"a", "b"}, true},
		{[]string{"-v", "a"}, []string{"a"}, true},
		{[]string{"a"}, []string{"a"}, false},
		{[]string{"a", "--", "-v"}, []string{"a", "-v"}, false},
		{[]string{"--", "-v", "b"}, []string{"-v", "b"}, false},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		v := fs.Bool("v", false, "")
		pos, err := cli.ParseInterspersed(fs, tc.args)
		if err != nil || !slices.Equal(pos, tc.pos) || *v != tc.verbose {
			t.Errorf("ParseInterspersed(%q) = %q, -v %v, %v; want %q, -v %v", tc.args, pos, *v, err, tc.pos, tc.verbose)
		}
	}
}
