package dbplane_test

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/testcert"
)

func TestParseTLSCA(t *testing.T) {
	t.Parallel()
	a, b := testcert.New(t, "ca-a"), testcert.New(t, "ca-b")
	bundle := "# Issuer: ca-a\n" + string(a.CertPEM) + "\n\n# Issuer: ca-b\r\n" + string(b.CertPEM) + "\n"
	got, err := dbplane.ParseTLSCA(bundle)
	if err != nil {
		t.Fatalf("ParseTLSCA(two certificates with comments): %v", err)
	}
	if want := string(a.CertPEM) + string(b.CertPEM); got != want {
		t.Fatalf("ParseTLSCA kept\n%s\nwant the two certificates alone\n%s", got, want)
	}
	if got, err := dbplane.ParseTLSCA(" \n\t"); err != nil || got != "" {
		t.Fatalf("ParseTLSCA(blank) = %q, %v; want \"\", nil", got, err)
	}

	notX509 := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}))
	withHeaders := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: a.Cert.Raw}))
	for name, in := range map[string]string{
		"Garbage":        "hello",
		"DERNotPEM":      string(a.Cert.Raw),
		"PrivateKey":     string(a.KeyPEM),
		"CertThenKey":    string(a.CertPEM) + string(a.KeyPEM),
		"TrailingText":   string(a.CertPEM) + "trailing words",
		"NotX509":        notX509,
		"Headers":        withHeaders,
		"Truncated":      string(a.CertPEM[:len(a.CertPEM)/2]),
		"TooLarge":       strings.Repeat(string(a.CertPEM), dbplane.MaxTLSCABytes/len(a.CertPEM)+1),
		"PEMOfBadBase64": "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
	} {
		if _, err := dbplane.ParseTLSCA(in); dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "tlsCA" {
			t.Errorf("%s: ParseTLSCA = %v, want a CodeInvalid error on tlsCA", name, err)
		}
	}
	// The message names the kind of block, never its contents.
	_, err = dbplane.ParseTLSCA(string(a.KeyPEM))
	if !strings.Contains(err.Error(), `"PRIVATE KEY"`) || strings.Contains(err.Error(), string(a.KeyPEM[30:60])) {
		t.Errorf("private key refused with %q", err)
	}
}

func FuzzParseTLSCA(f *testing.F) {
	c := testcert.New(f, "fuzz")
	f.Add(string(c.CertPEM))
	f.Add("# comment\n" + string(c.CertPEM) + string(c.CertPEM))
	f.Add(string(c.KeyPEM))
	f.Add("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := dbplane.ParseTLSCA(s)
		if err != nil {
			if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != "tlsCA" {
				t.Fatalf("ParseTLSCA(%q) = %v, want a CodeInvalid error on tlsCA", s, err)
			}
			return
		}
		// What it keeps is certificates only, and parsing it again keeps it as is.
		rest := []byte(got)
		for len(rest) > 0 {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil || b.Type != "CERTIFICATE" {
				t.Fatalf("ParseTLSCA(%q) kept %q: not only certificates", s, got)
			}
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				t.Fatalf("ParseTLSCA(%q) kept a block that is no certificate: %v", s, err)
			}
		}
		if again, err := dbplane.ParseTLSCA(got); err != nil || again != got {
			t.Fatalf("ParseTLSCA is not stable on its own output %q: %q, %v", got, again, err)
		}
	})
}

func TestHostInput_TLS(t *testing.T) {
	t.Parallel()
	ca := string(testcert.New(t, "ca").CertPEM)
	str := func(s string) *string { return &s }
	create := func(in dbplane.HostInput) (*dbplane.Host, error) {
		pw := dbplane.Secret("pw")
		in.Name, in.Hostname, in.Username, in.Password = str("h"), str("db.example.com"), str("dbplane"), &pw
		h := &dbplane.Host{}
		return h, in.Apply(h, true)
	}
	for _, tc := range []struct {
		name                  string
		in                    dbplane.HostInput
		mode                  dbplane.TLSMode
		ca, serverName, field string
	}{
		{name: "Default", mode: dbplane.TLSPrefer},
		{name: "CAMeansVerifyFull", in: dbplane.HostInput{TLSCA: &ca}, mode: dbplane.TLSVerifyFull, ca: ca},
		{name: "ServerNameMeansVerifyFull", in: dbplane.HostInput{TLSServerName: str(" db.internal ")}, mode: dbplane.TLSVerifyFull, serverName: "db.internal"},
		{name: "ExplicitVerifyFull", in: dbplane.HostInput{TLS: str("verify-full"), TLSCA: &ca}, mode: dbplane.TLSVerifyFull, ca: ca},
		{name: "BlankCA", in: dbplane.HostInput{TLSCA: str("")}, mode: dbplane.TLSPrefer},
		{name: "RequireWithCA", in: dbplane.HostInput{TLS: str("require"), TLSCA: &ca}, field: "tls"},
		{name: "DisableWithServerName", in: dbplane.HostInput{TLS: str("disable"), TLSServerName: str("db")}, field: "tls"},
		{name: "UnknownMode", in: dbplane.HostInput{TLS: str("verify")}, field: "tls"},
		{name: "GarbageCA", in: dbplane.HostInput{TLSCA: str("garbage")}, field: "tlsCA"},
		{name: "BadServerName", in: dbplane.HostInput{TLSServerName: str("db example")}, field: "tlsServerName"},
		{name: "ServerNameNewline", in: dbplane.HostInput{TLSServerName: str("db\nexample")}, field: "tlsServerName"},
		{name: "LongServerName", in: dbplane.HostInput{TLSServerName: str(strings.Repeat("a", 254))}, field: "tlsServerName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := create(tc.in)
			if tc.field != "" {
				if dbplane.ErrorCode(err) != dbplane.CodeInvalid || dbplane.ErrorField(err) != tc.field {
					t.Fatalf("Apply = %v, want CodeInvalid on %s", err, tc.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.TLS != tc.mode || h.TLSCA != tc.ca || h.TLSServerName != tc.serverName {
				t.Fatalf("host TLS = %q, CA %d bytes, server name %q; want %q, %d bytes, %q", h.TLS, len(h.TLSCA), h.TLSServerName, tc.mode, len(tc.ca), tc.serverName)
			}
		})
	}

	t.Run("Update", func(t *testing.T) {
		h := &dbplane.Host{Engine: dbplane.EngineMariaDB, TLS: dbplane.TLSRequire}
		if err := (&dbplane.HostInput{TLSCA: &ca}).Apply(h, false); err != nil || h.TLS != dbplane.TLSVerifyFull || h.TLSCA != ca {
			t.Fatalf("a CA given on update: mode %q, err %v; want verify-full", h.TLS, err)
		}
		if err := (&dbplane.HostInput{TLS: str("require")}).Apply(h, false); dbplane.ErrorField(err) != "tls" {
			t.Fatalf("require while a CA is stored = %v, want CodeInvalid on tls", err)
		}
		if err := (&dbplane.HostInput{TLS: str("require"), TLSCA: str("")}).Apply(h, false); err != nil || h.TLS != dbplane.TLSRequire || h.TLSCA != "" {
			t.Fatalf("require clearing the CA: mode %q, CA %q, err %v", h.TLS, h.TLSCA, err)
		}
		if err := (&dbplane.HostInput{Name: str("renamed")}).Apply(h, false); err != nil || h.TLS != dbplane.TLSRequire {
			t.Fatalf("an update without TLS fields changed the mode to %q (err %v)", h.TLS, err)
		}
	})
}

func TestHost_PublicTLS(t *testing.T) {
	t.Parallel()
	for mode, want := range map[dbplane.TLSMode]dbplane.TLSMode{
		"": dbplane.TLSPrefer, dbplane.TLSDisable: dbplane.TLSPrefer, dbplane.TLSPrefer: dbplane.TLSPrefer,
		dbplane.TLSRequire: dbplane.TLSRequire, dbplane.TLSVerifyFull: dbplane.TLSVerifyFull,
	} {
		if got := (&dbplane.Host{TLS: mode}).PublicTLS(); got != want {
			t.Errorf("PublicTLS of a %q host = %q, want %q", mode, got, want)
		}
	}
}
