package dbplane_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
)

// badText are names no field of free text takes (SPEC §6): control
// characters (NUL, newlines, escape, C1), bidi controls that make a name
// read differently from what it is, and invalid UTF-8.
var badText = map[string]string{
	"NUL":       "ops\x00team",
	"Newline":   "ops\nteam",
	"CR":        "ops\rteam",
	"Tab":       "ops\tteam",
	"Escape":    "ops\x1b[31mteam",
	"DEL":       "ops\x7fteam",
	"C1":        "ops\u0085team",
	"RLO":       "ops\u202eteam",
	"LRI":       "ops\u2066team",
	"PDI":       "ops\u2069team",
	"RLM":       "ops\u200fteam",
	"ALM":       "ops\u061cteam",
	"BadUTF8":   "ops\xffteam",
	"Truncated": "ops\xe2\x82",
	"Surrogate": "ops\xed\xa0\x80team",
	"LineSep":   "ops\u2028team",
	"ParaSep":   "ops\u2029team",
}

func TestValidateText_EveryField(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	fields := map[string]func(s string) error{
		"AccountInput.Name": func(s string) error {
			in := dbplane.AccountInput{Email: "a@example.com", Name: s}
			return in.Validate()
		},
		"AccountUpdate.Name": func(s string) error {
			u := dbplane.AccountUpdate{Name: &s}
			return u.Validate()
		},
		"KeyInput.Name": func(s string) error {
			in := dbplane.KeyInput{Kind: dbplane.KeyUser, Name: s}
			return in.Validate()
		},
		"ServerInput.Name": func(s string) error {
			in := dbplane.ServerInput{Name: s, OwnerID: "o", NodeID: "n"}
			return in.Validate()
		},
		"HostInput.Name": func(s string) error {
			in := dbplane.HostInput{Name: &s, Hostname: str("db"), Username: str("root"), Password: ptrSecret("pw")}
			return in.Apply(&dbplane.Host{}, true)
		},
		"HostInput.Username": func(s string) error {
			in := dbplane.HostInput{Name: str("h"), Hostname: str("db"), Username: &s, Password: ptrSecret("pw")}
			return in.Apply(&dbplane.Host{}, true)
		},
		"HostInput.Database": func(s string) error {
			in := dbplane.HostInput{Name: str("h"), Hostname: str("db"), Username: str("root"), Password: ptrSecret("pw"), Database: &s}
			return in.Apply(&dbplane.Host{}, true)
		},
		"ValidateName": func(s string) error {
			_, err := dbplane.ValidateName("name", s, 191)
			return err
		},
	}
	for field, validate := range fields {
		if err := validate("ops team é 名前"); err != nil {
			t.Errorf("%s(%q) = %v, want nil", field, "ops team é 名前", err)
		}
		for name, s := range badText {
			if err := validate(s); dbplane.ErrorCode(err) != dbplane.CodeInvalid {
				t.Errorf("%s: %s %q = %v, want CodeInvalid", field, name, s, err)
			}
		}
	}
}

func ptrSecret(s string) *dbplane.Secret { p := dbplane.Secret(s); return &p }

// FuzzValidateName: whatever comes in, ValidateName never panics, and what
// it accepts is trimmed, valid UTF-8 within the length, without a control,
// bidi or line-separator character.
func FuzzValidateName(f *testing.F) {
	for _, s := range badText {
		f.Add(s)
	}
	f.Add("  ops team  ")
	f.Add("名前")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dbplane.ValidateName("name", s, 64)
		if err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "name" {
				t.Fatalf("ValidateName(%q) = %v, want a CodeInvalid error on name", s, err)
			}
			return
		}
		if got != strings.TrimSpace(got) || got == "" || len(got) > 64 || !utf8.ValidString(got) {
			t.Fatalf("ValidateName(%q) = %q: not trimmed, empty, too long or invalid UTF-8", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
				t.Fatalf("ValidateName(%q) = %q, accepted %U", s, got, r)
			}
		}
	})
}

// FuzzValidateExternalID: ValidateExternalID never panics; what it
// accepts is what ValidateName accepts within 191 bytes, trimmed, and
// every refusal is CodeInvalid on externalId.
func FuzzValidateExternalID(f *testing.F) {
	for _, s := range badText {
		f.Add(s)
	}
	f.Add(" whmcs-7 ")
	f.Add(strings.Repeat("x", 191))
	f.Add(strings.Repeat("é", 96))
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dbplane.ValidateExternalID(&s)
		want, wantErr := dbplane.ValidateName("externalId", s, dbplane.MaxExternalIDLength)
		if err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "externalId" || wantErr == nil {
				t.Fatalf("ValidateExternalID(%q) = %v, want a CodeInvalid error on externalId only where ValidateName refuses", s, err)
			}
			return
		}
		if got == nil || wantErr != nil || *got != want || len(*got) > 191 {
			t.Fatalf("ValidateExternalID(%q) = %v, want %q", s, got, want)
		}
	})
}

func TestValidateExternalID_NilIsNone(t *testing.T) {
	if got, err := dbplane.ValidateExternalID(nil); got != nil || err != nil {
		t.Fatalf("ValidateExternalID(nil) = %v, %v; want nil, nil", got, err)
	}
	long := strings.Repeat("x", 192)
	if _, err := dbplane.ValidateExternalID(&long); dbplane.ErrorField(err) != "externalId" {
		t.Fatalf("ValidateExternalID(192 bytes) = %v, want refused on externalId", err)
	}
}
