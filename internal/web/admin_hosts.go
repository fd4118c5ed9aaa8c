package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

// adminHostRoutes registers the database host pages. Creating, saving and
// testing call the HostService the admin API calls; its check (connection,
// version, privileges) is the one place that decides whether a host is fit.
func (h *handler) adminHostRoutes() {
	m, a := h.mux, h.adminOnly
	m.HandleFunc("GET /admin/hosts", a(h.handleAdminHosts))
	m.HandleFunc("GET /admin/hosts/new", a(h.handleAdminHostNew))
	m.HandleFunc("POST /admin/hosts", a(h.handleAdminHostCreate))
	m.HandleFunc("POST /admin/hosts/test", a(h.handleAdminHostTestNew))
	m.HandleFunc("GET /admin/hosts/{id}", a(h.handleAdminHost))
	m.HandleFunc("POST /admin/hosts/{id}", a(h.handleAdminHostUpdate))
	m.HandleFunc("POST /admin/hosts/{id}/test", a(h.handleAdminHostTest))
	m.HandleFunc("POST /admin/hosts/{id}/enable", a(h.handleAdminHostEnabled(true)))
	m.HandleFunc("POST /admin/hosts/{id}/disable", a(h.handleAdminHostEnabled(false)))
	m.HandleFunc("POST /admin/hosts/{id}/delete", a(h.handleAdminHostDelete))
	m.HandleFunc("POST /admin/hosts/{id}/retire", a(h.handleAdminHostRetire))
}

type adminHostsView struct {
	adminFrame
	Hosts []*dbplane.Host
	Nodes map[string]string // node id → name
	// Health is what this replica last saw of each host, by host id.
	Health map[string]dbplane.HostHealth
}

// adminHostForm is what the host form holds, as typed, to show it again after
// an error. The password is never part of it: it is never shown back.
type adminHostForm struct {
	Name, Engine, Hostname, Port, Username, Database string
	PublicHostname, PublicPort, TLS, MaxDatabases    string
	TLSCA, TLSServerName, PoolSize                   string
	NodeIDs                                          []string
}

// Linked reports whether the form links the host to the node.
func (f adminHostForm) Linked(nodeID string) bool { return slices.Contains(f.NodeIDs, nodeID) }

// adminFormNodes reads the node multi-select: every non-empty value.
func adminFormNodes(r *http.Request) []string {
	out := []string{}
	for _, v := range r.PostForm["node"] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

type adminHostView struct {
	adminFrame
	Host     *dbplane.Host // nil on the create page
	Form     adminHostForm
	Engines  []dbplane.Engine
	TLSModes []dbplane.TLSMode
	Nodes    []*dbplane.Node
	// Test is the outcome of Test connection, or of a failed save's check.
	Test *dbplane.HostTest
	// Error is why the form was refused; DeleteError why the host stays;
	// RetireError why it was not retired.
	Error, DeleteError, RetireError string
	// Orphans is what a retired host left behind (with the abandoned
	// changes right after the retire).
	Orphans *dbplane.OrphanReport
}

var adminTLSModes = []dbplane.TLSMode{dbplane.TLSDisable, dbplane.TLSPrefer, dbplane.TLSRequire, dbplane.TLSVerifyFull}

// adminHostFlash are the notes shown after a redirect (?m=...).
var adminHostFlash = map[string]string{
	"created":  "Host added: its connection and privileges were checked.",
	"saved":    "Host saved.",
	"enabled":  "Host enabled: new databases may be placed on it.",
	"disabled": "Host disabled: no new databases are placed on it; existing ones keep working.",
	"deleted":  "Host deleted.",
}

// handleAdminHostRetire retires a dead host once the operator typed its
// name, and shows the orphan report.
func (h *handler) handleAdminHostRetire(w http.ResponseWriter, r *http.Request) {
	host, ok := loadByID(h, w, r, h.svc.Hosts.Host)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != host.Name {
		err := dbplane.FieldErrorf("confirm", "Type the host's name, %s, exactly to retire it.", host.Name)
		h.renderHostForm(w, r, statusOf(err), host, adminHostView{Form: adminHostFormOf(host), RetireError: h.formError(r, err)})
		return
	}
	rep, err := h.svc.Hosts.RetireHost(r.Context(), host.ID)
	if err != nil {
		h.renderHostForm(w, r, statusOf(err), host, adminHostView{Form: adminHostFormOf(host), RetireError: h.formError(r, err)})
		return
	}
	h.renderHostForm(w, r, http.StatusOK, rep.Host, adminHostView{Form: adminHostFormOf(rep.Host), Orphans: rep})
}

func (h *handler) handleAdminHosts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	hosts, err := h.svc.Hosts.ListHosts(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	nodes, err := h.svc.Servers.ListNodes(ctx)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin-hosts", view{Title: "Hosts", Nav: "admin", Flash: flashOf(r, adminHostFlash),
		Data: adminHostsView{adminFrame: adminNav("/admin/hosts"), Hosts: hosts, Nodes: adminNodeNames(nodes), Health: h.hostHealth()}})
}

func (h *handler) handleAdminHostNew(w http.ResponseWriter, r *http.Request) {
	h.renderHostForm(w, r, http.StatusOK, nil, adminHostView{Form: adminHostForm{Engine: string(dbplane.EngineMariaDB), TLS: string(dbplane.TLSPrefer)}})
}

func (h *handler) handleAdminHostCreate(w http.ResponseWriter, r *http.Request) {
	f := readAdminHostForm(r)
	in, err := f.input(r, true)
	if err == nil {
		var host *dbplane.Host
		if host, err = h.svc.Hosts.CreateHost(r.Context(), in); err == nil {
			http.Redirect(w, r, "/admin/hosts/"+host.ID+"?m=created", http.StatusSeeOther)
			return
		}
	}
	h.renderHostForm(w, r, statusOf(err), nil, h.hostFormError(r, f, err))
}

// handleAdminHostTestNew checks the create form's settings without saving.
func (h *handler) handleAdminHostTestNew(w http.ResponseWriter, r *http.Request) {
	h.testHostForm(w, r, nil)
}

func (h *handler) handleAdminHost(w http.ResponseWriter, r *http.Request) {
	host, ok := loadByID(h, w, r, h.svc.Hosts.Host)
	if !ok {
		return
	}
	h.renderHostForm(w, r, http.StatusOK, host, adminHostView{Form: adminHostFormOf(host)})
}

func (h *handler) handleAdminHostUpdate(w http.ResponseWriter, r *http.Request) {
	host, ok := loadByID(h, w, r, h.svc.Hosts.Host)
	if !ok {
		return
	}
	f := readAdminHostForm(r)
	in, err := f.input(r, false)
	if err == nil {
		if _, err = h.svc.Hosts.UpdateHost(r.Context(), host.ID, in); err == nil {
			http.Redirect(w, r, "/admin/hosts/"+host.ID+"?m=saved", http.StatusSeeOther)
			return
		}
	}
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		h.notFound(w, r)
		return
	}
	h.renderHostForm(w, r, statusOf(err), host, h.hostFormError(r, f, err))
}

// handleAdminHostTest checks the edit form's settings over the stored host
// (an empty password field keeps the stored password) without saving.
func (h *handler) handleAdminHostTest(w http.ResponseWriter, r *http.Request) {
	host, ok := loadByID(h, w, r, h.svc.Hosts.Host)
	if !ok {
		return
	}
	h.testHostForm(w, r, host)
}

// testHostForm checks the form's settings without saving and shows the
// outcome on the form: over the stored host, or a new one when host is
// nil. A stored host gone meanwhile is the 404 page.
func (h *handler) testHostForm(w http.ResponseWriter, r *http.Request, host *dbplane.Host) {
	id := ""
	if host != nil {
		id = host.ID
	}
	f := readAdminHostForm(r)
	in, err := f.input(r, host == nil)
	if err == nil {
		var t dbplane.HostTest
		if t, err = h.svc.Hosts.TestHostSettings(r.Context(), id, in); err == nil {
			h.renderHostForm(w, r, http.StatusOK, host, adminHostView{Form: f, Test: &t})
			return
		}
	}
	if host != nil && dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		h.notFound(w, r)
		return
	}
	h.renderHostForm(w, r, statusOf(err), host, h.hostFormError(r, f, err))
}

func (h *handler) handleAdminHostEnabled(enabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, err := h.svc.Hosts.UpdateHost(r.Context(), r.PathValue("id"), dbplane.HostInput{Enabled: &enabled})
		if err != nil {
			h.serviceError(w, r, err)
			return
		}
		m := enabledNote(enabled)
		http.Redirect(w, r, "/admin/hosts/"+host.ID+"?m="+m, http.StatusSeeOther)
	}
}

// handleAdminHostDelete deletes a host. The service refuses while
// databases (or engine changes) remain on it; the page says so and links
// to the host's databases.
func (h *handler) handleAdminHostDelete(w http.ResponseWriter, r *http.Request) {
	host, ok := loadByID(h, w, r, h.svc.Hosts.Host)
	if !ok {
		return
	}
	if err := h.svc.Hosts.DeleteHost(r.Context(), host.ID); err != nil {
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			h.notFound(w, r)
			return
		}
		h.renderHostForm(w, r, statusOf(err), host, adminHostView{Form: adminHostFormOf(host), DeleteError: h.formError(r, err)})
		return
	}
	http.Redirect(w, r, "/admin/hosts?m=deleted", http.StatusSeeOther)
}

// hostFormError is the form view after err: the message, and the whole
// check outcome (with the grants to run) when the check failed.
func (h *handler) hostFormError(r *http.Request, f adminHostForm, err error) adminHostView {
	v := adminHostView{Form: f, Error: h.formError(r, err)}
	var failed *dbplane.HostCheckFailed
	if errors.As(err, &failed) {
		v.Test, v.Error = &failed.Test, ""
	}
	return v
}

// renderHostForm shows the create page (host nil) or a host's page.
func (h *handler) renderHostForm(w http.ResponseWriter, r *http.Request, status int, host *dbplane.Host, v adminHostView) {
	nodes, err := h.svc.Servers.ListNodes(r.Context())
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	v.adminFrame, v.Host, v.Nodes, v.Engines, v.TLSModes = adminNav("/admin/hosts"), host, nodes, dbplane.Engines, adminTLSModes
	if host != nil && host.RetiredAt != nil && v.Orphans == nil {
		if v.Orphans, err = h.svc.Hosts.HostOrphans(r.Context(), host.ID); err != nil {
			h.serviceError(w, r, err)
			return
		}
	}
	title := "New host"
	if host != nil {
		title = "Host " + host.Name
		v.Form.Engine = string(host.Engine) // not a field of the edit form
	}
	h.render(w, r, status, "admin-host", view{Title: title, Nav: "admin", Flash: flashOf(r, adminHostFlash), Data: v})
}

func readAdminHostForm(r *http.Request) adminHostForm {
	return adminHostForm{
		Name: adminField(r, "name"), Engine: adminField(r, "engine"), Hostname: adminField(r, "hostname"),
		Port: adminField(r, "port"), Username: adminField(r, "username"), Database: adminField(r, "database"),
		PublicHostname: adminField(r, "public_hostname"), PublicPort: adminField(r, "public_port"),
		TLS: adminField(r, "tls"), MaxDatabases: adminField(r, "max_databases"), NodeIDs: adminFormNodes(r),
		TLSCA: adminField(r, "tls_ca"), TLSServerName: adminField(r, "tls_server_name"), PoolSize: adminField(r, "pool_size"),
	}
}

func adminHostFormOf(host *dbplane.Host) adminHostForm {
	f := adminHostForm{
		Name: host.Name, Engine: string(host.Engine), Hostname: host.Hostname, Port: strconv.Itoa(host.Port),
		Username: host.Username, Database: host.Database, PublicHostname: host.PublicHostname,
		TLS: string(host.TLS), NodeIDs: host.NodeIDs, TLSCA: host.TLSCA, TLSServerName: host.TLSServerName,
	}
	if host.PublicPort != 0 {
		f.PublicPort = strconv.Itoa(host.PublicPort)
	}
	if host.MaxDatabases != nil {
		f.MaxDatabases = strconv.Itoa(*host.MaxDatabases)
	}
	if host.PoolSize != 0 {
		f.PoolSize = strconv.Itoa(host.PoolSize)
	}
	return f
}

// input turns the form into a HostInput. Every field is given, so a save
// writes what the form shows; the engine only on create (it cannot
// change), and the password only when typed (empty keeps the stored one).
// An empty max databases is unlimited, an empty port the engine's default,
// an empty pool size 0 (sized from the server).
func (f adminHostForm) input(r *http.Request, create bool) (dbplane.HostInput, error) {
	in := dbplane.HostInput{
		Name: &f.Name, Hostname: &f.Hostname, Username: &f.Username, Database: &f.Database,
		PublicHostname: &f.PublicHostname, TLS: &f.TLS, NodeIDs: &f.NodeIDs, MaxDatabasesSet: true,
		TLSCA: &f.TLSCA, TLSServerName: &f.TLSServerName,
	}
	if create {
		in.Engine = &f.Engine
	}
	if pw := r.PostForm.Get("password"); pw != "" {
		s := dbplane.Secret(pw)
		in.Password = &s
	}
	var err error
	if in.Port, err = adminInt(r, "port", "port"); err != nil {
		return in, err
	}
	if in.PublicPort, err = adminInt(r, "publicPort", "public_port"); err != nil {
		return in, err
	}
	if in.PublicPort == nil {
		zero := 0
		in.PublicPort = &zero
	}
	if in.MaxDatabases, err = adminInt(r, "maxDatabases", "max_databases"); err != nil {
		return in, err
	}
	if in.PoolSize, err = adminInt(r, "poolSize", "pool_size"); err != nil {
		return in, err
	}
	if in.PoolSize == nil {
		zero := 0
		in.PoolSize = &zero
	}
	return in, nil
}
