package ptero

import (
	"net/http"
	"slices"
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
	username, _, _ := strings.Cut(a.Email, "@")
	first, last, _ := strings.Cut(a.Name, " ")
	return userJSON{Object: "user", Attributes: userAttributes{
		ID: a.NumericID, UUID: a.ID, Username: strings.ToLower(username), Email: a.Email,
		FirstName: first, LastName: strings.TrimSpace(last), Language: "en",
		RootAdmin: a.Role == dbplane.RoleAdmin,
		CreatedAt: formatTime(a.CreatedAt), UpdatedAt: formatTime(a.UpdatedAt),
	}}
}

// allAccounts returns every account by numeric id, as the panel lists
// users.
func (h *handler) allAccounts(r *http.Request) ([]*dbplane.Account, error) {
	accounts, err := h.accounts.ListAccounts(r.Context())
	if err != nil {
		return nil, err
	}
	accounts = slices.DeleteFunc(slices.Clone(accounts), func(a *dbplane.Account) bool { return a == nil })
	slices.SortStableFunc(accounts, func(a, b *dbplane.Account) int { return int(a.NumericID - b.NumericID) })
	return accounts, nil
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
	all, err := h.allAccounts(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var matched []userJSON
	for _, a := range all {
		u := toUserJSON(a)
		if f.match(map[string]string{"email": a.Email, "uuid": a.ID, "username": u.Attributes.Username}) {
			matched = append(matched, u)
		}
	}
	sortBy(matched, order, func(u userJSON) map[string]any {
		return map[string]any{"id": u.Attributes.ID, "uuid": u.Attributes.UUID}
	})
	list, total := pageOf(matched, page)
	out := listJSON[userJSON]{Object: "list", Data: append(make([]userJSON, 0, len(list)), list...)}
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
		all, err := h.allAccounts(r)
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		for _, a := range all {
			if itoa(a.NumericID) == n {
				found = a
			}
		}
	}
	if found == nil {
		h.writeError(w, r, errNotFound)
		return
	}
	h.writeJSON(w, r, http.StatusOK, toUserJSON(found))
}

// handleAppExternal answers GET /users/external/{external_id} and
// /servers/external/{external_id} as the panel does for an external id
// that nothing has: 404 NotFoundHttpException. No account or server of
// dbplane has an external id (the objects show external_id null), so no
// id matches; the routes exist so that the key's permission, the methods
// (405) and the error are the panel's.
func (h *handler) handleAppExternal(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, errNotFound)
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
