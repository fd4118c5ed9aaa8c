package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
)

// visitor is who a signed-in request acts for.
type visitor struct {
	session *dbplane.Session
	account *dbplane.Account
	token   dbplane.Secret // the cookie's session token, for the form token
}

func (v *visitor) admin() bool { return v.account.Role == dbplane.RoleAdmin }

type visitorKey struct{}

func visitorFrom(ctx context.Context) *visitor {
	v, _ := ctx.Value(visitorKey{}).(*visitor)
	return v
}

// formToken is the per-session token every POST form carries: an HMAC of
// a fixed label under the session token, so it needs no storage and is
// the same on every replica.
func formToken(session dbplane.Secret) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("dbplane dashboard form token v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func validFormToken(session dbplane.Secret, got string) bool {
	return got != "" && hmac.Equal([]byte(formToken(session)), []byte(got))
}

// maxFormBytes bounds a form body. The largest form is a host's, whose
// TLS CA bundle (at most dbplane.MaxTLSCABytes of PEM) grows by up to a
// third once form-encoded.
const maxFormBytes = 256 << 10

// authed wraps a page that needs a signed-in account. Signed out, a GET
// goes to /login and comes back; a POST without a valid form token is 403.
// A suspended account is signed out.
func (h *handler) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h.visitor(r)
		if err != nil {
			if !errors.Is(err, dbplane.ErrNoSession) && !errors.Is(err, dbplane.ErrAccountSuspended) {
				h.serverError(w, r, err)
				return
			}
			h.clearCookie(w)
			target := "/login"
			if errors.Is(err, dbplane.ErrAccountSuspended) {
				target += "?m=suspended"
			} else if r.Method == http.MethodGet && r.URL.RequestURI() != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		request.NoteActor(r, request.Actor{AccountID: v.account.ID, SessionID: v.session.ID})
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				h.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
				return
			}
			if !validFormToken(v.token, r.PostForm.Get("_token")) {
				h.renderError(w, r, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
				return
			}
		}
		next(w, r.WithContext(context.WithValue(r.Context(), visitorKey{}, v)))
	}
}

// adminOnly wraps an operator page: other accounts get the 404 page, as
// for a foreign id.
func (h *handler) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return h.authed(func(w http.ResponseWriter, r *http.Request) {
		if !visitorFrom(r.Context()).admin() {
			h.notFound(w, r)
			return
		}
		next(w, r)
	})
}

func (h *handler) visitor(r *http.Request) (*visitor, error) {
	c, err := r.Cookie(h.cookieName)
	if err != nil || c.Value == "" {
		return nil, dbplane.ErrNoSession
	}
	token := dbplane.Secret(c.Value)
	s, a, err := h.svc.SignIn.SessionByToken(r.Context(), token)
	if err != nil {
		return nil, err
	}
	return &visitor{session: s, account: a, token: token}, nil
}

func (h *handler) setCookie(w http.ResponseWriter, token dbplane.Secret) {
	http.SetCookie(w, &http.Cookie{
		Name: h.cookieName, Value: string(token), Path: "/",
		HttpOnly: true, Secure: h.opt.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(sessionCookieAge.Seconds()),
	})
}

func (h *handler) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: h.cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.opt.Secure, SameSite: http.SameSiteLaxMode,
	})
}

// crossOriginDenied answers a cross-site unsafe request.
func (h *handler) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusForbidden, "Cross-site requests are not allowed.")
}

// safeNext returns a local path to go to after sign-in, or "/". Browsers
// read a backslash as a slash, and http.Redirect cleans the path ("/a/../"
// folds away), so a backslash or a control character anywhere refuses the
// value, and the check is made again on the cleaned path.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "/"
	}
	if clean := path.Clean(u.Path); strings.HasPrefix(clean, "//") || !strings.HasPrefix(clean, "/") {
		return "/"
	}
	if strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

// clientMeta is where a sign-in comes from.
func clientMeta(r *http.Request) dbplane.SessionMeta {
	return dbplane.SessionMeta{IP: request.ClientIP(r), UserAgent: r.UserAgent()}
}
