package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/http/server"
)

// testCert is a self-signed certificate for 127.0.0.1 and localhost.
type testCert struct {
	cert         *x509.Certificate
	certPEM, key []byte
}

func newTestCert(tb testing.TB, name string) testCert {
	tb.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return testCert{
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:     pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
}

func (c testCert) write(tb testing.TB, certFile, keyFile string) {
	tb.Helper()
	if err := os.WriteFile(certFile, c.certPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, c.key, 0o600); err != nil {
		tb.Fatal(err)
	}
}

// served returns the certificate a fresh HTTPS connection to url is
// given, with the response to GET url+"/healthz".
func served(tb testing.TB, url string, trust ...testCert) (*x509.Certificate, int) {
	tb.Helper()
	pool := x509.NewCertPool()
	for _, c := range trust {
		pool.AddCert(c.cert)
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
	first.write(t, certFile, keyFile)

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
	if err := os.WriteFile(certFile, second.certPEM, 0o600); err != nil {
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

	second.write(t, certFile, keyFile)
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
