package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

// serverRoutes registers the Pterodactyl servers the account owns or is
// a subuser of, and their databases. What a visitor may do on a server is
// ServerAccess with the database.* permissions, exactly as on the client
// API (/api/client/servers/{server}/databases):
//
//   - the list and Reveal need database.read; the password also needs
//     database.view_password;
//   - create, rotate and delete need database.create, .update, .delete;
//     their answer shows the password only with database.view_password.
//
// A server the account cannot reach at all is the 404 page.
func (h *handler) serverRoutes() {
	m := h.mux
	m.HandleFunc("GET /servers", h.authed(h.handleServers))
	m.HandleFunc("GET /servers/{server}", h.authed(h.handleServer))
	m.HandleFunc("POST /servers/{server}/databases", h.authed(h.handleServerDatabaseCreate))
	m.HandleFunc("POST /servers/{server}/databases/{database}/reveal", h.authed(h.handleServerDatabaseReveal))
	m.HandleFunc("POST /servers/{server}/databases/{database}/rotate", h.authed(h.handleServerDatabaseRotate))
	m.HandleFunc("POST /servers/{server}/databases/{database}/delete", h.authed(h.handleServerDatabaseDelete))
}

type serversView struct {
	Servers []serverRow
	Pager   pager
}

// serverRow is one server of the list and the visitor's relation to it.
type serverRow struct {
	*dbplane.Server
	Relation string
}

// handleServers lists the servers the account can reach, a page at a
// time.
func (h *handler) handleServers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := visitorFrom(ctx).account
	servers, pg, err := fetchPage(r, func(p dbplane.Page) ([]*dbplane.Server, int, error) {
		return h.svc.Servers.AccessibleServers(ctx, a, p)
	})
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	sv := serversView{Pager: pg}
	for _, s := range servers {
		row := serverRow{Server: s, Relation: "Subuser"}
		switch {
		case s.OwnerID == a.ID:
			row.Relation = "Owner"
		case a.Role == dbplane.RoleAdmin:
			row.Relation = "Operator"
		}
		sv.Servers = append(sv.Servers, row)
	}
	h.render(w, r, http.StatusOK, "servers", view{Title: "Servers", Nav: "servers", Data: sv})
}

type serverView struct {
	Server *dbplane.Server
	Access dbplane.ServerAccess
	// What the visitor may do, from Access (database.* permissions).
	CanRead, CanView, CanCreate, CanUpdate, CanDelete bool
	Databases                                         []serverDatabaseRow
	Pager                                             pager
	Engines                                           []dbplane.Engine
	// Shown is the database whose password this response shows (after
	// reveal, create or rotate), and Password the password: empty when the
	// visitor may not view passwords. Note says what happened.
	Shown    *serverDatabaseRow
	Password string
	URI      string // the connection string, with the password
	Note     string
	// Form holds what a failed create sent back, and its error.
	Name, Remote, Engine, Error string
}

// serverDatabaseRow is a database of a server with its host's public
// address.
type serverDatabaseRow struct {
	*dbplane.Database
	Address string
	Port    int
}

// serverAccess resolves {server} for the visitor: its identifier or UUID
// (as on the client API), and what the visitor may do there.
func (h *handler) serverAccess(r *http.Request) (*dbplane.Server, dbplane.ServerAccess, error) {
	ref := r.PathValue("server")
	s, access, err := h.svc.Servers.ServerAccess(r.Context(), visitorFrom(r.Context()).account, ref)
	if err != nil {
		return nil, access, err
	}
	if !strings.EqualFold(s.Identifier, ref) && !strings.EqualFold(s.ID, ref) {
		return nil, access, dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
	}
	return s, access, nil
}

// permissionError is the page for a missing database.* permission.
func permissionError(perm string) error {
	return dbplane.Errorf(dbplane.CodeForbidden, "You do not have the %s permission on this server.", perm)
}

func (h *handler) handleServer(w http.ResponseWriter, r *http.Request) {
	s, access, err := h.serverAccess(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.renderServer(w, r, http.StatusOK, s, access, serverView{})
}

func (h *handler) renderServer(w http.ResponseWriter, r *http.Request, status int, s *dbplane.Server, access dbplane.ServerAccess, sv serverView) {
	ctx := r.Context()
	sv.Server, sv.Access = s, access
	sv.CanRead = access.Can(dbplane.PermDatabaseRead)
	sv.CanView = sv.CanRead && access.Can(dbplane.PermDatabaseViewPassword)
	sv.CanCreate = access.Can(dbplane.PermDatabaseCreate)
	sv.CanUpdate = access.Can(dbplane.PermDatabaseUpdate)
	sv.CanDelete = access.Can(dbplane.PermDatabaseDelete)
	hosts := hostCache{h: h, r: r, seen: map[string]*dbplane.Host{}}
	if sv.CanRead {
		dbs, pg, err := fetchPage(r, func(p dbplane.Page) ([]*dbplane.Database, int, error) {
			return h.svc.ServerDatabases.ServerDatabases(ctx, s.ID, p)
		})
		if err != nil {
			h.serviceError(w, r, err)
			return
		}
		sv.Pager = pg
		for _, d := range dbs {
			row, err := hosts.row(d)
			if err != nil {
				h.serviceError(w, r, err)
				return
			}
			sv.Databases = append(sv.Databases, row)
		}
	}
	if sv.CanCreate {
		engines, err := h.svc.Databases.Engines(ctx)
		if err != nil {
			h.serviceError(w, r, err)
			return
		}
		sv.Engines = engines
	}
	if sv.Remote == "" {
		sv.Remote = "%"
	}
	h.render(w, r, status, "server", view{Title: s.Name, Nav: "servers", Data: sv})
}

// hostCache looks up each host a page names once.
type hostCache struct {
	h    *handler
	r    *http.Request
	seen map[string]*dbplane.Host
}

func (c hostCache) row(d *dbplane.Database) (serverDatabaseRow, error) {
	host, ok := c.seen[d.HostID]
	if !ok {
		var err error
		if host, err = c.h.svc.Hosts.Host(c.r.Context(), d.HostID); err != nil {
			return serverDatabaseRow{}, err
		}
		c.seen[d.HostID] = host
	}
	addr, port := host.PublicAddress()
	return serverDatabaseRow{Database: d, Address: addr, Port: port}, nil
}

// handleServerDatabaseCreate creates a database for the server, as the
// client API does (the name's minimum length is 3 there too), and shows
// its password once when the visitor may view passwords.
func (h *handler) handleServerDatabaseCreate(w http.ResponseWriter, r *http.Request) {
	s, access, err := h.serverAccess(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	if !access.Can(dbplane.PermDatabaseCreate) {
		h.serviceError(w, r, permissionError(dbplane.PermDatabaseCreate))
		return
	}
	name, remote, eng := strings.TrimSpace(r.PostForm.Get("name")), strings.TrimSpace(r.PostForm.Get("remote")), r.PostForm.Get("engine")
	c, err := h.svc.ServerDatabases.CreateServerDatabase(r.Context(), dbplane.ServerDatabaseInput{
		ServerID: s.ID, Name: name, Remote: remote, Engine: eng, MinNameLength: 3,
	})
	if err != nil {
		h.renderServer(w, r, statusOf(err), s, access, serverView{Name: name, Remote: remote, Engine: eng, Error: h.formError(r, err)})
		return
	}
	h.showCredentials(w, r, s, access, c, "Database "+c.Database.DBName+" created.")
}

// handleServerDatabaseReveal shows one database's password: database.read
// and database.view_password, as include=password on the client API.
func (h *handler) handleServerDatabaseReveal(w http.ResponseWriter, r *http.Request) {
	s, access, d, err := h.serverDatabase(r, dbplane.PermDatabaseRead)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	if !access.Can(dbplane.PermDatabaseViewPassword) {
		h.serviceError(w, r, permissionError(dbplane.PermDatabaseViewPassword))
		return
	}
	c, err := h.svc.ServerDatabases.DatabaseCredentials(r.Context(), d)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.showCredentials(w, r, s, access, c, "")
}

// handleServerDatabaseRotate sets a new password; the old one stops
// working now.
func (h *handler) handleServerDatabaseRotate(w http.ResponseWriter, r *http.Request) {
	s, access, d, err := h.serverDatabase(r, dbplane.PermDatabaseUpdate)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	c, err := h.svc.ServerDatabases.RotateServerDatabase(r.Context(), s.ID, strconv.FormatInt(d.NumericID, 10))
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.showCredentials(w, r, s, access, c, "The password of "+d.DBName+" is changed; the old one no longer works.")
}

// handleServerDatabaseDelete drops the database and its user once the
// visitor typed the database's name.
func (h *handler) handleServerDatabaseDelete(w http.ResponseWriter, r *http.Request) {
	s, access, d, err := h.serverDatabase(r, dbplane.PermDatabaseDelete)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	if r.PostForm.Get("confirm") != d.DBName {
		h.renderServer(w, r, http.StatusUnprocessableEntity, s, access, serverView{
			Error: "Type the database's name, " + d.DBName + ", to delete it.",
		})
		return
	}
	if err := h.svc.ServerDatabases.DeleteServerDatabase(r.Context(), s.ID, strconv.FormatInt(d.NumericID, 10)); err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.renderServer(w, r, http.StatusOK, s, access, serverView{Note: "Database " + d.DBName + " deleted."})
}

// serverDatabase resolves {server} for a visitor who holds perm there,
// then {database} (its numeric id) among the server's databases.
func (h *handler) serverDatabase(r *http.Request, perm string) (*dbplane.Server, dbplane.ServerAccess, *dbplane.Database, error) {
	s, access, err := h.serverAccess(r)
	if err != nil {
		return nil, access, nil, err
	}
	if !access.Can(perm) {
		return nil, access, nil, permissionError(perm)
	}
	ref := r.PathValue("database")
	if n, err := strconv.ParseInt(ref, 10, 64); err != nil || n < 1 {
		return nil, access, nil, dbplane.ErrDatabaseNotFound
	}
	d, err := h.svc.ServerDatabases.ServerDatabase(r.Context(), s.ID, ref)
	if err != nil {
		return nil, access, nil, err
	}
	return s, access, d, nil
}

// showCredentials renders the server page with c's database on top: its
// password only when the visitor may view passwords.
func (h *handler) showCredentials(w http.ResponseWriter, r *http.Request, s *dbplane.Server, access dbplane.ServerAccess, c *dbplane.Credentials, note string) {
	sv := serverView{Note: note}
	if c.Database != nil {
		row := serverDatabaseRow{Database: c.Database}
		if c.Host != nil {
			row.Address, row.Port = c.Host.PublicAddress()
		}
		sv.Shown = &row
	}
	// As the client API's create and rotate answers: the password with
	// database.view_password (reveal checked database.read as well).
	if access.Can(dbplane.PermDatabaseViewPassword) {
		sv.Password, sv.URI = string(c.Password), string(c.ConnectionString)
	}
	h.renderServer(w, r, http.StatusOK, s, access, sv)
}
