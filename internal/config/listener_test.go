package config_test

import (
	"flag"
	"net/netip"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/config"
)

func TestParseTrustedProxy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string // "" = refused
		wantErr string
	}{
		{in: "10.0.0.0/8", want: "10.0.0.0/8"},
		{in: " 192.168.1.10 ", want: "192.168.1.10/32"},
		{in: "127.0.0.1/32", want: "127.0.0.1/32"},
		{in: "::1", want: "::1/128"},
		{in: "fd00::/8", want: "fd00::/8"},
		{in: "::ffff:10.0.0.1", want: "10.0.0.1/32"},
		{in: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "10.0.0.1/8", wantErr: "write 10.0.0.0/8 for the network or 10.0.0.1 for one address"},
		{in: "::ffff:0:0/80", wantErr: "write ::/80 for the network"},
		{in: "::ffff:0:0/96", want: "0.0.0.0/0"},
		{in: "10.0.0.0/33", wantErr: "want a CIDR"},
		{in: "proxy.example.com", wantErr: "want a CIDR"},
		{in: "fe80::1%eth0", wantErr: "want a CIDR"},
		{in: "", wantErr: "want a CIDR"},
		{in: "10.0.0.0/8/8", wantErr: "want a CIDR"},
	}
	for _, tc := range tests {
		p, err := config.ParseTrustedProxy(tc.in)
		if tc.want != "" {
			if err != nil || p.String() != tc.want {
				t.Errorf("ParseTrustedProxy(%q) = %v, %v, want %s", tc.in, p, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseTrustedProxy(%q) = %v, %v, want an error containing %q", tc.in, p, err, tc.wantErr)
		}
	}
}

// FuzzParseTrustedProxy checks that an accepted entry is a canonical,
// unmapped prefix that parses back to itself, so the server's Contains on
// unmapped client addresses means what the operator wrote.
func FuzzParseTrustedProxy(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "192.168.1.10", "::1", "fd00::/8", "::ffff:10.0.0.0/104", "10.0.0.1/8", "fe80::1%eth0", "1.2.3.4/-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := config.ParseTrustedProxy(s)
		if err != nil {
			if p.IsValid() {
				t.Fatalf("ParseTrustedProxy(%q) returned %v with error %v", s, p, err)
			}
			return
		}
		if !p.IsValid() || p.Masked() != p || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			t.Fatalf("ParseTrustedProxy(%q) = %v: not a canonical unmapped prefix", s, p)
		}
		again, err := config.ParseTrustedProxy(p.String())
		if err != nil || again != p {
			t.Fatalf("ParseTrustedProxy(%q) = %v, which reads back as %v, %v", s, p, again, err)
		}
		c := config.Default()
		c.TrustedProxies = []string{s}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseTrustedProxy(%q) accepts it but Validate says %v", s, err)
		}
	})
}

func TestConfig_ValidateListener(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *config.Config)
		want   string // "" = valid
	}{
		{"TLSBoth", func(c *config.Config) { c.TLSCert, c.TLSKey = "/c.pem", "/k.pem" }, ""},
		{"TLSCertOnly", func(c *config.Config) { c.TLSCert = "/c.pem" }, "--tls-cert (DBPLANE_TLS_CERT): needs --tls-key (DBPLANE_TLS_KEY) too"},
		{"TLSKeyOnly", func(c *config.Config) { c.TLSKey = "/k.pem" }, "--tls-key (DBPLANE_TLS_KEY): needs --tls-cert (DBPLANE_TLS_CERT) too"},
		{"Proxies", func(c *config.Config) { c.TrustedProxies = []string{"10.0.0.0/8", "::1"} }, ""},
		{"ProxyBad", func(c *config.Config) { c.TrustedProxies = []string{"10.0.0.0/8", "nginx"} }, `--trusted-proxy (DBPLANE_TRUSTED_PROXIES): want a CIDR (10.0.0.0/8) or an IP address, got "nginx"`},
		{"PublicURL", func(c *config.Config) { c.PublicURL = "https://db.example.com" }, ""},
		{"PublicURLSlash", func(c *config.Config) { c.PublicURL = "https://db.example.com:8443/" }, ""},
		{"PublicURLHTTP", func(c *config.Config) { c.PublicURL = "http://10.0.0.5:8080" }, ""},
		{"PublicURLScheme", func(c *config.Config) { c.PublicURL = "ftp://db.example.com" }, "--public-url (DBPLANE_PUBLIC_URL): want an http:// or https:// URL"},
		{"PublicURLNoScheme", func(c *config.Config) { c.PublicURL = "db.example.com" }, "want an http:// or https:// URL"},
		{"PublicURLPath", func(c *config.Config) { c.PublicURL = "https://example.com/dbplane" }, `must not have a path (dbplane serves at the root), got "/dbplane"`},
		{"PublicURLQuery", func(c *config.Config) { c.PublicURL = "https://db.example.com/?a=b" }, "must not have a query or fragment"},
		{"PublicURLEmptyQuery", func(c *config.Config) { c.PublicURL = "https://db.example.com?" }, "must not have a query or fragment"},
		{"PublicURLFragment", func(c *config.Config) { c.PublicURL = "https://db.example.com#x" }, "must not have a query or fragment"},
		{"PublicURLUser", func(c *config.Config) { c.PublicURL = "https://u:p@db.example.com" }, "must not hold a user or password"},
		{"PublicURLNoHost", func(c *config.Config) { c.PublicURL = "https://:8443" }, "has no host name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want it to contain %q", err, tc.want)
			}
			if err != nil && strings.Contains(tc.name, "User") && strings.Contains(err.Error(), "u:p") {
				t.Errorf("Validate() = %v: it echoes the user info", err)
			}
		})
	}
}

func TestLoad_ListenerSettings(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DBPLANE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.1", "DBPLANE_PUBLIC_URL": "https://db.example.com/"}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c, _, err := config.Load(fs, []string{"--tls-cert", "/etc/dbplane/cert.pem", "--tls-key", "/etc/dbplane/key.pem"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	got, err := c.TrustedProxyPrefixes()
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.0.1/32")}
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("TrustedProxyPrefixes() = %v, %v, want %v", got, err, want)
	}
	if !c.TLS() || c.BaseURL() != "https://db.example.com" {
		t.Errorf("TLS() = %v, BaseURL() = %q, want true, https://db.example.com", c.TLS(), c.BaseURL())
	}

	// Flags repeat; a flag list replaces the environment's.
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	c, _, err = config.Load(fs, []string{"--trusted-proxy", "127.0.0.1", "--trusted-proxy", "::1", "--listen", "0.0.0.0:8443", "--tls-cert", "c", "--tls-key", "k"}, func(k string) string { return env[k] })
	if err != nil || strings.Join(c.TrustedProxies, ",") != "127.0.0.1,::1" {
		t.Errorf("Load with --trusted-proxy twice = %v, %v, want [127.0.0.1 ::1]", c.TrustedProxies, err)
	}
	c.PublicURL = ""
	if got := c.BaseURL(); got != "https://localhost:8443" {
		t.Errorf("BaseURL() without --public-url on 0.0.0.0, TLS on = %q, want https://localhost:8443", got)
	}
	c.TLSCert, c.TLSKey = "", ""
	for listen, want := range map[string]string{
		"0.0.0.0:8080": "http://localhost:8080", "[::]:8080": "http://localhost:8080", ":8080": "http://localhost:8080",
		"10.0.0.5:8080": "http://10.0.0.5:8080", "[fd00::5]:8080": "http://[fd00::5]:8080", "db.internal:80": "http://db.internal:80",
	} {
		c.Listen = listen
		if got := c.BaseURL(); got != want {
			t.Errorf("BaseURL() without --public-url or TLS on %s = %q, want %q", listen, got, want)
		}
	}

	// A bad flag value is refused while parsing, naming the flag.
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	if _, _, err := config.Load(fs, []string{"--trusted-proxy", "10.0.0.1/8"}, nil); err == nil || !strings.Contains(err.Error(), "10.0.0.0/8") {
		t.Errorf("Load(--trusted-proxy 10.0.0.1/8) = %v, want the error to suggest 10.0.0.0/8", err)
	}
}
