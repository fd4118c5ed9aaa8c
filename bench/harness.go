package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// Harness is everything a measurement needs: throwaway engine servers, a
// real dbplane server in this process with one host per engine, and a raw
// engine.Conn per engine opened the way dbplane opens its own (same
// Registry middleware, same driver, same admin config).
type Harness struct {
	dir     string
	Engines []*Engine
	Server  *cli.Server
	Base    string       // dbplane's base URL
	Client  *http.Client // keep-alive client shared by every measurement
	// Skipped lists the engines that were asked for but are not installed.
	Skipped []string
	// FillAccountN is how many databases MeasureCreate records in its
	// account (FillAccount) before it measures.
	FillAccountN int
	// Gap is how long the process idles, untimed, before each operation
	// of the sequential phases, and Pace the mean think time of each
	// client before each create of the concurrent phase (raw, HTTP and
	// stub runs alike): both show what this machine charges for waking
	// from idle (-gap, -pace).
	Gap, Pace time.Duration

	hooks hookClock
}

// Engine is one engine server with its dbplane host and raw Conn.
type Engine struct {
	Name    string // "mariadb" or "postgres"
	DB      *dbtest.Server
	HostID  string
	Raw     engine.Conn // opened from a Registry like dbplane's, on the same admin config
	Version string
}

// HarnessOptions configure Start.
type HarnessOptions struct {
	Engines []string  // engine names, in order
	Logs    io.Writer // dbplane's log output; nil discards it
}

// tempPrefix names the bench's temp dirs; removeStale removes those of
// bench processes that died.
const tempPrefix = "dbplane-bench-"

// Start starts the engine servers (in parallel), a dbplane server on a free
// loopback port, and registers one host per engine. Engines whose binaries
// are missing are left out and listed in Skipped; when none is left the
// error wraps dbtest.ErrNotInstalled.
func Start(ctx context.Context, opt HarnessOptions) (h *Harness, err error) {
	if len(opt.Engines) == 0 {
		return nil, errors.New("no engine asked for")
	}
	for _, name := range opt.Engines {
		if name != "mariadb" && name != "postgres" {
			return nil, fmt.Errorf("unknown engine %q (want mariadb or postgres)", name)
		}
	}
	base := "/tmp" // searchable by the postgres user when running as root
	if _, err := os.Stat(base); err != nil {
		base = os.TempDir()
	}
	removeStale(base)
	dir, err := os.MkdirTemp(base, tempPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	h = &Harness{dir: dir}
	defer func() {
		if err != nil {
			h.Close()
			h = nil
		}
	}()

	// Engines first, in parallel: each takes a few seconds to initialise.
	servers := make([]*dbtest.Server, len(opt.Engines))
	errs := make([]error, len(opt.Engines))
	var wg sync.WaitGroup
	for i, name := range opt.Engines {
		wg.Go(func() {
			start := dbtest.StartMariaDB
			if name == "postgres" {
				start = dbtest.StartPostgres
			}
			sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			servers[i], errs[i] = start(sctx, dir)
		})
	}
	wg.Wait()
	for i, name := range opt.Engines {
		switch {
		case errs[i] == nil:
			h.Engines = append(h.Engines, &Engine{Name: name, DB: servers[i]})
		case errors.Is(errs[i], dbtest.ErrNotInstalled):
			h.Skipped = append(h.Skipped, name)
		default:
			err = errors.Join(err, fmt.Errorf("start %s: %w", name, errs[i]))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(h.Engines) == 0 {
		return nil, fmt.Errorf("none of %s can be started: %w", strings.Join(opt.Engines, ", "), dbtest.ErrNotInstalled)
	}

	cfg := config.Default()
	cfg.DataDir = filepath.Join(dir, "dbplane")
	cfg.Listen = "127.0.0.1:0"
	cfg.LogLevel = "error"
	// The watcher phase runs its passes itself: a background pass (every
	// 5 minutes by default; a 100,000-database fill takes longer) would
	// load the engine during the fill and overlap a timed pass.
	cfg.QuotaInterval = 0
	// The bench drives one key far past any sane per-minute limit.
	cfg.RateLimitClient, cfg.RateLimitApplication = 1<<30, 1<<30
	logs := opt.Logs
	if logs == nil {
		logs = io.Discard
	}
	h.Server, err = cli.OpenServer(ctx, cfg, cli.ServerOptions{Logs: logs, Hook: h.hooks.mark})
	if err != nil {
		return nil, fmt.Errorf("open dbplane: %w", err)
	}
	h.Base = h.Server.URL()
	h.Client = NewClient()

	// The raw side: a Registry wired like cli's (same drivers, same
	// middleware and timeout), but its own Conn, as a second dbplane
	// replica would have.
	reg := engine.NewRegistry(engine.Options{Timeout: cfg.EngineTimeout}, mariadb.Driver{}, postgres.Driver{})
	svc := h.Server.Service()
	for _, e := range h.Engines {
		ac := e.DB.AdminConfig()
		name, eng, tls := "bench-"+e.Name, e.Name, string(ac.TLS)
		pw := dbplane.Secret(ac.Password)
		in := dbplane.HostInput{
			Name: &name, Engine: &eng, Hostname: &ac.Host, Port: &ac.Port,
			Username: &ac.User, Password: &pw, TLS: &tls,
		}
		if ac.Database != "" {
			in.Database = &ac.Database
		}
		host, err := svc.CreateHost(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("register %s host: %s", e.Name, dbplane.ErrorMessage(err))
		}
		e.HostID = host.ID
		if e.Raw, err = reg.Open(e.Name, ac, "raw-"+e.Name); err != nil {
			return nil, fmt.Errorf("open raw %s conn: %w", e.Name, err)
		}
		if e.Version, err = e.Raw.Version(ctx); err != nil {
			return nil, fmt.Errorf("raw %s version: %w", e.Name, err)
		}
	}
	return h, nil
}

// NewClient returns the keep-alive client every measurement uses: enough
// idle connections per host for the largest client count, no proxy, no
// compression.
func NewClient() *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// Close stops dbplane and the engines and removes every file they made.
func (h *Harness) Close() error {
	var err error
	if h.Client != nil {
		h.Client.CloseIdleConnections()
	}
	if h.Server != nil {
		err = errors.Join(err, h.Server.Close())
	}
	for _, e := range h.Engines {
		if e.Raw != nil {
			e.Raw.Close()
		}
		if e.DB != nil {
			err = errors.Join(err, e.DB.Stop())
		}
	}
	if h.dir != "" {
		err = errors.Join(err, os.RemoveAll(h.dir))
	}
	return err
}

// Engine returns the started engine named name, or nil.
func (h *Harness) Engine(name string) *Engine {
	for _, e := range h.Engines {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// removeStale removes the temp dirs of bench processes that died without
// cleaning up (their engine servers got SIGKILL from the kernel).
func removeStale(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, tempPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "owner.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}

// ---- accounts ----

var accountSeq atomic.Int64

// NewAccount creates a user account with slots (nil: unlimited) and a user
// key for it, through the control service as `dbplane init` and the admin
// API do.
func (h *Harness) NewAccount(ctx context.Context, slots *int) (id, key string, err error) {
	n := accountSeq.Add(1)
	svc := h.Server.Service()
	a, err := svc.CreateAccount(ctx, dbplane.AccountInput{
		Email: fmt.Sprintf("bench%d@example.com", n), Name: fmt.Sprintf("bench %d", n), Slots: slots,
	})
	if err != nil {
		return "", "", fmt.Errorf("create account: %s", dbplane.ErrorMessage(err))
	}
	_, k, err := svc.CreateKey(ctx, dbplane.KeyInput{AccountID: a.ID, Kind: dbplane.KeyUser, Name: "bench"})
	if err != nil {
		return "", "", fmt.Errorf("create key: %s", dbplane.ErrorMessage(err))
	}
	return a.ID, string(k), nil
}

// ---- HTTP side ----

// APIError is a non-2xx answer of the management API.
type APIError struct {
	Status int
	Code   string
	Msg    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Msg)
}

type envelope struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Code  string `json:"code"`
	Data  struct {
		ID string `json:"id"`
	} `json:"data"`
}

// do sends one request and reads the whole answer. It returns the body of
// a 2xx answer and an *APIError otherwise.
func (h *Harness) do(ctx context.Context, method, url, key string, body []byte) ([]byte, error) {
	return do(ctx, h.Client, method, url, key, body)
}

// do sends one request with client: the body of a 2xx answer, or an
// *APIError.
func do(ctx context.Context, client *http.Client, method, url, key string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		var env envelope
		_ = json.Unmarshal(b, &env)
		return nil, &APIError{Status: resp.StatusCode, Code: env.Code, Msg: env.Error}
	}
	return b, nil
}

func dataID(b []byte) (string, error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return "", fmt.Errorf("decode answer: %w", err)
	}
	if env.Data.ID == "" {
		return "", errors.New("answer has no data.id")
	}
	return env.Data.ID, nil
}

// CreateHTTP is POST /api/v1/db/databases. It returns the new database's id.
func (h *Harness) CreateHTTP(ctx context.Context, key, label, eng string) (string, error) {
	return h.createAt(ctx, h.Base, key, label, eng)
}

// createAt is CreateHTTP on the dbplane at base (a scale-out replica).
func (h *Harness) createAt(ctx context.Context, base, key, label, eng string) (string, error) {
	return createWith(ctx, h.Client, base, key, label, eng)
}

// createWith is createAt with client.
func createWith(ctx context.Context, client *http.Client, base, key, label, eng string) (string, error) {
	body, _ := json.Marshal(map[string]string{"name": label, "engine": eng})
	b, err := do(ctx, client, http.MethodPost, base+"/api/v1/db/databases", key, body)
	if err != nil {
		return "", err
	}
	return dataID(b)
}

// RotateHTTP is POST /api/v1/db/databases/{id}/rotate.
func (h *Harness) RotateHTTP(ctx context.Context, key, id string) error {
	_, err := h.do(ctx, http.MethodPost, h.Base+"/api/v1/db/databases/"+id+"/rotate", key, []byte{})
	return err
}

// ---- raw side ----

var rawSeq atomic.Int64

// RawDB is a database and owner made directly on an engine.
type RawDB struct {
	Database, Owner string
}

// newRawNames returns fresh names, as long as dbplane's own
// (um_<10>_<n> / dum_<10>_<n>).
func newRawNames() RawDB {
	n := rawSeq.Add(1)
	return RawDB{Database: fmt.Sprintf("rb_%010d_%d", 0, n), Owner: fmt.Sprintf("drb_%010d_%d", 0, n)}
}

// password returns a password like dbplane's default: 32 alphanumerics.
func password() string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// EnsureRaw makes a fresh database and owner with the statements dbplane
// runs for a create: EnsureDatabase with the same Remote and limits, as a
// first attempt (Fresh), so on MariaDB it is the bare CREATE USER, CREATE
// DATABASE and GRANT on one session, without the pre-create check a retry
// runs. Until issue 12 the raw side ran that check too, which hid its cost.
func (e *Engine) EnsureRaw(ctx context.Context) (RawDB, error) {
	r := newRawNames()
	_, err := e.Raw.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{
		Database: r.Database, Owner: r.Owner, Password: password(), Remote: "%", Fresh: true,
	})
	return r, err
}

// Fill makes n databases with their owners on e with raw EnsureRaw calls
// from 8 goroutines, so that the measurements after it run on a host that
// already holds them.
func (e *Engine) Fill(ctx context.Context, n int) error {
	var failed atomic.Pointer[error]
	parallel(8, n, func(int) {
		if failed.Load() != nil || ctx.Err() != nil {
			return
		}
		if _, err := e.EnsureRaw(ctx); err != nil {
			failed.CompareAndSwap(nil, &err)
		}
	})
	if err := failed.Load(); err != nil {
		return fmt.Errorf("fill %s: %w", e.Name, *err)
	}
	return ctx.Err()
}

// SetPasswordRaw is what a rotate runs on the engine.
func (e *Engine) SetPasswordRaw(ctx context.Context, r RawDB) error {
	return e.Raw.SetPassword(ctx, engine.SetPasswordRequest{Owner: r.Owner, Remote: "%", Password: password()})
}

// CountManaged counts the databases and users on the engine itself whose
// names carry the account's slug (u?_<slug>_<n>, du?_<slug>_<n>).
func (e *Engine) CountManaged(ctx context.Context, accountID string) (dbs, users int, err error) {
	dbName, dbUser := dbplane.ManagedNames(dbplane.Engine(e.Name), accountID, 0)
	dbPrefix, userPrefix := strings.TrimSuffix(dbName, "0"), strings.TrimSuffix(dbUser, "0")
	var qDB, qUser string
	switch e.Name {
	case "mariadb":
		qDB, qUser = `SELECT SCHEMA_NAME FROM information_schema.SCHEMATA`, `SELECT DISTINCT User FROM mysql.user`
	default:
		qDB, qUser = `SELECT datname FROM pg_database`, `SELECT rolname FROM pg_roles`
	}
	count := func(q, prefix string) (int, error) {
		rows, err := e.DB.AdminDB().QueryContext(ctx, q)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return 0, err
			}
			if strings.HasPrefix(s, prefix) {
				n++
			}
		}
		return n, rows.Err()
	}
	if dbs, err = count(qDB, dbPrefix); err != nil {
		return 0, 0, err
	}
	users, err = count(qUser, userPrefix)
	return dbs, users, err
}

// ---- server-side timestamps ----

// hookClock records when the server passed the control service's hook
// points, for the per-stage breakdown of sequential creates and rotates.
// It records only while on: concurrent phases leave it off.
type hookClock struct {
	on       atomic.Bool
	mu       sync.Mutex
	recorded time.Time // "create:recorded" / "rotate:recorded"
	done     time.Time // "create:engine-done" / "rotate:engine-done"
}

func (c *hookClock) mark(step string) {
	if !c.on.Load() {
		return
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case strings.HasSuffix(step, ":recorded"):
		c.recorded = now
	case strings.HasSuffix(step, ":engine-done"):
		c.done = now
	}
}

func (c *hookClock) reset() {
	c.mu.Lock()
	c.recorded, c.done = time.Time{}, time.Time{}
	c.mu.Unlock()
}

func (c *hookClock) get() (recorded, done time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recorded, c.done
}
