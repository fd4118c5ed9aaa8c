package admin

import (
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// hostJSON is a database host as document 002 shows it, plus dbplane's
// fields. It never carries the password.
type hostJSON struct {
	ID             string   `json:"id"`
	NumericID      int64    `json:"numericId"`
	Name           string   `json:"name"`
	Engine         string   `json:"engine"`
	Hostname       string   `json:"hostname"`
	Port           int      `json:"port"`
	Username       string   `json:"username"`
	Database       string   `json:"database"`
	PublicHostname string   `json:"publicHostname"`
	PublicPort     int      `json:"publicPort"`
	TLS            string   `json:"tls"`
	TLSCA          *string  `json:"tlsCA"`         // PEM; null for the system's CAs
	TLSServerName  *string  `json:"tlsServerName"` // null for the hostname
	NodeID         *string  `json:"nodeId"`        // the first of nodeIds, null when none (kept for older clients)
	NodeIDs        []string `json:"nodeIds"`       // every linked node's UUID, sorted; [] when none
	MaxDatabases   *int     `json:"maxDatabases"`  // null = unlimited
	PoolSize       int      `json:"poolSize"`      // engine connections per replica; 0 = sized from the server
	DatabaseCount  int      `json:"databaseCount"`
	Enabled        bool     `json:"enabled"`
	RetiredAt      *string  `json:"retiredAt"` // null unless retired
	CreatedAt      string   `json:"createdAt"`
	UpdatedAt      string   `json:"updatedAt"`
}

// hostRequest is the create and update body: document 002's fields plus
// engine, publicHostname, publicPort, tls, tlsCA, tlsServerName, poolSize
// and enabled. Every field tells
// omitted from null.
type hostRequest struct {
	Name           request.Optional[string]         `json:"name"`
	Engine         request.Optional[string]         `json:"engine"`
	Hostname       request.Optional[string]         `json:"hostname"`
	Port           request.Optional[int]            `json:"port"`
	Username       request.Optional[string]         `json:"username"`
	Password       request.Optional[dbplane.Secret] `json:"password"`
	Database       request.Optional[string]         `json:"database"`
	PublicHostname request.Optional[string]         `json:"publicHostname"`
	PublicPort     request.Optional[int]            `json:"publicPort"`
	TLS            request.Optional[string]         `json:"tls"`
	TLSCA          request.Optional[string]         `json:"tlsCA"`
	TLSServerName  request.Optional[string]         `json:"tlsServerName"`
	NodeID         request.Optional[string]         `json:"nodeId"`  // one node: the links become exactly it
	NodeIDs        request.Optional[[]string]       `json:"nodeIds"` // every linked node
	MaxDatabases   request.Optional[int]            `json:"maxDatabases"`
	PoolSize       request.Optional[int]            `json:"poolSize"`
	Enabled        request.Optional[bool]           `json:"enabled"`
}

func toHostJSON(h *dbplane.Host) hostJSON {
	pubHost, pubPort := h.PublicAddress()
	out := hostJSON{
		ID:             h.ID,
		NumericID:      h.NumericID,
		Name:           h.Name,
		Engine:         string(h.Engine),
		Hostname:       h.Hostname,
		Port:           h.Port,
		Username:       h.Username,
		Database:       h.Database,
		PublicHostname: pubHost,
		PublicPort:     pubPort,
		TLS:            string(h.TLS),
		NodeIDs:        append([]string{}, h.NodeIDs...),
		MaxDatabases:   h.MaxDatabases,
		PoolSize:       h.PoolSize,
		DatabaseCount:  h.DatabaseCount,
		Enabled:        h.Enabled,
		CreatedAt:      response.Time(h.CreatedAt),
		UpdatedAt:      response.Time(h.UpdatedAt),
	}
	if len(h.NodeIDs) > 0 {
		id := h.NodeIDs[0]
		out.NodeID = &id
	}
	if h.TLSCA != "" {
		ca := h.TLSCA
		out.TLSCA = &ca
	}
	if h.TLSServerName != "" {
		name := h.TLSServerName
		out.TLSServerName = &name
	}
	if h.RetiredAt != nil {
		t := response.Time(*h.RetiredAt)
		out.RetiredAt = &t
	}
	return out
}

// input turns the body into a HostInput. null clears the fields that have
// an empty state (database, publicHostname, publicPort, tlsCA,
// tlsServerName, nodeId, nodeIds, poolSize, and maxDatabases, where null
// is unlimited); any other field given as null is a 422. nodeId sets the
// links to that one node; with nodeIds too it is a 422.
func (b *hostRequest) input() (dbplane.HostInput, error) {
	for _, f := range []struct {
		name string
		null bool
	}{
		{"name", b.Name.Null}, {"engine", b.Engine.Null}, {"hostname", b.Hostname.Null},
		{"port", b.Port.Null}, {"username", b.Username.Null}, {"password", b.Password.Null},
		{"tls", b.TLS.Null}, {"enabled", b.Enabled.Null},
	} {
		if f.null {
			return dbplane.HostInput{}, notNull(f.name)
		}
	}
	if b.NodeID.Set && b.NodeIDs.Set {
		return dbplane.HostInput{}, dbplane.FieldErrorf("nodeIds", "Give nodeIds or nodeId, not both.")
	}
	nodes := b.NodeIDs.Ptr()
	if b.NodeIDs.Null {
		nodes = &[]string{}
	}
	if b.NodeID.Set {
		nodes = &[]string{}
		if b.NodeID.Value != "" {
			nodes = &[]string{b.NodeID.Value}
		}
	}
	return dbplane.HostInput{
		Name:            b.Name.Ptr(),
		Engine:          b.Engine.Ptr(),
		Hostname:        b.Hostname.Ptr(),
		Port:            b.Port.Ptr(),
		Username:        b.Username.Ptr(),
		Password:        b.Password.Ptr(),
		Database:        nullIsZero(b.Database),
		PublicHostname:  nullIsZero(b.PublicHostname),
		PublicPort:      nullIsZero(b.PublicPort), // 0 = the admin port
		TLS:             b.TLS.Ptr(),
		TLSCA:           nullIsZero(b.TLSCA),
		TLSServerName:   nullIsZero(b.TLSServerName),
		NodeIDs:         nodes,
		MaxDatabasesSet: b.MaxDatabases.Set,
		MaxDatabases:    b.MaxDatabases.Ptr(),   // null = unlimited
		PoolSize:        nullIsZero(b.PoolSize), // null = 0, sized from the server
		Enabled:         b.Enabled.Ptr(),
	}, nil
}

// nullIsZero returns nil when the field was omitted, a pointer to the zero
// value when it was null, and the value otherwise.
func nullIsZero[T any](o request.Optional[T]) *T {
	if o.Null {
		return new(T)
	}
	return o.Ptr()
}

// handleHostList lists hosts alphabetically by name, with live counts.
func (h *handler) handleHostList(w http.ResponseWriter, r *http.Request) {
	hosts, err := h.hosts.ListHosts(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]hostJSON, 0, len(hosts))
	for _, host := range hosts {
		out = append(out, toHostJSON(host))
	}
	h.writeData(w, r, http.StatusOK, out)
}

// decodeHost reads the body of a create or update.
func decodeHost(w http.ResponseWriter, r *http.Request) (dbplane.HostInput, error) {
	var body hostRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		return dbplane.HostInput{}, err
	}
	return body.input()
}

// handleHostGet returns one host by UUID or numeric id.
func (h *handler) handleHostGet(w http.ResponseWriter, r *http.Request) {
	host, err := h.hosts.Host(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeHost(w, r, http.StatusOK, host)
}

// handleHostCreate adds a host. The service tests the connection and the
// privileges first; a failure is a 422 with the reason.
func (h *handler) handleHostCreate(w http.ResponseWriter, r *http.Request) {
	in, err := decodeHost(w, r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	host, err := h.hosts.CreateHost(r.Context(), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, host.ID)
	h.writeHost(w, r, http.StatusCreated, host)
}

// handleHostUpdate changes the fields given; an omitted password keeps the
// old one.
func (h *handler) handleHostUpdate(w http.ResponseWriter, r *http.Request) {
	in, err := decodeHost(w, r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	host, err := h.hosts.UpdateHost(r.Context(), r.PathValue("id"), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeHost(w, r, http.StatusOK, host)
}

// handleHostDelete removes a host that has no databases; otherwise 409
// with the count.
func (h *handler) handleHostDelete(w http.ResponseWriter, r *http.Request) {
	if err := h.hosts.DeleteHost(r.Context(), r.PathValue("id")); err != nil {
		h.writeError(w, r, err)
		return
	}
	response.NoContent(w)
}

type hostTestJSON struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	// Grants, when the host's user lacks privileges, are the statements
	// that give it what dbplane needs (dbplane.AdminGrants); omitted
	// otherwise.
	Grants []string `json:"grants,omitempty"`
}

// handleHostTest checks connectivity, version and privileges. A failed
// check is a 200 with success false; only an unknown host is an error.
func (h *handler) handleHostTest(w http.ResponseWriter, r *http.Request) {
	res, err := h.hosts.TestHost(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeData(w, r, http.StatusOK, hostTestJSON{Success: res.Success, Message: res.Message, Grants: res.Grants})
}

func (h *handler) writeHost(w http.ResponseWriter, r *http.Request, status int, host *dbplane.Host) {
	if host == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toHostJSON(host))
}
