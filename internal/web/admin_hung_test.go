package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/mock"
	"github.com/dbplane/dbplane/internal/web"
)

// TestAdminCheckHostsIgnoresAHungCall: even a host check that never
// returns, whatever its context says, does not hold the page: Check hosts
// now answers after its cap and says the host gave no answer.
func TestAdminCheckHostsIgnoresAHungCall(t *testing.T) {
	admin := &dbplane.Account{ID: "op", Email: "op@example.com", Role: dbplane.RoleAdmin}
	hosts := []*dbplane.Host{
		{ID: "h1", Name: "fine", Engine: dbplane.EngineMariaDB, Enabled: true},
		{ID: "h2", Name: "stuck", Engine: dbplane.EngineMariaDB, Enabled: true},
	}
	release := make(chan struct{})
	defer close(release)
	svc := web.Services{
		Hosts: &mock.HostService{
			ListHostsFn: func(context.Context) ([]*dbplane.Host, error) { return hosts, nil },
			TestHostFn: func(_ context.Context, id string) (dbplane.HostTest, error) {
				if id == "h2" {
					<-release // ignores its context
				}
				return dbplane.HostTest{Success: true, Message: "Connection successful"}, nil
			},
		},
		AdminDatabases: &mock.AdminDatabaseService{
			StatsFn:          func(context.Context) (*dbplane.Stats, error) { return &dbplane.Stats{}, nil },
			PendingChangesFn: func(context.Context) ([]*dbplane.Intent, error) { return nil, nil },
		},
		Accounts: &mock.AccountService{FindAccountsFn: mock.FindAccountsIn(func() []*dbplane.Account { return []*dbplane.Account{admin} }, nil)},
	}
	b := mockSite(t, svc, web.Options{}, admin)

	p := b.get("/admin")
	admStatus(t, "GET /admin", p, http.StatusOK)
	start := time.Now()
	p = b.post("/admin/check-hosts", url.Values{})
	took := time.Since(start)
	admStatus(t, "Check hosts now", p, http.StatusOK)
	if took > 6*time.Second {
		t.Errorf("Check hosts now took %s with a check that never returns", took)
	}
	if !strings.Contains(p.text(), "No answer within") || !strings.Contains(p.text(), "Connection successful") {
		t.Errorf("the page after the check = %s", p.text())
	}
}
