package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

func TestTranslate(t *testing.T) {
	pg := func(code string) error {
		return &pgconn.PgError{Severity: "ERROR", Code: code, Message: "server says no"}
	}
	tests := []struct {
		name     string
		err      error
		wantKind error // nil: no kind
		wantCode string
	}{
		{"duplicate database", pg("42P04"), engine.ErrExists, "42P04"},
		{"duplicate role", pg("42710"), engine.ErrExists, "42710"},
		{"racing CREATE ROLE", pg("23505"), engine.ErrExists, "23505"},
		{"unknown database", pg("3D000"), engine.ErrNotExist, "3D000"},
		{"unknown role", pg("42704"), engine.ErrNotExist, "42704"},
		{"wrong password", pg("28P01"), engine.ErrAccessDenied, "28P01"},
		{"pg_hba or NOLOGIN", pg("28000"), engine.ErrAccessDenied, "28000"},
		{"insufficient privilege", pg("42501"), engine.ErrAccessDenied, "42501"},
		{"starting up", pg("57P03"), engine.ErrUnreachable, "57P03"},
		{"admin shutdown", pg("57P01"), engine.ErrUnreachable, "57P01"},
		{"crash shutdown", pg("57P02"), engine.ErrUnreachable, "57P02"},
		{"too many connections", pg("53300"), engine.ErrUnreachable, "53300"},
		{"feature not supported", pg("0A000"), engine.ErrUnsupported, "0A000"},
		{"other server error", pg("XX000"), nil, "XX000"},
		{"syntax error", pg("42601"), nil, "42601"},
		{"wrapped server error", fmt.Errorf("exec: %w", pg("42P04")), engine.ErrExists, "42P04"},
		{"refused dial", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, engine.ErrUnreachable, ""},
		{"dns failure", &net.DNSError{Err: "no such host", Name: "db.invalid", IsNotFound: true}, engine.ErrUnreachable, ""},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), engine.ErrUnreachable, ""},
		{"server hung up", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), engine.ErrUnreachable, ""},
		{"conn closed", fmt.Errorf("acquire: %w", pgconn.ErrConnClosed), engine.ErrUnreachable, ""},
		{"deadline", context.DeadlineExceeded, engine.ErrUnreachable, ""},
		{"cancelled by caller", context.Canceled, nil, ""},
		{"plain error", errors.New("something else"), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := postgres.Translate("ensure database", tc.err)
			e, ok := errors.AsType[*engine.Error](err)
			if !ok {
				t.Fatalf("Translate(%v) = %T, want *engine.Error", tc.err, err)
			}
			if e.Kind != tc.wantKind {
				t.Errorf("Translate(%v) kind = %v, want %v", tc.err, e.Kind, tc.wantKind)
			}
			if e.Code != tc.wantCode {
				t.Errorf("Translate(%v) code = %q, want %q", tc.err, e.Code, tc.wantCode)
			}
			if e.Op != "ensure database" || e.Engine != "postgres" {
				t.Errorf("Translate op, engine = %q, %q, want %q, %q", e.Op, e.Engine, "ensure database", "postgres")
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("Translate(%v) lost its cause", tc.err)
			}
		})
	}
}

func TestTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"tuple concurrently updated", &pgconn.PgError{Code: "XX000", Message: "tuple concurrently updated"}, true},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, true},
		{"deadlock", fmt.Errorf("exec: %w", &pgconn.PgError{Code: "40P01"}), true},
		{"duplicate", &pgconn.PgError{Code: "42710"}, false},
		{"not a server error", io.ErrUnexpectedEOF, false},
	}
	for _, tc := range tests {
		if got := postgres.Transient(postgres.Translate("ensure database", tc.err)); got != tc.want {
			t.Errorf("transient(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestTranslate_PassThrough(t *testing.T) {
	if err := postgres.Translate("ping", nil); err != nil {
		t.Errorf("Translate(nil) = %v, want nil", err)
	}
	done := &engine.Error{Op: "ping", Engine: "postgres", Kind: engine.ErrNotExist, Err: errors.New("gone")}
	if err := postgres.Translate("drop database", done); err != done {
		t.Errorf("Translate(*engine.Error) = %v, want it unchanged", err)
	}
}

// TestTranslate_RedactsVerifier: a server error that quotes a statement
// must not carry the verifier in its text; errors.As still reaches it.
func TestTranslate_RedactsVerifier(t *testing.T) {
	const v = "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$kzu99YCnjw6cUfoS40XaPOQuZSJG9PfNGQDIazDPnU4=:DKQJphNXuorN4UcKF8AUZlZU8W5dU6k++PveYoQuD8s="
	cause := &pgconn.PgError{Severity: "ERROR", Code: "42601", Message: `syntax error at or near "'` + v + `'"`}
	err := postgres.Translate("set password", cause)
	if strings.Contains(err.Error(), "SCRAM-SHA-256$") || strings.Contains(err.Error(), "kzu99YCnjw6c") {
		t.Errorf("Translate error text %q carries the verifier", err)
	}
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); !ok || pgErr.Code != "42601" {
		t.Errorf("Translate error lost the *pgconn.PgError: %v", err)
	}
}

// TestTranslate_ConnectError dials a port nothing listens on: a real
// pgconn connect failure is unreachable, and its text has no password.
func TestTranslate_ConnectError(t *testing.T) {
	const password = "Hunter2-is-the-admin-password"
	port := closedPort(t)
	cfg, err := pgconn.ParseConfig(fmt.Sprintf("host=127.0.0.1 port=%d user=admin dbname=postgres sslmode=disable connect_timeout=2", port))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = password
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, cerr := pgconn.ConnectConfig(ctx, cfg)
	if cerr == nil {
		t.Fatalf("connect to closed port %d succeeded", port)
	}
	err = postgres.Translate("ping", cerr)
	if !errors.Is(err, engine.ErrUnreachable) {
		t.Errorf("Translate(%v) = %v, want ErrUnreachable", cerr, err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("Translate error text %q carries the password", err)
	}
}

// closedPort returns a loopback port with no listener.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}
