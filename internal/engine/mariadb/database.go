package mariadb

import (
	"context"
	"fmt"

	"github.com/dbplane/dbplane/internal/engine"
)

// EnsureDatabase creates the database, its owner and the owner's grants, or
// converges them on req. The name counts as taken, and the call returns an
// error wrapping engine.ErrExists before changing anything, when another
// account holds privileges on the database or when the owner already holds
// privileges on another database: MariaDB has no database owner, so the
// grants are the ownership.
func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	probe, err := renderEnsureProbe(req)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, translate(opEnsure, err)
	}
	var st ensureState
	err = c.db.QueryRowContext(ctx, probe.SQL, probe.Args...).Scan(
		&st.DatabaseExists, &st.OtherGrantees, &st.UserExists, &st.OtherDatabases)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, translate(opEnsure, err)
	}
	if st.OtherGrantees > 0 {
		return engine.EnsureDatabaseResponse{}, exists(fmt.Errorf("database %s: another account holds privileges on it", req.Database))
	}
	if st.OtherDatabases > 0 {
		return engine.EnsureDatabaseResponse{}, exists(fmt.Errorf("user %s: already holds privileges on another database", req.Owner))
	}
	stmts, err := renderEnsure(req, st)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, translate(opEnsure, err)
	}
	if err := c.exec(ctx, opEnsure, stmts); err != nil {
		return engine.EnsureDatabaseResponse{}, err
	}
	return engine.EnsureDatabaseResponse{Created: !st.DatabaseExists}, nil
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
