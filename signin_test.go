package dbplane

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidatePassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                               false,
		"exactly10!":                          true,
		"ten chars\x00":                       false,
		"new\nline in it":                     false,
		"\xff\xfe not utf-8 at all":           false,
		strings.Repeat("é", 10):               true,
		strings.Repeat("x", MaxPasswordLen+1): false,
	} {
		err := ValidatePassword(Secret(pw))
		if (err == nil) != ok {
			t.Errorf("ValidatePassword(%q) = %v, want ok=%v", pw, err, ok)
		}
		if err != nil && (ErrorField(err) != "password" || strings.Contains(err.Error(), pw)) {
			t.Errorf("ValidatePassword(%q) error %q: wrong field or echoes the password", pw, err)
		}
	}
}

func FuzzValidatePassword(f *testing.F) {
	f.Add("a long enough password")
	f.Add("\x00\x01")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidatePassword(Secret(s)) != nil {
			return
		}
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) < MinPasswordLen || len(s) > MaxPasswordLen {
			t.Errorf("ValidatePassword accepted %q", s)
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				t.Errorf("ValidatePassword accepted a control character in %q", s)
			}
		}
	})
}
