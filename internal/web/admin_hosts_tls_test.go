package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/testcert"
)

// TestAdminHostTLS is the operator's journey with a host that has TLS on:
// the form's Test connection names a wrong CA and a wrong server name,
// a CA that is no PEM is refused on its field, and the right CA creates a
// verify-full host whose edit page shows the CA and the server name back.
func TestAdminHostTLS(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	srv := dbtest.MariaDBTLS(t)
	cfg := srv.AdminConfig()
	form := func(tls, ca, serverName string) map[string][]string {
		return admForm("name", "maria-tls", "engine", "mariadb", "hostname", cfg.Host, "port", strconv.Itoa(cfg.Port),
			"username", cfg.User, "password", cfg.Password, "tls", tls, "tls_ca", ca, "tls_server_name", serverName)
	}

	p := op.post("/admin/hosts/test", form("verify-full", string(testcert.New(t, "wrong").CertPEM), ""))
	admStatus(t, "Test connection (wrong CA)", p, http.StatusOK)
	if !strings.Contains(p.text(), "over TLS: the server's certificate is not signed by a trusted CA (check tlsCA)") {
		t.Errorf("a wrong CA is not named: %s", p.text())
	}
	admNoSecret(t, "wrong CA page", p, cfg.Password)
	p = op.post("/admin/hosts/test", form("verify-full", srv.TLSCA(), "db.example.com"))
	if !strings.Contains(p.text(), "check tlsServerName") {
		t.Errorf("a wrong server name is not named: %s", p.text())
	}
	p = op.post("/admin/hosts", form("verify-full", "not a certificate", ""))
	admStatus(t, "Create (garbage CA)", p, http.StatusUnprocessableEntity)
	if !strings.Contains(p.text(), "The tlsCA must be PEM certificates") {
		t.Errorf("a garbage CA is not refused on its field: %s", p.text())
	}

	p = op.post("/admin/hosts", form("verify-full", srv.TLSCA(), "localhost"))
	admStatus(t, "Create (right CA)", p, http.StatusSeeOther)
	edit := op.get(strings.TrimSuffix(p.header.Get("Location"), "?m=created"))
	admStatus(t, "GET the new host", edit, http.StatusOK)
	checkPage(t, "admin-host tls", edit)
	if got := nodeText(edit.byID("tls_ca")); strings.TrimSpace(got) != strings.TrimSpace(srv.TLSCA()) {
		t.Errorf("the edit page's CA = %q, want the stored one", got)
	}
	if v, _ := attr(edit.byID("tls_server_name"), "value"); v != "localhost" {
		t.Errorf("the edit page's server name = %q, want localhost", v)
	}
}
