package dbtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/dbplane/dbplane/internal/engine"
)

// engineMongo is the mongo engine's name. Its test server is FerretDB v1,
// which speaks MongoDB's wire protocol (Debian ships no MongoDB server).
const engineMongo = "mongo"

var sharedMongo shared

// Mongo returns the test binary's MongoDB-wire server, starting FerretDB
// on first use, under the same rules as MariaDB: skipped with -short,
// skipped when the binary is missing unless CI=true, where that fails.
// DBPLANE_TEST_MONGO_URL (mongodb://user:pass@host:port/?authSource=admin)
// points it at an existing server, FerretDB or MongoDB, instead.
//
// The binary is DBPLANE_FERRETDB_BIN if set, else .cache/ferretdb/ferretdb
// under the repository root (what scripts/build-ferretdb.sh builds), else
// ferretdb on PATH.
//
// For a mongo Server, AdminDB returns nil, and ConnectAs and ExecAs speak
// MongoDB: see their docs.
func Mongo(tb testing.TB) *Server {
	tb.Helper()
	return sharedServer(tb, &sharedMongo, engineMongo, "DBPLANE_TEST_MONGO_URL", StartFerretDB)
}

// ferretdbBinary finds the FerretDB binary, or returns ErrNotInstalled.
func ferretdbBinary() (string, error) {
	if p := os.Getenv("DBPLANE_FERRETDB_BIN"); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("%w: DBPLANE_FERRETDB_BIN=%s is not an executable file", ErrNotInstalled, p)
		}
		return p, nil
	}
	if root, err := repoRoot(); err == nil {
		if p := filepath.Join(root, ".cache", "ferretdb", "ferretdb"); isExecutable(p) {
			return p, nil
		}
	}
	if p, err := exec.LookPath("ferretdb"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: no ferretdb in .cache/ferretdb or on PATH, and DBPLANE_FERRETDB_BIN is unset; run scripts/build-ferretdb.sh", ErrNotInstalled)
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("dbtest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// StartFerretDB starts FerretDB in dir/ferretdb (dir is a temp dir made by
// the caller) on a free port on 127.0.0.1, with the SQLite backend, the
// new authentication (--test-enable-new-auth) and a setup user "root" with
// a random password on database admin. The error wraps ErrNotInstalled
// when the binary is missing, and includes the end of the server log when
// the server does not come up. Stop stops the server and leaves dir in
// place.
func StartFerretDB(ctx context.Context, dir string) (*Server, error) {
	bin, err := ferretdbBinary()
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, "ferretdb")
	data := filepath.Join(base, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	s := &Server{
		engine:   engineMongo,
		host:     "127.0.0.1",
		user:     "root",
		password: randomString(24, alnum),
		adminDB:  "admin",
		tls:      engine.TLSDisable,
		stopSig:  syscall.SIGTERM,
		dir:      dir,
	}
	logPath := filepath.Join(base, "server.log")
	const attempts = 5
	var last error
	for range attempts {
		port, err := freePort()
		if err != nil {
			return nil, fmt.Errorf("dbtest: pick a port: %w", err)
		}
		offset := logSize(logPath)
		p, err := startProcess(bin, []string{
			"--handler=sqlite",
			"--sqlite-url=file:" + data + "/",
			"--state-dir=" + base,
			"--listen-addr=127.0.0.1:" + strconv.Itoa(port),
			"--debug-addr=-",
			"--telemetry=disable",
			"--log-level=warn",
			"--test-enable-new-auth",
			"--setup-database=admin",
			"--setup-username=" + s.user,
			"--setup-password=" + s.password,
		}, nil, logPath)
		if err != nil {
			return nil, fmt.Errorf("dbtest: start ferretdb: %w", err)
		}
		s.port = port
		err = s.waitMongoReady(ctx, p)
		if err == nil {
			s.proc = p
			return s, nil
		}
		p.stop(syscall.SIGKILL)
		last = withLog(fmt.Errorf("dbtest: start ferretdb on port %d: %w", port, err), logPath)
		if !strings.Contains(strings.ToLower(logSince(logPath, offset)), "address already in use") {
			return nil, last
		}
	}
	return nil, last
}

// waitMongoReady pings as the superuser until the server answers, the
// process exits or readyTimeout passes.
func (s *Server) waitMongoReady(ctx context.Context, p *process) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		err := s.withMongo(ctx, s.user, s.password, s.adminDB, func(ctx context.Context, c *mongo.Client) error {
			return c.Database(s.adminDB).RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
		})
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("server exited before it was ready: %v", p.err)
		case <-ctx.Done():
			return fmt.Errorf("server not ready after %s: %w", readyTimeout, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// openExistingMongo reads mongodb://user:pass@host:port/[db][?authSource=db];
// the admin database is authSource, else the path, else admin.
func openExistingMongo(u *url.URL) (*Server, error) {
	if u.Scheme != "mongodb" {
		return nil, fmt.Errorf("scheme %q, want mongodb://", u.Scheme)
	}
	s := &Server{engine: engineMongo, host: u.Hostname(), port: 27017, tls: engine.TLSDisable}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if p := u.Port(); p != "" {
		var err error
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("port %q: %w", p, err)
		}
	}
	if s.host == "" {
		s.host = "127.0.0.1"
	}
	s.adminDB = u.Query().Get("authSource")
	if s.adminDB == "" {
		s.adminDB = strings.TrimPrefix(u.Path, "/")
	}
	if s.adminDB == "" {
		s.adminDB = "admin"
	}
	if u.Query().Get("tls") == "true" {
		s.tls = engine.TLSRequire
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.withMongo(ctx, s.user, s.password, s.adminDB, func(ctx context.Context, c *mongo.Client) error {
		return c.Database(s.adminDB).RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
	})
	if err != nil {
		return nil, fmt.Errorf("ping mongo at %s:%d: %w", s.host, s.port, err)
	}
	return s, nil
}

// mongoURL is URL for a mongo Server: mongodb://root:pw@127.0.0.1:port/db?authSource=admin.
func (s *Server) mongoURL(database string) string {
	q := url.Values{"authSource": {s.adminDB}}
	if s.tls == engine.TLSRequire {
		q.Set("tls", "true")
	}
	u := url.URL{
		Scheme:   "mongodb",
		User:     url.UserPassword(s.user, s.password),
		Host:     net.JoinHostPort(s.host, strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: q.Encode(),
	}
	return u.String()
}

// withMongo runs f with a client logged in as user, with authSource
// database, and disconnects it. Dial and server selection give up after 5s.
func (s *Server) withMongo(ctx context.Context, user, password, database string, f func(context.Context, *mongo.Client) error) error {
	opts := options.Client().
		SetHosts([]string{net.JoinHostPort(s.host, strconv.Itoa(s.port))}).
		SetAuth(options.Credential{AuthSource: database, Username: user, Password: password}).
		SetConnectTimeout(5 * time.Second).
		SetServerSelectionTimeout(5 * time.Second).
		SetMaxPoolSize(1).
		SetRetryWrites(false)
	c, err := mongo.Connect(opts)
	if err != nil {
		return err
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.Disconnect(dctx)
	}()
	return f(ctx, c)
}

// mongoConnectAs logs in as user with authSource database and reads one
// document of collection t there, so a login without read access fails
// too.
func (s *Server) mongoConnectAs(ctx context.Context, user, password, database string) error {
	err := s.withMongo(ctx, user, password, database, func(ctx context.Context, c *mongo.Client) error {
		err := c.Database(database).Collection("t").FindOne(ctx, bson.D{}).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("connect to %s as %s: %w", database, user, err)
	}
	return nil
}

// mongoExecAs runs one statement of a tiny language, since MongoDB has no
// statement text:
//
//	insert          insert a document into collection t
//	find            read one document of collection t
//	ping            run ping
//	drop            drop the database
//	createUser NAME create user NAME on the database, with no roles
func (s *Server) mongoExecAs(ctx context.Context, user, password, database, stmt string) error {
	verb, arg, _ := strings.Cut(strings.TrimSpace(stmt), " ")
	err := s.withMongo(ctx, user, password, database, func(ctx context.Context, c *mongo.Client) error {
		db := c.Database(database)
		switch verb {
		case "insert":
			_, err := db.Collection("t").InsertOne(ctx, bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "v", Value: 1}})
			return err
		case "find":
			err := db.Collection("t").FindOne(ctx, bson.D{}).Err()
			if errors.Is(err, mongo.ErrNoDocuments) {
				return nil
			}
			return err
		case "ping":
			return db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err()
		case "drop":
			return db.Drop(ctx)
		case "createUser":
			return db.RunCommand(ctx, mongoCreateUser(strings.TrimSpace(arg), randomString(24, alnum))).Err()
		default:
			return fmt.Errorf("dbtest: unknown mongo statement %q (want insert, find, ping, drop or createUser NAME)", verb)
		}
	})
	if err != nil {
		return fmt.Errorf("exec %s on %s as %s: %w", verb, database, user, err)
	}
	return nil
}

// mongoCreateUser creates user with password and no roles (FerretDB v1
// refuses any).
func mongoCreateUser(user, password string) bson.D {
	return bson.D{
		{Key: "createUser", Value: user},
		{Key: "pwd", Value: password},
		{Key: "roles", Value: bson.A{}},
	}
}

// isFerretDB reports whether the server is FerretDB, from buildInfo.
func (s *Server) isFerretDB(ctx context.Context) (bool, error) {
	var bi struct {
		FerretDBVersion string `bson:"ferretdbVersion"`
	}
	err := s.withMongo(ctx, s.user, s.password, s.adminDB, func(ctx context.Context, c *mongo.Client) error {
		return c.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&bi)
	})
	return bi.FerretDBVersion != "", err
}

// IsFerretDB reports whether a mongo Server is FerretDB rather than
// MongoDB: FerretDB v1 enforces no roles, so tests of access levels and
// privileges skip there. It is false for the other engines.
func (s *Server) IsFerretDB(tb testing.TB) bool {
	tb.Helper()
	if s.engine != engineMongo {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ok, err := s.isFerretDB(ctx)
	if err != nil {
		tb.Fatalf("dbtest: buildInfo: %v", err)
	}
	return ok
}

// mongoNewLimitedUser creates a user on admin that can log in and read but
// not manage users (role readAnyDatabase). FerretDB v1 checks no
// privileges, so there is no such user to make there: the test is skipped.
func (s *Server) mongoNewLimitedUser(tb testing.TB) engine.Config {
	tb.Helper()
	if s.IsFerretDB(tb) {
		tb.Skip("dbtest: FerretDB v1 enforces no privileges, so it has no limited user")
	}
	name := "lim_" + randomString(10, lower)
	password := randomString(24, alnum)
	s.mustMongo(tb, "admin", bson.D{
		{Key: "createUser", Value: name},
		{Key: "pwd", Value: password},
		{Key: "roles", Value: bson.A{bson.D{{Key: "role", Value: "readAnyDatabase"}, {Key: "db", Value: "admin"}}}},
	})
	tb.Cleanup(func() { s.mustMongo(tb, "admin", bson.D{{Key: "dropUser", Value: name}}) })
	cfg := s.AdminConfig()
	cfg.User, cfg.Password = name, password
	return cfg
}

// mongoNewDatabase creates a database holding collection t, dropped in
// tb.Cleanup.
func (s *Server) mongoNewDatabase(tb testing.TB) string {
	tb.Helper()
	name := "t_" + randomString(12, lower)
	s.mustMongo(tb, name, bson.D{{Key: "create", Value: "t"}})
	tb.Cleanup(func() { s.mustMongo(tb, name, bson.D{{Key: "dropDatabase", Value: 1}}) })
	return name
}

// mustMongo runs one command as the superuser on database. The error names
// only the command, never its fields (a createUser carries a password).
func (s *Server) mustMongo(tb testing.TB, database string, cmd bson.D) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.withMongo(ctx, s.user, s.password, s.adminDB, func(ctx context.Context, c *mongo.Client) error {
		return c.Database(database).RunCommand(ctx, cmd).Err()
	})
	if err != nil {
		tb.Fatalf("dbtest: %s on %s: %v", cmd[0].Key, database, err)
	}
}

// WithMongoAs runs f with a client of a mongo Server logged in as user
// with authSource database, for tests that need more than ExecAs; the
// client is disconnected when f returns.
func (s *Server) WithMongoAs(ctx context.Context, user, password, database string, f func(context.Context, *mongo.Client) error) error {
	if s.engine != engineMongo {
		return fmt.Errorf("dbtest: WithMongoAs on a %s server", s.engine)
	}
	return s.withMongo(ctx, user, password, database, f)
}
