package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/testcert"

	"github.com/dbplane/dbplane/internal/http/server"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost.
type testCert = testcert.Cert

func newTestCert(tb testing.TB, name string) testCert { return testcert.New(tb, name) }

// served returns the certificate a fresh HTTPS connection to url is
// given, with the response to GET url+"/healthz".
func served(tb testing.TB, url string, trust ...testCert) (*x509.Certificate, int) {
	tb.Helper()
	pool := x509.NewCertPool()
	for _, c := range trust {
		pool.AddCert(c.Cert)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DisableKeepAlives: true}}
	res, err := client.Get(url + "/healthz")
	if err != nil {
		tb.Fatalf("GET %s/healthz: %v", url, err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.TLS.PeerCertificates[0], res.StatusCode
}

func TestServer_TLSReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first, second := newTestCert(t, "first"), newTestCert(t, "second")
	first.Write(t, certFile, keyFile)

	cert, err := server.LoadCertificate(certFile, keyFile)
	if err != nil {
		t.Fatalf("LoadCertificate: %v", err)
	}
	srv := server.New(server.Options{Addr: "127.0.0.1:0", TLS: cert.TLSConfig()})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(t.Context()) })
	url := srv.URL()
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("URL() = %q, want https://127.0.0.1:<port>", url)
	}
	if got, status := served(t, url, first, second); got.Subject.CommonName != "first" || status != http.StatusOK {
		t.Fatalf("before reload: served %q, status %d, want first, 200", got.Subject.CommonName, status)
	}

	// A broken pair (the second certificate with the first key) is
	// refused, and the first stays in use.
	if err := os.WriteFile(certFile, second.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cert.Reload(); err == nil || !strings.Contains(err.Error(), certFile) {
		t.Errorf("Reload() of a mismatched pair = %v, want an error naming %s", err, certFile)
	}
	if got, _ := served(t, url, first, second); got.Subject.CommonName != "first" {
		t.Errorf("after a refused reload: served %q, want first", got.Subject.CommonName)
	}
	if err := os.WriteFile(keyFile, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := cert.Reload(); err == nil {
		t.Error("Reload() of a garbage key = nil, want an error")
	}

	second.Write(t, certFile, keyFile)
	if err := cert.Reload(); err != nil {
		t.Fatalf("Reload() of a good pair: %v", err)
	}
	if got, status := served(t, url, second); got.Subject.CommonName != "second" || status != http.StatusOK {
		t.Errorf("after reload: served %q, status %d, want second, 200", got.Subject.CommonName, status)
	}
	if cert.Leaf().Subject.CommonName != "second" {
		t.Errorf("Leaf() = %q, want second", cert.Leaf().Subject.CommonName)
	}

	// Plain HTTP on the HTTPS port is told so, not served.
	res, err := http.Get("http" + strings.TrimPrefix(url, "https") + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP to the HTTPS listener = %d, want 400", res.StatusCode)
	}
}

func TestLoadCertificate_Missing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := server.LoadCertificate(filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")); err == nil || !strings.Contains(err.Error(), "c.pem") {
		t.Errorf("LoadCertificate of missing files = %v, want an error naming the file", err)
	}
}
