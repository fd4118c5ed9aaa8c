package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/control"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
	"github.com/dbplane/dbplane/internal/engine/mongo"
	"github.com/dbplane/dbplane/internal/engine/postgres"
	"github.com/dbplane/dbplane/internal/store"
)

// service is the control service with the store it runs on, as serve and
// the one-shot commands (reconcile, quota) build it from a configuration.
type service struct {
	*control.Service
	store  *store.DB
	unlock func() // releases the data dir's serve lock, if taken
}

// observers are what serve hands the service it opens; the one-shot
// commands pass none.
type observers struct {
	hook      func(step string) // crash tests stop the process at named steps
	engine    engineObserver    // metrics of engine operations
	quotaPass func(rep *dbplane.QuotaReport, took time.Duration, err error)
}

// openService opens the sealer, the store (migrating it unless
// cfg.NoMigrate) and the engines, and builds the control service.
func openService(ctx context.Context, cfg config.Config, logger *slog.Logger, notes io.Writer, obs observers) (*service, error) {
	sealer, err := openSealer(cfg, notes)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.StoreURL(), store.Options{NoMigrate: cfg.NoMigrate})
	if err != nil {
		return nil, err
	}
	// The service notes every engine operation for host health; it is
	// made after the registry, which reports to it.
	var svc *control.Service
	engines := newEngines(logger, cfg, func(o engine.Observation) {
		svc.NoteEngine(o)
		if obs.engine != nil {
			obs.engine(o.Engine, o.Op, o.Outcome, o.Took)
		}
	})
	svc = control.New(st, engines, sealer, control.Options{
		Logger: logger, PasswordLength: cfg.PasswordLength, DisabledEngines: cfg.DisabledEngines,
		EngineTimeout: cfg.EngineTimeout, Hook: obs.hook, OnQuotaPass: obs.quotaPass, KeyFormat: dbplane.KeyFormat(cfg.KeyFormat),
	})
	if err := svc.CheckMasterKey(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return &service{Service: svc, store: st}, nil
}

// Close closes the engines' connections, then the store.
func (s *service) Close() error {
	err := errors.Join(s.Service.Close(), s.store.Close())
	if s.unlock != nil {
		s.unlock()
	}
	return err
}

// engineObserver is told of every engine operation (metrics); nil for
// none. The control service notes each one too, for host health.
type engineObserver = func(engine, op, outcome string, took time.Duration)

// newEngines is the one place that knows every engine driver.
func newEngines(logger *slog.Logger, cfg config.Config, observe func(engine.Observation)) *engine.Registry {
	opt := engine.Options{Logger: logger, Timeout: cfg.EngineTimeout, Observe: observe}
	return engine.NewRegistry(opt, mariadb.Driver{}, postgres.Driver{}, mongo.Driver{})
}
