// Package response writes HTTP responses for every surface: JSON bodies,
// empty bodies, timestamps in the wire format, the request id, and the log
// lines that go with an error response. It knows no envelope; each surface
// wraps its own.
package response

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/dbplane/dbplane"
)

// internalBody is what JSON writes when v cannot be encoded: it is a bug in
// a wire struct, and the client learns nothing about it.
const internalBody = `{"error":"Internal error"}` + "\n"

// JSON writes v as a JSON body with the given status. v is encoded before
// anything is written, so an encoding failure becomes a plain 500 and is
// returned for the caller to log.
func JSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(internalBody))
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// NoContent writes 204 with no body.
func NoContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

// RequestID returns the id of r, set by the server's middleware, or "".
func RequestID(r *http.Request) string {
	return dbplane.RequestID(r.Context())
}

// NewRequestID returns a fresh random request id: 16 hex characters.
func NewRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// TimeFormat is ISO 8601 in UTC with milliseconds, as document 003 shows:
// 2026-05-20T09:30:00.000Z.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Time formats t in TimeFormat.
func Time(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}

// TimePtr formats t in TimeFormat, or returns nil (JSON null) when t is nil.
func TimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Time(*t)
	return &s
}
