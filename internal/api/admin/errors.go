package admin

import (
	"errors"
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// wireError is how the admin API reports an error: a status and a code.
type wireError struct {
	status int
	code   string
}

// Errors of this surface that have no domain sentinel.
var (
	errRouteNotFound    = &dbplane.Error{Code: dbplane.CodeNotFound, Message: "Not found"}
	errMethodNotAllowed = &dbplane.Error{Code: dbplane.CodeInvalid, Message: "Method not allowed"}
	errKeyNotFound      = &dbplane.Error{Code: dbplane.CodeNotFound, Message: "API key not found"}
	errNoPrincipal      = errors.New("admin: authenticate returned no key or account")
	errNoResult         = errors.New("admin: service returned nothing")
)

// sentinelTable is matched first, in order, with errors.Is.
var sentinelTable = []struct {
	err  error
	wire wireError
}{
	// A body that cannot be read is the request's fault (400); a body that
	// reads but fails a service's rules is a validation error (422).
	{request.ErrBody, wireError{http.StatusBadRequest, "invalid"}},
	{errMethodNotAllowed, wireError{http.StatusMethodNotAllowed, "method_not_allowed"}},
	{dbplane.ErrKeyIPNotAllowed, wireError{http.StatusUnauthorized, "key_ip_not_allowed"}},
	{dbplane.ErrKeyDisabledByOperator, wireError{http.StatusForbidden, "key_disabled_by_operator"}},
	{dbplane.ErrIdempotencyKeyReused, wireError{http.StatusUnprocessableEntity, "idempotency_key_reused"}},
	{dbplane.ErrIdempotencyInFlight, wireError{http.StatusConflict, "idempotency_in_progress"}},
	{dbplane.ErrIdempotencyUnreadable, wireError{http.StatusConflict, "idempotency_key_unreadable"}},
}

// codeTable maps every other error by its domain code; the wire code is the
// domain code's name.
var codeTable = map[dbplane.Code]wireError{
	dbplane.CodeInvalid:         {http.StatusUnprocessableEntity, "invalid"},
	dbplane.CodeEngineDisabled:  {http.StatusUnprocessableEntity, "engine_disabled"},
	dbplane.CodeUnauthenticated: {http.StatusUnauthorized, "unauthenticated"},
	dbplane.CodeForbidden:       {http.StatusForbidden, "forbidden"},
	dbplane.CodeNotFound:        {http.StatusNotFound, "not_found"},
	dbplane.CodeConflict:        {http.StatusConflict, "conflict"},
	dbplane.CodeQuotaExceeded:   {http.StatusConflict, "quota_exceeded"},
	dbplane.CodeRateLimited:     {http.StatusTooManyRequests, "rate_limited"},
	dbplane.CodeUnavailable:     {http.StatusServiceUnavailable, "unavailable"},
	dbplane.CodeInternal:        {http.StatusInternalServerError, "internal"},
}

// errorBody is the admin API's one error shape.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Grants are given when a host create or update failed its check
	// because the host's user lacks privileges: the statements that give
	// them (dbplane.HostCheckFailed).
	Grants []string `json:"grants,omitempty"`
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

// writeError writes err in the admin API's error shape. It is the only
// place that turns an error into a response. The cause of internal and
// unavailable errors is logged once, here; it never reaches the client.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if response.Gone(h.logger, r, err) {
		return
	}
	wire := lookup(err)
	msg, field := dbplane.ErrorMessage(err), dbplane.ErrorField(err)
	response.LogCause(h.logger, r, wire.status, err)
	switch wire.status {
	case http.StatusInternalServerError:
		msg, field = "Internal error", ""
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	if msg == "" {
		msg = http.StatusText(wire.status)
	}
	body := errorBody{Error: errorJSON{Code: wire.code, Message: msg, Field: field}}
	var failed *dbplane.HostCheckFailed
	if wire.status == http.StatusUnprocessableEntity && errors.As(err, &failed) {
		body.Error.Grants = failed.Test.Grants
	}
	if err := response.JSON(w, wire.status, body); err != nil {
		response.LogWrite(h.logger, r, "write error response", err)
	}
}

// dataBody is the admin API's success envelope.
type dataBody struct {
	Data any `json:"data"`
}

// writeData writes data in the success envelope.
func (h *handler) writeData(w http.ResponseWriter, r *http.Request, status int, data any) {
	if err := response.JSON(w, status, dataBody{Data: data}); err != nil {
		h.logWriteError(r, err)
	}
}

// logWriteError logs a response that could not be written.
func (h *handler) logWriteError(r *http.Request, err error) {
	response.LogWrite(h.logger, r, "write response", err)
}
