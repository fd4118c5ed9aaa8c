package ptero

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// wireError is how this surface reports an error: Pterodactyl's status and
// exception class name, and a fixed detail ("" = the error's own message).
type wireError struct {
	status int
	code   string
	detail string
}

// Details Pterodactyl uses word for word.
const (
	detailNotFound     = "The requested resource could not be found on the server."
	detailUnauthorized = "This action is unauthorized."
	detailInternal     = "An unexpected error was encountered while processing this request, please try again."
	detailTooMany      = "Operation aborted: creating a new database would put this server over the defined limit."
	detailNoHost       = "No database host was found that meets the requirements for this server."
)

// Errors of this surface that have no domain sentinel.
var (
	errNotFound    = &dbplane.Error{Code: dbplane.CodeNotFound, Message: detailNotFound}
	errPermission  = &dbplane.Error{Code: dbplane.CodeForbidden, Message: detailUnauthorized}
	errRateLimited = &dbplane.Error{Code: dbplane.CodeRateLimited, Message: "Too Many Attempts."}
	errNoResult    = errors.New("ptero: service returned nothing")
)

// sentinelTable is matched first, in order, with errors.Is: these need a
// finer answer than their code gives.
var sentinelTable = []struct {
	err  error
	wire wireError
}{
	// A body that cannot be read as the JSON object a route takes. Fields
	// of the wrong type are validation errors (422), reported per field by
	// the handlers; what reaches here is malformed or unknown-field JSON.
	{request.ErrBody, wireError{http.StatusBadRequest, "BadRequestHttpException", ""}},
	// Application API keys (dbplane.Principal.Operate), in the panel's
	// words.
	{dbplane.ErrMissingPermission, wireError{http.StatusForbidden, "AccessDeniedHttpException", detailUnauthorized}},
	{dbplane.ErrNotAdmin, wireError{http.StatusForbidden, "AccessDeniedHttpException", "This API key's account is not an administrator."}},
	// A key used from outside its allowed_ips: the panel's
	// AuthenticateIPAccess answers 403 in these words (it adds the address
	// in brackets; the client knows its own).
	{dbplane.ErrKeyIPNotAllowed, wireError{http.StatusForbidden, "AccessDeniedHttpException",
		"This IP address does not have permission to access the API using these credentials."}},
	{dbplane.ErrKeyDisabledByOperator, wireError{http.StatusForbidden, "AccessDeniedHttpException", ""}},
	// Pterodactyl's DisplayExceptions for "no room": 400.
	{dbplane.ErrHostFull, wireError{http.StatusBadRequest, "NoSuitableDatabaseHostException", detailNoHost}},
	{dbplane.ErrEngineDisabled, wireError{http.StatusBadRequest, "NoSuitableDatabaseHostException", ""}},
	{dbplane.ErrServerLimit, wireError{http.StatusBadRequest, "TooManyDatabasesException", detailTooMany}},
	{dbplane.ErrOutOfSlots, wireError{http.StatusBadRequest, "TooManyDatabasesException", ""}},
	{dbplane.ErrOutOfStorage, wireError{http.StatusBadRequest, "TooManyDatabasesException", ""}},
}

// codeTable maps every other error by its domain code.
var codeTable = map[dbplane.Code]wireError{
	dbplane.CodeInvalid:         {http.StatusUnprocessableEntity, "ValidationException", ""},
	dbplane.CodeUnauthenticated: {http.StatusUnauthorized, "AuthenticationException", "Unauthenticated."},
	dbplane.CodeForbidden:       {http.StatusForbidden, "AccessDeniedHttpException", ""},
	dbplane.CodeNotFound:        {http.StatusNotFound, "NotFoundHttpException", detailNotFound},
	dbplane.CodeConflict:        {http.StatusConflict, "ConflictHttpException", ""},
	// Any other quota: Pterodactyl's TooManyDatabasesException, in the
	// quota's own words.
	dbplane.CodeQuotaExceeded:  {http.StatusBadRequest, "TooManyDatabasesException", ""},
	dbplane.CodeEngineDisabled: {http.StatusBadRequest, "NoSuitableDatabaseHostException", ""},
	dbplane.CodeRateLimited:    {http.StatusTooManyRequests, "TooManyRequestsHttpException", "Too Many Attempts."},
	dbplane.CodeUnavailable:    {http.StatusServiceUnavailable, "ServiceUnavailableHttpException", ""},
	dbplane.CodeInternal:       {http.StatusInternalServerError, "HttpException", detailInternal},
}

// errorBody is Pterodactyl's error document: {"errors":[...]}.
type errorBody struct {
	Errors []errorJSON `json:"errors"`
}

type errorJSON struct {
	Code   string     `json:"code"`
	Status string     `json:"status"` // a string, as Pterodactyl sends it
	Detail string     `json:"detail"`
	Meta   *errorMeta `json:"meta,omitempty"`
}

// errorMeta names the field and the rule of a validation error.
type errorMeta struct {
	SourceField string `json:"source_field"`
	Rule        string `json:"rule"`
}

// validationError is a 422 with one entry per failing field, in the order
// the fields were checked.
type validationError struct {
	fields []fieldError
}

type fieldError struct {
	field, rule, detail string
}

func (e *validationError) Error() string {
	var parts []string
	for _, f := range e.fields {
		parts = append(parts, f.field+" ("+f.rule+")")
	}
	return "validation failed: " + strings.Join(parts, ", ")
}

// methodError is a 405: the path exists, the method does not.
type methodError struct {
	method string
	allow  string
}

func (e *methodError) Error() string { return "method " + e.method + " not allowed" }

// rangeError is Pterodactyl's QueryValueOutOfRangeHttpException.
type rangeError struct {
	name     string
	min, max int
}

func (e *rangeError) Error() string {
	return fmt.Sprintf("%q query parameter must be between %d and %d", e.name, e.min, e.max)
}

// filterError is the panel's InvalidFilterQuery: a filter[...] the list
// does not take.
type filterError struct {
	unknown, allowed []string
}

func (e *filterError) Error() string {
	return "Requested filter(s) `" + strings.Join(e.unknown, ", ") + "` are not allowed. Allowed filter(s) are `" +
		strings.Join(e.allowed, ", ") + "`."
}

// domainFields maps the domain's field names to this surface's.
var domainFields = map[string]string{
	"name":           "database",
	"label":          "database",
	"hostId":         "host",
	"maxConnections": "max_connections",
	"hostname":       "host",
	"nodeIds":        "node_ids",
	"maxDatabases":   "max_databases",
}

// describe turns err into its status and error entries.
func describe(err error) (int, []errorJSON) {
	var (
		ve *validationError
		me *methodError
		re *rangeError
		fe *filterError
		se *sortError
	)
	switch {
	case errors.As(err, &ve):
		out := make([]errorJSON, 0, len(ve.fields))
		for _, f := range ve.fields {
			out = append(out, errorJSON{Code: "ValidationException", Status: "422", Detail: f.detail,
				Meta: &errorMeta{SourceField: f.field, Rule: f.rule}})
		}
		return http.StatusUnprocessableEntity, out
	case errors.As(err, &me):
		return http.StatusMethodNotAllowed, []errorJSON{{Code: "MethodNotAllowedHttpException", Status: "405",
			Detail: fmt.Sprintf("The %s method is not supported for this route. Supported methods: %s.", me.method, me.allow)}}
	case errors.As(err, &fe):
		return http.StatusBadRequest, []errorJSON{{Code: "InvalidFilterQuery", Status: "400", Detail: fe.Error()}}
	case errors.As(err, &se):
		return http.StatusBadRequest, []errorJSON{{Code: "InvalidSortQuery", Status: "400", Detail: se.Error()}}
	case errors.As(err, &re):
		return http.StatusBadRequest, []errorJSON{{Code: "QueryValueOutOfRangeHttpException", Status: "400", Detail: re.Error()}}
	}
	wire := lookup(err)
	detail := wire.detail
	if detail == "" {
		detail = dbplane.ErrorMessage(err)
	}

	e := errorJSON{Code: wire.code, Status: strconv.Itoa(wire.status), Detail: detail}
	if wire.status == http.StatusUnprocessableEntity {
		if f := dbplane.ErrorField(err); f != "" {
			if m, ok := domainFields[f]; ok {
				f = m
			}
			// The domain says which field, not which rule.
			e.Meta = &errorMeta{SourceField: f, Rule: "invalid"}
		}
	}
	if e.Detail == "" {
		e.Detail = http.StatusText(wire.status)
	}
	return wire.status, []errorJSON{e}
}

func lookup(err error) wireError {
	for _, s := range sentinelTable {
		if errors.Is(err, s.err) {
			return s.wire
		}
	}
	if w, ok := codeTable[dbplane.ErrorCode(err)]; ok {
		return w
	}
	return codeTable[dbplane.CodeInternal]
}

// writeError writes err in Pterodactyl's error shape. It is the only place
// that turns an error into a response. The cause of internal and
// unavailable errors is logged once, here; it never reaches the client.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if response.Gone(h.logger, r, err) {
		return
	}
	status, entries := describe(err)
	response.LogCause(h.logger, r, status, err)
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", "Bearer")
	case http.StatusMethodNotAllowed:
		var me *methodError
		if errors.As(err, &me) {
			w.Header().Set("Allow", me.allow)
		}
	}
	if err := response.JSON(w, status, errorBody{Errors: entries}); err != nil {
		response.LogWrite(h.logger, r, "write error response", err)
	}
}

// writeJSON writes a success body.
func (h *handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	if err := response.JSON(w, status, v); err != nil {
		response.LogWrite(h.logger, r, "write response", err)
	}
}
