package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dbplane/dbplane/internal/engine"
)

const (
	adminPw = "AdminSecret42"
	reqPw   = "TenantSecret77"
)

// driverError stands for a driver's own error type (mysql.MySQLError).
type driverError struct{ msg string }

func (e *driverError) Error() string { return e.msg }

func openStub(t *testing.T, inner engine.Conn, opt engine.Options) engine.Conn {
	t.Helper()
	r := engine.NewRegistry(opt, stubDriver{name: "stub", conn: inner})
	c, err := r.Open("stub", engine.Config{User: "root", Password: adminPw}, "host-1")
	if err != nil {
		t.Fatalf("Open(stub) = %v", err)
	}
	return c
}

func TestMiddleware_Scrub(t *testing.T) {
	raw := &driverError{msg: "Error 1396: Operation CREATE USER failed; IDENTIFIED BY '" + reqPw + "'"}
	tests := []struct {
		name     string
		err      error
		wantKind error  // nil: none
		wantOp   string // "" when the error is not an *engine.Error
		wantCode string
		wantSame bool // no secret: the very same error comes back
	}{
		{name: "Nil"},
		{
			name:     "NoSecret",
			err:      &engine.Error{Op: "ensure database", Engine: "stub", Code: "1007", Kind: engine.ErrExists, Err: &driverError{msg: "database exists"}},
			wantKind: engine.ErrExists, wantOp: "ensure database", wantCode: "1007", wantSame: true,
		},
		{
			name:     "RequestPassword",
			err:      &engine.Error{Op: "ensure database", Engine: "stub", Code: "1396", Kind: engine.ErrExists, Err: raw},
			wantKind: engine.ErrExists, wantOp: "ensure database", wantCode: "1396",
		},
		{
			name:     "AdminPassword",
			err:      &engine.Error{Op: "ping", Engine: "stub", Code: "1045", Kind: engine.ErrAccessDenied, Err: errors.New("dsn root:" + adminPw + "@tcp(x) refused")},
			wantKind: engine.ErrAccessDenied, wantOp: "ping", wantCode: "1045",
		},
		{
			name:     "BothTwice",
			err:      &engine.Error{Op: "set password", Engine: "stub", Kind: engine.ErrNotExist, Err: fmt.Errorf("%s %s %s %s", adminPw, reqPw, reqPw, adminPw)},
			wantKind: engine.ErrNotExist, wantOp: "set password",
		},
		{
			name:     "WrappedError",
			err:      fmt.Errorf("retry: %w", &engine.Error{Op: "drop database", Engine: "stub", Code: "42", Kind: engine.ErrUnreachable, Err: errors.New("pw " + reqPw)}),
			wantKind: engine.ErrUnreachable, wantOp: "drop database", wantCode: "42",
		},
		{
			name:     "BareSentinel",
			err:      fmt.Errorf("dial with %s: %w", adminPw, engine.ErrUnreachable),
			wantKind: engine.ErrUnreachable, wantOp: "ensure",
		},
		{
			name:   "Unclassified",
			err:    errors.New("weird " + reqPw),
			wantOp: "ensure",
		},
		{
			name:     "UnclassifiedNoSecret",
			err:      errors.New("weird"),
			wantSame: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := openStub(t, &stubConn{err: tc.err}, engine.Options{})
			_, err := c.EnsureDatabase(context.Background(), engine.EnsureDatabaseRequest{Database: "d", Owner: "u", Password: reqPw})
			if tc.err == nil {
				if err != nil {
					t.Fatalf("EnsureDatabase() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("EnsureDatabase() = nil, want an error")
			}
			if s := err.Error(); strings.Contains(s, adminPw) || strings.Contains(s, reqPw) {
				t.Errorf("EnsureDatabase() error %q holds a password", s)
			}
			if tc.wantSame && err != tc.err {
				t.Errorf("EnsureDatabase() error = %#v, want the driver's error unchanged", err)
			}
			if !tc.wantSame && !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("EnsureDatabase() error %q, want [redacted] where the password was", err)
			}
			for _, k := range []error{engine.ErrExists, engine.ErrNotExist, engine.ErrAccessDenied, engine.ErrUnreachable, engine.ErrUnsupported} {
				if got, want := errors.Is(err, k), k == tc.wantKind; got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v (err %v)", k, got, want, err)
				}
			}
			var e *engine.Error
			if tc.wantOp == "" {
				if errors.As(err, &e) {
					t.Errorf("EnsureDatabase() error is an *engine.Error %+v, want the plain error", e)
				}
				return
			}
			if !errors.As(err, &e) {
				t.Fatalf("EnsureDatabase() error %v is not an *engine.Error", err)
			}
			if diff := cmp.Diff([]string{tc.wantOp, "stub", tc.wantCode}, []string{e.Op, e.Engine, e.Code}); diff != "" {
				t.Errorf("Op, Engine, Code (-want +got):\n%s", diff)
			}
			if !tc.wantSame {
				var de *driverError
				if errors.As(err, &de) {
					t.Errorf("scrubbed error still wraps the raw cause %q", de.msg)
				}
			}
		})
	}
}

func TestMiddleware_ScrubKeepsDriverError(t *testing.T) {
	raw := &driverError{msg: "duplicate"}
	c := openStub(t, &stubConn{err: &engine.Error{Op: "ensure", Engine: "stub", Kind: engine.ErrExists, Err: raw}}, engine.Options{})
	_, err := c.EnsureDatabase(context.Background(), engine.EnsureDatabaseRequest{Password: reqPw})
	var de *driverError
	if !errors.As(err, &de) || de != raw {
		t.Errorf("errors.As(err, *driverError) = %v, want the raw driver error when nothing needed scrubbing", de)
	}
}

func TestMiddleware_EveryOpScrubs(t *testing.T) {
	inner := &stubFullConn{stubConn{err: &engine.Error{Op: "x", Engine: "stub", Kind: engine.ErrAccessDenied, Err: errors.New(adminPw + " " + reqPw)}}}
	c := openStub(t, inner, engine.Options{})
	ctx := context.Background()
	_, verr := c.Version(ctx)
	_, ensErr := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Password: reqPw})
	_, sizeErr := c.(engine.Sizer).DatabaseSizes(ctx)
	errs := map[string]error{
		"Ping":            c.Ping(ctx),
		"Version":         verr,
		"CheckPrivileges": c.CheckPrivileges(ctx),
		"EnsureDatabase":  ensErr,
		"DropDatabase":    c.DropDatabase(ctx, engine.DropDatabaseRequest{}),
		"SetPassword":     c.SetPassword(ctx, engine.SetPasswordRequest{Password: reqPw}),
		"SetAccess":       c.(engine.AccessSetter).SetAccess(ctx, engine.SetAccessRequest{}),
		"DatabaseSizes":   sizeErr,
		"Close":           c.Close(),
	}
	for op, err := range errs {
		if !errors.Is(err, engine.ErrAccessDenied) {
			t.Errorf("%s() = %v, want ErrAccessDenied", op, err)
		}
		if err != nil && strings.Contains(err.Error(), adminPw) {
			t.Errorf("%s() error %q holds the admin password", op, err)
		}
	}
	// Only the operations that carry a request password know it.
	for _, op := range []string{"EnsureDatabase", "SetPassword"} {
		if strings.Contains(errs[op].Error(), reqPw) {
			t.Errorf("%s() error %q holds the request password", op, errs[op])
		}
	}
}

func TestMiddleware_Timeout(t *testing.T) {
	inner := &stubConn{}
	c := openStub(t, inner, engine.Options{Timeout: time.Minute})

	before := time.Now()
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	dl, ok := inner.lastCtx.Deadline()
	if !ok || dl.Before(before.Add(59*time.Second)) || dl.After(time.Now().Add(time.Minute)) {
		t.Errorf("Ping without a deadline: inner deadline = %v (set %v), want about 1m from now", dl, ok)
	}

	want := time.Now().Add(3 * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), want)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if dl, _ := inner.lastCtx.Deadline(); !dl.Equal(want) {
		t.Errorf("Ping with a deadline: inner deadline = %v, want the caller's %v", dl, want)
	}

	d := openStub(t, &stubConn{}, engine.Options{})
	if err := d.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestMiddleware_DefaultTimeout(t *testing.T) {
	inner := &stubConn{}
	c := openStub(t, inner, engine.Options{})
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	dl, ok := inner.lastCtx.Deadline()
	if left := time.Until(dl); !ok || left > engine.DefaultTimeout || left < engine.DefaultTimeout-5*time.Second {
		t.Errorf("Ping without a deadline: time left = %v (deadline set %v), want about %v", left, ok, engine.DefaultTimeout)
	}
}

func TestMiddleware_Unsupported(t *testing.T) {
	c := openStub(t, &stubConn{}, engine.Options{})
	if _, err := c.(engine.Sizer).DatabaseSizes(context.Background()); !errors.Is(err, engine.ErrUnsupported) {
		t.Errorf("DatabaseSizes() on a driver without Sizer = %v, want ErrUnsupported", err)
	}
	if err := c.(engine.AccessSetter).SetAccess(context.Background(), engine.SetAccessRequest{}); !errors.Is(err, engine.ErrUnsupported) {
		t.Errorf("SetAccess() on a driver without AccessSetter = %v, want ErrUnsupported", err)
	}

	full := openStub(t, &stubFullConn{}, engine.Options{})
	sizes, err := full.(engine.Sizer).DatabaseSizes(context.Background())
	if err != nil || sizes["a"] != 1 {
		t.Errorf("DatabaseSizes() on a Sizer = %v, %v; want map[a:1], nil", sizes, err)
	}
	if err := full.(engine.AccessSetter).SetAccess(context.Background(), engine.SetAccessRequest{}); err != nil {
		t.Errorf("SetAccess() on an AccessSetter = %v, want nil", err)
	}
}

func TestMiddleware_Log(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	inner := &stubConn{}
	c := openStub(t, inner, engine.Options{Logger: log})
	ctx := context.Background()

	if _, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Database: "d", Owner: "u", Password: reqPw}); err != nil {
		t.Fatal(err)
	}
	inner.err = &engine.Error{Op: "set password", Engine: "stub", Kind: engine.ErrNotExist, Err: errors.New("no user; was " + reqPw)}
	if err := c.SetPassword(ctx, engine.SetPasswordRequest{Owner: "u", Password: reqPw}); err == nil {
		t.Fatal("SetPassword() = nil, want the stub's error")
	}

	if s := buf.String(); strings.Contains(s, reqPw) || strings.Contains(s, adminPw) {
		t.Fatalf("log holds a password:\n%s", s)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log has %d lines, want 2 (one per operation):\n%s", len(lines), buf.String())
	}
	for i, want := range []struct {
		op    string
		level string
		err   bool
	}{{"ensure", "INFO", false}, {"set_password", "WARN", true}} {
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &rec); err != nil {
			t.Fatalf("log line %d: %v", i, err)
		}
		got := fmt.Sprint(rec["engine"], " ", rec["op"], " ", rec["host_id"], " ", rec["level"])
		if w := "stub " + want.op + " host-1 " + want.level; got != w {
			t.Errorf("log line %d engine op host_id level = %q, want %q", i, got, w)
		}
		if _, ok := rec["took"]; !ok {
			t.Errorf("log line %d has no took: %s", i, lines[i])
		}
		if _, ok := rec["err"]; ok != want.err {
			t.Errorf("log line %d has err = %v, want %v: %s", i, ok, want.err, lines[i])
		}
	}
}
