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

// TestMiddleware_Structured: a driver's *engine.Error comes back as it is,
// text included, whatever the passwords are — even ones that are
// substrings of that text ("tc", "a", "127"), which the old scrubber cut
// out and so gave away. An untranslated error keeps its kind but loses its
// text, whatever it says.
func TestMiddleware_Structured(t *testing.T) {
	dial := &engine.Error{Op: engine.OpPing, Engine: "stub", Kind: engine.ErrUnreachable,
		Err: errors.New("dial tcp 127.0.0.1:3306: connect: connection refused")}
	tests := []struct {
		name     string
		err      error
		wantKind error  // nil: none
		wantOp   string // the Op of the *engine.Error that comes back
		wantCode string
		wantSame bool // the very same error comes back
	}{
		{name: "Nil"},
		{
			name:     "Translated",
			err:      &engine.Error{Op: engine.OpEnsure, Engine: "stub", Code: "1007", Kind: engine.ErrExists, Err: &driverError{msg: "database exists"}},
			wantKind: engine.ErrExists, wantOp: engine.OpEnsure, wantCode: "1007", wantSame: true,
		},
		{name: "Dial", err: dial, wantKind: engine.ErrUnreachable, wantOp: engine.OpPing, wantSame: true},
		{
			name:     "WrappedTranslated",
			err:      fmt.Errorf("retry: %w", &engine.Error{Op: engine.OpDrop, Engine: "stub", Code: "42", Kind: engine.ErrUnreachable, Err: errors.New("gone")}),
			wantKind: engine.ErrUnreachable, wantOp: engine.OpDrop, wantCode: "42", wantSame: true,
		},
		{
			name:     "UntranslatedSentinel",
			err:      fmt.Errorf("dial with %s: %w", adminPw, engine.ErrUnreachable),
			wantKind: engine.ErrUnreachable, wantOp: engine.OpEnsure,
		},
		{name: "Untranslated", err: errors.New("weird " + reqPw), wantOp: engine.OpEnsure},
		{name: "UntranslatedNoSecret", err: errors.New("weird"), wantOp: engine.OpEnsure},
	}
	for _, tc := range tests {
		for _, pw := range []string{"tc", "a", "127", adminPw} {
			t.Run(tc.name+"/"+pw, func(t *testing.T) {
				t.Parallel()
				r := engine.NewRegistry(engine.Options{}, stubDriver{name: "stub", conn: &stubConn{err: tc.err}})
				c, err := r.Open("stub", engine.Config{User: "root", Password: pw}, "host-1")
				if err != nil {
					t.Fatalf("Open(stub) = %v", err)
				}
				_, err = c.EnsureDatabase(context.Background(), engine.EnsureDatabaseRequest{Database: "d", Owner: "u", Password: pw})
				if tc.err == nil {
					if err != nil {
						t.Fatalf("EnsureDatabase() = %v, want nil", err)
					}
					return
				}
				if tc.wantSame && err != tc.err {
					t.Errorf("EnsureDatabase() error = %q, want the driver's error %q unchanged", err, tc.err)
				}
				if !tc.wantSame {
					if s := err.Error(); strings.Contains(s, "weird") || strings.Contains(s, adminPw) || strings.Contains(s, reqPw) {
						t.Errorf("EnsureDatabase() error %q: want the untranslated text withheld", s)
					}
					if !errors.Is(err, tc.err) {
						t.Errorf("errors.Is(err, the driver's error) = false for %v", err)
					}
				}
				if strings.Contains(err.Error(), "[redacted]") {
					t.Errorf("EnsureDatabase() error %q: text edited", err)
				}
				for _, k := range []error{engine.ErrExists, engine.ErrNotExist, engine.ErrAccessDenied, engine.ErrUnreachable, engine.ErrUnsupported} {
					if got, want := errors.Is(err, k), k == tc.wantKind; got != want {
						t.Errorf("errors.Is(err, %v) = %v, want %v (err %v)", k, got, want, err)
					}
				}
				e, ok := errors.AsType[*engine.Error](err)
				if !ok {
					t.Fatalf("EnsureDatabase() error %v is not an *engine.Error", err)
				}
				if diff := cmp.Diff([]string{tc.wantOp, "stub", tc.wantCode}, []string{e.Op, e.Engine, e.Code}); diff != "" {
					t.Errorf("Op, Engine, Code (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestMiddleware_KeepsDriverError(t *testing.T) {
	raw := &driverError{msg: "duplicate"}
	c := openStub(t, &stubConn{err: &engine.Error{Op: engine.OpEnsure, Engine: "stub", Kind: engine.ErrExists, Err: raw}}, engine.Options{})
	_, err := c.EnsureDatabase(context.Background(), engine.EnsureDatabaseRequest{Password: reqPw})
	var de *driverError
	if !errors.As(err, &de) || de != raw {
		t.Errorf("errors.As(err, *driverError) = %v, want the raw driver error", de)
	}
}

// TestMiddleware_EveryOpStructured: every operation makes an untranslated
// error an *engine.Error with its kind and without its text.
func TestMiddleware_EveryOpStructured(t *testing.T) {
	inner := &stubConn{err: fmt.Errorf("%s %s: %w", adminPw, reqPw, engine.ErrAccessDenied)}
	c := openStub(t, inner, engine.Options{})
	ctx := context.Background()
	_, verr := c.Version(ctx)
	_, ensErr := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{Password: reqPw})
	_, sizeErr := c.DatabaseSizes(ctx)
	errs := map[string]error{
		engine.OpPing:            c.Ping(ctx),
		engine.OpVersion:         verr,
		engine.OpCheckPrivileges: c.CheckPrivileges(ctx),
		engine.OpEnsure:          ensErr,
		engine.OpDrop:            c.DropDatabase(ctx, engine.DropDatabaseRequest{}),
		engine.OpSetPassword:     c.SetPassword(ctx, engine.SetPasswordRequest{Password: reqPw}),
		engine.OpSetAccess:       c.SetAccess(ctx, engine.SetAccessRequest{}),
		engine.OpSizes:           sizeErr,
		engine.OpClose:           c.Close(),
	}
	for op, err := range errs {
		if !errors.Is(err, engine.ErrAccessDenied) {
			t.Errorf("%s = %v, want ErrAccessDenied", op, err)
		}
		if e, ok := errors.AsType[*engine.Error](err); !ok || e.Op != op {
			t.Errorf("%s error = %#v, want an *engine.Error with Op %q", op, err, op)
		}
		if err != nil && (strings.Contains(err.Error(), adminPw) || strings.Contains(err.Error(), reqPw)) {
			t.Errorf("%s error %q holds untranslated text", op, err)
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
	if dl, ok := inner.lastCtx.Deadline(); !ok || !dl.Equal(want) {
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

// TestMiddleware_Unsupported: a driver whose server cannot size or set
// access answers ErrUnsupported, and the Registry's Conn passes it on as
// an *engine.Error of that kind, with the operation's name.
func TestMiddleware_Unsupported(t *testing.T) {
	c := openStub(t, &stubConn{err: fmt.Errorf("stub: %w", engine.ErrUnsupported)}, engine.Options{})
	_, sizeErr := c.DatabaseSizes(context.Background())
	accessErr := c.SetAccess(context.Background(), engine.SetAccessRequest{})
	for op, err := range map[string]error{engine.OpSizes: sizeErr, engine.OpSetAccess: accessErr} {
		e, ok := errors.AsType[*engine.Error](err)
		if !ok || !errors.Is(err, engine.ErrUnsupported) || e.Op != op {
			t.Errorf("%s on a driver that cannot = %v, want an *engine.Error of op %s wrapping ErrUnsupported", op, err, op)
		}
	}

	ok := openStub(t, &stubConn{}, engine.Options{})
	sizes, err := ok.DatabaseSizes(context.Background())
	if err != nil || sizes["a"] != 1 {
		t.Errorf("DatabaseSizes() = %v, %v; want the driver's map[a:1], nil", sizes, err)
	}
	if err := ok.SetAccess(context.Background(), engine.SetAccessRequest{}); err != nil {
		t.Errorf("SetAccess() = %v, want nil", err)
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
	inner.err = fmt.Errorf("no user; was %s: %w", reqPw, engine.ErrNotExist)
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
