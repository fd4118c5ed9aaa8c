package admin

import (
	"net/http"

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
	CreatedAt     string `json:"createdAt"`
	UpdatedAt     string `json:"updatedAt"`
}

// accountCreateRequest creates an account. Omitted or null quotas are
// unlimited; role defaults to user.
type accountCreateRequest struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	Slots        *int   `json:"slots"`
	StorageBytes *int64 `json:"storageBytes"`
}

// accountUpdateRequest changes the fields given. null quotas are unlimited.
type accountUpdateRequest struct {
	Name         request.Optional[string] `json:"name"`
	Slots        request.Optional[int]    `json:"slots"`
	StorageBytes request.Optional[int64]  `json:"storageBytes"`
	Suspended    request.Optional[bool]   `json:"suspended"`
}

func toAccountJSON(a *dbplane.Account) accountJSON {
	return accountJSON{
		ID:            a.ID,
		Email:         a.Email,
		Name:          a.Name,
		Role:          string(a.Role),
		Slots:         a.Slots,
		StorageBytes:  a.StorageBytes,
		Suspended:     a.Suspended,
		DatabaseCount: a.DatabaseCount,
		UsedBytes:     a.UsedBytes,
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
	return dbplane.AccountUpdate{
		Name:            b.Name.Ptr(),
		SlotsSet:        b.Slots.Set,
		Slots:           b.Slots.Ptr(),
		StorageBytesSet: b.StorageBytes.Set,
		StorageBytes:    b.StorageBytes.Ptr(),
		Suspended:       b.Suspended.Ptr(),
	}, nil
}

// handleAccountList lists every account.
func (h *handler) handleAccountList(w http.ResponseWriter, r *http.Request) {
	accounts, err := h.accounts.ListAccounts(r.Context())
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	out := make([]accountJSON, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, toAccountJSON(a))
	}
	h.writeData(w, r, http.StatusOK, out)
}

// handleAccountCreate creates an account.
func (h *handler) handleAccountCreate(w http.ResponseWriter, r *http.Request) {
	var body accountCreateRequest
	if err := request.DecodeJSON(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	a, err := h.accounts.CreateAccount(r.Context(), dbplane.AccountInput{
		Email:        body.Email,
		Name:         body.Name,
		Role:         dbplane.Role(body.Role),
		Slots:        body.Slots,
		StorageBytes: body.StorageBytes,
	})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeAccount(w, r, http.StatusCreated, a)
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

// handleAccountUpdate renames an account, changes its quotas, or suspends
// and unsuspends it.
func (h *handler) handleAccountUpdate(w http.ResponseWriter, r *http.Request) {
	var body accountUpdateRequest
	if err := request.DecodeJSON(w, r, &body); err != nil {
		h.writeError(w, r, err)
		return
	}
	u, err := body.update()
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	a, err := h.accounts.UpdateAccount(r.Context(), r.PathValue("id"), u)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeAccount(w, r, http.StatusOK, a)
}

func (h *handler) writeAccount(w http.ResponseWriter, r *http.Request, status int, a *dbplane.Account) {
	if a == nil {
		h.writeError(w, r, errNoResult)
		return
	}
	h.writeData(w, r, status, toAccountJSON(a))
}
