package dbplane_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

func TestParseAllowedIPs(t *testing.T) {
	tests := []struct {
		in   []string
		want []string // FormatAllowedIPs of the result; nil = an error
	}{
		{nil, []string{}},
		{[]string{"203.0.113.7"}, []string{"203.0.113.7"}},
		{[]string{" 10.0.0.0/8 ", "2001:db8::/32"}, []string{"10.0.0.0/8", "2001:db8::/32"}},
		{[]string{"203.0.113.7/32"}, []string{"203.0.113.7"}},
		{[]string{"::ffff:203.0.113.7"}, []string{"203.0.113.7"}},
		{[]string{"::ffff:10.0.0.0/104"}, []string{"10.0.0.0/8"}},
		{[]string{"0.0.0.0/0"}, []string{"0.0.0.0/0"}},
		{[]string{"10.0.0.5/8"}, nil},         // host bits set
		{[]string{"fe80::1%eth0"}, nil},       // zone
		{[]string{""}, nil},                   // empty entry
		{[]string{"example.com"}, nil},        // a name
		{[]string{"10.0.0.0/33"}, nil},        // no such length
		{[]string{"1.2.3.4", "1.2.3.4"}, nil}, // twice
		{[]string{"::ffff:10.0.0.0/64"}, nil}, // mapped, shorter than the mapping
		{[]string{"10.0.0.1\n10.0.0.2"}, nil}, // a line break
		{[]string{strings.Repeat("1", 65)}, nil},
	}
	for _, tc := range tests {
		got, err := dbplane.ParseAllowedIPs("allowedIps", tc.in)
		if tc.want == nil {
			if err == nil || dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "allowedIps" {
				t.Errorf("ParseAllowedIPs(%q) = %v, %v; want an invalid allowedIps error", tc.in, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAllowedIPs(%q): %v", tc.in, err)
			continue
		}
		if f := dbplane.FormatAllowedIPs(got); !slices.Equal(f, tc.want) {
			t.Errorf("ParseAllowedIPs(%q) = %q, want %q", tc.in, f, tc.want)
		}
	}
	many := make([]string, dbplane.MaxAllowedIPs+1)
	for i := range many {
		many[i] = netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)}).String()
	}
	if _, err := dbplane.ParseAllowedIPs("allowedIps", many); err == nil {
		t.Errorf("ParseAllowedIPs(%d entries) = nil error, want the limit", len(many))
	}
}

func TestAPIKey_AllowsIP(t *testing.T) {
	ips, err := dbplane.ParseAllowedIPs("allowedIps", []string{"203.0.113.0/24", "2001:db8::1"})
	if err != nil {
		t.Fatal(err)
	}
	limited := &dbplane.APIKey{AllowedIPs: ips}
	open := &dbplane.APIKey{}
	for _, tc := range []struct {
		addr          string
		limited, open bool
	}{
		{"203.0.113.9", true, true},
		{"::ffff:203.0.113.9", true, true},
		{"203.0.114.1", false, true},
		{"2001:db8::1", true, true},
		{"2001:db8::2", false, true},
		{"127.0.0.1", false, true},
		{"", false, true},
		{"not an address", false, true},
	} {
		if got := limited.AllowsIP(tc.addr); got != tc.limited {
			t.Errorf("limited key AllowsIP(%q) = %v, want %v", tc.addr, got, tc.limited)
		}
		if got := open.AllowsIP(tc.addr); got != tc.open {
			t.Errorf("unlimited key AllowsIP(%q) = %v, want %v", tc.addr, got, tc.open)
		}
	}
}

// FuzzParseAllowedIPs: whatever the input, parsing never panics, what it
// accepts writes back to text that parses to the same ranges, and a key
// limited to an accepted single address admits that address.
func FuzzParseAllowedIPs(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "203.0.113.7", "::ffff:1.2.3.4/120", "2001:db8::/32", "1.2.3.4/8", "fe80::1%lo", "", "0.0.0.0/0,::/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		entries := strings.Split(s, ",")
		ps, err := dbplane.ParseAllowedIPs("allowedIps", entries)
		if err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid {
				t.Fatalf("ParseAllowedIPs(%q): error of code %s, want invalid", s, dbplane.ErrorCode(err))
			}
			return
		}
		again, err := dbplane.ParseAllowedIPs("allowedIps", dbplane.FormatAllowedIPs(ps))
		if err != nil || !slices.Equal(again, ps) {
			t.Fatalf("ParseAllowedIPs(%q) = %v, and its text reads back as %v, %v", s, ps, again, err)
		}
		for _, p := range ps {
			if !p.IsValid() || p.Masked() != p || p.Addr().Is4In6() || p.Addr().Zone() != "" {
				t.Fatalf("ParseAllowedIPs(%q) holds %v, not canonical", s, p)
			}
			k := &dbplane.APIKey{AllowedIPs: []netip.Prefix{p}}
			if !k.AllowsIP(p.Addr().String()) {
				t.Fatalf("a key limited to %v refuses %v", p, p.Addr())
			}
		}
	})
}

func TestParseIdempotencyKey(t *testing.T) {
	for _, ok := range []string{"a", "3f2b0c1e-8a41-4e0b-9f3e-6f1f2b8d1a77", strings.Repeat("x", 255), "a:b/c=d"} {
		if got, err := dbplane.ParseIdempotencyKey(ok); err != nil || got != ok {
			t.Errorf("ParseIdempotencyKey(%q) = %q, %v; want it as it is", ok, got, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 256), "a b", "a\tb", "é", "a\x00", "a\x7f"} {
		if _, err := dbplane.ParseIdempotencyKey(bad); dbplane.ErrorCode(err) != dbplane.CodeInvalid {
			t.Errorf("ParseIdempotencyKey(%q) = %v, want an invalid error", bad, err)
		}
	}
}

func FuzzParseIdempotencyKey(f *testing.F) {
	f.Add("3f2b0c1e-8a41-4e0b-9f3e-6f1f2b8d1a77")
	f.Add("a b")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dbplane.ParseIdempotencyKey(s)
		if err != nil {
			return
		}
		if got != s || len(s) == 0 || len(s) > 255 {
			t.Fatalf("ParseIdempotencyKey(%q) = %q", s, got)
		}
		for _, c := range []byte(s) {
			if c <= ' ' || c >= 0x7f {
				t.Fatalf("ParseIdempotencyKey(%q) accepted byte %#x", s, c)
			}
		}
	})
}
