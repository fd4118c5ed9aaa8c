package mariadb_test

import (
	"context"
	"crypto/x509"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

func serverErr(number uint16, msg string) error {
	return &mysql.MySQLError{Number: number, Message: msg}
}

var kinds = []error{engine.ErrExists, engine.ErrNotExist, engine.ErrAccessDenied, engine.ErrUnreachable, engine.ErrUnsupported}

func TestTranslate(t *testing.T) {
	dialRefused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, tc := range []struct {
		name     string
		op       string
		err      error
		wantKind error // nil: unclassified
		wantCode string
	}{
		{"1007 database exists", mariadb.OpEnsure, serverErr(1007, "Can't create database 'a'; database exists"), engine.ErrExists, "1007"},
		{"1396 on create is exists", mariadb.OpEnsure, serverErr(1396, "Operation CREATE USER failed for 'a'@'%'"), engine.ErrExists, "1396"},
		{"1396 on alter is not exist", "set password", serverErr(1396, "Operation ALTER USER failed for 'a'@'%'"), engine.ErrNotExist, "1396"},
		{"1396 on set access is not exist", mariadb.OpSetAccess, serverErr(1396, "Operation ALTER USER failed for 'a'@'%'"), engine.ErrNotExist, "1396"},
		{"1396 on drop is not exist", mariadb.OpDrop, serverErr(1396, "Operation DROP USER failed for 'a'@'%'"), engine.ErrNotExist, "1396"},
		{"1049 unknown database", mariadb.OpPing, serverErr(1049, "Unknown database 'a'"), engine.ErrNotExist, "1049"},
		{"1008 cannot drop missing database", mariadb.OpDrop, serverErr(1008, "Can't drop database 'a'; database doesn't exist"), engine.ErrNotExist, "1008"},
		{"1133 grant to missing account", mariadb.OpSetAccess, serverErr(1133, "Can't find any matching row in the user table"), engine.ErrNotExist, "1133"},
		{"1141 no such grant", mariadb.OpSetAccess, serverErr(1141, "There is no such grant defined for user 'a' on host '%'"), engine.ErrNotExist, "1141"},
		{"1094 unknown thread", mariadb.OpDrop, serverErr(1094, "Unknown thread id: 7"), engine.ErrNotExist, "1094"},
		{"1044 database access denied", mariadb.OpEnsure, serverErr(1044, "Access denied for user 'a'@'%' to database 'b'"), engine.ErrAccessDenied, "1044"},
		{"1045 bad credentials", mariadb.OpPing, serverErr(1045, "Access denied for user 'a'@'localhost' (using password: YES)"), engine.ErrAccessDenied, "1045"},
		{"1095 kill denied", mariadb.OpDrop, serverErr(1095, "You are not owner of thread 7"), engine.ErrAccessDenied, "1095"},
		{"1130 host not allowed", mariadb.OpPing, serverErr(1130, "Host '10.0.0.1' is not allowed to connect"), engine.ErrAccessDenied, "1130"},
		{"1142 table access denied", mariadb.OpEnsure, serverErr(1142, "SELECT command denied to user 'a'@'%' for table `mysql`.`db`"), engine.ErrAccessDenied, "1142"},
		{"1227 specific access denied", mariadb.OpEnsure, serverErr(1227, "Access denied; you need (at least one of) the CREATE USER privilege(s)"), engine.ErrAccessDenied, "1227"},
		{"1410 grant without grant option", mariadb.OpEnsure, serverErr(1410, "You are not allowed to create a user with GRANT"), engine.ErrAccessDenied, "1410"},
		{"4151 admin locked", mariadb.OpPing, serverErr(4151, "Access denied, this account is locked"), engine.ErrAccessDenied, "4151"},
		{"1040 too many connections", mariadb.OpPing, serverErr(1040, "Too many connections"), engine.ErrUnreachable, "1040"},
		{"1053 shutdown", mariadb.OpPing, serverErr(1053, "Server shutdown in progress"), engine.ErrUnreachable, "1053"},
		{"1235 not supported", mariadb.OpEnsure, serverErr(1235, "This version of MariaDB doesn't yet support 'x'"), engine.ErrUnsupported, "1235"},
		{"1064 syntax is a bug", mariadb.OpEnsure, serverErr(1064, "You have an error in your SQL syntax"), nil, "1064"},
		{"dial refused", mariadb.OpPing, dialRefused, engine.ErrUnreachable, ""},
		{"wrapped connection refused", mariadb.OpPing, fmt.Errorf("connect: %w", syscall.ECONNREFUSED), engine.ErrUnreachable, ""},
		{"dns failure", mariadb.OpPing, &net.DNSError{Err: "no such host", Name: "db.invalid", IsNotFound: true}, engine.ErrUnreachable, ""},
		{"bad conn", mariadb.OpEnsure, driver.ErrBadConn, engine.ErrUnreachable, ""},
		{"invalid conn", mariadb.OpEnsure, mysql.ErrInvalidConn, engine.ErrUnreachable, ""},
		{"no TLS on server", mariadb.OpPing, mysql.ErrNoTLS, engine.ErrUnreachable, ""},
		{"unexpected EOF", mariadb.OpPing, io.ErrUnexpectedEOF, engine.ErrUnreachable, ""},
		{"deadline", mariadb.OpPing, context.DeadlineExceeded, engine.ErrUnreachable, ""},
		{"dial deadline", mariadb.OpPing, &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}, engine.ErrUnreachable, ""},
		{"untrusted certificate", mariadb.OpPing, x509.UnknownAuthorityError{}, engine.ErrUnreachable, ""},
		{"cancelled", mariadb.OpPing, context.Canceled, nil, ""},
		{"other", mariadb.OpPing, errors.New("something else"), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := mariadb.Translate(tc.op, tc.err)
			var ee *engine.Error
			if !errors.As(err, &ee) {
				t.Fatalf("translate(%q, %v) = %T, want *engine.Error", tc.op, tc.err, err)
			}
			if ee.Op != tc.op || ee.Engine != "mariadb" || ee.Code != tc.wantCode {
				t.Errorf("translate(%q, %v) = {Op %q, Engine %q, Code %q}, want {%q, mariadb, %q}",
					tc.op, tc.err, ee.Op, ee.Engine, ee.Code, tc.op, tc.wantCode)
			}
			if ee.Kind != tc.wantKind {
				t.Errorf("translate(%q, %v) kind = %v, want %v", tc.op, tc.err, ee.Kind, tc.wantKind)
			}
			for _, k := range kinds {
				if got, want := errors.Is(err, k), k == tc.wantKind; got != want {
					t.Errorf("errors.Is(translate(%q, %v), %v) = %t, want %t", tc.op, tc.err, k, got, want)
				}
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("translate(%q, %v) lost the cause", tc.op, tc.err)
			}
			var me *mysql.MySQLError
			if errors.As(tc.err, &me) && !errors.As(err, &me) {
				t.Errorf("errors.As(translate(%q, %v), *mysql.MySQLError) = false, want true", tc.op, tc.err)
			}
		})
	}
}

func TestTranslate_Nil(t *testing.T) {
	if err := mariadb.Translate(mariadb.OpPing, nil); err != nil {
		t.Errorf("translate(ping, nil) = %v, want nil", err)
	}
}

func TestTranslate_KeepsEngineErrors(t *testing.T) {
	in := &engine.Error{Op: mariadb.OpEnsure, Engine: "mariadb", Kind: engine.ErrExists, Err: errors.New("taken")}
	if got := mariadb.Translate(mariadb.OpDrop, fmt.Errorf("wrapped: %w", in)); !errors.Is(got, engine.ErrExists) {
		t.Errorf("translate(drop, engine error) = %v, want it unchanged", got)
	}
}

// TestTranslate_RedactsHash checks that a server message quoting a
// statement loses the password hash but keeps its error number.
func TestTranslate_RedactsHash(t *testing.T) {
	hash := mariadb.PasswordHash(testPassword)
	in := serverErr(1064, "You have an error in your SQL syntax near 'AS '"+hash+"' WITH' at line 1")
	err := mariadb.Translate(mariadb.OpEnsure, in)
	if strings.Contains(err.Error(), hash) || strings.Contains(err.Error(), testPassword) {
		t.Errorf("translate(ensure, syntax error) = %q, want the hash redacted", err)
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1064 {
		t.Errorf("errors.As(translate(ensure, syntax error), *mysql.MySQLError) = %v, want number 1064", me)
	}
}
