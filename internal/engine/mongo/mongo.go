package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	mgo "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dbplane/dbplane/internal/engine"
)

const name = "mongo"

// Driver opens Conns to MongoDB servers and to FerretDB.
type Driver struct{}

var _ engine.Driver = Driver{}

// Name returns "mongo".
func (Driver) Name() string { return name }

// Open validates cfg and returns a Conn. It dials nothing: the driver's
// client is made, and starts monitoring the server, on first use.
func (Driver) Open(cfg engine.Config) (engine.Conn, error) {
	opts, err := clientOptions(cfg)
	if err != nil {
		return nil, &engine.Error{Op: opOpen, Engine: name, Err: err}
	}
	return &conn{opts: opts}, nil
}

// conn is an engine.Conn on one server.
type conn struct {
	opts *options.ClientOptions

	mu      sync.Mutex
	client  *mgo.Client // nil until first use
	flavor  flavor
	version string
	known   bool // flavor and version were read
	closed  bool
}

var (
	_ engine.Conn         = (*conn)(nil)
	_ engine.Sizer        = (*conn)(nil)
	_ engine.AccessSetter = (*conn)(nil)
)

var errClosed = errors.New("conn is closed")

// getClient returns the driver client, making it on first use.
func (c *conn) getClient(op string) (*mgo.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, &engine.Error{Op: op, Engine: name, Err: errClosed}
	}
	if c.client == nil {
		cl, err := mgo.Connect(c.opts)
		if err != nil {
			return nil, translate(op, err)
		}
		c.client = cl
	}
	return c.client, nil
}

// run runs one command and decodes its reply into out (nil: discard).
// Codes in cm.Ignore count as success. A command carrying a password
// never has the password in its error.
func (c *conn) run(ctx context.Context, op string, cm cmd, out any, secret string) error {
	cl, err := c.getClient(op)
	if err != nil {
		return err
	}
	res := cl.Database(cm.DB).RunCommand(ctx, cm.Doc)
	if err := res.Err(); err != nil {
		if code, ok := serverCode(err); ok && containsCode(cm.Ignore, code) {
			return nil
		}
		return hide(translate(op, err), secret)
	}
	if out == nil {
		return nil
	}
	if err := res.Decode(out); err != nil {
		return &engine.Error{Op: op, Engine: name, Err: fmt.Errorf("decode %s reply: %w", cm.Doc[0].Key, err)}
	}
	return nil
}

func containsCode(codes []int32, code int32) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// runAll runs cmds in order and stops at the first error.
func (c *conn) runAll(ctx context.Context, op string, cmds []cmd, secret string) error {
	for i, cm := range cmds {
		if err := c.run(ctx, op, cm, nil, secret); err != nil {
			if i > 0 {
				// A command before it ran: the operation changed
				// something, whatever this one did (engine.Sent).
				return engine.Sent(err)
			}
			return err
		}
		if afterCommand != nil {
			afterCommand(i)
		}
	}
	return nil
}

// afterCommand, when set (tests only), runs after each command of runAll
// that succeeded, with its index.
var afterCommand func(i int)

// buildInfo is the part of buildInfo's reply the driver reads. FerretDB
// adds ferretdbVersion.
type buildInfo struct {
	Version         string `bson:"version"`
	FerretDBVersion string `bson:"ferretdbVersion"`
}

// detect reads buildInfo once per Conn: which server this is, and its
// version.
func (c *conn) detect(ctx context.Context, op string) (flavor, string, error) {
	c.mu.Lock()
	if c.known {
		f, v := c.flavor, c.version
		c.mu.Unlock()
		return f, v, nil
	}
	c.mu.Unlock()
	var bi buildInfo
	if err := c.run(ctx, op, cmdBuildInfo, &bi, ""); err != nil {
		return 0, "", err
	}
	f, v := flavorOf(bi)
	c.mu.Lock()
	c.flavor, c.version, c.known = f, v, true
	c.mu.Unlock()
	return f, v, nil
}

// flavorOf tells FerretDB from MongoDB by FerretDB's own buildInfo field.
func flavorOf(bi buildInfo) (flavor, string) {
	if bi.FerretDBVersion != "" {
		return flavorFerretDB, "FerretDB " + strings.TrimPrefix(bi.FerretDBVersion, "v") + " (MongoDB " + bi.Version + " compatible)"
	}
	return flavorMongoDB, "MongoDB " + bi.Version
}

func (c *conn) Ping(ctx context.Context) error {
	return c.run(ctx, opPing, cmdPing, nil, "")
}

func (c *conn) Version(ctx context.Context) (string, error) {
	_, v, err := c.detect(ctx, opVersion)
	return v, err
}

// inspect reads what the server holds for db: its users, and whether it
// exists.
func (c *conn) inspect(ctx context.Context, op, db string) (state, error) {
	var users struct {
		Users []struct {
			User string `bson:"user"`
			DB   string `bson:"db"`
		} `bson:"users"`
	}
	if err := c.run(ctx, op, renderUsersInfo(db), &users, ""); err != nil {
		return state{}, err
	}
	var st state
	for _, u := range users.Users {
		if u.DB == db || u.DB == "" {
			st.Users = append(st.Users, u.User)
		}
	}
	var dbs listDatabasesReply
	if err := c.run(ctx, op, renderDatabaseExists(db), &dbs, ""); err != nil {
		return state{}, err
	}
	for _, d := range dbs.Databases {
		if d.Name == db {
			st.DBExists = true
		}
	}
	return st, nil
}

type listDatabasesReply struct {
	Databases []struct {
		Name       string `bson:"name"`
		SizeOnDisk int64  `bson:"sizeOnDisk"`
	} `bson:"databases"`
}

func (c *conn) EnsureDatabase(ctx context.Context, req engine.EnsureDatabaseRequest) (engine.EnsureDatabaseResponse, error) {
	if req.Placeholder || req.Claim != nil {
		return engine.EnsureDatabaseResponse{}, engine.WarmUnsupported(opEnsure, name)
	}
	if err := checkNames(req.Database, req.Owner); err != nil {
		return engine.EnsureDatabaseResponse{}, &engine.Error{Op: opEnsure, Engine: name, Err: err}
	}
	f, _, err := c.detect(ctx, opEnsure)
	if err != nil {
		return engine.EnsureDatabaseResponse{}, err
	}
	// A concurrent Ensure for the same owner can create it between our
	// look and our createUser: look again, and update it instead.
	for attempt := 0; ; attempt++ {
		st, err := c.inspect(ctx, opEnsure, req.Database)
		if err != nil {
			return engine.EnsureDatabaseResponse{}, err
		}
		cmds, err := renderEnsure(req, st, f)
		if err != nil {
			return engine.EnsureDatabaseResponse{}, wrap(opEnsure, err)
		}
		err = c.runAll(ctx, opEnsure, cmds, req.Password)
		if errors.Is(err, engine.ErrExists) && attempt < 2 {
			continue
		}
		if err != nil {
			return engine.EnsureDatabaseResponse{}, err
		}
		return engine.EnsureDatabaseResponse{Created: !st.DBExists && !st.hasUser(req.Owner)}, nil
	}
}

func (c *conn) DropDatabase(ctx context.Context, req engine.DropDatabaseRequest) error {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return &engine.Error{Op: opDrop, Engine: name, Err: err}
	}
	f, _, err := c.detect(ctx, opDrop)
	if err != nil {
		return err
	}
	st, err := c.inspect(ctx, opDrop, req.Database)
	if err != nil {
		return err
	}
	cmds, err := renderDrop(req, st, f)
	if err != nil {
		return wrap(opDrop, err)
	}
	return c.runAll(ctx, opDrop, cmds, "")
}

// SetPassword finds the database the owner is defined on (the request
// names only the user), then sets its password there.
func (c *conn) SetPassword(ctx context.Context, req engine.SetPasswordRequest) error {
	if err := engine.CheckName("user", req.Owner); err != nil {
		return &engine.Error{Op: opSetPassword, Engine: name, Err: err}
	}
	f, _, err := c.detect(ctx, opSetPassword)
	if err != nil {
		return err
	}
	db, err := c.findUser(ctx, opSetPassword, req.Owner, f)
	if err != nil {
		return err
	}
	cmds, err := renderSetPassword(req, db)
	if err != nil {
		return wrap(opSetPassword, err)
	}
	return c.runAll(ctx, opSetPassword, cmds, req.Password)
}

// findUser returns the one database owner is defined on. ErrNotExist when
// there is none; an error when there are several, since changing the
// wrong one would hand out a working password for someone else's user.
func (c *conn) findUser(ctx context.Context, op, owner string, f flavor) (string, error) {
	var reply struct {
		Users []struct {
			User string `bson:"user"`
			DB   string `bson:"db"`
		} `bson:"users"`
	}
	if err := c.run(ctx, op, renderFindUser(owner, f), &reply, ""); err != nil {
		return "", err
	}
	var dbs []string
	for _, u := range reply.Users {
		if u.User == owner && u.DB != adminDB && u.DB != "" {
			dbs = append(dbs, u.DB)
		}
	}
	switch len(dbs) {
	case 0:
		return "", &engine.Error{Op: op, Engine: name, Code: "11", Kind: engine.ErrNotExist,
			Err: fmt.Errorf("no user %s outside the admin database", owner)}
	case 1:
		return dbs[0], nil
	default:
		return "", &engine.Error{Op: op, Engine: name, Kind: engine.ErrExists,
			Err: fmt.Errorf("user %s is defined on %d databases (%s); refusing to guess", owner, len(dbs), strings.Join(dbs, ", "))}
	}
}

// SetAccess changes the owner's roles and login restriction on MongoDB.
// On FerretDB, read_only and locked return ErrUnsupported and active does
// nothing (see the package doc).
func (c *conn) SetAccess(ctx context.Context, req engine.SetAccessRequest) error {
	if err := checkNames(req.Database, req.Owner); err != nil {
		return &engine.Error{Op: opSetAccess, Engine: name, Err: err}
	}
	f, _, err := c.detect(ctx, opSetAccess)
	if err != nil {
		return err
	}
	cmds, err := renderSetAccess(req, f)
	if err != nil {
		return wrap(opSetAccess, err)
	}
	return c.runAll(ctx, opSetAccess, cmds, "")
}

// DatabaseSizes returns sizeOnDisk of every database, from one
// listDatabases.
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	var reply listDatabasesReply
	if err := c.run(ctx, opSizes, cmdSizes, &reply, ""); err != nil {
		return nil, err
	}
	sizes := make(map[string]int64, len(reply.Databases))
	for _, d := range reply.Databases {
		sizes[d.Name] = d.SizeOnDisk
	}
	return sizes, nil
}

func (c *conn) Close() error {
	c.mu.Lock()
	cl := c.client
	c.client, c.closed = nil, true
	c.mu.Unlock()
	if cl == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return translate("close", cl.Disconnect(ctx))
}

// wrap makes a render error an *engine.Error, keeping one that already is.
func wrap(op string, err error) error {
	if _, ok := errors.AsType[*engine.Error](err); ok {
		return err
	}
	return &engine.Error{Op: op, Engine: name, Err: err}
}
