package web

import (
	"errors"
	"net/http"
	"net/mail"
	"net/netip"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

type loginView struct {
	Email   string
	Next    string
	Error   string
	Message string
}

// loginMessages are the notes /login shows for ?m=.
var loginMessages = map[string]string{
	"suspended":    "Your account is suspended. Contact your provider.",
	"signed-out":   "You are signed out.",
	"password-set": "Your password is set. Sign in with it.",
}

func (h *handler) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if v, err := h.visitor(r); err == nil && v != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Data: loginView{
		Next: safeNext(r.URL.Query().Get("next")), Message: flashOf(r, loginMessages),
	}})
}

// handleLogin signs in. Attempts are limited per client address and per
// email; a wrong password and an unknown email read the same and take as
// long.
func (h *handler) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	lv := loginView{Email: email, Next: safeNext(r.PostForm.Get("next"))}
	// The audit log keeps every attempt: the email tried, and the
	// account and session of one that succeeds.
	request.NoteActor(r, request.Actor{Email: auditEmail(email)})
	if !h.signInIP.Limit(w, clientBucket(r)) || !h.signInEmail.Limit(w, "email:"+strings.ToLower(email)) {
		lv.Error = "Too many sign-in attempts. Wait a minute and try again."
		h.render(w, r, http.StatusTooManyRequests, "login", view{Title: "Sign in", Data: lv})
		return
	}
	sess, token, err := h.svc.SignIn.SignIn(r.Context(), email, dbplane.Secret(r.PostForm.Get("password")), clientMeta(r))
	if err == nil && sess != nil {
		request.NoteActor(r, request.Actor{AccountID: sess.AccountID, SessionID: sess.ID, Email: email})
	}
	if err != nil {
		status := http.StatusUnauthorized
		switch {
		case errors.Is(err, dbplane.ErrBadCredentials):
			lv.Error = dbplane.ErrBadCredentials.Message
		case errors.Is(err, dbplane.ErrAccountSuspended):
			status, lv.Error = http.StatusForbidden, loginMessages["suspended"]
		default:
			status, lv.Error = statusOf(err), h.formError(r, err)
		}
		h.render(w, r, status, "login", view{Title: "Sign in", Data: lv})
		return
	}
	// A browser that signs in again leaves its old session behind: end it
	// on the server too, not only by overwriting the cookie.
	if c, err := r.Cookie(h.cookieName); err == nil && c.Value != "" {
		if err := h.svc.SignIn.SignOut(r.Context(), dbplane.Secret(c.Value)); err != nil {
			h.log.Warn("end the previous session at sign-in", "err", err)
		}
	}
	h.setCookie(w, token)
	http.Redirect(w, r, lv.Next, http.StatusSeeOther)
}

func (h *handler) handleLogout(w http.ResponseWriter, r *http.Request) {
	v := visitorFrom(r.Context())
	if err := h.svc.SignIn.SignOut(r.Context(), v.token); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.clearCookie(w)
	http.Redirect(w, r, "/login?m=signed-out", http.StatusSeeOther)
}

// auditEmail is what the audit log keeps of the email field of a sign-in:
// the address, or a placeholder when the field does not hold one — a
// password typed into the wrong field must not be kept.
func auditEmail(s string) string {
	if a, err := mail.ParseAddress(s); err == nil && a.Address == s && len(s) <= 254 {
		return s
	}
	return "(not an email address)"
}

// clientBucket is the rate-limit bucket of a request's client: its IPv4
// address, or its IPv6 /64, since one subscriber holds a whole /64.
func clientBucket(r *http.Request) string {
	ip := request.ClientIP(r)
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

type setPasswordView struct {
	Token string // the link's token, carried in the form
	Error string
}

func (h *handler) handleSetPasswordPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "set-password", view{Title: "Set your password", Data: setPasswordView{Token: r.URL.Query().Get("token")}})
}

// handleSetPassword spends a set-password link. The link's token is the
// form's proof, so the form needs no session.
func (h *handler) handleSetPassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	sv := setPasswordView{Token: r.PostForm.Get("token")}
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	if pw != again {
		sv.Error = "The two passwords differ."
		h.render(w, r, http.StatusUnprocessableEntity, "set-password", view{Title: "Set your password", Data: sv})
		return
	}
	if !h.signInIP.Limit(w, clientBucket(r)) {
		sv.Error = "Too many attempts. Wait a minute and try again."
		h.render(w, r, http.StatusTooManyRequests, "set-password", view{Title: "Set your password", Data: sv})
		return
	}
	if _, err := h.svc.SignIn.UsePasswordLink(r.Context(), dbplane.Secret(sv.Token), dbplane.Secret(pw)); err != nil {
		sv.Error = h.formError(r, err)
		h.render(w, r, statusOf(err), "set-password", view{Title: "Set your password", Data: sv})
		return
	}
	h.clearCookie(w)
	http.Redirect(w, r, "/login?m=password-set", http.StatusSeeOther)
}
