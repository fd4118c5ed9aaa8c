package web

import (
	"net/http"

	"github.com/dbplane/dbplane"
)

// accountRoutes registers the account page: who is signed in, the
// password, and the account's sessions.
func (h *handler) accountRoutes() {
	m := h.mux
	m.HandleFunc("GET /account", h.authed(h.handleAccount))
	m.HandleFunc("POST /account/password", h.authed(h.handlePasswordChange))
	m.HandleFunc("POST /account/sessions/{id}/revoke", h.authed(h.handleSessionRevoke))
}

type accountView struct {
	Sessions []sessionRow
	Pager    pager
	// PasswordError is why a password change failed; Field names the
	// input at fault ("current", "password" or "confirm").
	PasswordError, Field string
}

// sessionRow is one session of the list.
type sessionRow struct {
	*dbplane.Session
	Current  bool // the session looking at the page
	LastSeen string
}

// accountMessages are the notes /account shows for ?m=.
var accountMessages = map[string]string{
	"password": "Your password is changed. Every other session of your account is signed out.",
	"revoked":  "The session is signed out.",
}

func (h *handler) handleAccount(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, accountView{}, flashOf(r, accountMessages))
}

func (h *handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, av accountView, flash string) {
	v := visitorFrom(r.Context())
	sessions, err := h.svc.SignIn.ListSessions(r.Context(), v.account.ID)
	if err != nil {
		h.serviceError(w, r, err)
		return
	}
	av.Pager = newPager(r, len(sessions))
	lo, hi := av.Pager.bounds()
	for _, s := range sessions[lo:hi] {
		av.Sessions = append(av.Sessions, sessionRow{Session: s, Current: s.ID == v.session.ID,
			LastSeen: ago(h.opt.Now(), &s.LastSeenAt)})
	}
	h.render(w, r, status, "account", view{Title: "Account", Nav: "account", Flash: flash, Data: av})
}

// handlePasswordChange changes the password after checking the current
// one. Every session ends; this browser continues in a new one.
func (h *handler) handlePasswordChange(w http.ResponseWriter, r *http.Request) {
	v := visitorFrom(r.Context())
	next, again := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	if next != again {
		h.renderAccount(w, r, http.StatusUnprocessableEntity,
			accountView{PasswordError: "The two new passwords differ.", Field: "confirm"}, "")
		return
	}
	// The current password is checked here as at sign-in: a session left
	// open must not be a way to guess it at speed.
	if !h.signInEmail.Limit(w, "change-password:"+v.account.ID) {
		h.renderAccount(w, r, http.StatusTooManyRequests,
			accountView{PasswordError: "Too many attempts. Wait a minute and try again.", Field: "current"}, "")
		return
	}
	// Every session ends, this one too, and this browser gets a new one:
	// a copy of the old cookie is worth nothing after the change.
	err := h.svc.SignIn.ChangePassword(r.Context(), v.account.ID,
		dbplane.Secret(r.PostForm.Get("current")), dbplane.Secret(next), "")
	if err != nil {
		field := dbplane.ErrorField(err)
		h.renderAccount(w, r, statusOf(err), accountView{PasswordError: h.formError(r, err), Field: field}, "")
		return
	}
	_, token, err := h.svc.SignIn.SignIn(r.Context(), v.account.Email, dbplane.Secret(next), clientMeta(r))
	if err != nil {
		// The password is changed; only the new session failed.
		h.clearCookie(w)
		http.Redirect(w, r, "/login?m=password-set", http.StatusSeeOther)
		return
	}
	h.setCookie(w, token)
	http.Redirect(w, r, "/account?m=password", http.StatusSeeOther)
}

// handleSessionRevoke signs one of the account's sessions out; another
// account's session id is the 404 page. Revoking this very session signs
// out, as the sign-out button does.
func (h *handler) handleSessionRevoke(w http.ResponseWriter, r *http.Request) {
	v := visitorFrom(r.Context())
	id := r.PathValue("id")
	if err := h.svc.SignIn.RevokeSession(r.Context(), v.account.ID, id); err != nil {
		h.serviceError(w, r, err)
		return
	}
	if id == v.session.ID {
		h.clearCookie(w)
		http.Redirect(w, r, "/login?m=signed-out", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/account?m=revoked", http.StatusSeeOther)
}
