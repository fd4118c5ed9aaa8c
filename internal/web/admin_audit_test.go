package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestAdminAudit shows the operator the audit log of a real serve: the
// tenant's failed and good sign-ins and the operator's own change, with
// filters; a tenant gets the 404 page.
func TestAdminAudit(t *testing.T) {
	a := newApp(t)
	op, _ := a.admOperator(t)
	a.tenant(t, "ada@example.com", nil, "ada's long password")
	a.signIn(t, "ada@example.com", "ada's long password")
	bad := a.browser(t)
	p := bad.post("/login", admForm("email", "ada@example.com", "password", "not ada's password at all"))
	admStatus(t, "failed sign-in", p, http.StatusUnauthorized)
	admStatus(t, "Create node", op.post("/admin/nodes", admForm("name", "node-a")), http.StatusSeeOther)

	p = op.get("/admin/audit")
	admStatus(t, "GET /admin/audit", p, http.StatusOK)
	checkPage(t, "admin-audit", p)
	text := p.text()
	for _, want := range []string{"POST /admin/nodes", "POST /login", "ada@example.com (tried)", "op@example.com", "401", "303"} {
		if !strings.Contains(text, want) {
			t.Errorf("the audit page lacks %q: %s", want, text)
		}
	}
	for _, secret := range []string{"ada's long password", "not ada's password at all", "the operator's long password", a.adminKey} {
		if strings.Contains(p.body, secret) {
			t.Errorf("the audit page holds a secret (%.6s…)", secret)
		}
	}
	p = op.get("/admin/audit?outcome=failure")
	if text := p.text(); !strings.Contains(text, "(tried)") || strings.Contains(text, "POST /admin/nodes") {
		t.Errorf("outcome=failure page = %s, want the failed sign-in only", text)
	}
	p = op.get("/admin/audit?action=%2Fadmin%2Fnodes")
	if text := p.text(); !strings.Contains(text, "POST /admin/nodes") || strings.Contains(text, "POST /login") {
		t.Errorf("action=/admin/nodes page = %s, want the node create only", text)
	}

	// The admin keys page mints a key that reads the log; audit has no
	// write permission, so a forged one is ignored.
	p = op.get("/admin/keys")
	if p.byID("perm-audit-read") == nil || p.byID("perm-audit-write") != nil {
		t.Errorf("the admin keys page offers audit:read %v and audit:write %v; want read only",
			p.byID("perm-audit-read") != nil, p.byID("perm-audit-write") != nil)
	}
	form := admForm("name", "auditor")
	form["permission"] = []string{"audit:read", "audit:write"}
	p = op.post("/admin/keys", form)
	admStatus(t, "Create an audit key", p, http.StatusOK)
	key := strings.TrimSpace(nodeText(p.byID("new-key")))
	a.api(t, 200, "GET", "/api/admin/audit", key, nil)
	a.api(t, 403, "GET", "/api/admin/nodes", key, nil)
	keys, _ := a.srv.Service().ListAdminKeys(context.Background())
	for _, k := range keys {
		if k.Name == "auditor" && (len(k.Permissions) != 1 || k.Permissions[0] != "audit:read") {
			t.Errorf("the auditor key holds %v, want audit:read only", k.Permissions)
		}
	}

	ada := a.signIn(t, "ada@example.com", "ada's long password")
	admStatus(t, "a tenant's GET /admin/audit", ada.get("/admin/audit"), http.StatusNotFound)
}
