package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/docs"
	"github.com/dbplane/dbplane/internal/api/admin"
	"github.com/dbplane/dbplane/internal/api/dbapi"
	"github.com/dbplane/dbplane/internal/api/ptero"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/http/server"
	"github.com/dbplane/dbplane/internal/metrics"
	"github.com/dbplane/dbplane/internal/secret"
	"github.com/dbplane/dbplane/internal/store"
	"github.com/dbplane/dbplane/internal/web"
)

// reconcileInterval is how often unsettled engine changes are retried
// (SQLite). With a PostgreSQL store the leader looks every
// sharedReconcileInterval: a replica that died leaves its intents to be
// taken over once their lease has passed, and its clients are waiting.
const (
	reconcileInterval       = 30 * time.Second
	sharedReconcileInterval = 5 * time.Second
)

// Server is a running dbplane: store, engines, services and HTTP server.
type Server struct {
	cfg    config.Config
	log    *slog.Logger
	svc    *service
	http   *server.Server
	cert   *server.Certificate // nil without --tls-cert
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// closeAudit writes the audit entries still queued; after the HTTP
	// server, before the store.
	closeAudit func() error
}

// ServerOptions are what tests and benchmarks inject.
type ServerOptions struct {
	Logs io.Writer // default stderr
	// Stdout receives the audit log's JSON lines with --audit-log -;
	// default os.Stdout.
	Stdout io.Writer
	// Hook is passed to control.Options.Hook (crash tests).
	Hook func(step string)
	// Election tunes the leader election of replicas sharing a PostgreSQL
	// store (tests shorten it); its ID defaults to host name and pid.
	Election store.LeadOptions
	// ReconcileInterval overrides how often the leader retries unsettled
	// engine changes.
	ReconcileInterval time.Duration
}

// OpenServer builds every component from cfg and starts listening; the
// engine changes left in flight are settled in the background. Close stops
// it.
func OpenServer(ctx context.Context, cfg config.Config, opt ServerOptions) (*Server, error) {
	if opt.Logs == nil {
		opt.Logs = os.Stderr
	}
	if opt.Stdout == nil {
		opt.Stdout = os.Stdout
	}
	logger := newLogger(opt.Logs, cfg.LogLevel, cfg.LogFormat)
	listener, err := listenerOptions(cfg, logger)
	if err != nil {
		return nil, err
	}
	unlock, err := lockServe(cfg)
	if err != nil {
		return nil, err
	}
	// The metrics read the store through the service, which is made
	// after them: the engines it holds report to the metrics.
	var svc *service
	mets := metrics.New(func(ctx context.Context) (*dbplane.Stats, error) { return svc.Stats(ctx) }, logger)
	svc, err = openService(ctx, cfg, logger, opt.Logs, observers{hook: opt.Hook, engine: mets.ObserveEngine, quotaPass: mets.ObserveQuotaPass})
	if err != nil {
		unlock()
		return nil, err
	}
	svc.unlock = unlock
	st := svc.store
	// Alone on its store, serve settles whatever the last process left in
	// flight, in the background once it listens (runBackground): a hung
	// host must not keep the API down (SPEC §6). The intents leased before
	// now are the last process's; the requests taken from here on are not.
	// Replicas sharing a PostgreSQL store leave that to the leader, which
	// claims only expired leases.
	var settleBefore time.Time
	if !cfg.SharedStore() {
		settleBefore = time.Now()
	}
	salt, err := svc.HashIDSalt(ctx)
	if err != nil {
		svc.Close()
		return nil, err
	}
	audit, closeAudit, err := openAudit(cfg, svc.Service, opt.Stdout, logger)
	if err != nil {
		svc.Close()
		return nil, err
	}
	srv := server.New(server.Options{
		Addr:   cfg.Listen,
		Logger: logger,
		Handlers: server.Handlers{
			DBAPI: dbapi.NewHandler(dbapi.Services{Keys: svc, Databases: svc, Idempotency: svc}, dbapi.Options{Logger: logger, Rate: cfg.RateLimitClient}),
			Admin: admin.NewHandler(admin.Services{Keys: svc, Hosts: svc, Accounts: svc, Servers: svc, Databases: svc, SignIn: svc, Audit: audit, Idempotency: svc, Drift: svc}, admin.Options{Logger: logger, PublicURL: cfg.PublicURL}),
			Ptero: ptero.NewHandler(ptero.Services{Keys: svc, Accounts: svc, Servers: svc, Databases: svc, Hosts: svc, AdminDatabases: svc, Idempotency: svc}, ptero.Options{
				Logger: logger, HashSalt: salt, ApplicationRate: cfg.RateLimitApplication, ClientRate: cfg.RateLimitClient,
				ServerCreateRate: cfg.RateLimitServerCreate, PublicURL: cfg.PublicURL,
			}),
			Web: web.NewHandler(web.Services{
				SignIn: svc, Accounts: svc, Keys: svc, Databases: svc, Hosts: svc,
				Servers: svc, ServerDatabases: svc, AdminDatabases: svc, Audit: audit,
			}, web.Options{
				Logger: logger, UpgradeURL: cfg.UpgradeURL, UpgradeText: cfg.UpgradeText,
				// Served over HTTPS by us or (--secure-cookies) by a proxy.
				Secure: cfg.SecureCookies || cfg.TLS(), PublicURL: cfg.PublicURL,
			}),
		},
		// A create or rotate waits on an engine: leave it room past the
		// engine timeout so the client gets the answer, not a cut.
		WriteTimeout:    2*cfg.EngineTimeout + 30*time.Second,
		ShutdownTimeout: cfg.ShutdownTimeout,
		Health:          st.Ping,
		Ready:           svc.DownHosts,
		Observe:         mets.ObserveRequest,
		Audit:           audit.Record,
		Metrics:         metricsHandler(cfg, mets),
		MetricsToken:    cfg.MetricsToken,
		OpenAPI:         docs.OpenAPI(),
		TLS:             listener.tls,
		TrustedProxies:  listener.proxies,
	})
	if err := srv.Open(); err != nil {
		closeAudit()
		svc.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, log: logger, svc: svc, http: srv, cert: listener.cert, closeAudit: closeAudit}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.runBackground(bg, opt, settleBefore); err != nil {
			logger.Error("background work stopped", "err", err)
		}
	}()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := st.RunCheckpoints(bg, time.Second); err != nil {
			logger.Error("metadata store checkpoints stopped", "err", err)
		}
	}()
	logger.Info("dbplane listening", "url", srv.URL(), "data_dir", cfg.DataDir, "version", version)
	if s.cert != nil {
		logCertificate(logger, "serving HTTPS", s.cert)
	}
	return s, nil
}

// metricsHandler is /metrics, or nil when the deployment turned it off.
func metricsHandler(cfg config.Config, m *metrics.Metrics) http.Handler {
	if cfg.NoMetrics {
		return nil
	}
	return m.Handler()
}

// runBackground runs the reconciler (with the session sweep), the quota
// watcher and the drift sweep whenever this process leads: always alone on a SQLite
// store, while elected among replicas on a PostgreSQL one. Their store
// writes are fenced on the leader's epoch. Alone on its store, the
// reconciler's first pass settles every intent leased before settleBefore.
func (s *Server) runBackground(ctx context.Context, opt ServerOptions, settleBefore time.Time) error {
	interval := opt.ReconcileInterval
	if interval <= 0 {
		interval = reconcileInterval
		if s.cfg.SharedStore() {
			interval = sharedReconcileInterval
		}
	}
	el := opt.Election
	if el.ID == "" {
		el.ID = replicaID()
	}
	el.OnChange = func(leader bool, epoch int64, err error) {
		switch {
		case leader && epoch > 0:
			s.log.Info("elected leader: running the background work", "epoch", epoch, "replica", el.ID)
		case !leader && epoch > 0:
			s.log.Warn("stepped down as leader", "epoch", epoch, "err", err)
		case err != nil:
			s.log.Warn("leader election", "err", err)
		}
	}
	return s.svc.store.Lead(ctx, el, func(ctx context.Context) error {
		g, ctx := errgroup.WithContext(ctx)
		g.Go(func() error { return s.svc.Run(ctx, interval, settleBefore) })
		g.Go(func() error { return s.svc.RunWarm(ctx, interval) })
		if s.cfg.QuotaInterval > 0 {
			g.Go(func() error { return s.svc.RunQuota(ctx, s.cfg.QuotaInterval) })
		}
		if s.cfg.DriftInterval > 0 {
			g.Go(func() error { return s.svc.RunDrift(ctx, s.cfg.DriftInterval) })
		}
		if s.cfg.AuditRetention > 0 {
			g.Go(func() error { return s.svc.RunAuditRetention(ctx, s.cfg.AuditRetention, auditRetentionSweep) })
		}
		return g.Wait()
	})
}

// replicaID names this process in the election: host name and pid.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// URL is the base URL the server listens on.
func (s *Server) URL() string { return s.http.URL() }

// Handler is the whole HTTP handler, middleware included, for benchmarks
// that measure server time without a network round trip.
func (s *Server) Handler() http.Handler { return s.http.Handler() }

// Service exposes the control service (benchmarks and tests).
func (s *Server) Service() *control.Service { return s.svc.Service }

// Close stops taking requests, waits for those in flight and for the
// background work, then closes the engines and the store.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Close(ctx)
	s.cancel()
	s.wg.Wait()
	return errors.Join(err, s.closeAudit(), s.svc.Close())
}

// openSealer loads the master key. With a SQLite store it may generate
// one into the data dir on first run; with a PostgreSQL store, which
// several replicas share, it must be given (DBPLANE_MASTER_KEY or
// --master-key-file): a key per data dir would leave each replica unable
// to open what the others sealed.
func openSealer(cfg config.Config, w io.Writer) (*secret.Sealer, error) {
	if cfg.MasterKey != "" {
		primary, others, err := secret.ParseKeys([]byte(cfg.MasterKey))
		if err != nil {
			return nil, fmt.Errorf("DBPLANE_MASTER_KEY: %w", err)
		}
		return secret.NewSealer(primary, others...)
	}
	if cfg.SharedStore() && cfg.MasterKeyFile == "" {
		return nil, errMasterKeyRequired
	}
	sealer, created, err := secret.LoadOrCreate(cfg.DataDir, cfg.MasterKeyFile, rand.Reader)
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(w, "created a new master key in %s (mode 0600): back it up, sealed passwords cannot be read without it\n", cfg.DataDir)
	}
	return sealer, nil
}

const serveUsage = `Usage: dbplane serve [flags]

Run the HTTP server: the APIs, the dashboard, /healthz, /readyz and
/metrics, the quota watcher and the reconciler. It migrates the metadata
store on start unless --no-migrate, and refuses a data dir that
'dbplane init' never made. HTTPS with --tls-cert and --tls-key; SIGHUP
rereads them. SIGTERM or SIGINT stops it. See docs/operations.md.
`

const reconcileUsage = `Usage: dbplane reconcile [flags]

Finish or undo the engine changes left in flight (after a crash, or while a
host was down), then exit. With serve running on the same data dir, only
changes older than twice the engine timeout are touched; with a PostgreSQL
store (replicas may be running), only changes whose lease has passed.
`

var errMasterKeyRequired = errors.New("a PostgreSQL store is shared by every replica, and so must be the master key: " +
	"set DBPLANE_MASTER_KEY or --master-key-file (no key is generated per data dir with a PostgreSQL store)")

func runServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg, rest, err := loadLocal(fs, e, args, serveUsage)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	if err := checkInitialised(cfg); err != nil {
		return err
	}
	// SIGHUP rereads the TLS certificate; it is caught from here on, so
	// one sent during start-up does not end the process.
	hup := notifyReload()
	defer stopReload(hup)
	s, err := OpenServer(ctx, cfg, ServerOptions{Logs: e.stderr, Stdout: e.stdout})
	if err != nil {
		return err
	}
	for {
		select {
		case <-hup:
			s.ReloadTLS()
		case <-ctx.Done():
			s.log.Info("shutting down")
			return s.Close()
		}
	}
}

// lockServe takes the data dir's serve lock: a SQLite store has one
// serve. Replicas of a PostgreSQL store need no data dir; unlock is then a
// no-op.
func lockServe(cfg config.Config) (unlock func(), err error) {
	if cfg.SharedStore() {
		return func() {}, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	unlock, held, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("lock data dir: %w", err)
	}
	if held {
		return nil, fmt.Errorf("another dbplane serve is running on %s", cfg.DataDir)
	}
	return unlock, nil
}

// runReconcile settles engine changes left in flight and exits; serve does
// the same at start-up.
func runReconcile(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	cfg, rest, err := loadLocal(fs, e, args, reconcileUsage, engineFlags...)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	logger := newLogger(e.stderr, cfg.LogLevel, cfg.LogFormat)
	// With serve running, changes younger than twice the engine timeout
	// may still be in a request's hands: leave those to serve. The lock is
	// taken before the store is opened, and while serve holds it the store
	// is not migrated: that serve may be an older binary. With a PostgreSQL
	// store, replicas may run at any time: only expired leases are claimed.
	minAge := 2 * cfg.EngineTimeout
	serving := false
	if !cfg.SharedStore() {
		unlock, held, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		if held {
			serving, cfg.NoMigrate = true, true
			fmt.Fprintln(e.stderr, "dbplane serve is running on this data dir: settling only changes older than", minAge)
		} else {
			defer unlock()
			minAge = 0
		}
	}
	svc, err := openService(ctx, cfg, logger, e.stderr, observers{})
	if serving && errors.Is(err, store.ErrMigrationsPending) {
		return errors.New("the store needs migrating, and the serve running on this data dir is older than this binary: stop it (or run the serve of this version) first")
	}
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.Reconcile(ctx, minAge); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "engine changes are settled")
	return nil
}
