package engine

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
)

// conn wraps a driver's Conn with what every engine needs and none should
// repeat: a default timeout, one log line per operation, and scrubbing of
// passwords out of errors (OpenBao's database middleware does the same).
type conn struct {
	inner    Conn
	engine   string
	hostID   string
	password string // the admin password, scrubbed from every error
	log      *slog.Logger
	timeout  time.Duration
	observe  func(Observation)
}

// Observation is one finished operation on a host.
type Observation struct {
	HostID, Engine, Op string
	Outcome            string // see Outcome
	Took               time.Duration
}

var (
	_ Conn         = (*conn)(nil)
	_ Sizer        = (*conn)(nil)
	_ AccessSetter = (*conn)(nil)
)

// Op names, as they appear in log lines and in errors the middleware makes.
const (
	opPing        = "ping"
	opVersion     = "version"
	opCheck       = "check"
	opEnsure      = "ensure"
	opDrop        = "drop"
	opSetPassword = "set_password"
	opSetAccess   = "set_access"
	opSizes       = "sizes"
	opClose       = "close"
)

func (c *conn) Ping(ctx context.Context) error {
	return c.do(ctx, opPing, "", func(ctx context.Context) error { return c.inner.Ping(ctx) })
}

func (c *conn) Version(ctx context.Context) (string, error) {
	var v string
	err := c.do(ctx, opVersion, "", func(ctx context.Context) (err error) {
		v, err = c.inner.Version(ctx)
		return err
	})
	return v, err
}

func (c *conn) CheckPrivileges(ctx context.Context) error {
	return c.do(ctx, opCheck, "", func(ctx context.Context) error { return c.inner.CheckPrivileges(ctx) })
}

func (c *conn) EnsureDatabase(ctx context.Context, req EnsureDatabaseRequest) (EnsureDatabaseResponse, error) {
	var resp EnsureDatabaseResponse
	err := c.do(ctx, opEnsure, req.Password, func(ctx context.Context) (err error) {
		resp, err = c.inner.EnsureDatabase(ctx, req)
		return err
	})
	return resp, err
}

func (c *conn) DropDatabase(ctx context.Context, req DropDatabaseRequest) error {
	return c.do(ctx, opDrop, "", func(ctx context.Context) error { return c.inner.DropDatabase(ctx, req) })
}

func (c *conn) SetPassword(ctx context.Context, req SetPasswordRequest) error {
	return c.do(ctx, opSetPassword, req.Password, func(ctx context.Context) error { return c.inner.SetPassword(ctx, req) })
}

// DatabaseSizes delegates to the driver's Sizer, or returns an error
// wrapping ErrUnsupported.
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	var sizes map[string]int64
	err := c.do(ctx, opSizes, "", func(ctx context.Context) (err error) {
		s, ok := c.inner.(Sizer)
		if !ok {
			return c.unsupported(opSizes)
		}
		sizes, err = s.DatabaseSizes(ctx)
		return err
	})
	return sizes, err
}

// SetAccess delegates to the driver's AccessSetter, or returns an error
// wrapping ErrUnsupported.
func (c *conn) SetAccess(ctx context.Context, req SetAccessRequest) error {
	return c.do(ctx, opSetAccess, "", func(ctx context.Context) error {
		s, ok := c.inner.(AccessSetter)
		if !ok {
			return c.unsupported(opSetAccess)
		}
		return s.SetAccess(ctx, req)
	})
}

func (c *conn) Close() error {
	return c.do(context.Background(), opClose, "", func(context.Context) error { return c.inner.Close() })
}

func (c *conn) unsupported(op string) error {
	return &Error{Op: op, Engine: c.engine, Kind: ErrUnsupported, Err: errors.New("the engine driver does not implement it")}
}

// do runs one operation under the default timeout, scrubs its error and
// logs it. secret is the request's password, if it has one.
func (c *conn) do(ctx context.Context, op, secret string, f func(context.Context) error) error {
	if _, ok := ctx.Deadline(); !ok && op != opClose {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	start := time.Now()
	err := scrub(f(ctx), op, c.engine, c.password, secret)
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

// redacted replaces a secret in error text.
const redacted = "[redacted]"

// kinds are the sentinels an engine error may wrap, in the order scrub
// looks for them.
var kinds = []error{ErrExists, ErrNotExist, ErrAccessDenied, ErrUnreachable, ErrUnsupported}

// scrub returns err with every secret replaced by [redacted]. An error
// whose text holds no secret comes back unchanged, so errors.As still
// reaches the driver's error. Otherwise the result is a new *Error that
// keeps the Kind, Op, Engine and Code of the *Error in err's chain (or, if
// there is none, the first sentinel err wraps, with op and engine) but not
// the raw cause, whose text held the secret.
func scrub(err error, op, engine string, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		if s != "" {
			clean = strings.ReplaceAll(clean, s, redacted)
		}
	}
	if clean == msg {
		return err
	}
	if e, ok := err.(*Error); ok {
		return &Error{Op: e.Op, Engine: e.Engine, Code: e.Code, Kind: e.Kind, Err: errors.New(scrubText(e.Err, secrets))}
	}
	out := &Error{Op: op, Engine: engine, Err: errors.New(clean)}
	var e *Error
	if errors.As(err, &e) {
		out.Op, out.Engine, out.Code, out.Kind = e.Op, e.Engine, e.Code, e.Kind
		// The full text already names the engine and op; keep it whole.
		out.Err = errors.New(clean)
	}
	if out.Kind == nil {
		for _, k := range kinds {
			if errors.Is(err, k) {
				out.Kind = k
				break
			}
		}
	}
	return out
}

// scrubText is err's text with every secret replaced.
func scrubText(err error, secrets []string) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}
