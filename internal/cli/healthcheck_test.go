package cli_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/config"
)

// TestHealthcheck probes real serves: the exit code is what Docker's
// HEALTHCHECK reads (0 healthy, 1 not).
func TestHealthcheck(t *testing.T) {
	t.Parallel()
	plain := startInstance(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	newTestCert(t, "hc").Write(t, certFile, keyFile)
	secure := startInstanceWith(t, func(c *config.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	notReady := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
	}))
	t.Cleanup(notReady.Close)
	hostPort := func(u string) string { p, _ := url.Parse(u); return p.Host }
	_, port, _ := strings.Cut(hostPort(plain.url), ":")
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantStderr string
	}{
		{"URL", []string{"--url", plain.url}, 0, "/readyz: 200 OK", ""},
		{"Listen", []string{"--listen", hostPort(plain.url)}, 0, "GET " + plain.url + "/readyz: 200 OK", ""},
		{"ListenAnyAddress", []string{"--listen", "0.0.0.0:" + port}, 0, "GET http://127.0.0.1:" + port + "/readyz: 200 OK", ""},
		{"HTTPS", []string{"--listen", hostPort(secure.url), "--tls-cert", certFile, "--tls-key", keyFile}, 0, "GET https://", ""},
		{"NotReady", []string{"--url", notReady.URL}, 1, "503 Service Unavailable", "unhealthy: /readyz answered 503"},
		{"Down", []string{"--url", downURL}, 1, "", "dbplane healthcheck: unhealthy:"},
		{"BadFlag", []string{"--nope"}, 2, "", "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := cliMain(append([]string{"healthcheck"}, tc.args...), &stdout, &stderr)
			if code != tc.wantCode || !strings.Contains(stdout.String(), tc.wantOut) || !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("healthcheck %q = exit %d, stdout %q, stderr %q; want %d, %q, %q",
					tc.args, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantOut, tc.wantStderr)
			}
		})
	}
}
