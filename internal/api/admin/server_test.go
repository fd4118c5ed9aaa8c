package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/dbplane/dbplane"
	"github.com/google/go-cmp/cmp"
)

const serverID = "d3f1a2b4-7c6e-4d5f-9a8b-0c1d2e3f4a5b"

func fixtureServer() *dbplane.Server {
	return &dbplane.Server{
		ID: serverID, NumericID: 12, Identifier: "d3f1a2b4", Name: "Survival", OwnerID: tenantID, NodeID: nodeID,
		DatabaseLimit: ptr(3), DatabaseCount: 1, CreatedAt: t0, UpdatedAt: t1,
	}
}

var errServerNotFound = dbplane.Errorf(dbplane.CodeNotFound, "Server not found")

func serverReturns(want string) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.servers.ServerFn = func(_ context.Context, ref string) (*dbplane.Server, error) {
			if ref != want {
				t.Errorf("Server(%q), want %q", ref, want)
			}
			return fixtureServer(), nil
		}
	}
}

func TestServerList(t *testing.T) {
	t.Parallel()
	list := func(want dbplane.Page) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.ListServersFn = func(_ context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
				if p != want {
					t.Errorf("ListServers(%+v), want %+v", p, want)
				}
				unlimited := fixtureServer()
				unlimited.ID, unlimited.NumericID, unlimited.Identifier, unlimited.DatabaseLimit, unlimited.DatabaseCount =
					"e4a2b3c5-0000-4000-8000-000000000013", 13, "e4a2b3c5", nil, 0
				return []*dbplane.Server{fixtureServer(), unlimited}, 7, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name: "Defaults", method: http.MethodGet, path: "/api/admin/servers", header: bearer(permKey("servers:read")),
			setup: list(dbplane.Page{Page: 1, PerPage: 50}), wantStatus: http.StatusOK,
		},
		{
			name: "Page", method: http.MethodGet, path: "/api/admin/servers?page=2&perPage=5", header: bearer(readOnlyKey),
			setup: list(dbplane.Page{Page: 2, PerPage: 5}), wantStatus: http.StatusOK,
		},
		{name: "PageZero", method: http.MethodGet, path: "/api/admin/servers?page=0", header: bearer(readOnlyKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "PerPageTooBig", method: http.MethodGet, path: "/api/admin/servers?perPage=101", header: bearer(readOnlyKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "PerPageNotNumber", method: http.MethodGet, path: "/api/admin/servers?perPage=ten", header: bearer(readOnlyKey), wantStatus: http.StatusUnprocessableEntity},
		{name: "NodesPermissionOnly", method: http.MethodGet, path: "/api/admin/servers", header: bearer(permKey("nodes:read")), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodGet, path: "/api/admin/servers", header: bearer(userKey), wantStatus: http.StatusForbidden},
	})
}

func TestServerCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers"
	create := func(want *dbplane.ServerInput) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.CreateServerFn = func(_ context.Context, in dbplane.ServerInput) (*dbplane.Server, error) {
				if want != nil {
					if diff := cmp.Diff(*want, in); diff != "" {
						t.Errorf("CreateServer() input (-want +got):\n%s", diff)
					}
				}
				s := fixtureServer()
				// The service resolves nodeId (UUID or numeric id) to the UUID.
				s.Name, s.OwnerID, s.DatabaseLimit, s.DatabaseCount, s.UpdatedAt = in.Name, in.OwnerID, in.DatabaseLimit, 0, t0
				return s, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(permKey("servers:write")),
			body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":3}`,
			setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3", DatabaseLimit: ptr(3)}), wantStatus: http.StatusCreated,
		},
		{
			name: "LimitOmitted", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3"}`,
			setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3"}), wantStatus: http.StatusCreated,
		},
		{
			name: "LimitNull", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":null}`,
			setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3"}), wantStatus: http.StatusCreated,
		},
		{
			name: "LimitZero", method: http.MethodPost, path: path, header: bearer(adminKey),
			body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":0}`,
			setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3", DatabaseLimit: ptr(0)}), wantStatus: http.StatusCreated,
		},
		{
			name: "NegativeLimit", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":-1}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "MissingOwner", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"S","nodeId":"3"}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "MissingNode", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"S","ownerId":"a"}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "BlankName", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":" ","ownerId":"a","nodeId":"3"}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "UnknownOwner", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"S","ownerId":"nope","nodeId":"3"}`,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.CreateServerFn = func(context.Context, dbplane.ServerInput) (*dbplane.Server, error) {
					return nil, dbplane.FieldErrorf("ownerId", "No account with that id.")
				}
			},
			wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "UnknownField", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"name":"S","ownerId":"a","nodeId":"3","uuid":"x"}`, wantStatus: http.StatusBadRequest},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
	})
}

func TestServerGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "ByUUID", method: http.MethodGet, path: "/api/admin/servers/" + serverID, header: bearer(readOnlyKey), setup: serverReturns(serverID), wantStatus: http.StatusOK},
		{name: "ByNumericID", method: http.MethodGet, path: "/api/admin/servers/12", header: bearer(readOnlyKey), setup: serverReturns("12"), wantStatus: http.StatusOK},
		{name: "ByIdentifier", method: http.MethodGet, path: "/api/admin/servers/d3f1a2b4", header: bearer(readOnlyKey), setup: serverReturns("d3f1a2b4"), wantStatus: http.StatusOK},
		{
			name: "NotFound", method: http.MethodGet, path: "/api/admin/servers/99", header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return nil, errServerNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "NoPermission", method: http.MethodGet, path: "/api/admin/servers/12", header: bearer(noPermKey), wantStatus: http.StatusForbidden},
	})
}

func TestServerUpdate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12"
	update := func(want dbplane.ServerUpdate) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.UpdateServerFn = func(_ context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error) {
				if ref != "12" {
					t.Errorf("UpdateServer(%q), want 12", ref)
				}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("UpdateServer() update (-want +got):\n%s", diff)
				}
				s := fixtureServer()
				if u.Name != nil {
					s.Name = *u.Name
				}
				if u.DatabaseLimitSet {
					s.DatabaseLimit = u.DatabaseLimit
				}
				return s, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name: "LimitNull", method: http.MethodPatch, path: path, header: bearer(permKey("servers:write")), body: `{"databaseLimit":null}`,
			setup: update(dbplane.ServerUpdate{DatabaseLimitSet: true}), wantStatus: http.StatusOK,
		},
		{
			name: "LimitZero", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"databaseLimit":0}`,
			setup: update(dbplane.ServerUpdate{DatabaseLimitSet: true, DatabaseLimit: ptr(0)}), wantStatus: http.StatusOK,
		},
		{
			name: "Rename", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"name":" Creative "}`,
			setup: update(dbplane.ServerUpdate{Name: ptr("Creative")}), wantStatus: http.StatusOK,
		},
		{
			name: "Nothing", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{}`,
			setup: update(dbplane.ServerUpdate{}), wantStatus: http.StatusOK,
		},
		{name: "NullName", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"name":null}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "BlankName", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"name":""}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "NegativeLimit", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"databaseLimit":-2}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "OwnerNotPatchable", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"ownerId":"x"}`, wantStatus: http.StatusBadRequest},
		{
			name: "NotFound", method: http.MethodPatch, path: path, header: bearer(adminKey), body: `{"name":"x"}`,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.UpdateServerFn = func(context.Context, string, dbplane.ServerUpdate) (*dbplane.Server, error) {
					return nil, errServerNotFound
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPatch, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
	})
}

func TestServerDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/" + serverID
	del := func(err error) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.DeleteServerFn = func(_ context.Context, ref string) error {
				if ref != serverID {
					t.Errorf("DeleteServer(%q), want %q", ref, serverID)
				}
				return err
			}
		}
	}
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodDelete, path: path, header: bearer(permKey("servers:write")), setup: del(nil), wantStatus: http.StatusNoContent},
		{
			name: "HasDatabases", method: http.MethodDelete, path: path, header: bearer(adminKey),
			setup: del(dbplane.Errorf(dbplane.CodeConflict, "The server has 2 database(s); delete them first")), wantStatus: http.StatusConflict,
		},
		{name: "NotFound", method: http.MethodDelete, path: path, header: bearer(adminKey), setup: del(errServerNotFound), wantStatus: http.StatusNotFound},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
	})
}

func fixtureSubuser(perms ...string) *dbplane.Subuser {
	return &dbplane.Subuser{ServerID: serverID, AccountID: tenantID, Permissions: perms, CreatedAt: t0}
}

func TestSubuserList(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12/subusers"
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodGet, path: path, header: bearer(permKey("servers:read")),
			setup: func(t *testing.T, m *mocks) {
				m.servers.ListSubusersFn = func(_ context.Context, ref string) ([]*dbplane.Subuser, error) {
					if ref != "12" {
						t.Errorf("ListSubusers(%q), want 12", ref)
					}
					none := fixtureSubuser()
					none.AccountID = "01HVOTHER000000000000000"
					return []*dbplane.Subuser{fixtureSubuser(dbplane.PermDatabaseRead, dbplane.PermDatabaseViewPassword), none}, nil
				}
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "ServerNotFound", method: http.MethodGet, path: path, header: bearer(readOnlyKey),
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ListSubusersFn = func(context.Context, string) ([]*dbplane.Subuser, error) { return nil, errServerNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "NoPermission", method: http.MethodGet, path: path, header: bearer(permKey("servers:write")), wantStatus: http.StatusForbidden},
	})
}

func setSubuser(wantAccount string, wantPerms []string) func(*testing.T, *mocks) {
	return func(t *testing.T, m *mocks) {
		m.servers.SetSubuserFn = func(_ context.Context, ref, accountID string, perms []string) (*dbplane.Subuser, error) {
			if ref != "12" || accountID != wantAccount {
				t.Errorf("SetSubuser(%q, %q), want (12, %q)", ref, accountID, wantAccount)
			}
			if diff := cmp.Diff(wantPerms, perms); diff != "" {
				t.Errorf("SetSubuser() permissions (-want +got):\n%s", diff)
			}
			return fixtureSubuser(perms...), nil
		}
	}
}

func TestSubuserPut(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12/subusers/" + tenantID
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPut, path: path, header: bearer(permKey("servers:write")),
			body:       `{"permissions":["database.read","database.view_password","database.read"]}`,
			setup:      setSubuser(tenantID, []string{"database.read", "database.view_password"}),
			wantStatus: http.StatusOK,
		},
		{
			name: "NoPermissions", method: http.MethodPut, path: path, header: bearer(adminKey), body: `{"permissions":[]}`,
			setup: setSubuser(tenantID, []string{}), wantStatus: http.StatusOK,
		},
		{
			name: "UnknownPermission", method: http.MethodPut, path: path, header: bearer(adminKey),
			body: `{"permissions":["database.read","control.console"]}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{name: "Missing", method: http.MethodPut, path: path, header: bearer(adminKey), body: `{}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "Null", method: http.MethodPut, path: path, header: bearer(adminKey), body: `{"permissions":null}`, wantStatus: http.StatusUnprocessableEntity},
		{name: "WrongType", method: http.MethodPut, path: path, header: bearer(adminKey), body: `{"permissions":"database.read"}`, wantStatus: http.StatusBadRequest},
		{
			name: "UnknownAccount", method: http.MethodPut, path: path, header: bearer(adminKey), body: `{"permissions":[]}`,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.SetSubuserFn = func(context.Context, string, string, []string) (*dbplane.Subuser, error) {
					return nil, errAccountNotFound
				}
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPut, path: path, header: bearer(readOnlyKey), body: `{"permissions":[]}`, wantStatus: http.StatusForbidden},
	})
}

func TestSubuserCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12/subusers"
	existing := func(t *testing.T, m *mocks) {
		m.servers.ListSubusersFn = func(context.Context, string) ([]*dbplane.Subuser, error) {
			return []*dbplane.Subuser{fixtureSubuser(dbplane.PermDatabaseRead)}, nil
		}
	}
	runScenarios(t, []scenario{
		{
			name: "OK", method: http.MethodPost, path: path, header: bearer(permKey("servers:write")),
			body: `{"accountId":"01HVOTHER000000000000000","permissions":["database.create"]}`,
			setup: func(t *testing.T, m *mocks) {
				existing(t, m)
				setSubuser("01HVOTHER000000000000000", []string{"database.create"})(t, m)
			},
			wantStatus: http.StatusCreated,
		},
		{
			name: "AlreadySubuser", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"accountId":"` + tenantID + `","permissions":["database.create"]}`, setup: existing, wantStatus: http.StatusConflict,
		},
		{name: "MissingAccount", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"permissions":[]}`, wantStatus: http.StatusUnprocessableEntity},
		{
			name: "UnknownPermission", method: http.MethodPost, path: path, header: bearer(adminKey),
			body: `{"accountId":"a","permissions":["database.drop"]}`, wantStatus: http.StatusUnprocessableEntity,
		},
		{
			name: "ServerNotFound", method: http.MethodPost, path: path, header: bearer(adminKey), body: `{"accountId":"a","permissions":[]}`,
			setup: func(_ *testing.T, m *mocks) {
				m.servers.ListSubusersFn = func(context.Context, string) ([]*dbplane.Subuser, error) { return nil, errServerNotFound }
			},
			wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodPost, path: path, header: bearer(readOnlyKey), body: `{}`, wantStatus: http.StatusForbidden},
	})
}

func TestSubuserDelete(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12/subusers/" + tenantID
	remove := func(err error) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.RemoveSubuserFn = func(_ context.Context, ref, accountID string) error {
				if ref != "12" || accountID != tenantID {
					t.Errorf("RemoveSubuser(%q, %q), want (12, %q)", ref, accountID, tenantID)
				}
				return err
			}
		}
	}
	runScenarios(t, []scenario{
		{name: "OK", method: http.MethodDelete, path: path, header: bearer(permKey("servers:write")), setup: remove(nil), wantStatus: http.StatusNoContent},
		{
			name: "NotASubuser", method: http.MethodDelete, path: path, header: bearer(adminKey),
			setup: remove(dbplane.Errorf(dbplane.CodeNotFound, "Subuser not found")), wantStatus: http.StatusNotFound,
		},
		{name: "ReadOnlyKey", method: http.MethodDelete, path: path, header: bearer(readOnlyKey), wantStatus: http.StatusForbidden},
		{name: "UserKey", method: http.MethodDelete, path: path, header: bearer(userKey), wantStatus: http.StatusForbidden},
	})
}
