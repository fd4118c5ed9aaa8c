package dbapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/request"
	"github.com/dbplane/dbplane/internal/http/response"
)

// wireError is how the management API reports an error: a status and a
// machine code ("" = no code, as document 003 has for 400 name, 403 and 409).
type wireError struct {
	status int
	code   string
}

// Errors of this surface that have no domain sentinel.
var (
	errRouteNotFound    = &dbplane.Error{Code: dbplane.CodeNotFound, Message: "Not found"}
	errMethodNotAllowed = &dbplane.Error{Code: dbplane.CodeInvalid, Message: "Method not allowed"}
	errNoCredentials    = errors.New("dbapi: service returned no credentials")
	errRateLimited      = &dbplane.Error{Code: dbplane.CodeRateLimited, Message: "Too many requests; retry after the time in Retry-After"}
)

// sentinelTable is matched first, in order, with errors.Is: these errors
// need a finer answer than their code gives. Document 003's error table
// plus the extensions in docs/api-management.md.
var sentinelTable = []struct {
	err  error
	wire wireError
}{
	{dbplane.ErrNoKey, wireError{http.StatusUnauthorized, "NO_KEY"}},
	{dbplane.ErrBadKey, wireError{http.StatusUnauthorized, "BAD_KEY"}},
	{dbplane.ErrKeyDisabled, wireError{http.StatusUnauthorized, "KEY_DISABLED"}},
	{dbplane.ErrKeyExpired, wireError{http.StatusUnauthorized, "KEY_DISABLED"}},
	{dbplane.ErrKeyIPNotAllowed, wireError{http.StatusUnauthorized, "KEY_IP_NOT_ALLOWED"}},
	{dbplane.ErrIdempotencyKeyReused, wireError{http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED"}},
	{dbplane.ErrIdempotencyInFlight, wireError{http.StatusConflict, "IDEMPOTENCY_IN_PROGRESS"}},
	{dbplane.ErrIdempotencyUnreadable, wireError{http.StatusConflict, "IDEMPOTENCY_KEY_UNREADABLE"}},
	{dbplane.ErrOutOfSlots, wireError{http.StatusPaymentRequired, "OUT_OF_SLOTS"}},
	{dbplane.ErrOutOfStorage, wireError{http.StatusPaymentRequired, "OUT_OF_STORAGE"}},
	// The tenant has slots; the deployment has no host with room. That is
	// the operator's problem, not a payment one: 503, not 402.
	{dbplane.ErrHostFull, wireError{http.StatusServiceUnavailable, "NO_CAPACITY"}},
	{dbplane.ErrHostUnavailable, wireError{http.StatusServiceUnavailable, "HOST_UNAVAILABLE"}},
	{errMethodNotAllowed, wireError{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"}},
}

// codeTable maps every other error by its domain code.
var codeTable = map[dbplane.Code]wireError{
	dbplane.CodeInvalid:         {http.StatusBadRequest, ""},
	dbplane.CodeEngineDisabled:  {http.StatusBadRequest, "ENGINE_DISABLED"},
	dbplane.CodeUnauthenticated: {http.StatusUnauthorized, "BAD_KEY"},
	dbplane.CodeQuotaExceeded:   {http.StatusPaymentRequired, "OUT_OF_SLOTS"},
	dbplane.CodeForbidden:       {http.StatusForbidden, ""},
	dbplane.CodeNotFound:        {http.StatusNotFound, "NOT_FOUND"},
	dbplane.CodeConflict:        {http.StatusConflict, ""},
	dbplane.CodeRateLimited:     {http.StatusTooManyRequests, "RATE_LIMITED"},
	dbplane.CodeUnavailable:     {http.StatusServiceUnavailable, "HOST_UNAVAILABLE"},
	dbplane.CodeInternal:        {http.StatusInternalServerError, "INTERNAL"},
}

var wireInternal = codeTable[dbplane.CodeInternal]

// errorBody is document 003's error envelope.
type errorBody struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

// lookup returns the status and code for err.
func lookup(err error) wireError {
	for _, s := range sentinelTable {
		if errors.Is(err, s.err) {
			return s.wire
		}
	}
	if errors.Is(err, request.ErrBody) {
		return wireError{http.StatusBadRequest, ""} // the body, not a field, is wrong
	}
	code := dbplane.ErrorCode(err)
	if code == dbplane.CodeInvalid && dbplane.ErrorField(err) == "engine" {
		// An engine this deployment does not know is not available on it
		// either; clients written for document 003 branch on this code.
		return codeTable[dbplane.CodeEngineDisabled]
	}
	if w, ok := codeTable[code]; ok {
		return w
	}
	return wireInternal
}

// writeError writes err in the management API's envelope. It is the only
// place that turns an error into a response. The cause of internal and
// unavailable errors is logged once, here; it never reaches the client.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if response.Gone(h.logger, r, err) {
		return
	}
	wire := lookup(err)
	msg := dbplane.ErrorMessage(err)
	var attrs []slog.Attr
	if wire.status == http.StatusServiceUnavailable {
		// Which 503 it was: no capacity or a host that is down.
		attrs = append(attrs, slog.String("code", wire.code))
	}
	response.LogCause(h.logger, r, wire.status, err, attrs...)
	if wire.status == http.StatusInternalServerError {
		msg = "Internal error"
	}
	if msg == "" {
		msg = http.StatusText(wire.status)
	}
	if wire.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	if err := response.JSON(w, wire.status, errorBody{OK: false, Error: msg, Code: wire.code}); err != nil {
		response.LogWrite(h.logger, r, "write error response", err)
	}
}
