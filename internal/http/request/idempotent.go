package request

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/dbplane/dbplane"
)

// ReplayedHeader marks a response that is a replay of the first response
// to the request's Idempotency-Key.
const ReplayedHeader = "Idempotent-Replayed"

// errTwoIdempotencyKeys is a request with more than one Idempotency-Key.
var errTwoIdempotencyKeys = dbplane.FieldErrorf(dbplane.IdempotencyHeader, "Send one Idempotency-Key header, not several.")

// keptHeaders are the headers of a response kept for replays.
var keptHeaders = []string{"Content-Type", "Location"}

// Idempotency makes create routes safe to retry (dbplane.IdempotencyHeader).
type Idempotency struct {
	Service dbplane.IdempotencyService
	// WriteError writes an error in the surface's shape.
	WriteError func(http.ResponseWriter, *http.Request, error)
	Logger     *slog.Logger
}

// Wrap returns next made idempotent. It must run after authentication:
// keys are kept per account of the request's principal and per route
// (method and path). Without the header, next runs as it is. With it:
// the first request runs and, when it succeeds (2xx), its response is
// kept for dbplane.IdempotencyTTL; a retry with the same body gets that
// response again (with Idempotent-Replayed: true) and creates nothing; a
// retry with another body is dbplane.ErrIdempotencyKeyReused; one that
// arrives while the first still runs is dbplane.ErrIdempotencyInFlight
// (the client retries, as Retry-After says). A request that fails keeps
// nothing, so its retry runs again.
func (o Idempotency) Wrap(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values(dbplane.IdempotencyHeader)
		p := dbplane.PrincipalFrom(r.Context())
		if len(values) == 0 || p == nil || p.Account == nil || o.Service == nil {
			next(w, r)
			return
		}
		if len(values) > 1 {
			o.WriteError(w, r, errTwoIdempotencyKeys)
			return
		}
		key, err := dbplane.ParseIdempotencyKey(values[0])
		if err != nil {
			o.WriteError(w, r, err)
			return
		}
		body, err := readBody(w, r)
		if err != nil {
			o.WriteError(w, r, err)
			return
		}
		req := dbplane.IdempotentRequest{AccountID: p.Account.ID, Route: r.Method + " " + r.URL.Path, Key: key,
			Fingerprint: Fingerprint(r.Header.Get("Content-Type"), body)}
		kept, err := o.Service.BeginIdempotent(r.Context(), req)
		if err != nil {
			if errors.Is(err, dbplane.ErrIdempotencyInFlight) {
				w.Header().Set("Retry-After", "1")
			}
			o.WriteError(w, r, err)
			return
		}
		if kept != nil {
			replay(w, kept)
			return
		}
		rec := &recorder{header: http.Header{}}
		finished := false
		defer func() {
			// A panic in next: release the claim, then let it go on.
			if !finished {
				o.finish(r, req, nil)
			}
		}()
		next(rec, r)
		resp := rec.response()
		if resp.Status < 200 || resp.Status > 299 {
			o.finish(r, req, nil)
		} else {
			o.finish(r, req, resp)
		}
		finished = true
		rec.writeTo(w)
	}
}

// finish keeps resp (or releases the claim). A failure is logged: the
// client still gets its answer, and a retry within
// dbplane.IdempotencyAbandoned is told the first is in flight.
func (o Idempotency) finish(r *http.Request, req dbplane.IdempotentRequest, resp *dbplane.IdempotentResponse) {
	if err := o.Service.FinishIdempotent(context.WithoutCancel(r.Context()), req, resp); err != nil && o.Logger != nil {
		o.Logger.LogAttrs(r.Context(), slog.LevelError, "keep idempotent response",
			slog.String("request_id", dbplane.RequestID(r.Context())), slog.String("err", err.Error()))
	}
}

// readBody reads r's body (capped at MaxBodyBytes) and puts it back for
// the handler.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, bodyError("", "Request body too large", err)
		}
		return nil, bodyError("", "Request body could not be read", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// replay writes a kept response.
func replay(w http.ResponseWriter, kept *dbplane.IdempotentResponse) {
	for k, v := range kept.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set(ReplayedHeader, "true")
	w.WriteHeader(kept.Status)
	_, _ = w.Write(kept.Body)
}

// recorder holds a response until it is kept.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.WriteHeader(http.StatusOK)
	return rec.body.Write(b)
}

func (rec *recorder) response() *dbplane.IdempotentResponse {
	resp := &dbplane.IdempotentResponse{Status: rec.status, Body: bytes.Clone(rec.body.Bytes())}
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	for _, k := range keptHeaders {
		if v := rec.header.Get(k); v != "" {
			if resp.Header == nil {
				resp.Header = map[string]string{}
			}
			resp.Header[k] = v
		}
	}
	return resp
}

// writeTo sends the recorded response.
func (rec *recorder) writeTo(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(rec.body.Bytes())
}
