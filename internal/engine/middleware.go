package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// conn wraps a driver's Conn with what every engine needs and none should
// repeat: a default timeout, one log line per operation, and errors that
// are engine Errors (OpenBao's database middleware does the same).
//
// It keeps secrets out of errors by structure, not by editing text: each
// driver builds its errors from server codes and driver errors that never
// hold a password, a verifier or a DSN (see Conn), and an error a driver
// did not translate loses its text here. Nothing depends on a password's
// value, so no error can say anything about it — replacing a short
// password in error text did ("dial tc[redacted] 127.0.0.1").
type conn struct {
	inner   Conn
	engine  string
	hostID  string
	log     *slog.Logger
	timeout time.Duration
	observe func(Observation)
}

// Observation is one finished operation on a host.
type Observation struct {
	HostID, Engine, Op string
	Outcome            string // see Outcome
	Took               time.Duration
}

var _ Conn = (*conn)(nil)

func (c *conn) Ping(ctx context.Context) error {
	return c.do(ctx, OpPing, func(ctx context.Context) error { return c.inner.Ping(ctx) })
}

func (c *conn) Version(ctx context.Context) (string, error) {
	var v string
	err := c.do(ctx, OpVersion, func(ctx context.Context) (err error) {
		v, err = c.inner.Version(ctx)
		return err
	})
	return v, err
}

func (c *conn) CheckPrivileges(ctx context.Context) error {
	return c.do(ctx, OpCheckPrivileges, func(ctx context.Context) error { return c.inner.CheckPrivileges(ctx) })
}

func (c *conn) EnsureDatabase(ctx context.Context, req EnsureDatabaseRequest) (EnsureDatabaseResponse, error) {
	var resp EnsureDatabaseResponse
	err := c.do(ctx, OpEnsure, func(ctx context.Context) (err error) {
		resp, err = c.inner.EnsureDatabase(ctx, req)
		return err
	})
	return resp, err
}

func (c *conn) DropDatabase(ctx context.Context, req DropDatabaseRequest) error {
	return c.do(ctx, OpDrop, func(ctx context.Context) error { return c.inner.DropDatabase(ctx, req) })
}

func (c *conn) SetPassword(ctx context.Context, req SetPasswordRequest) error {
	return c.do(ctx, OpSetPassword, func(ctx context.Context) error { return c.inner.SetPassword(ctx, req) })
}

func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	var sizes map[string]int64
	err := c.do(ctx, OpSizes, func(ctx context.Context) (err error) {
		sizes, err = c.inner.DatabaseSizes(ctx)
		return err
	})
	return sizes, err
}

func (c *conn) SetAccess(ctx context.Context, req SetAccessRequest) error {
	return c.do(ctx, OpSetAccess, func(ctx context.Context) error { return c.inner.SetAccess(ctx, req) })
}

func (c *conn) Catalog(ctx context.Context) (*Catalog, error) {
	var cat *Catalog
	err := c.do(ctx, OpCatalog, func(ctx context.Context) (err error) {
		cat, err = c.inner.Catalog(ctx)
		return err
	})
	return cat, err
}

func (c *conn) Close() error {
	return c.do(context.Background(), OpClose, func(context.Context) error { return c.inner.Close() })
}

// do runs one operation under the default timeout, makes its error an
// *Error (structured) and logs it.
func (c *conn) do(ctx context.Context, op string, f func(context.Context) error) error {
	if _, ok := ctx.Deadline(); !ok && op != OpClose {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	start := time.Now()
	err := structured(f(ctx), op, c.engine)
	took := time.Since(start)
	if c.observe != nil {
		c.observe(Observation{HostID: c.hostID, Engine: c.engine, Op: op, Outcome: Outcome(err), Took: took})
	}
	attrs := []slog.Attr{
		slog.String("engine", c.engine),
		slog.String("op", op),
		slog.String("host_id", c.hostID),
		slog.Duration("took", took),
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	c.log.LogAttrs(ctx, level, "engine operation", attrs...)
	return err
}

// Outcome names the result of an operation for metrics: "ok", the kind of
// an engine error ("exists", "not_exist", "access_denied", "unreachable",
// "unsupported"), "timeout", or "error".
func Outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrExists):
		return "exists"
	case errors.Is(err, ErrNotExist):
		return "not_exist"
	case errors.Is(err, ErrAccessDenied):
		return "access_denied"
	case errors.Is(err, ErrUnsupported):
		return "unsupported"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, ErrUnreachable):
		return "unreachable"
	}
	return "error"
}

// kinds are the sentinels an engine error may wrap, in the order
// structured looks for them.
var kinds = []error{ErrExists, ErrNotExist, ErrAccessDenied, ErrUnreachable, ErrUnsupported}

// structured returns err when it is, or wraps, an *Error: the driver built
// it, and its text is the driver's promise (Conn). Any other error is a
// driver's untranslated error, whose text nobody vetted: it becomes an
// *Error with op, engine and the first sentinel err wraps, and its text is
// withheld, whatever it says. errors.Is and errors.As still reach it.
func structured(err error, op, engine string) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	out := &Error{Op: op, Engine: engine, Err: withheld{err}}
	for _, k := range kinds {
		if errors.Is(err, k) {
			out.Kind = k
			break
		}
	}
	return out
}

// withheld is an untranslated driver error whose text is not shown.
type withheld struct{ err error }

func (w withheld) Error() string { return fmt.Sprintf("untranslated %T (text withheld)", w.err) }

func (w withheld) Unwrap() error { return w.err }
