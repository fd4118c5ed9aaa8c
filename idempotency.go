package dbplane

import (
	"context"
	"time"
)

// IdempotencyHeader is the request header that makes a create safe to
// retry: the same key and body within IdempotencyTTL get the first
// response again, password included, instead of a second resource.
const IdempotencyHeader = "Idempotency-Key"

// IdempotencyTTL is how long a key and its response are kept.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyAbandoned is how long a claim whose request never finished
// (its process died) blocks the key: past it, a retry runs the create
// again. It is longer than any request may take (the server's write
// timeout is the engine timeout twice plus 30 s).
const IdempotencyAbandoned = 10 * time.Minute

// maxIdempotencyKey bounds a key's length.
const maxIdempotencyKey = 255

// Errors of idempotent requests.
var (
	// ErrIdempotencyKeyReused is a key sent again with another body (or
	// another route's body): never a replay, never a second create.
	ErrIdempotencyKeyReused = &Error{Code: CodeInvalid, Field: IdempotencyHeader,
		Message: "This Idempotency-Key was already used with a different request; use a new key for a new request"}
	// ErrIdempotencyInFlight is a retry that arrives while the first
	// request with its key is still running.
	ErrIdempotencyInFlight = &Error{Code: CodeConflict,
		Message: "A request with this Idempotency-Key is still in progress; retry once it has finished"}
	// ErrIdempotencyUnreadable is a stored response that cannot be opened
	// any more (its master key was removed).
	ErrIdempotencyUnreadable = &Error{Code: CodeConflict,
		Message: "The response stored for this Idempotency-Key can no longer be read; use a new key"}
)

// ParseIdempotencyKey checks an Idempotency-Key header value: 1 to 255
// visible ASCII characters (a UUID is typical). The error names the
// header (CodeInvalid).
func ParseIdempotencyKey(s string) (string, error) {
	if s == "" || len(s) > maxIdempotencyKey {
		return "", FieldErrorf(IdempotencyHeader, "The Idempotency-Key header must be 1 to %d characters.", maxIdempotencyKey)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return "", FieldErrorf(IdempotencyHeader, "The Idempotency-Key header must be visible ASCII characters, without spaces.")
		}
	}
	return s, nil
}

// IdempotentRequest names one claim: the principal's account, the route
// (method and path) and the key, and the fingerprint of the request's
// body that a retry must match.
type IdempotentRequest struct {
	AccountID   string
	Route       string
	Key         string
	Fingerprint [32]byte
}

// IdempotentResponse is a response kept for replay: its status, the
// headers a client reads (Content-Type, Location) and its body, which
// may hold a password and is stored sealed.
type IdempotentResponse struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body"`
}

// IdempotencyService keeps idempotent requests, in the metadata store so
// that every replica sees them.
type IdempotencyService interface {
	// BeginIdempotent claims req. It returns nil, nil when the caller
	// holds the claim: it must run the request and then call
	// FinishIdempotent. It returns the stored response of an earlier
	// request with the same key and fingerprint, or ErrIdempotencyKeyReused
	// (another fingerprint), ErrIdempotencyInFlight or
	// ErrIdempotencyUnreadable.
	BeginIdempotent(ctx context.Context, req IdempotentRequest) (*IdempotentResponse, error)
	// FinishIdempotent stores resp for replays; nil resp releases the
	// claim, so that a retry runs the request again (it failed).
	FinishIdempotent(ctx context.Context, req IdempotentRequest, resp *IdempotentResponse) error
}
