// Package enginefake is an in-memory engine.Driver for control-plane and
// worker tests. It keeps the real drivers' contracts (idempotent ensure and
// drop, ErrExists for a foreign owner, ErrNotExist for a missing user, the
// old password refused after SetPassword) and passes enginetest.Run, and it
// lets a test inject failures and block operations.
//
// Every Conn a Driver opens shares the Driver's state, so a test can act
// through the control plane and then inspect the "server" with Login,
// Databases, Users and Access.
package enginefake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/dbplane/dbplane/internal/engine"
)

// Operation names for Fail, FailAfter and SetHook: engine's.
const (
	OpPing        = engine.OpPing
	OpVersion     = engine.OpVersion
	OpCheck       = engine.OpCheckPrivileges
	OpEnsure      = engine.OpEnsure
	OpDrop        = engine.OpDrop
	OpSetPassword = engine.OpSetPassword
	OpSetAccess   = engine.OpSetAccess
	OpSizes       = engine.OpSizes
	OpCatalog     = engine.OpCatalog
)

var ops = []string{OpPing, OpVersion, OpCheck, OpEnsure, OpDrop, OpSetPassword, OpSetAccess, OpSizes, OpCatalog}

// Version is what Conn.Version returns.
const Version = "enginefake 1.0"

// Driver is a fake engine server and its driver in one. It is safe for
// concurrent use. The zero value is not usable; call New.
type Driver struct {
	name string

	mu        sync.Mutex
	databases map[string]*database
	users     map[string]*user
	fail      map[string]error // before the op takes effect
	failAfter map[string]error // after it took effect
	hooks     map[string]func(context.Context)
	admin     *engine.Config    // nil: any config logs in
	limited   map[string]string // login → password, lacking privileges
	openConns int

	lastPoolSize int // Config.PoolSize of the Conn of the latest operation
}

type database struct {
	owner string
	size  int64
}

type user struct {
	password       string
	remote         string
	maxConnections int
	access         engine.Access
}

var _ engine.Driver = (*Driver)(nil)

// New returns a fake whose Name is name, so it can stand in for "mariadb"
// or "postgres" in a Registry. Until SetAdmin is called, any Config can
// log in.
func New(name string) *Driver {
	return &Driver{
		name:      name,
		databases: make(map[string]*database),
		users:     make(map[string]*user),
		fail:      make(map[string]error),
		failAfter: make(map[string]error),
		hooks:     make(map[string]func(context.Context)),
		limited:   make(map[string]string),
	}
}

// Name returns the name given to New.
func (d *Driver) Name() string { return d.name }

// Open returns a Conn on the shared state. Like the real drivers it does not
// dial; it fails only for unknown cfg.Params keys (the fake takes none).
func (d *Driver) Open(cfg engine.Config) (engine.Conn, error) {
	if len(cfg.Params) > 0 {
		return nil, &engine.Error{Op: engine.OpOpen, Engine: d.name, Err: fmt.Errorf("unknown params %q", sortedKeys(cfg.Params))}
	}
	d.mu.Lock()
	d.openConns++
	d.mu.Unlock()
	return &conn{d: d, cfg: cfg}, nil
}

// SetAdmin makes the fake check the admin login like a server would: from
// now on a Conn whose Host or Port differ from cfg's gets ErrUnreachable,
// and one whose User or Password differ gets ErrAccessDenied (unless it is
// a limited login). Conns already open are checked on their next call, so
// changing the admin password on the "server" breaks them, as it would.
func (d *Driver) SetAdmin(cfg engine.Config) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.admin = &cfg
}

// AddLimitedLogin adds an admin login that can log in but lacks the
// privileges dbplane needs: its CheckPrivileges returns ErrAccessDenied.
// It only matters after SetAdmin.
func (d *Driver) AddLimitedLogin(user, password string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.limited[user] = password
}

// Fail makes every following call of op return err, before it has any
// effect, until Fail(op, nil). It panics on an unknown op.
func (d *Driver) Fail(op string, err error) {
	d.setOpErr(d.fail, op, err)
}

// FailAfter makes every following call of op take effect and then return
// err, as when the server applied a change but the reply was lost, until
// FailAfter(op, nil). It panics on an unknown op.
func (d *Driver) FailAfter(op string, err error) {
	d.setOpErr(d.failAfter, op, err)
}

func (d *Driver) setOpErr(m map[string]error, op string, err error) {
	checkOp(op)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		delete(m, op)
		return
	}
	m[op] = err
}

// SetHook makes fn run at the start of every call of op, outside the
// fake's lock, so it may block (to hold an operation in flight) or count.
// A nil fn removes the hook. It panics on an unknown op.
func (d *Driver) SetHook(op string, fn func()) {
	if fn == nil {
		d.SetHookContext(op, nil)
		return
	}
	d.SetHookContext(op, func(context.Context) { fn() })
}

// SetHookContext is SetHook with the call's context: a hook that blocks
// on ctx.Done() is a hung engine, which answers when the caller's deadline
// runs out and not before, with no wall-clock sleep.
func (d *Driver) SetHookContext(op string, fn func(ctx context.Context)) {
	checkOp(op)
	d.mu.Lock()
	defer d.mu.Unlock()
	if fn == nil {
		delete(d.hooks, op)
		return
	}
	d.hooks[op] = fn
}

// Hang makes every call of op block until its context is done (a hung
// host); Hang(op, false) ends it. It panics on an unknown op.
func (d *Driver) Hang(op string, on bool) {
	if !on {
		d.SetHookContext(op, nil)
		return
	}
	d.SetHookContext(op, func(ctx context.Context) { <-ctx.Done() })
}

func checkOp(op string) {
	if !slices.Contains(ops, op) {
		panic(fmt.Sprintf("enginefake: unknown op %q", op))
	}
}

// Login reports whether user could log in to database with password: the
// user exists, owns database, has that password and is not locked.
func (d *Driver) Login(database, user, password string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[user]
	if !ok || u.password != password || u.access == engine.AccessLocked {
		return false
	}
	db, ok := d.databases[database]
	return ok && db.owner == user
}

// Databases returns the names of the databases on the fake, sorted.
func (d *Driver) Databases() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return sortedKeys(d.databases)
}

// Users returns the names of the users on the fake, sorted.
func (d *Driver) Users() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return sortedKeys(d.users)
}

// SetSize sets what DatabaseSizes reports for database, if it exists.
func (d *Driver) SetSize(database string, n int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if db, ok := d.databases[database]; ok {
		db.size = n
	}
}

// Access returns user's access, or "" if there is no such user.
func (d *Driver) Access(user string) engine.Access {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u, ok := d.users[user]; ok {
		return u.access
	}
	return ""
}

// MaxConnections returns the connection limit EnsureDatabase last set for
// user (0 = unlimited), and false if there is no such user.
func (d *Driver) MaxConnections(user string) (int, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[user]
	if !ok {
		return 0, false
	}
	return u.maxConnections, true
}

// LastPoolSize returns the Config.PoolSize of the Conn that ran the latest
// operation (past the login), so that tests can see which settings a
// caller's Conn was opened with.
func (d *Driver) LastPoolSize() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastPoolSize
}

// OpenConns returns how many Conns are open (opened and not yet closed).
func (d *Driver) OpenConns() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.openConns
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// errorf makes an engine error of kind for op.
func (d *Driver) errorf(op string, kind error, format string, args ...any) error {
	return &engine.Error{Op: op, Engine: d.name, Kind: kind, Err: fmt.Errorf(format, args...)}
}

var errClosed = errors.New("conn is closed")
