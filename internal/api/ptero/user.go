package ptero

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
)

// userJSON is the application API's user object (Pterodactyl 1.11's
// UserTransformer): dbplane's accounts. Accounts have one name and no
// username; docs/api-pterodactyl.md says how the fields are filled.
type userJSON struct {
	Object     string         `json:"object"`
	Attributes userAttributes `json:"attributes"`
}

type userAttributes struct {
	ID         int64   `json:"id"`
	ExternalID *string `json:"external_id"`
	UUID       string  `json:"uuid"`
	Username   string  `json:"username"`
	Email      string  `json:"email"`
	FirstName  string  `json:"first_name"`
	LastName   string  `json:"last_name"`
	Language   string  `json:"language"`
	RootAdmin  bool    `json:"root_admin"`
	TwoFactor  bool    `json:"2fa"`
	CreatedAt  string  `json:"created_at"`
	UpdatedAt  string  `json:"updated_at"`
}

// toUserJSON renders an account as a panel user: username is the email's
// local part, first_name and last_name the account name split at its
// first space, language "en", root_admin for the admin role.
func toUserJSON(a *dbplane.Account) userJSON {
	first, last, _ := strings.Cut(a.Name, " ")
	return userJSON{Object: "user", Attributes: userAttributes{
		ID: a.NumericID, ExternalID: a.ExternalID, UUID: a.ID, Username: username(a), Email: a.Email,
		FirstName: first, LastName: strings.TrimSpace(last), Language: "en",
		RootAdmin: a.Role == dbplane.RoleAdmin,
		CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt),
	}}
}

// username is the account's panel username: its email's local part, in
// lower case.
func username(a *dbplane.Account) string {
	local, _, _ := strings.Cut(a.Email, "@")
	return strings.ToLower(local)
}

// userQuery is the store's filter for a users list: the panel's sort
// (numeric ids and UUIDs are unique, so the first key decides), its
// exact filter (external_id, on the store's index) and its substring
// filters, which the store applies with Match while it reads.
func userQuery(f filters, s sorts, p dbplane.Page) dbplane.AccountFilter {
	q := dbplane.AccountFilter{Order: dbplane.AccountsByNumericID, Page: p}
	byUUID, desc := s.first()
	if byUUID {
		q.Order = dbplane.AccountsByID
	}
	q.Desc = desc
	q.ExternalIDs, q.Match = storeFilters(f, func(a *dbplane.Account) map[string]string {
		return map[string]string{"email": a.Email, "uuid": a.ID, "username": username(a)}
	})
	return q
}

// account returns the account a server or database names; it exists, so
// a missing one is an internal error, never a 404 for the request.
func (h *handler) account(r *http.Request, id string) (*dbplane.Account, error) {
	a, err := h.accounts.Account(r.Context(), id)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return nil, errNoResult
	}
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errNoResult
	}
	return a, nil
}

// handleAppUserList lists accounts as panel users, a page at a time, with
// the panel's filters (email, uuid, username, external_id) and sorts (id,
// uuid). Libraries
// call it to check an application key.
func (h *handler) handleAppUserList(w http.ResponseWriter, r *http.Request) {
	page, err := parsePage(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	f, err := parseFilters(r, userFilters)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	order, err := parseSorts(r, userSorts)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	list, total, err := h.accounts.FindAccounts(r.Context(), userQuery(f, order, page))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := listJSON[userJSON]{Object: "list", Data: make([]userJSON, 0, len(list))}
	for _, a := range list {
		if a != nil {
			out.Data = append(out.Data, toUserJSON(a))
		}
	}
	out.Meta = h.pagination(r, page, len(out.Data), total)
	h.writeJSON(w, r, http.StatusOK, out)
}

// handleAppUserGet returns one account by its numeric id (the panel's
// user id) or its UUID, in any case.
func (h *handler) handleAppUserGet(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("user")
	var found *dbplane.Account
	switch {
	case isUUID(ref):
		a, err := h.accounts.Account(r.Context(), strings.ToLower(ref))
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		found = a
	default:
		n, err := numericRef(ref)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		id, _ := strconv.ParseInt(n, 10, 64) // numericRef's: a number from 1
		found, err = h.accountWhere(r, dbplane.AccountFilter{NumericID: id})
		if err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	if found == nil {
		h.writeError(w, r, errNotFound)
		return
	}
	h.writeJSON(w, r, http.StatusOK, toUserJSON(found))
}

// handleAppUserExternal answers GET /users/external/{external_id}: the
// account with that external id (exactly), as GET /users/{user}; 404
// NotFoundHttpException when none has it, as in the panel.
func (h *handler) handleAppUserExternal(w http.ResponseWriter, r *http.Request) {
	a, err := h.accountWhere(r, dbplane.AccountFilter{ExternalIDs: []string{r.PathValue("external_id")}})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if a == nil {
		h.writeError(w, r, errNotFound)
		return
	}
	h.writeJSON(w, r, http.StatusOK, toUserJSON(a))
}

// accountWhere returns the one account f selects by a unique field, or
// nil when none has it.
func (h *handler) accountWhere(r *http.Request, f dbplane.AccountFilter) (*dbplane.Account, error) {
	list, _, err := h.accounts.FindAccounts(r.Context(), f)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// handleAppServerExternal answers GET /servers/external/{external_id}:
// the server with that external id (exactly), rendered with the includes
// asked for as GET /servers/{server}; 404 when none has it.
func (h *handler) handleAppServerExternal(w http.ResponseWriter, r *http.Request) {
	list, _, err := h.servers.FindServers(r.Context(), dbplane.ServerFilter{ExternalIDs: []string{r.PathValue("external_id")}})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if len(list) == 0 {
		h.writeError(w, r, errNotFound)
		return
	}
	out, err := h.appServerView(r).render(list[0])
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeJSON(w, r, http.StatusOK, out)
}

// clientAccountJSON is the client API's account object (the panel's
// client AccountTransformer), for GET /api/client/account: libraries call
// it to check a client key.
type clientAccountJSON struct {
	Object     string                  `json:"object"`
	Attributes clientAccountAttributes `json:"attributes"`
}

type clientAccountAttributes struct {
	ID        int64  `json:"id"`
	Admin     bool   `json:"admin"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Language  string `json:"language"`
}

// handleClientAccount returns the key's account, named as on the
// application API's users.
func (h *handler) handleClientAccount(w http.ResponseWriter, r *http.Request) {
	a := dbplane.PrincipalFrom(r.Context()).Account
	u := toUserJSON(a).Attributes
	h.writeJSON(w, r, http.StatusOK, clientAccountJSON{Object: "user", Attributes: clientAccountAttributes{
		ID: u.ID, Admin: u.RootAdmin, Username: u.Username, Email: u.Email,
		FirstName: u.FirstName, LastName: u.LastName, Language: u.Language,
	}})
}
