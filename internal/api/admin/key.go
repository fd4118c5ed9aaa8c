package admin

import (
	"net/http"
	"net/netip"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// keyJSON is a key's metadata. It never carries the key or its hash.
type keyJSON struct {
	ID          string   `json:"id"`
	AccountID   string   `json:"accountId"`
	Name        string   `json:"name"`
	Prefix      string   `json:"prefix"`
	Kind        string   `json:"kind"`
	Permissions []string `json:"permissions"`
	Disabled    bool     `json:"disabled"`
	// DisabledByOperator: an operator disabled the key; its owner cannot
	// enable or delete it from the dashboard.
	DisabledByOperator bool `json:"disabledByOperator"`
	// AllowedIPs are the addresses and CIDR ranges the key may be used
	// from; empty: anywhere.
	AllowedIPs []string `json:"allowedIps"`
	ExpiresAt  *string  `json:"expiresAt"`
	CreatedAt  string   `json:"createdAt"`
	LastUsedAt *string  `json:"lastUsedAt"`
}

// createdKeyJSON is the create response: the only place the key is shown.
type createdKeyJSON struct {
	ID  string `json:"id"`
	Key string `json:"key"`
	keyJSON
}

// keyCreateRequest mints a user key. expiresAt is RFC 3339; omitted or
// null, the key does not expire. format is dbplane (the default),
// pterodactyl (ptlc_ + 43 characters) or pelican (pacc_ + 43).
type keyCreateRequest struct {
	Name       string                     `json:"name"`
	ExpiresAt  request.Optional[string]   `json:"expiresAt"`
	Format     string                     `json:"format"`
	AllowedIPs request.Optional[[]string] `json:"allowedIps"`
}

// keyUpdateRequest enables or disables a key, or changes the addresses it
// may be used from; at least one of the two.
type keyUpdateRequest struct {
	Disabled   request.Optional[bool]     `json:"disabled"`
	AllowedIPs request.Optional[[]string] `json:"allowedIps"`
}

// keyUpdate is a read keyUpdateRequest: nil fields are left alone.
type keyUpdate struct {
	disabled   *bool
	allowedIPs *[]netip.Prefix
}

// enables reports whether u can widen what the key opens: an enable, or
// a change of its addresses (which may lift a limit).
func (u keyUpdate) enables() bool {
	return (u.disabled != nil && !*u.disabled) || u.allowedIPs != nil
}

// parseAllowedIPs reads an optional allowedIps; omitted or null is none
// (anywhere).
func parseAllowedIPs(o request.Optional[[]string]) ([]netip.Prefix, error) {
	if !o.Set || o.Null {
		return nil, nil
	}
	return dbplane.ParseAllowedIPs("allowedIps", o.Value)
}

func toKeyJSON(k *dbplane.APIKey) keyJSON {
	perms := make([]string, 0, len(k.Permissions))
	for _, p := range k.Permissions {
		perms = append(perms, string(p))
	}
	return keyJSON{
		ID:                 k.ID,
		AccountID:          k.AccountID,
		Name:               k.Name,
		Prefix:             k.Prefix,
		Kind:               string(k.Kind),
		Permissions:        perms,
		Disabled:           k.Disabled,
		DisabledByOperator: k.DisabledByOperator,
		AllowedIPs:         dbplane.FormatAllowedIPs(k.AllowedIPs),
		ExpiresAt:          response.TimePtr(k.ExpiresAt),
		CreatedAt:          response.Time(k.CreatedAt),
		LastUsedAt:         response.TimePtr(k.LastUsedAt),
	}
}

// handleKeyList lists an account's keys, without the keys themselves.
func (h *handler) handleKeyList(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// An unknown account is a 404, not an empty list.
	if _, err := h.accounts.Account(r.Context(), id); err != nil {
		h.writeError(w, r, err)
		return
	}
	keys, err := h.keys.ListKeys(r.Context(), id)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeKeys(w, r, keys)
}

// handleKeyCreate mints a user key for the account and shows it once.
func (h *handler) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	var body keyCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	expires, err := parseExpiry(body.ExpiresAt)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	ips, err := parseAllowedIPs(body.AllowedIPs)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	in := dbplane.KeyInput{AccountID: r.PathValue("id"), Kind: dbplane.KeyUser, Name: body.Name, ExpiresAt: expires,
		Format: dbplane.KeyFormat(body.Format), AllowedIPs: ips}
	acct, err := h.accounts.Account(r.Context(), in.AccountID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanActAs(acct); err != nil {
		h.writeError(w, r, err)
		return
	}
	h.createKey(w, r, in)
}

// createKey mints the key and shows it once.
func (h *handler) createKey(w http.ResponseWriter, r *http.Request, in dbplane.KeyInput) {
	key, raw, err := h.keys.CreateKey(r.Context(), in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if key == nil || raw == "" {
		h.writeError(w, r, errNoResult)
		return
	}
	request.NoteCreated(r, key.ID)
	kj := toKeyJSON(key)
	h.writeData(w, r, http.StatusCreated, createdKeyJSON{ID: kj.ID, Key: string(raw), keyJSON: kj})
}

// handleKeyUpdate disables or enables one of the account's keys, or
// changes the addresses it may be used from; a disabled key stops working
// at once. An operator's disable is one its owner cannot undo.
func (h *handler) handleKeyUpdate(w http.ResponseWriter, r *http.Request) {
	upd, err := decodeKeyUpdate(w, r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if upd.enables() {
		acct, err := h.accounts.Account(r.Context(), r.PathValue("id"))
		if err != nil {
			h.writeError(w, r, err)
			return
		}
		if err := dbplane.PrincipalFrom(r.Context()).CanActAs(acct); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	h.updateKey(w, r, r.PathValue("id"), r.PathValue("keyId"), upd)
}

// decodeKeyUpdate reads a keyUpdateRequest, which must change something.
func decodeKeyUpdate(w http.ResponseWriter, r *http.Request) (keyUpdate, error) {
	var body keyUpdateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		return keyUpdate{}, err
	}
	var upd keyUpdate
	if body.Disabled.Null {
		return keyUpdate{}, notNull("disabled")
	}
	upd.disabled = body.Disabled.Ptr()
	if body.AllowedIPs.Set {
		ips, err := parseAllowedIPs(body.AllowedIPs)
		if err != nil {
			return keyUpdate{}, err
		}
		upd.allowedIPs = &ips
	}
	if upd.disabled == nil && upd.allowedIPs == nil {
		return keyUpdate{}, required("disabled")
	}
	return upd, nil
}

// updateKey applies upd to the key and writes it: the addresses first,
// so an enable never opens the key to where it was just closed to.
func (h *handler) updateKey(w http.ResponseWriter, r *http.Request, accountID, keyID string, upd keyUpdate) {
	var key *dbplane.APIKey
	var err error
	if upd.allowedIPs != nil {
		key, err = h.keys.SetKeyAllowedIPs(r.Context(), accountID, keyID, *upd.allowedIPs)
	}
	if err == nil && upd.disabled != nil {
		key, err = h.keys.SetKeyDisabled(r.Context(), accountID, keyID, *upd.disabled)
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if key == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, http.StatusOK, toKeyJSON(key))
}

// writeKeys writes keys' metadata, without the keys themselves.
func (h *handler) writeKeys(w http.ResponseWriter, r *http.Request, keys []*dbplane.APIKey) {
	out := make([]keyJSON, 0, len(keys))
	for _, k := range keys {
		out = append(out, toKeyJSON(k))
	}
	h.writeData(w, r, http.StatusOK, out)
}

// parseExpiry reads an optional RFC 3339 expiresAt.
func parseExpiry(o request.Optional[string]) (*time.Time, error) {
	s := o.Ptr()
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return nil, dbplane.FieldErrorf("expiresAt",
			"The expiresAt must be an RFC 3339 time such as 2026-05-20T09:30:00Z.")
	}
	return &t, nil
}
