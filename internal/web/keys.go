package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
)

// keyRoutes registers the account's API keys page: user keys for
// /api/v1/db and /api/client. Admin keys are the operator's pages.
func (h *handler) keyRoutes() {
	m := h.mux
	m.HandleFunc("GET /keys", h.authed(h.handleKeys))
	m.HandleFunc("POST /keys", h.authed(h.handleKeyCreate))
	m.HandleFunc("POST /keys/{id}/disable", h.authed(h.handleKeyDisable))
	m.HandleFunc("POST /keys/{id}/enable", h.authed(h.handleKeyEnable))
	m.HandleFunc("POST /keys/{id}/delete", h.authed(h.handleKeyDelete))
}

type keysView struct {
	Keys  []keyRow
	Pager pager
	// Created is the key just minted and Secret the key itself: shown on
	// the create response only.
	Created *dbplane.APIKey
	Secret  string
	// Origin is this dashboard's scheme and host, for the curl example.
	Origin string
	// Form holds what a failed create sent back, and its error.
	Label, Expires, AllowedIPs, Error string
}

// keyRow is one key of the list with its state in words.
type keyRow struct {
	*dbplane.APIKey
	State, StateClass string
}

// keyMessages are the notes /keys shows for ?m=.
var keyMessages = map[string]string{
	"disabled": "The key is disabled: requests with it are refused from now on.",
	"enabled":  "The key is enabled again.",
	"deleted":  "The key is deleted: requests with it are refused from now on.",
}

func (h *handler) handleKeys(w http.ResponseWriter, r *http.Request) {
	h.renderKeys(w, r, http.StatusOK, keysView{}, flashOf(r, keyMessages))
}

func (h *handler) renderKeys(w http.ResponseWriter, r *http.Request, status int, kv keysView, flash string) {
	keys, err := h.userKeys(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	now := h.opt.Now()
	kv.Pager = newPager(r, len(keys))
	lo, hi := kv.Pager.bounds()
	for _, k := range keys[lo:hi] {
		row := keyRow{APIKey: k, State: "Active", StateClass: "ok"}
		switch err := k.Usable(now); {
		case k.DisabledByOperator:
			row.State, row.StateClass = "Disabled by an operator", "bad"
		case k.DisabledBySuspension:
			row.State, row.StateClass = "Disabled (account suspended)", "bad"
		case errors.Is(err, dbplane.ErrKeyDisabled):
			row.State, row.StateClass = "Disabled", "bad"
		case errors.Is(err, dbplane.ErrKeyExpired):
			row.State, row.StateClass = "Expired", "warn"
		}
		kv.Keys = append(kv.Keys, row)
	}
	scheme := "http"
	if h.opt.Secure || r.TLS != nil {
		scheme = "https"
	}
	kv.Origin = scheme + "://" + r.Host
	h.render(w, r, status, "keys", view{Title: "API keys", Nav: "keys", Flash: flash, Data: kv})
}

// userKeys returns the signed-in account's user keys, oldest first.
func (h *handler) userKeys(r *http.Request) ([]*dbplane.APIKey, error) {
	all, err := h.svc.Keys.ListKeys(r.Context(), visitorFrom(r.Context()).account.ID)
	if err != nil {
		return nil, err
	}
	keys := make([]*dbplane.APIKey, 0, len(all))
	for _, k := range all {
		if k.Kind == dbplane.KeyUser {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// handleKeyCreate mints a user key and shows it once, on this response
// (which, like every page, is not stored).
func (h *handler) handleKeyCreate(w http.ResponseWriter, r *http.Request) {
	a := visitorFrom(r.Context()).account
	label, expires := r.PostForm.Get("label"), strings.TrimSpace(r.PostForm.Get("expires"))
	allowed := r.PostForm.Get("allowed_ips")
	failed := func(status int, msg string) {
		h.renderKeys(w, r, status, keysView{Label: label, Expires: expires, AllowedIPs: allowed, Error: msg}, "")
	}
	ips, err := dbplane.ParseAllowedIPs("allowed addresses", splitList(allowed))
	if err != nil {
		failed(statusOf(err), h.formError(r, err))
		return
	}
	in := dbplane.KeyInput{AccountID: a.ID, Kind: dbplane.KeyUser, Name: label, AllowedIPs: ips}
	if expires != "" {
		// A date means the key works through that day (UTC).
		d, err := time.Parse(time.DateOnly, expires)
		if err != nil {
			failed(http.StatusUnprocessableEntity, "The expiry must be a date such as 2026-12-31.")
			return
		}
		end := d.AddDate(0, 0, 1)
		in.ExpiresAt = &end
	}
	k, secret, err := h.svc.Keys.CreateKey(r.Context(), in)
	if err != nil {
		failed(statusOf(err), h.formError(r, err))
		return
	}
	h.renderKeys(w, r, http.StatusOK, keysView{Created: k, Secret: string(secret)}, "")
}

func (h *handler) handleKeyDisable(w http.ResponseWriter, r *http.Request) {
	h.setKeyDisabled(w, r, true)
}

func (h *handler) handleKeyEnable(w http.ResponseWriter, r *http.Request) {
	h.setKeyDisabled(w, r, false)
}

func (h *handler) setKeyDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	ctx := r.Context()
	k, err := h.userKey(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	// The owner's change: a key an operator disabled stays disabled (403).
	if _, err := h.svc.Keys.SetOwnKeyDisabled(ctx, visitorFrom(ctx).account.ID, k.ID, disabled); err != nil {
		h.serviceError(w, r, err)
		return
	}
	m := enabledNote(!disabled)
	http.Redirect(w, r, "/keys?m="+m, http.StatusSeeOther)
}

func (h *handler) handleKeyDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	k, err := h.userKey(r)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	// The owner's delete: a key an operator disabled stays (403).
	if err := h.svc.Keys.DeleteOwnKey(ctx, visitorFrom(ctx).account.ID, k.ID); err != nil {
		h.serviceError(w, r, err)
		return
	}
	http.Redirect(w, r, "/keys?m=deleted", http.StatusSeeOther)
}

// userKey finds the {id} key among the account's user keys. Any other id
// (another account's key, or an admin key, which the operator's pages
// manage) is not found.
func (h *handler) userKey(r *http.Request) (*dbplane.APIKey, error) {
	keys, err := h.userKeys(r)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("id")
	for _, k := range keys {
		if k.ID == id {
			return k, nil
		}
	}
	return nil, dbplane.Errorf(dbplane.CodeNotFound, "API key not found")
}

// splitList reads a form field of addresses separated by commas, spaces
// or line breaks; empty entries are dropped.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}
