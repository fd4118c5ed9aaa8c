// Package control implements dbplane's services: the naming scheme, quotas,
// keys, hosts and databases, and applying engine changes through intents
// that survive a crash. It is the only package that combines the store and
// the engines.
package control

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

// Sealer seals stored credentials; *secret.Sealer implements it. aad binds a
// sealed value to the row it belongs to.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Options tune a Service. Zero values take the defaults.
type Options struct {
	Logger *slog.Logger
	// Now and Rand default to time.Now and crypto/rand.Reader.
	Now  func() time.Time
	Rand io.Reader
	// PasswordLength of generated database passwords; default 32.
	PasswordLength int
	// DisabledEngines are refused with ENGINE_DISABLED even when hosts exist.
	DisabledEngines []string
	// EngineTimeout bounds each engine operation; default 10s.
	EngineTimeout time.Duration
	// Hook, when set, is called at named points of engine changes
	// ("create:recorded", "create:engine-done", "create:engine-failed",
	// "rotate:recorded", "rotate:engine-done", "repair:engine-done",
	// "quota:host-measured"
	// after each host of a quota pass, and "rekey:batch-sealed" between
	// a Rekey batch's read and its write). Crash tests use it to stop the
	// process there; race tests, to hold a request there.
	Hook func(step string)
	// OnQuotaPass, when set, is told of every quota pass: its report, or
	// the error that ended it (metrics).
	OnQuotaPass func(rep *dbplane.QuotaReport, took time.Duration, err error)
	// OnDriftPass, when set, is told of every drift sweep (metrics, logs).
	OnDriftPass func(rep *dbplane.DriftReport, took time.Duration, err error)
	// PasswordParams are argon2id's costs for account passwords; default
	// DefaultPasswordParams.
	PasswordParams PasswordParams
	// SessionIdle and SessionAbsolute bound dashboard sessions; defaults
	// DefaultSessionIdle and DefaultSessionAbsolute.
	SessionIdle, SessionAbsolute time.Duration
	// KeyFormat writes keys minted without a format; "" is
	// dbplane.KeyFormatDBPlane.
	KeyFormat dbplane.KeyFormat
}

// Service implements the dbplane service interfaces.
type Service struct {
	store   *store.DB
	engines *engine.Registry
	sealer  Sealer
	opt     Options
	log     *slog.Logger

	conns *connCache // engine connections by host

	locks keyedMutex // serializes changes per database

	// Caches. With a store other replicas write too (store.Shared) the
	// key and list caches are off and host rows are read again at every
	// use (conn), so a change on one replica holds on the next request
	// to any other.
	shared bool
	reads  *readCache // accounts' database lists between writes
	keys   *keyCache  // authenticated keys by hash

	dummyOnce sync.Once // dummyHash, made on the first sign-in
	dummyHash string

	health hostHealth // what the last engine operation on each host found

	pwSlots passwordSlots // bounds concurrent argon2id work

	// driftVerified remembers, by database id, the credential fingerprint
	// and sealed password last found to match (drift.go).
	driftVerified sync.Map

	warmKick chan struct{} // asks RunWarm for a pass (kickWarm)
}

var (
	_ dbplane.AccountService  = (*Service)(nil)
	_ dbplane.KeyService      = (*Service)(nil)
	_ dbplane.HostService     = (*Service)(nil)
	_ dbplane.DatabaseService = (*Service)(nil)
)

// New returns a Service. It starts nothing: call Reconcile at start-up and
// run Run in the background.
func New(st *store.DB, engines *engine.Registry, sealer Sealer, opt Options) *Service {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rand == nil {
		opt.Rand = rand.Reader
	}
	if opt.PasswordLength == 0 {
		opt.PasswordLength = 32
	}
	if opt.PasswordParams == (PasswordParams{}) {
		opt.PasswordParams = DefaultPasswordParams
	}
	if opt.SessionIdle <= 0 {
		opt.SessionIdle = DefaultSessionIdle
	}
	if opt.SessionAbsolute <= 0 {
		opt.SessionAbsolute = DefaultSessionAbsolute
	}
	if opt.EngineTimeout == 0 {
		opt.EngineTimeout = engine.DefaultTimeout
	}
	s := &Service{store: st, engines: engines, sealer: sealer, opt: opt, log: opt.Logger, conns: newConnCache(2 * opt.EngineTimeout),
		pwSlots: newPasswordSlots(), warmKick: make(chan struct{}, 1)}
	s.shared = st.Shared()
	keyTTL, listTTL := keyCacheTTL, readCacheTTL
	if s.shared {
		keyTTL, listTTL = 0, 0
	}
	s.keys, s.reads = newKeyCache(keyTTL), &readCache{ttl: listTTL}
	return s
}

// Close closes every cached engine connection.
func (s *Service) Close() error {
	s.conns.closeAll()
	return nil
}

func (s *Service) hook(step string) {
	if s.opt.Hook != nil {
		s.opt.Hook(step)
	}
}

// engineCtx detaches an engine change from the request that asked for it,
// so a client that hangs up cannot leave it half done, and bounds it.
func (s *Service) engineCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.opt.EngineTimeout)
}

// storeTimeout bounds the store writes that settle an engine change.
const storeTimeout = 30 * time.Second

// storeCtx is for the store writes after an engine call: they must run
// even when the engine used up its own deadline or the client went away,
// or a finished change would wait for the reconciler.
func (s *Service) storeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
}

// keyedMutex is a set of mutexes by key, created on demand.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	sync.Mutex
	refs int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedEntry{}
	}
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
