package admin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// accountJSON is an account with its quotas and usage. null quotas are
// unlimited.
type accountJSON struct {
	ID            string `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	Role          string `json:"role"`
	Slots         *int   `json:"slots"`
	StorageBytes  *int64 `json:"storageBytes"`
	Suspended     bool   `json:"suspended"`
	DatabaseCount int    `json:"databaseCount"`
	UsedBytes     int64  `json:"usedBytes"`
	// ExternalID is the id another system knows the account by; null
	// when none.
	ExternalID *string `json:"externalId"`
	// DeletingAt is set while a cascading delete drops the account's
	// databases; null otherwise.
	DeletingAt *string `json:"deletingAt"`
	CreatedAt  string  `json:"createdAt"`
	UpdatedAt  string  `json:"updatedAt"`
}

// accountCreateRequest creates an account. Omitted or null quotas are
// unlimited; role defaults to user.
type accountCreateRequest struct {
	Email        string  `json:"email"`
	Name         string  `json:"name"`
	Role         string  `json:"role"`
	Slots        *int    `json:"slots"`
	StorageBytes *int64  `json:"storageBytes"`
	ExternalID   *string `json:"externalId"`
}

// accountUpdateRequest changes the fields given. null quotas are unlimited;
// a null externalId removes it.
// password sets the account's dashboard password; it is never echoed.
type accountUpdateRequest struct {
	Name         request.Optional[string] `json:"name"`
	Slots        request.Optional[int]    `json:"slots"`
	StorageBytes request.Optional[int64]  `json:"storageBytes"`
	Suspended    request.Optional[bool]   `json:"suspended"`
	Password     request.Optional[string] `json:"password"`
	ExternalID   request.Optional[string] `json:"externalId"`
}

// passwordLinkJSON is a one-time set-password link: absolute with
// Options.PublicURL, else a path on the dashboard to put after its address.
type passwordLinkJSON struct {
	URL       string `json:"url"`
	ExpiresAt string `json:"expiresAt"`
}

func toAccountJSON(a *dbplane.Account) accountJSON {
	var deleting *string
	if a.DeletingAt != nil {
		t := response.Time(*a.DeletingAt)
		deleting = &t
	}
	return accountJSON{
		DeletingAt:    deleting,
		ID:            a.ID,
		Email:         a.Email,
		Name:          a.Name,
		Role:          string(a.Role),
		Slots:         a.Slots,
		StorageBytes:  a.StorageBytes,
		Suspended:     a.Suspended,
		DatabaseCount: a.DatabaseCount,
		UsedBytes:     a.UsedBytes,
		ExternalID:    a.ExternalID,
		CreatedAt:     response.Time(a.CreatedAt),
		UpdatedAt:     response.Time(a.UpdatedAt),
	}
}

func (b *accountUpdateRequest) update() (dbplane.AccountUpdate, error) {
	if b.Name.Null {
		return dbplane.AccountUpdate{}, notNull("name")
	}
	if b.Suspended.Null {
		return dbplane.AccountUpdate{}, notNull("suspended")
	}
	if b.Password.Null {
		return dbplane.AccountUpdate{}, notNull("password")
	}
	return dbplane.AccountUpdate{
		Name:            b.Name.Ptr(),
		SlotsSet:        b.Slots.Set,
		Slots:           b.Slots.Ptr(),
		StorageBytesSet: b.StorageBytes.Set,
		StorageBytes:    b.StorageBytes.Ptr(),
		Suspended:       b.Suspended.Ptr(),
		ExternalIDSet:   b.ExternalID.Set,
		ExternalID:      b.ExternalID.Ptr(),
	}, nil
}

// handleAccountList lists every account, oldest first, in one answer
// (docs/api-admin.md: 200, array; not paged). The accounts are encoded as
// the store reads them and sent in chunks (response.Stream), so the
// answer's memory does not grow with the number of accounts (SPEC §7:
// serve under 64 MiB with 1,000,000 databases).
func (h *handler) handleAccountList(w http.ResponseWriter, r *http.Request) {
	st := response.NewStream(w, http.StatusOK)
	buf := st.Buffer()
	buf.WriteString(`{"data":[`)
	n := 0
	var writeErr error
	err := h.accounts.EachAccount(r.Context(), func(a *dbplane.Account) error {
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		if err := appendJSON(buf, toAccountJSON(a)); err != nil {
			return err
		}
		writeErr = st.Flushed()
		return writeErr
	})
	switch {
	case writeErr != nil:
		st.Discard()
		h.logWriteError(r, writeErr)
		return
	case err != nil && !st.Started():
		st.Discard()
		h.writeError(w, r, err)
		return
	case err != nil:
		// The status is out: cut the connection so that the client does
		// not take the accounts so far for all of them.
		st.Discard()
		if !response.Gone(h.logger, r, err) {
			response.LogCause(h.logger, r, http.StatusInternalServerError, err)
		}
		panic(http.ErrAbortHandler)
	}
	buf.WriteString("]}\n")
	if err := st.Close(); err != nil {
		h.logWriteError(r, err)
	}
}

// appendJSON appends v to buf as json.Marshal encodes it (HTML escaped, no
// newline), so that a list built piece by piece reads byte for byte as
// the one writeData would send.
func appendJSON(buf *bytes.Buffer, v any) error {
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

// handleAccountCreate creates an account. An admin account can do
// everything, so only a key that holds every permission creates one.
func (h *handler) handleAccountCreate(w http.ResponseWriter, r *http.Request) {
	var body accountCreateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanCreateAccount(dbplane.Role(body.Role)); err != nil {
		h.writeError(w, r, err)
		return
	}
	a, err := h.accounts.CreateAccount(r.Context(), dbplane.AccountInput{
		Email:        body.Email,
		Name:         body.Name,
		Role:         dbplane.Role(body.Role),
		Slots:        body.Slots,
		StorageBytes: body.StorageBytes,
		ExternalID:   body.ExternalID,
	})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	request.NoteCreated(r, a.ID)
	h.writeAccount(w, r, http.StatusCreated, a)
}

// pathAccount is the account the path's {id} names; none is errNoResult.
func (h *handler) pathAccount(r *http.Request) (*dbplane.Account, error) {
	acct, err := h.accounts.Account(r.Context(), r.PathValue("id"))
	if err == nil && acct == nil {
		err = errNoResult
	}
	return acct, err
}

// handleAccountGet returns one account.
func (h *handler) handleAccountGet(w http.ResponseWriter, r *http.Request) {
	a, err := h.accounts.Account(r.Context(), r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeAccount(w, r, http.StatusOK, a)
}

// handleAccountUpdate renames an account, changes its quotas, suspends
// and unsuspends it, or sets its password. The password is checked and
// set before anything else changes, so a refused request changes nothing;
// setting it ends every session of the account.
func (h *handler) handleAccountUpdate(w http.ResponseWriter, r *http.Request) {
	var body accountUpdateRequest
	if err := request.DecodeObject(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	u, err := body.update()
	if err == nil {
		err = u.Validate()
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	acct, err := h.pathAccount(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanChangeAccount(acct); err != nil {
		h.writeError(w, r, err)
		return
	}
	if pw := body.Password.Ptr(); pw != nil {
		if err := h.setPassword(r, acct, dbplane.Secret(*pw)); err != nil {
			h.writeError(w, r, err)
			return
		}
	}
	a, err := h.accounts.UpdateAccount(r.Context(), acct.ID, u)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeAccount(w, r, http.StatusOK, a)
}

// setPassword sets acct's password once the rest of the update is known
// to be valid. A password opens the dashboard, which can do what a user
// key of the account can, so the calling key must hold what minting one
// needs (dbplane.Principal.CanActAs).
func (h *handler) setPassword(r *http.Request, acct *dbplane.Account, pw dbplane.Secret) error {
	if err := dbplane.ValidatePassword(pw); err != nil {
		return err
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanActAs(acct); err != nil {
		return err
	}
	return h.signIn.SetPassword(r.Context(), acct.ID, pw)
}

// handlePasswordLinkCreate returns a one-time link that sets the
// account's password, for an operator to hand over. The link is as good
// as a password, so it needs what setting one needs.
func (h *handler) handlePasswordLinkCreate(w http.ResponseWriter, r *http.Request) {
	acct, err := h.pathAccount(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanActAs(acct); err != nil {
		h.writeError(w, r, err)
		return
	}
	token, until, err := h.signIn.CreatePasswordLink(r.Context(), acct.ID)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if token == "" {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, http.StatusCreated, passwordLinkJSON{
		URL:       h.publicURL + "/set-password?token=" + url.QueryEscape(string(token)),
		ExpiresAt: response.Time(until.In(time.UTC)),
	})
}

func (h *handler) writeAccount(w http.ResponseWriter, r *http.Request, status int, a *dbplane.Account) {
	if a == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toAccountJSON(a))
}

// accountDeletionJSON answers a cascading delete that could not finish at
// once (202): the account is marked deleting and the reconciler drops the
// rest once their hosts answer.
type accountDeletionJSON struct {
	Deleted   bool `json:"deleted"`
	Databases int  `json:"databases"`
	Pending   int  `json:"pending"`
}

// handleAccountDelete deletes an account: 409 while it owns servers or
// databases unless ?cascade=true, which drops them first. 204 once the
// account is gone; 202 with the counts while drops wait for a host.
func (h *handler) handleAccountDelete(w http.ResponseWriter, r *http.Request) {
	cascade := false
	switch v := r.URL.Query().Get("cascade"); v {
	case "", "false", "0":
	case "true", "1":
		cascade = true
	default:
		h.writeError(w, r, dbplane.FieldErrorf("cascade", "cascade must be true or false."))
		return
	}
	acct, err := h.pathAccount(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if err := dbplane.PrincipalFrom(r.Context()).CanDeleteAccount(acct, cascade); err != nil {
		h.writeError(w, r, err)
		return
	}
	res, err := h.accounts.DeleteAccount(r.Context(), acct.ID, cascade)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if res == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	if res.Deleted {
		response.NoContent(w)
		return
	}
	h.writeData(w, r, http.StatusAccepted, accountDeletionJSON{Deleted: false, Databases: res.Databases, Pending: res.Pending})
}
