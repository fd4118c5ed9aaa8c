package admin_test

import (
	"context"
	"net/http"
	"strings"
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
			Name: "Defaults", Method: http.MethodGet, Path: "/api/admin/servers", Header: bearer(permKey("servers:read")),
			Setup: list(dbplane.Page{Page: 1, PerPage: 50}), WantStatus: http.StatusOK,
		},
		{
			Name: "Page", Method: http.MethodGet, Path: "/api/admin/servers?page=2&perPage=5", Header: bearer(readOnlyKey),
			Setup: list(dbplane.Page{Page: 2, PerPage: 5}), WantStatus: http.StatusOK,
		},
		{Name: "PageZero", Method: http.MethodGet, Path: "/api/admin/servers?page=0", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "PerPageTooBig", Method: http.MethodGet, Path: "/api/admin/servers?perPage=101", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "PerPageNotNumber", Method: http.MethodGet, Path: "/api/admin/servers?perPage=ten", Header: bearer(readOnlyKey), WantStatus: http.StatusUnprocessableEntity},
		{Name: "NodesPermissionOnly", Method: http.MethodGet, Path: "/api/admin/servers", Header: bearer(permKey("nodes:read")), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodGet, Path: "/api/admin/servers", Header: bearer(userKey), WantStatus: http.StatusForbidden},
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
				s.ExternalID = in.ExternalID
				return s, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("servers:write")),
			Body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":3}`,
			Setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3", DatabaseLimit: ptr(3)}), WantStatus: http.StatusCreated,
		},
		{
			Name: "LimitOmitted", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3"}`,
			Setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3"}), WantStatus: http.StatusCreated,
		},
		{
			Name: "LimitNull", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":null}`,
			Setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3"}), WantStatus: http.StatusCreated,
		},
		{
			Name: "LimitZero", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":0}`,
			Setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3", DatabaseLimit: ptr(0)}), WantStatus: http.StatusCreated,
		},
		{
			Name: "NegativeLimit", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","databaseLimit":-1}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "ExternalID", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","externalId":" panel-42 "}`,
			Setup: create(&dbplane.ServerInput{Name: "Survival", OwnerID: tenantID, NodeID: "3", ExternalID: ptr("panel-42")}), WantStatus: http.StatusCreated,
		},
		{
			Name: "ExternalIDTaken", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"Survival","ownerId":"` + tenantID + `","nodeId":"3","externalId":"panel-42"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.CreateServerFn = func(context.Context, dbplane.ServerInput) (*dbplane.Server, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "A server with that externalId already exists")
				}
			},
			WantStatus: http.StatusConflict,
		},
		{
			Name: "ExternalIDTooLong", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"S","ownerId":"a","nodeId":"3","externalId":"` + strings.Repeat("x", 192) + `"}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "ExternalIDControl", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"name":"S","ownerId":"a","nodeId":"3","externalId":"a\nb"}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "ExternalIDBlank", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"S","ownerId":"a","nodeId":"3","externalId":" "}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "MissingOwner", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"S","nodeId":"3"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "MissingNode", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"S","ownerId":"a"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "BlankName", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":" ","ownerId":"a","nodeId":"3"}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UnknownOwner", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"S","ownerId":"nope","nodeId":"3"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.CreateServerFn = func(context.Context, dbplane.ServerInput) (*dbplane.Server, error) {
					return nil, dbplane.FieldErrorf("ownerId", "No account with that id.")
				}
			},
			WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "UnknownField", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"name":"S","ownerId":"a","nodeId":"3","uuid":"x"}`, WantStatus: http.StatusBadRequest},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
	})
}

func TestServerGet(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{Name: "ByUUID", Method: http.MethodGet, Path: "/api/admin/servers/" + serverID, Header: bearer(readOnlyKey), Setup: serverReturns(serverID), WantStatus: http.StatusOK},
		{Name: "ByNumericID", Method: http.MethodGet, Path: "/api/admin/servers/12", Header: bearer(readOnlyKey), Setup: serverReturns("12"), WantStatus: http.StatusOK},
		{Name: "ByIdentifier", Method: http.MethodGet, Path: "/api/admin/servers/d3f1a2b4", Header: bearer(readOnlyKey), Setup: serverReturns("d3f1a2b4"), WantStatus: http.StatusOK},
		{
			Name: "NotFound", Method: http.MethodGet, Path: "/api/admin/servers/99", Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ServerFn = func(context.Context, string) (*dbplane.Server, error) { return nil, errServerNotFound }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoPermission", Method: http.MethodGet, Path: "/api/admin/servers/12", Header: bearer(noPermKey), WantStatus: http.StatusForbidden},
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
				if u.ExternalIDSet {
					s.ExternalID = u.ExternalID
				}
				return s, nil
			}
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "LimitNull", Method: http.MethodPatch, Path: path, Header: bearer(permKey("servers:write")), Body: `{"databaseLimit":null}`,
			Setup: update(dbplane.ServerUpdate{DatabaseLimitSet: true}), WantStatus: http.StatusOK,
		},
		{
			Name: "LimitZero", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"databaseLimit":0}`,
			Setup: update(dbplane.ServerUpdate{DatabaseLimitSet: true, DatabaseLimit: ptr(0)}), WantStatus: http.StatusOK,
		},
		{
			Name: "Rename", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":" Creative "}`,
			Setup: update(dbplane.ServerUpdate{Name: ptr("Creative")}), WantStatus: http.StatusOK,
		},
		{
			Name: "Nothing", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{}`,
			Setup: update(dbplane.ServerUpdate{}), WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalID", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":"panel-42"}`,
			Setup: update(dbplane.ServerUpdate{ExternalIDSet: true, ExternalID: ptr("panel-42")}), WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalIDNull", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":null}`,
			Setup: update(dbplane.ServerUpdate{ExternalIDSet: true}), WantStatus: http.StatusOK,
		},
		{
			Name: "ExternalIDTaken", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":"panel-42"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.UpdateServerFn = func(context.Context, string, dbplane.ServerUpdate) (*dbplane.Server, error) {
					return nil, dbplane.Errorf(dbplane.CodeConflict, "A server with that externalId already exists")
				}
			},
			WantStatus: http.StatusConflict,
		},
		{Name: "ExternalIDTooLong", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"externalId":"` + strings.Repeat("x", 192) + `"}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NullName", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "BlankName", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":""}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "NegativeLimit", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"databaseLimit":-2}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "OwnerNotPatchable", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"ownerId":"x"}`, WantStatus: http.StatusBadRequest},
		{
			Name: "NotFound", Method: http.MethodPatch, Path: path, Header: bearer(adminKey), Body: `{"name":"x"}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.UpdateServerFn = func(context.Context, string, dbplane.ServerUpdate) (*dbplane.Server, error) {
					return nil, errServerNotFound
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPatch, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
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
		{Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(permKey("servers:write")), Setup: del(nil), WantStatus: http.StatusNoContent},
		{
			Name: "HasDatabases", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup: del(dbplane.Errorf(dbplane.CodeConflict, "The server has 2 database(s); delete them first")), WantStatus: http.StatusConflict,
		},
		{Name: "NotFound", Method: http.MethodDelete, Path: path, Header: bearer(adminKey), Setup: del(errServerNotFound), WantStatus: http.StatusNotFound},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
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
			Name: "OK", Method: http.MethodGet, Path: path, Header: bearer(permKey("servers:read")),
			Setup: func(t *testing.T, m *mocks) {
				m.servers.ListSubusersFn = func(_ context.Context, ref string) ([]*dbplane.Subuser, error) {
					if ref != "12" {
						t.Errorf("ListSubusers(%q), want 12", ref)
					}
					none := fixtureSubuser()
					none.AccountID = "01HVOTHER000000000000000"
					return []*dbplane.Subuser{fixtureSubuser(dbplane.PermDatabaseRead, dbplane.PermDatabaseViewPassword), none}, nil
				}
			},
			WantStatus: http.StatusOK,
		},
		{
			Name: "ServerNotFound", Method: http.MethodGet, Path: path, Header: bearer(readOnlyKey),
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.ListSubusersFn = func(context.Context, string) ([]*dbplane.Subuser, error) { return nil, errServerNotFound }
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "NoPermission", Method: http.MethodGet, Path: path, Header: bearer(permKey("servers:write")), WantStatus: http.StatusForbidden},
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
			Name: "OK", Method: http.MethodPut, Path: path, Header: bearer(permKey("servers:write", "server_databases:read")),
			Body:       `{"permissions":["database.read","database.view_password","database.read"]}`,
			Setup:      setSubuser(tenantID, []string{"database.read", "database.view_password"}),
			WantStatus: http.StatusOK,
		},
		{
			// SPEC §4.5: servers:write alone cannot hand out reading
			// passwords (SetSubuserFn is unset: a call would be a 500).
			Name: "ServersWriteCannotGrantViewPassword", Method: http.MethodPut, Path: path, Header: bearer(permKey("servers:write")),
			Body: `{"permissions":["database.view_password"]}`, WantStatus: http.StatusForbidden,
		},
		{
			Name: "ReadCannotGrantRotate", Method: http.MethodPut, Path: path, Header: bearer(permKey("servers:write", "server_databases:read")),
			Body: `{"permissions":["database.read","database.update"]}`, WantStatus: http.StatusForbidden,
		},
		{
			// Taking everything away hands nothing out.
			Name: "ServersWriteRevokes", Method: http.MethodPut, Path: path, Header: bearer(permKey("servers:write")),
			Body: `{"permissions":[]}`, Setup: setSubuser(tenantID, []string{}), WantStatus: http.StatusOK,
		},
		{
			Name: "NoPermissions", Method: http.MethodPut, Path: path, Header: bearer(adminKey), Body: `{"permissions":[]}`,
			Setup: setSubuser(tenantID, []string{}), WantStatus: http.StatusOK,
		},
		{
			Name: "UnknownPermission", Method: http.MethodPut, Path: path, Header: bearer(adminKey),
			Body: `{"permissions":["database.read","control.console"]}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{Name: "Missing", Method: http.MethodPut, Path: path, Header: bearer(adminKey), Body: `{}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "Null", Method: http.MethodPut, Path: path, Header: bearer(adminKey), Body: `{"permissions":null}`, WantStatus: http.StatusUnprocessableEntity},
		{Name: "WrongType", Method: http.MethodPut, Path: path, Header: bearer(adminKey), Body: `{"permissions":"database.read"}`, WantStatus: http.StatusBadRequest},
		{
			Name: "UnknownAccount", Method: http.MethodPut, Path: path, Header: bearer(adminKey), Body: `{"permissions":[]}`,
			Setup: func(_ *testing.T, m *mocks) {
				m.servers.SetSubuserFn = func(context.Context, string, string, []string) (*dbplane.Subuser, error) {
					return nil, errAccountNotFound
				}
			},
			WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPut, Path: path, Header: bearer(readOnlyKey), Body: `{"permissions":[]}`, WantStatus: http.StatusForbidden},
	})
}

func TestSubuserCreate(t *testing.T) {
	t.Parallel()
	const path = "/api/admin/servers/12/subusers"
	// added makes AddSubuser expect the account and permissions.
	added := func(wantAccount string, wantPerms []string) func(*testing.T, *mocks) {
		return func(t *testing.T, m *mocks) {
			m.servers.AddSubuserFn = func(_ context.Context, ref, accountID string, perms []string) (*dbplane.Subuser, error) {
				if ref != "12" || accountID != wantAccount {
					t.Errorf("AddSubuser(%q, %q), want (12, %q)", ref, accountID, wantAccount)
				}
				if diff := cmp.Diff(wantPerms, perms); diff != "" {
					t.Errorf("AddSubuser() permissions (-want +got):\n%s", diff)
				}
				return fixtureSubuser(perms...), nil
			}
		}
	}
	addFails := func(err error) func(*testing.T, *mocks) {
		return func(_ *testing.T, m *mocks) {
			m.servers.AddSubuserFn = func(context.Context, string, string, []string) (*dbplane.Subuser, error) { return nil, err }
		}
	}
	runScenarios(t, []scenario{
		{
			Name: "OK", Method: http.MethodPost, Path: path, Header: bearer(permKey("servers:write", "server_databases:write")),
			Body:  `{"accountId":"01HVOTHER000000000000000","permissions":["database.create"]}`,
			Setup: added("01HVOTHER000000000000000", []string{"database.create"}), WantStatus: http.StatusCreated,
		},
		{
			Name: "AlreadySubuser", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body:  `{"accountId":"` + tenantID + `","permissions":["database.create"]}`,
			Setup: addFails(dbplane.ErrSubuserExists), WantStatus: http.StatusConflict,
		},
		{
			// SPEC §4.5: servers:write alone cannot make a subuser that
			// reads every password of the server (AddSubuserFn unset).
			Name: "ServersWriteCannotGrantViewPassword", Method: http.MethodPost, Path: path, Header: bearer(permKey("servers:write")),
			Body: `{"accountId":"01HVOTHER000000000000000","permissions":["database.read","database.view_password"]}`, WantStatus: http.StatusForbidden,
		},
		{
			Name: "ServersWriteCannotGrantCreate", Method: http.MethodPost, Path: path, Header: bearer(permKey("servers:write", "server_databases:read")),
			Body: `{"accountId":"01HVOTHER000000000000000","permissions":["database.create"]}`, WantStatus: http.StatusForbidden,
		},
		{
			Name: "ServersWriteNoPermissions", Method: http.MethodPost, Path: path, Header: bearer(permKey("servers:write")),
			Body:  `{"accountId":"01HVOTHER000000000000000","permissions":[]}`,
			Setup: added("01HVOTHER000000000000000", []string{}), WantStatus: http.StatusCreated,
		},
		{Name: "MissingAccount", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"permissions":[]}`, WantStatus: http.StatusUnprocessableEntity},
		{
			Name: "UnknownPermission", Method: http.MethodPost, Path: path, Header: bearer(adminKey),
			Body: `{"accountId":"a","permissions":["database.drop"]}`, WantStatus: http.StatusUnprocessableEntity,
		},
		{
			Name: "ServerNotFound", Method: http.MethodPost, Path: path, Header: bearer(adminKey), Body: `{"accountId":"a","permissions":[]}`,
			Setup: addFails(errServerNotFound), WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodPost, Path: path, Header: bearer(readOnlyKey), Body: `{}`, WantStatus: http.StatusForbidden},
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
		{Name: "OK", Method: http.MethodDelete, Path: path, Header: bearer(permKey("servers:write")), Setup: remove(nil), WantStatus: http.StatusNoContent},
		{
			Name: "NotASubuser", Method: http.MethodDelete, Path: path, Header: bearer(adminKey),
			Setup: remove(dbplane.Errorf(dbplane.CodeNotFound, "Subuser not found")), WantStatus: http.StatusNotFound,
		},
		{Name: "ReadOnlyKey", Method: http.MethodDelete, Path: path, Header: bearer(readOnlyKey), WantStatus: http.StatusForbidden},
		{Name: "UserKey", Method: http.MethodDelete, Path: path, Header: bearer(userKey), WantStatus: http.StatusForbidden},
	})
}
