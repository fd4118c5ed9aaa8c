package mariadb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-sql-driver/mysql"

	"github.com/dbplane/dbplane/internal/engine"
)

// EnsureDatabase creates the database, its owner and the owner's grants, or
// converges them on req. The name counts as taken, and the call returns an
// error wrapping engine.ErrExists before changing anything, when another
// account holds privileges on the database or when the owner already holds
// privileges on another database: MariaDB has no database owner, so the
// grants are the ownership.
//
// Everything runs on one admin session. A Fresh request first tries the
// plain statements (ensureFresh), which need no look at mysql.db, a table
// that grows with the host and has no index by database name; when the
// server says a name is taken it falls back to the probe.
func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	if req.Placeholder || req.Claim != nil {
		return engine.EnsureDatabaseResponse{}, engine.WarmUnsupported(opEnsure, driverName)
	}
	probe, err := renderEnsureProbe(req)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, translate(opEnsure, err)
	}
	var created bool
	err = c.session(ctx, opEnsure, func(sc *sql.Conn) error {
		var madeOwner *stmt // the DROP USER undoing ensureFresh's CREATE USER
		if req.Fresh {
			done, undo, err := ensureFresh(ctx, sc, req)
			if done || err != nil {
				created = done
				return err
			}
			madeOwner = undo
		}
		var st ensureState
		err := sc.QueryRowContext(ctx, probe.SQL, probe.Args...).Scan(
			&st.DatabaseExists, &st.OtherGrantees, &st.UserExists, &st.OtherDatabases)
		if err != nil {
			return translate(opEnsure, err)
		}
		var taken error
		switch {
		case st.OtherGrantees > 0:
			taken = exists(fmt.Errorf("database %s: another account holds privileges on it", req.Database))
		case st.OtherDatabases > 0:
			taken = exists(fmt.Errorf("user %s: already holds privileges on another database", req.Owner))
		}
		if taken != nil {
			// The name belongs to someone else: the owner this call made
			// must not stay behind. Only then is it dropped — when the
			// database is ours (a replay converging the same create at
			// once) the owner is kept and converged below.
			if madeOwner != nil {
				if _, err := sc.ExecContext(ctx, madeOwner.SQL); err != nil {
					return translate(opEnsure, err)
				}
			}
			return taken
		}
		stmts, err := renderEnsure(req, st)
		if err != nil {
			return translate(opEnsure, err)
		}
		if err := execOn(ctx, sc, opEnsure, stmts); err != nil {
			return err
		}
		created = !st.DatabaseExists
		return nil
	})
	if err != nil {
		return engine.EnsureDatabaseResponse{}, err
	}
	return engine.EnsureDatabaseResponse{Created: created}, nil
}

// ensureFresh runs the statements of a first attempt without a probe:
// CREATE USER, then CREATE DATABASE, then GRANT, none with IF NOT EXISTS.
// It reports done when all three ran. When the server says the owner
// exists (1396) nothing was changed; when it says the database exists
// (1007) the owner was made by this call, and undo is the statement that
// drops it again. Either way it returns false and no error, and the caller
// probes as for a retry, which decides between converging and ErrExists on
// what is really there — and drops the owner only for ErrExists, so a
// replay converging the same create meanwhile never loses its user.
func ensureFresh(ctx context.Context, sc *sql.Conn, req engine.EnsureDatabaseRequest) (done bool, undo *stmt, err error) {
	user, database, grants, dropUser, err := renderEnsureFresh(req)
	if err != nil {
		return false, nil, translate(opEnsure, err)
	}
	if _, err := sc.ExecContext(ctx, user.SQL); err != nil {
		if serverError(err, 1396) { // ER_CANNOT_USER: the account exists
			return false, nil, nil
		}
		return false, nil, translate(opEnsure, err)
	}
	if _, err := sc.ExecContext(ctx, database.SQL); err != nil {
		if !serverError(err, 1007) { // ER_DB_CREATE_EXISTS
			return false, nil, translate(opEnsure, err)
		}
		return false, &dropUser, nil
	}
	if _, err := sc.ExecContext(ctx, grants.SQL); err != nil {
		return false, nil, translate(opEnsure, err)
	}
	return true, nil, nil
}

// serverError reports whether err is the server's error number.
func serverError(err error, number uint16) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == number
}

func exists(err error) error {
	return &engine.Error{Op: opEnsure, Engine: driverName, Kind: engine.ErrExists, Err: err}
}

// DropDatabase drops the owner, ends its sessions and drops the database.
// Each step is a no-op when its object is already gone.
func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	stmts, err := renderDrop(req)
	if err != nil {
		return translate(opDrop, err)
	}
	return c.exec(ctx, opDrop, stmts)
}

// SetPassword replaces the owner's password. It returns an error wrapping
// engine.ErrNotExist when the owner is missing.
func (c *conn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	stmts, err := renderSetPassword(req)
	if err != nil {
		return translate(opSetPassword, err)
	}
	return c.exec(ctx, opSetPassword, stmts)
}

// SetAccess moves the owner to req.Access; see doc.go for how each level is
// enforced. It returns an error wrapping engine.ErrNotExist when the owner
// is missing.
func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	stmts, err := renderSetAccess(req)
	if err != nil {
		return translate(opSetAccess, err)
	}
	return c.exec(ctx, opSetAccess, stmts)
}
