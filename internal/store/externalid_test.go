package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dbplane/dbplane"
)

// External ids are stored, read back, changed and removed, and are unique
// per kind: a taken one is a conflict that names externalId (not the
// email), and any number of rows may have none.
func TestExternalIDs_StoredAndUniquePerKind(t *testing.T) {
	forEachDialect(t, func(t *testing.T, open opener) {
		ctx := context.Background()
		db := open(t)
		a := &dbplane.Account{ID: "a", Email: "a@example.com", Name: "a", Role: dbplane.RoleUser, ExternalID: ptr("panel-7")}
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		mustAccount(t, db, "b", nil) // none
		mustAccount(t, db, "c", nil) // none again: NULLs do not collide
		got, err := db.Account(ctx, "a")
		if err != nil || got.ExternalID == nil || *got.ExternalID != "panel-7" {
			t.Fatalf("Account(a).ExternalID = %v, %v; want panel-7", deref(got.ExternalID), err)
		}
		if got, _ := db.Account(ctx, "b"); got.ExternalID != nil {
			t.Errorf("Account(b).ExternalID = %q, want nil", *got.ExternalID)
		}

		err = db.CreateAccount(ctx, &dbplane.Account{ID: "d", Email: "d@example.com", Name: "d", Role: dbplane.RoleUser, ExternalID: ptr("panel-7")})
		if dbplane.ErrorCode(err) != dbplane.CodeConflict || !strings.Contains(err.Error(), "externalId") {
			t.Fatalf("CreateAccount with a taken external id = %v, want a conflict naming externalId", err)
		}
		// Another kind may use the same id.
		if err := db.CreateNode(ctx, &dbplane.Node{ID: "node", Name: "n"}); err != nil {
			t.Fatal(err)
		}
		s := &dbplane.Server{ID: "s1", Identifier: "s1000001", Name: "s1", OwnerID: "a", NodeID: "node", ExternalID: ptr("panel-7")}
		if err := db.CreateServer(ctx, s); err != nil {
			t.Fatalf("CreateServer with an account's external id: %v", err)
		}
		s2 := &dbplane.Server{ID: "s2", Identifier: "s2000002", Name: "s2", OwnerID: "a", NodeID: "node"}
		if err := db.CreateServer(ctx, s2); err != nil {
			t.Fatal(err)
		}
		err = db.CreateServer(ctx, &dbplane.Server{ID: "s3", Identifier: "s3000003", Name: "s3", OwnerID: "a", NodeID: "node", ExternalID: ptr("panel-7")})
		if dbplane.ErrorCode(err) != dbplane.CodeConflict || !strings.Contains(err.Error(), "externalId") {
			t.Fatalf("CreateServer with a taken external id = %v, want a conflict naming externalId", err)
		}

		// Update: taking a used id is a conflict and changes nothing.
		_, err = db.UpdateAccount(ctx, "b", dbplane.AccountUpdate{ExternalIDSet: true, ExternalID: ptr("panel-7"), Name: ptr("renamed")})
		if dbplane.ErrorCode(err) != dbplane.CodeConflict || !strings.Contains(err.Error(), "externalId") {
			t.Fatalf("UpdateAccount to a taken external id = %v, want a conflict naming externalId", err)
		}
		if got, _ := db.Account(ctx, "b"); got.ExternalID != nil || got.Name != "b" {
			t.Errorf("after the refused update: externalId %v, name %q; want nil, b", deref(got.ExternalID), got.Name)
		}
		// Removing one frees it; omitting it leaves it alone.
		if got, err := db.UpdateAccount(ctx, "a", dbplane.AccountUpdate{ExternalIDSet: true}); err != nil || got.ExternalID != nil {
			t.Fatalf("UpdateAccount removing the external id = %v, %v", got, err)
		}
		if got, err := db.UpdateAccount(ctx, "b", dbplane.AccountUpdate{ExternalIDSet: true, ExternalID: ptr("panel-7")}); err != nil || deref(got.ExternalID) != "panel-7" {
			t.Fatalf("UpdateAccount to the freed id = %v, %v", got, err)
		}
		if got, err := db.UpdateAccount(ctx, "b", dbplane.AccountUpdate{Name: ptr("bee")}); err != nil || deref(got.ExternalID) != "panel-7" {
			t.Fatalf("UpdateAccount without ExternalIDSet changed the external id: %v, %v", got, err)
		}

		srv, err := db.Server(ctx, "s2")
		if err != nil || srv.ExternalID != nil {
			t.Fatalf("Server(s2) = %v, %v; want no external id", srv, err)
		}
		srv.ExternalID = ptr("panel-7")
		if err := db.UpdateServer(ctx, srv); dbplane.ErrorCode(err) != dbplane.CodeConflict || !strings.Contains(err.Error(), "externalId") {
			t.Fatalf("UpdateServer to a taken external id = %v, want a conflict naming externalId", err)
		}
		srv.ExternalID = ptr("panel-8")
		if err := db.UpdateServer(ctx, srv); err != nil {
			t.Fatalf("UpdateServer: %v", err)
		}
		if got, _ := db.Server(ctx, "s2"); deref(got.ExternalID) != "panel-8" {
			t.Errorf("Server(s2).ExternalID = %q, want panel-8", deref(got.ExternalID))
		}
		list, _, err := db.ListServers(ctx, "", dbplane.Page{Page: 1, PerPage: 10})
		if err != nil || len(list) != 2 || deref(list[0].ExternalID) != "panel-7" || deref(list[1].ExternalID) != "panel-8" {
			t.Fatalf("ListServers = %v, %v; want panel-7, panel-8", list, err)
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
