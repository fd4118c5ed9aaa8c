package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/config"
)

// TestAdminPasswordLink_PublicURL: with --public-url, the set-password link
// an operator makes points there, not at the address the request used.
func TestAdminPasswordLink_PublicURL(t *testing.T) {
	a := newApp(t, appOptions{config: func(c *config.Config) { c.PublicURL = "https://db.example.com/" }})
	op, _ := a.admOperator(t)
	bob := a.tenant(t, "bob@example.com", nil, "bob's long password")
	p := op.post("/admin/accounts/"+bob+"/password-link", nil)
	admStatus(t, "Create set-password link", p, http.StatusOK)
	if link := nodeText(p.byID("password-link")); !strings.HasPrefix(link, "https://db.example.com/set-password?token=") {
		t.Errorf("set-password link = %q, want https://db.example.com/set-password?token=...", link)
	}
}
