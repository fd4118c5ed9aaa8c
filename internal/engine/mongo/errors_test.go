package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"syscall"
	"testing"

	mgo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mongo"
)

func TestTranslate(t *testing.T) {
	server := func(code int32, name, msg string) error {
		return mgo.CommandError{Code: code, Name: name, Message: msg}
	}
	tests := []struct {
		name     string
		err      error
		wantKind error // nil: no kind
		wantCode string
	}{
		{"user exists", server(51003, "Location51003", `User "u@db" already exists`), engine.ErrExists, "51003"},
		{"duplicate key", server(11000, "DuplicateKey", "E11000 duplicate key error"), engine.ErrExists, "11000"},
		{"duplicate key in a write", mgo.WriteException{WriteErrors: []mgo.WriteError{{Code: 11000, Message: "E11000"}}}, engine.ErrExists, "11000"},
		{"namespace exists", server(48, "NamespaceExists", "Collection already exists"), engine.ErrExists, "48"},
		{"user not found", server(11, "UserNotFound", "User u@db not found"), engine.ErrNotExist, "11"},
		{"namespace not found", server(26, "NamespaceNotFound", "ns not found"), engine.ErrNotExist, "26"},
		{"unauthorized", server(13, "Unauthorized", "not authorized on admin to execute command"), engine.ErrAccessDenied, "13"},
		{"authentication failed", server(18, "AuthenticationFailed", "Authentication failed."), engine.ErrAccessDenied, "18"},
		{"authentication failed in handshake", topology.ConnectionError{Wrapped: server(18, "AuthenticationFailed", "Authentication failed.")}, engine.ErrAccessDenied, "18"},
		{"command not found", server(59, "CommandNotFound", "no such command: 'killAllSessionsByPattern'"), engine.ErrUnsupported, "59"},
		{"FerretDB not implemented", server(238, "NotImplemented", "support for field \"roles\" with non-default value is not implemented yet"), engine.ErrUnsupported, "238"},
		{"FerretDB not implemented, other code", server(2, "BadValue", "filter is not implemented yet"), engine.ErrUnsupported, "2"},
		{"host unreachable", server(6, "HostUnreachable", "unreachable"), engine.ErrUnreachable, "6"},
		{"shutting down", server(91, "ShutdownInProgress", "shutting down"), engine.ErrUnreachable, "91"},
		{"network error label", mgo.CommandError{Labels: []string{"NetworkError"}, Message: "connection reset"}, engine.ErrUnreachable, ""},
		{"other server error", server(2, "BadValue", "bad value"), nil, "2"},
		{"wrapped server error", fmt.Errorf("run: %w", server(51003, "Location51003", "exists")), engine.ErrExists, "51003"},
		{"server selection", topology.ServerSelectionError{Wrapped: errors.New("server selection timeout")}, engine.ErrUnreachable, ""},
		{"refused dial", topology.ConnectionError{Wrapped: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}, engine.ErrUnreachable, ""},
		{"dns failure", &net.DNSError{Err: "no such host", Name: "db.invalid", IsNotFound: true}, engine.ErrUnreachable, ""},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), engine.ErrUnreachable, ""},
		{"client disconnected", mgo.ErrClientDisconnected, engine.ErrUnreachable, ""},
		{"deadline", context.DeadlineExceeded, engine.ErrUnreachable, ""},
		{"cancelled by caller", context.Canceled, nil, ""},
		{"plain error", errors.New("something else"), nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := mongo.Translate("ensure database", tc.err)
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
			if e.Op != "ensure database" || e.Engine != "mongo" {
				t.Errorf("Translate op, engine = %q, %q, want %q, %q", e.Op, e.Engine, "ensure database", "mongo")
			}
			// The driver's error types hold slices, so == and errors.Is
			// cannot compare them.
			if !reflect.DeepEqual(e.Err, tc.err) {
				t.Errorf("Translate(%v) lost its cause", tc.err)
			}
		})
	}
}

// TestTranslate_NotSent: only a server selection error, which the driver
// returns when no attempt of the command was sent, is NotSent; errors that
// may follow a sent command are not.
func TestTranslate_NotSent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"server selection timeout", topology.ServerSelectionError{Wrapped: errors.New("server selection timeout")}, true},
		{"server selection, context ended", topology.ServerSelectionError{Wrapped: context.DeadlineExceeded}, true},
		{"wrapped server selection", fmt.Errorf("run: %w", topology.ServerSelectionError{}), true},
		{"refused dial on a selected server", topology.ConnectionError{Wrapped: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}, false},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), false},
		{"network error label", mgo.CommandError{Labels: []string{"NetworkError"}, Message: "connection reset"}, false},
		{"deadline", context.DeadlineExceeded, false},
		{"server error", mgo.CommandError{Code: 2, Name: "BadValue"}, false},
	}
	for _, tc := range tests {
		err := mongo.Translate("set password", tc.err)
		if got := errors.Is(err, engine.ErrNotSent); got != tc.want {
			t.Errorf("%s: errors.Is(Translate(%v), ErrNotSent) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestTranslate_PassThrough(t *testing.T) {
	if err := mongo.Translate("ping", nil); err != nil {
		t.Errorf("Translate(nil) = %v, want nil", err)
	}
	done := &engine.Error{Op: "ping", Engine: "mongo", Kind: engine.ErrNotExist, Err: errors.New("gone")}
	if err := mongo.Translate("drop database", done); err != done {
		t.Errorf("Translate(*engine.Error) = %v, want it unchanged", err)
	}
}

// TestHide: the server error of a command that carried a password keeps
// its code, code name, cause and kind but not its message, whatever the
// password is: a short one ("a") is in any text, and cutting it out would
// show where it was (issue 10). Its text does not depend on the password.
func TestHide(t *testing.T) {
	const pw = "Xq3k9ZpL0aVbN7mR2cT5wY8eH1jU4sDf"
	var texts []string
	for _, secret := range []string{pw, "a", "e", "51003"} {
		cause := mgo.CommandError{Code: 51003, Name: "Location51003", Message: `bad pwd "` + secret + `"`}
		err := mongo.Hide(mongo.Translate("ensure database", cause), secret)
		if strings.Contains(err.Error(), "bad pwd") || strings.Contains(err.Error(), "[redacted]") {
			t.Errorf("Hide(secret %q) error text %q: want the server message withheld, not edited", secret, err)
		}
		if !errors.Is(err, engine.ErrExists) {
			t.Errorf("Hide() = %v, lost kind ErrExists", err)
		}
		if ce, ok := errors.AsType[mgo.CommandError](err); !ok || ce.Code != 51003 {
			t.Errorf("Hide() lost the mongo.CommandError: %v", err)
		}
		texts = append(texts, err.Error())
	}
	for _, text := range texts[1:] {
		if text != texts[0] {
			t.Errorf("Hide() text depends on the password: %q and %q", text, texts[0])
		}
	}
	plain := errors.New("no secret here")
	if got := mongo.Hide(plain, pw); got != plain {
		t.Errorf("Hide() of an error without a server reply = %v, want it unchanged", got)
	}
	translated := mongo.Translate("ping", mgo.CommandError{Code: 18, Name: "AuthenticationFailed", Message: "Authentication failed."})
	if got := mongo.Hide(translated, ""); got != translated {
		t.Errorf("Hide() of a command that carried no password = %v, want it unchanged", got)
	}
}
