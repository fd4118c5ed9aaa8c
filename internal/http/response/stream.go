package response

import (
	"bytes"
	"net/http"
)

// StreamChunk is how much of a streamed body is held before it is sent.
const StreamChunk = 32 << 10

// Stream writes a JSON body that is made piece by piece, such as a list
// read row by row from the store, so that the memory an answer takes does
// not grow with it. Pieces are held in a pooled buffer and sent once it
// passes StreamChunk; a body that fits in one chunk is sent by Close as
// JSON sends one, with its Content-Length, and a longer one goes out
// chunked. The caller writes a complete JSON document followed by a
// newline, as JSON does.
//
// Until Started reports true nothing has been written to w, and the
// caller may still answer with an error instead (after Discard). Once it
// has, the status is out: a caller that fails then cuts the connection
// (panic(http.ErrAbortHandler)), so that the client cannot take a part
// of the body for all of it.
type Stream struct {
	w       http.ResponseWriter
	status  int
	buf     *bytes.Buffer
	started bool
	err     error
}

// NewStream returns a Stream that answers w with status.
func NewStream(w http.ResponseWriter, status int) *Stream {
	return &Stream{w: w, status: status, buf: getBuffer()}
}

// Buffer is where the pieces go; call Flushed after writing each. It is
// the same buffer for the Stream's whole life (Flushed empties it) and
// must not be used after Close or Discard.
func (s *Stream) Buffer() *bytes.Buffer { return s.buf }

// Flushed sends what the buffer holds once it has passed StreamChunk. It
// returns the first error writing to the client met; after one, nothing
// more is sent.
func (s *Stream) Flushed() error {
	if s.err != nil || s.buf.Len() < StreamChunk {
		return s.err
	}
	if !s.started {
		h := s.w.Header()
		h["Content-Type"] = contentTypeJSON
		h["X-Content-Type-Options"] = noSniff
		s.w.WriteHeader(s.status)
		s.started = true
	}
	_, s.err = s.w.Write(s.buf.Bytes())
	s.buf.Reset()
	return s.err
}

// Started reports whether any of the answer has been written to w.
func (s *Stream) Started() bool { return s.started }

// Close sends the rest of the body (all of it, with its Content-Length,
// if none was sent yet) and returns the buffer to the pool.
func (s *Stream) Close() error {
	defer s.Discard()
	if s.err != nil {
		return s.err
	}
	if !s.started {
		return writeJSON(s.w, s.status, s.buf.Bytes())
	}
	_, err := s.w.Write(s.buf.Bytes())
	return err
}

// Discard returns the buffer to the pool without sending it; the Stream
// must not be used afterwards.
func (s *Stream) Discard() {
	if s.buf != nil {
		putBuffer(s.buf)
		s.buf = nil
	}
}
