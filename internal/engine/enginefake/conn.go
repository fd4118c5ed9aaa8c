package enginefake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/dbplane/dbplane/internal/engine"
)

// conn is one handle on the Driver's shared state.
type conn struct {
	d   *Driver
	cfg engine.Config

	closed bool // guarded by d.mu
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Sizer        = (*conn)(nil)
	_ engine.AccessSetter = (*conn)(nil)
)

// run performs op: the hook, ctx, an injected failure, the admin login,
// then apply (under the Driver's lock), then an injected after-failure.
func (c *conn) run(ctx context.Context, op string, apply func() error) error {
	d := c.d
	d.mu.Lock()
	hook := d.hooks[op]
	d.mu.Unlock()
	if hook != nil {
		hook(ctx)
	}
	if err := ctx.Err(); err != nil {
		return &engine.Error{Op: op, Engine: d.name, Kind: engine.ErrUnreachable, Err: err}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if c.closed {
		return d.errorf(op, nil, "%w", errClosed)
	}
	if err := d.fail[op]; err != nil {
		return err
	}
	if err := c.login(op); err != nil {
		return err
	}
	d.lastPoolSize = c.cfg.PoolSize
	if err := apply(); err != nil {
		return err
	}
	return d.failAfter[op]
}

// login checks the Conn's admin config against SetAdmin; d.mu is held.
func (c *conn) login(op string) error {
	d, a := c.d, c.d.admin
	if a == nil {
		return nil
	}
	if c.cfg.Host != a.Host || c.cfg.Port != a.Port {
		return d.errorf(op, engine.ErrUnreachable, "dial %s:%d: connection refused", c.cfg.Host, c.cfg.Port)
	}
	if c.cfg.User == a.User && c.cfg.Password == a.Password {
		return nil
	}
	if pw, ok := d.limited[c.cfg.User]; ok && pw == c.cfg.Password {
		return nil
	}
	return d.errorf(op, engine.ErrAccessDenied, "access denied for user %q", c.cfg.User)
}

func (c *conn) Ping(ctx context.Context) error {
	return c.run(ctx, OpPing, func() error { return nil })
}

func (c *conn) Version(ctx context.Context) (string, error) {
	err := c.run(ctx, OpVersion, func() error { return nil })
	if err != nil {
		return "", err
	}
	return Version, nil
}

func (c *conn) CheckPrivileges(ctx context.Context) error {
	return c.run(ctx, OpCheck, func() error {
		if a := c.d.admin; a != nil && c.cfg.User != a.User {
			return c.d.errorf(OpCheck, engine.ErrAccessDenied, "user %q lacks privileges: %w", c.cfg.User,
				&engine.MissingPrivileges{Names: []string{"CREATE USER", "CREATE", "DROP", "GRANT OPTION"}})
		}
		return nil
	})
}

func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	var resp engine.EnsureDatabaseResponse
	err := c.run(ctx, OpEnsure, func() error {
		d := c.d
		if err := checkNames(req.Database, req.Owner, req.Remote); err != nil {
			return err
		}
		if req.MaxConnections < 0 {
			return fmt.Errorf("enginefake: max connections %d < 0", req.MaxConnections)
		}
		db, exists := d.databases[req.Database]
		if exists && db.owner != req.Owner {
			return d.errorf(OpEnsure, engine.ErrExists, "database %q exists with another owner", req.Database)
		}
		u, ok := d.users[req.Owner]
		if !ok {
			u = &user{access: engine.AccessActive}
			d.users[req.Owner] = u
		}
		u.password = req.Password
		u.remote = remoteOrDefault(req.Remote)
		u.maxConnections = req.MaxConnections
		if !exists {
			d.databases[req.Database] = &database{owner: req.Owner}
		}
		resp.Created = !exists
		return nil
	})
	if err != nil {
		return engine.EnsureDatabaseResponse{}, err
	}
	return resp, nil
}

func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	return c.run(ctx, OpDrop, func() error {
		if err := checkNames(req.Database, req.Owner, req.Remote); err != nil {
			return err
		}
		// As the real drivers do: drop both by name, if they exist.
		delete(c.d.databases, req.Database)
		delete(c.d.users, req.Owner)
		return nil
	})
}

func (c *conn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	return c.run(ctx, OpSetPassword, func() error {
		if err := engine.CheckName("user", req.Owner); err != nil {
			return err
		}
		u, ok := c.d.users[req.Owner]
		if !ok {
			return c.d.errorf(OpSetPassword, engine.ErrNotExist, "user %q does not exist", req.Owner)
		}
		u.password = req.Password
		return nil
	})
}

// SetAccess changes the owner's access. ErrNotExist when the user or the
// database is missing.
func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	return c.run(ctx, OpSetAccess, func() error {
		d := c.d
		if err := checkNames(req.Database, req.Owner, req.Remote); err != nil {
			return err
		}
		switch req.Access {
		case engine.AccessActive, engine.AccessReadOnly, engine.AccessLocked:
		default:
			return fmt.Errorf("enginefake: unknown access %q", req.Access)
		}
		u, ok := d.users[req.Owner]
		if !ok {
			return d.errorf(OpSetAccess, engine.ErrNotExist, "user %q does not exist", req.Owner)
		}
		if _, ok := d.databases[req.Database]; !ok {
			return d.errorf(OpSetAccess, engine.ErrNotExist, "database %q does not exist", req.Database)
		}
		u.access = req.Access
		return nil
	})
}

// DatabaseSizes reports every database's size as set by SetSize (0 until
// then).
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	var sizes map[string]int64
	err := c.run(ctx, OpSizes, func() error {
		sizes = make(map[string]int64, len(c.d.databases))
		for name, db := range c.d.databases {
			sizes[name] = db.size
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sizes, nil
}

// Catalog lists the fake's databases and users. A user's grants are its
// access on the databases it owns; locked users have none. Passwords are
// compared as they are stored, in plain text.
func (c *conn) Catalog(ctx context.Context) (*engine.Catalog, error) {
	var cat *engine.Catalog
	err := c.run(ctx, OpCatalog, func() error {
		cat = &engine.Catalog{AccessKnown: true}
		for name := range c.d.databases {
			cat.Databases = append(cat.Databases, name)
		}
		for name, u := range c.d.users {
			pw := u.password
			fp := sha256.Sum256([]byte(pw))
			cu := engine.CatalogUser{Name: name, Remote: u.remote, Locked: u.access == engine.AccessLocked, Fingerprint: hex.EncodeToString(fp[:])}
			cu.CheckPassword = func(p string) bool { return p == pw }
			for db, d := range c.d.databases {
				if d.owner == name && !cu.Locked {
					if cu.Grants == nil {
						cu.Grants = map[string]engine.Access{}
					}
					cu.Grants[db] = engine.AccessActive
					if u.access != "" {
						cu.Grants[db] = u.access
					}
				}
			}
			cat.Users = append(cat.Users, cu)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cat, nil
}

// Close releases the Conn; later calls fail. Closing twice is not an error.
func (c *conn) Close() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.d.openConns--
	}
	return nil
}

func checkNames(database, owner, remote string) error {
	if err := engine.CheckName("database", database); err != nil {
		return err
	}
	if err := engine.CheckName("user", owner); err != nil {
		return err
	}
	if remote != "" {
		return engine.CheckRemote(remote)
	}
	return nil
}

func remoteOrDefault(r string) string {
	if r == "" {
		return "%"
	}
	return r
}
