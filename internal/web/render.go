package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

//go:embed templates static
var assets embed.FS

// sessionCookieAge is the cookie's own lifetime; the store's absolute
// expiry ends the session itself.
const sessionCookieAge = 7 * 24 * time.Hour

// templates are the parsed pages, each with the layout, and the static
// assets' fingerprints.
type templates struct {
	pages   map[string]*template.Template
	version map[string]string // static file → content hash, for URLs that cache forever
}

// view is what every page template gets.
type view struct {
	Title   string
	Nav     string // the active navigation entry
	Account *dbplane.Account
	Admin   bool
	Token   string // the form token of the session
	Flash   string
	Data    any
	Now     time.Time
}

// partialsFile holds the {{define}} pieces shared by pages: parsed with the
// layout, not a page of its own.
const partialsFile = "partials.html"

func mustParseTemplates() *templates {
	t := &templates{pages: map[string]*template.Template{}, version: map[string]string{}}
	statics, err := fs.Glob(assets, "static/*")
	if err != nil {
		panic(err)
	}
	for _, name := range statics {
		b, err := assets.ReadFile(name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		t.version[path.Base(name)] = hex.EncodeToString(sum[:6])
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			v, ok := t.version[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return "/static/" + name + "?v=" + v, nil
		},
		"bytes":       humanBytes,
		"ago":         ago,
		"measured":    measured,
		"percent":     percent,
		"statusText":  statusText,
		"statusClass": statusClass,
		"engineName":  engineName,
		"date":        func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"datep": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		"errorMessage": dbplane.ErrorMessage,
		"deref":        deref,
		"int64":        func(i int) int64 { return int64(i) },
		"args":         args,
		"keyExpired":   keyExpired,
	}
	// The layout and the partials every page may use ({{template "usage"}} …)
	// are parsed once; each page is a clone of them with its own "main".
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+partialsFile))
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if p == "templates/layout.html" || p == "templates/"+partialsFile {
			continue
		}
		t.pages[name] = template.Must(template.Must(layout.Clone()).ParseFS(assets, p))
	}
	return t
}

// args makes the one value a partial gets from name, value pairs:
// {{template "x" (args "Key" . "Token" $.Token)}}.
func args(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("args: %d values, want name, value pairs", len(pairs))
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("args: name %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// render writes page name with status. The page is rendered into a buffer
// first, so a template error is a clean 500 and not half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := h.tmpl.pages[name]
	if !ok {
		h.serverError(w, r, fmt.Errorf("no template %q", name))
		return
	}
	if vis := visitorFrom(r.Context()); vis != nil {
		v.Account, v.Admin, v.Token = vis.account, vis.admin(), formToken(vis.token)
	}
	v.Now = h.opt.Now()
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	if hd.Get("Cache-Control") == "" {
		// Pages show an account's data: never from a shared cache, and
		// not from the back button after sign-out either.
		hd.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		response.LogWrite(h.log, r, "write page", err)
	}
}

// renderError shows a plain error page with a message safe for users.
func (h *handler) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.render(w, r, status, "error", view{Title: http.StatusText(status), Data: errorView{Status: status, Message: msg}})
}

type errorView struct {
	Status  int
	Message string
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "There is nothing here, or it is not yours to see.")
}

// internalErrorText is all a page says of an internal error; the cause
// goes to the log.
const internalErrorText = "Something went wrong on our side. Try again in a moment."

// serverError logs the cause and shows a page that does not carry it.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	response.LogCause(h.log, r, http.StatusInternalServerError, err)
	h.renderError(w, r, http.StatusInternalServerError, internalErrorText)
}

// serviceError turns a service error into a page: the domain codes map to
// statuses here, once for the dashboard.
func (h *handler) serviceError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		response.LogCause(h.log, r, status, err, slog.String("code", string(dbplane.ErrorCode(err))))
	}
	if status == http.StatusNotFound {
		h.notFound(w, r)
		return
	}
	if status == http.StatusInternalServerError {
		h.renderError(w, r, status, internalErrorText)
		return
	}
	h.renderError(w, r, status, dbplane.ErrorMessage(err))
}

// statusOf maps a domain code to the status of a page that reports it.
func statusOf(err error) int {
	switch dbplane.ErrorCode(err) {
	case dbplane.CodeInvalid, dbplane.CodeEngineDisabled:
		return http.StatusUnprocessableEntity
	case dbplane.CodeNotFound:
		return http.StatusNotFound
	case dbplane.CodeConflict:
		return http.StatusConflict
	case dbplane.CodeUnauthenticated:
		return http.StatusUnauthorized
	case dbplane.CodeForbidden:
		return http.StatusForbidden
	case dbplane.CodeQuotaExceeded:
		return http.StatusPaymentRequired
	case dbplane.CodeRateLimited:
		return http.StatusTooManyRequests
	case dbplane.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// formError is the message to show beside a form for err; internal
// errors are logged and not shown.
func (h *handler) formError(r *http.Request, err error) string {
	if statusOf(err) >= 500 && dbplane.ErrorCode(err) != dbplane.CodeUnavailable {
		response.LogCause(h.log, r, http.StatusInternalServerError, err)
		return internalErrorText
	}
	return dbplane.ErrorMessage(err)
}

// serveStatic serves the embedded assets. URLs carry a content hash, so
// they may be cached for good.
func (h *handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := assets.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		h.notFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	if r.URL.Query().Get("v") == h.tmpl.version[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Write(b)
}
