// Package openapitest checks HTTP responses against docs/openapi.json, the
// OpenAPI 3.1 document of every surface: apitest's scenarios through
// Surface.OpenAPI, end-to-end tests through Transport. Only tests import
// it; it defines no flags, so any test binary can.
package openapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	valerrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/paths"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/dbplane/dbplane/docs"
)

// openAPI is docs/openapi.json, compiled once per test binary: it is
// read-only, and the validator is safe for concurrent use.
type openAPI struct {
	v     validator.Validator
	model *v3.Document
	// schema renders the schema it checks against into the shared model
	// each time, which is not safe for concurrent use: mu serialises it.
	mu     sync.Mutex
	schema schema_validation.SchemaValidator
}

var loadOpenAPI = sync.OnceValues(func() (*openAPI, error) {
	doc, err := libopenapi.NewDocument(docs.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("parse docs/openapi.json: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build docs/openapi.json: %w", err)
	}
	// Keys are checked by each surface's own tests, and Token <key> or a
	// bare key, which dbplane also takes, are not OpenAPI's bearer.
	v, errs := validator.NewValidator(doc, config.WithoutSecurityValidation())
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile docs/openapi.json: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("docs/openapi.json is not a valid OpenAPI 3.1 document:%s", describe(verrs))
	}
	quiet := slog.New(slog.DiscardHandler)
	return &openAPI{v: v, model: &model.Model, schema: schema_validation.NewSchemaValidatorWithLogger(quiet)}, nil
})

// prefixes are the documented path prefixes and the error schema every
// answer outside a documented operation has there: unknown routes (404)
// and other methods (405).
var prefixes = []struct{ prefix, errorSchema string }{
	{"/api/v1/db", "MgmtError"},
	{"/api/admin", "AdminError"},
	{"/api/application", "PteroError"},
	{"/api/client", "PteroError"},
	{"/healthz", "PlainError"},
	{"/readyz", "PlainError"},
	{"/metrics", "PlainError"},
	{"/openapi.json", "PlainError"},
}

// Check reports through t every way a response to r departs from
// docs/openapi.json: a status the operation does not list, a header or
// body its schema does not describe. Paths outside every documented
// prefix (the dashboard) are not checked. An unknown path under a prefix
// must be a 404, and a known path with another method a 405, in that
// surface's error shape; HEAD is checked as GET without a body.
func Check(t testing.TB, r *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if msg := openAPIProblem(r, status, header, body); msg != "" {
		t.Errorf("%s %s = %d: the response departs from docs/openapi.json:%s\nbody: %s", r.Method, r.URL, status, msg, body)
	}
}

// openAPIProblem returns what is wrong with the response, or "".
func openAPIProblem(r *http.Request, status int, header http.Header, body []byte) string {
	oa, err := loadOpenAPI()
	if err != nil {
		return " " + err.Error()
	}
	p := r.URL.Path
	errorSchema := ""
	for _, x := range prefixes {
		if p == x.prefix || strings.HasPrefix(p, x.prefix+"/") {
			errorSchema = x.errorSchema
			break
		}
	}
	if errorSchema == "" {
		return "" // not an API path: the dashboard
	}
	if errorSchema == "PteroError" && len(p) > 1 {
		p = strings.TrimRight(p, "/") // Laravel matches trailing slashes
	}
	req := r.Clone(r.Context())
	req.URL.Path, req.URL.RawPath = p, ""
	req.Body = http.NoBody
	head := r.Method == http.MethodHead
	if head {
		req.Method = http.MethodGet
	}
	item, ferrs, _ := paths.FindPath(req, oa.model, nil)
	switch {
	case item == nil || r.URL.RawPath != "" || path.Clean(p) != p:
		// An unknown route, or another spelling of one: 404 (or, on the
		// Pterodactyl surfaces, 429 for a stranger over the limit).
		if status != http.StatusNotFound && !(errorSchema == "PteroError" && status == http.StatusTooManyRequests) {
			return fmt.Sprintf(" no documented path matches, so the status must be 404, not %d", status)
		}
		return oa.checkSchema(errorSchema, body)
	case hasSubType(ferrs, helpers.ValidationMissingOperation):
		if status != http.StatusMethodNotAllowed && !(errorSchema == "PteroError" && status == http.StatusTooManyRequests) {
			return fmt.Sprintf(" %s is not documented on this path, so the status must be 405, not %d", r.Method, status)
		}
		if header.Get("Allow") == "" {
			return " a 405 without an Allow header"
		}
		return oa.checkSchema(errorSchema, body)
	case len(ferrs) > 0:
		return describe(ferrs)
	}
	if head {
		op := item.Get
		if op == nil || op.Responses == nil || op.Responses.Codes.GetOrZero(strconv.Itoa(status)) == nil {
			return fmt.Sprintf(" HEAD: status %d is not documented for GET", status)
		}
		return ""
	}
	res := &http.Response{
		StatusCode: status, Header: header, Request: req,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}
	if ok, verrs := oa.v.ValidateHttpResponse(req, res); !ok {
		return describe(verrs)
	}
	return ""
}

// checkSchema validates body against components.schemas[name].
func (oa *openAPI) checkSchema(name string, body []byte) string {
	proxy := oa.model.Components.Schemas.GetOrZero(name)
	if proxy == nil {
		return " no schema " + name + " in components"
	}
	oa.mu.Lock()
	ok, verrs := oa.schema.ValidateSchemaBytes(proxy.Schema(), body)
	oa.mu.Unlock()
	if !ok {
		return " body is not a " + name + ":" + describe(verrs)
	}
	return ""
}

func hasSubType(errs []*valerrors.ValidationError, sub string) bool {
	for _, e := range errs {
		if e.ValidationSubType == sub {
			return true
		}
	}
	return false
}

// describe lists validation errors one a line, with the schema failures
// under each.
func describe(errs []*valerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n  %s: %s", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "\n    %s at %s", se.Reason, se.FieldPath)
		}
	}
	return b.String()
}

type tbKey struct{}

// WithTB returns ctx carrying tb, to which Transport reports the
// response to a request made with ctx.
func WithTB(ctx context.Context, tb testing.TB) context.Context {
	return context.WithValue(ctx, tbKey{}, tb)
}

// Transport is an http.RoundTripper for end-to-end tests: it checks
// every response it carries against docs/openapi.json (Check). A
// departure is reported to the testing.TB of the request's context
// (WithTB); one without is kept for Report, so that requests made by code
// under test (a CLI command's client) are checked too.
type Transport struct {
	Base http.RoundTripper // nil: http.DefaultTransport

	mu       sync.Mutex
	problems []string
}

// RoundTrip sends r through Base and checks the response, whose body it
// reads whole and hands on unchanged, and, when it is a 2xx, the request
// (CheckAccepted).
func (o *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	base := o.Base
	if base == nil {
		base = http.DefaultTransport
	}
	var sent []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		sent = b
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	res, err := base.RoundTrip(r)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	msg := openAPIProblem(r, res.StatusCode, res.Header, body)
	if msg != "" {
		msg = fmt.Sprintf("%s %s = %d: the response departs from docs/openapi.json:%s\nbody: %s", r.Method, r.URL, res.StatusCode, msg, body)
	} else if res.StatusCode < 300 {
		accepted := r.Clone(r.Context())
		accepted.Body = io.NopCloser(bytes.NewReader(sent))
		if m := acceptedProblem(accepted); m != "" {
			msg = fmt.Sprintf("%s %s was accepted, but the request departs from docs/openapi.json:%s\nrequest body: %s", r.Method, r.URL, m, sent)
		}
	}
	if msg == "" {
		return res, nil
	}
	if tb, ok := r.Context().Value(tbKey{}).(testing.TB); ok {
		tb.Error(msg)
		return res, nil
	}
	o.mu.Lock()
	o.problems = append(o.problems, msg)
	o.mu.Unlock()
	return res, nil
}

// Report writes the departures no test was told of to w, and reports
// whether there were any.
func (o *Transport) Report(w io.Writer) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range o.problems {
		fmt.Fprintln(w, p)
	}
	return len(o.problems) > 0
}

// CheckAccepted reports through t every way a request the server
// accepted (answered 2xx) departs from docs/openapi.json: its
// parameters and body. A request the server takes must be one the
// document says it takes. Requests outside the documented operations are
// not checked (Check covers their answers).
func CheckAccepted(t testing.TB, r *http.Request) {
	t.Helper()
	if msg := acceptedProblem(r); msg != "" {
		t.Errorf("%s %s was accepted, but the request departs from docs/openapi.json:%s", r.Method, r.URL, msg)
	}
}

// acceptedProblem returns what is wrong with an accepted request, or "".
// It reads r's body.
func acceptedProblem(r *http.Request) string {
	oa, err := loadOpenAPI()
	if err != nil {
		return " " + err.Error()
	}
	req := r.Clone(r.Context())
	if strings.HasPrefix(req.URL.Path, "/api/application") || strings.HasPrefix(req.URL.Path, "/api/client") {
		req.URL.Path = strings.TrimRight(req.URL.Path, "/")
		req.URL.RawPath = ""
	}
	if req.Method == http.MethodHead {
		req.Method = http.MethodGet
	}
	if req.ContentLength != 0 && req.Header.Get("Content-Type") == "" {
		// dbplane reads a body without a Content-Type as JSON.
		req.Header.Set("Content-Type", "application/json")
	}
	if item, _, _ := paths.FindPath(req, oa.model, nil); item == nil {
		return ""
	}
	if ok, verrs := oa.v.ValidateHttpRequest(req); !ok {
		return describe(verrs)
	}
	return ""
}
