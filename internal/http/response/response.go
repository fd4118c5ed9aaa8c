// Package response writes HTTP responses for every surface: JSON bodies,
// empty bodies, timestamps in the wire format, the request id, and the log
// lines that go with an error response. It knows no envelope; each surface
// wraps its own.
package response

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
)

// internalBody is what JSON writes when v cannot be encoded: it is a bug in
// a wire struct, and the client learns nothing about it.
const internalBody = `{"error":"Internal error"}` + "\n"

// JSON writes v as a JSON body with the given status. v is encoded before
// anything is written, so an encoding failure becomes a plain 500 and is
// returned for the caller to log. The body is encoded into a pooled buffer
// and sent with its Content-Length in one Write: net/http would otherwise
// send a body over 2 KB chunked.
func JSON(w http.ResponseWriter, status int, v any) error {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		setJSONHeaders(w.Header(), len(internalBody))
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, internalBody)
		return err
	}
	return writeJSON(w, status, buf.Bytes())
}

// RawJSON writes body, which must be a complete JSON document followed by
// a newline, as JSON does: for surfaces that encode a hot response by hand
// (dbapi's list).
func RawJSON(w http.ResponseWriter, status int, body []byte) error {
	return writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) error {
	setJSONHeaders(w.Header(), len(body))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// The header values JSON sets, shared by every response: net/http only
// reads them, and Header.Set would allocate a new slice each time.
var (
	contentTypeJSON = []string{"application/json"}
	noSniff         = []string{"nosniff"}
)

func setJSONHeaders(h http.Header, n int) {
	h["Content-Type"] = contentTypeJSON
	h["X-Content-Type-Options"] = noSniff
	h["Content-Length"] = []string{strconv.Itoa(n)}
}

// bufferPool holds the buffers JSON encodes into; a buffer that grew past
// maxPooledBuffer is left to the collector rather than pinned.
var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 64 << 10

// GetBuffer returns an empty buffer from the pool JSON uses, for a caller
// that encodes a body by hand; give it back with PutBuffer once written.
func GetBuffer() *bytes.Buffer { return getBuffer() }

// PutBuffer returns buf to the pool. buf must not be used afterwards.
func PutBuffer(buf *bytes.Buffer) { putBuffer(buf) }

func getBuffer() *bytes.Buffer {
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuffer {
		bufferPool.Put(buf)
	}
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
	var h [16]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

// TimeFormat is ISO 8601 in UTC with milliseconds, as document 003 shows:
// 2026-05-20T09:30:00.000Z.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// Time formats t in TimeFormat.
func Time(t time.Time) string {
	var b [len(TimeFormat)]byte
	return string(AppendTime(b[:0], t))
}

// AppendTime appends t in TimeFormat to b, as t.UTC().AppendFormat would
// but without parsing the layout: list answers format two times per
// database.
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, TimeFormat)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/int(time.Millisecond), 3)
	return append(b, 'Z')
}

// appendDigits appends n, which is not negative, in exactly width digits.
func appendDigits(b []byte, n, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, 0)
	}
	for i := len(b) - 1; width > 0; i, width = i-1, width-1 {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// TimePtr formats t in TimeFormat, or returns nil (JSON null) when t is nil.
func TimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := Time(*t)
	return &s
}
