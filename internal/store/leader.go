package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/dbplane/dbplane"
)

// ErrNotLeader is what a write transaction of the background work returns
// once another replica was elected since: its work is the new leader's now.
var ErrNotLeader = dbplane.Errorf(dbplane.CodeUnavailable, "This replica is no longer the leader")

// ErrLeaderElsewhere is what Lead with Once returns while another replica
// leads.
var ErrLeaderElsewhere = dbplane.Errorf(dbplane.CodeConflict, "Another replica is the leader and runs the background work")

// LeadOptions tune Lead. Zero values take the defaults; with several
// replicas, Lease must exceed Renew, which must exceed the time one
// confirmation may take.
type LeadOptions struct {
	// ID names this replica in the leadership row and in PostgreSQL's
	// application_name (dbplane/<ID>).
	ID string
	// Retry is how often a replica that is not the leader tries to
	// become it; default 2s.
	Retry time.Duration
	// Renew is how often the leader confirms it still holds the lock;
	// default 2s.
	Renew time.Duration
	// Lease: a leader whose last good confirmation started longer ago
	// than this steps down; default 8s. The database ends a session that
	// stays silent for Lease + Renew, which frees the lock of a frozen
	// leader.
	Lease time.Duration
	// Once makes Lead try the lock once: run fn if it is free (and return
	// fn's error), return ErrLeaderElsewhere if another replica holds it.
	// For one-shot commands (dbplane quota refresh).
	Once bool
	// OnChange, when set, is told of every election won (leader true, with
	// the new epoch) and every step down.
	OnChange func(leader bool, epoch int64, err error)
}

func (o *LeadOptions) defaults() {
	if o.Retry <= 0 {
		o.Retry = 2 * time.Second
	}
	if o.Renew <= 0 {
		o.Renew = 2 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 8 * time.Second
	}
	if o.OnChange == nil {
		o.OnChange = func(bool, int64, error) {}
	}
}

// Lead runs fn whenever this process is the leader of the store's
// background work (the reconciler, the quota watcher, sweeps), until ctx
// is done. fn gets a context that ends when leadership is lost and that
// fences every write transaction made with it: once another replica was
// elected, such a transaction returns ErrNotLeader and changes nothing.
// On a SQLite store the process is alone and always the leader.
// Lead returns when fn returns (with its error) or ctx ends (nil).
func (db *DB) Lead(ctx context.Context, opt LeadOptions, fn func(ctx context.Context) error) error {
	opt.defaults()
	if db.dialect.elect == nil {
		opt.OnChange(true, 0, nil)
		err := fn(ctx)
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return db.dialect.elect(ctx, db, opt, fn)
}

type epochKey struct{}

// withEpoch marks ctx as the background work of the leader of epoch.
func withEpoch(ctx context.Context, epoch int64) context.Context {
	return context.WithValue(ctx, epochKey{}, epoch)
}

// checkEpoch is the fence of a write transaction made with a leader's
// context: the leadership row must still hold that epoch, and stays so
// until the transaction ends.
func (db *DB) checkEpoch(ctx context.Context, tx *txn) error {
	epoch, ok := ctx.Value(epochKey{}).(int64)
	if !ok || db.dialect.fence == "" {
		return nil
	}
	var current int64
	if err := tx.QueryRowContext(ctx, db.dialect.fence).Scan(&current); err != nil {
		if err == sql.ErrNoRows {
			return ErrNotLeader
		}
		return err
	}
	if current != epoch {
		return ErrNotLeader
	}
	return nil
}

// Leadership is the leadership row: the current epoch and who holds it.
type Leadership struct {
	Epoch  int64
	Holder string
	Since  time.Time
}

// Leader returns the leadership row of a store with an election, and
// CodeNotFound on one without (SQLite).
func (db *DB) Leader(ctx context.Context) (*Leadership, error) {
	if db.dialect.elect == nil {
		return nil, dbplane.Errorf(dbplane.CodeNotFound, "This store has no election")
	}
	var l Leadership
	var since int64
	err := db.readRow(ctx, `SELECT epoch, holder, since FROM leadership WHERE name = 'background'`).Scan(&l.Epoch, &l.Holder, &since)
	l.Since = fromMS(since)
	return &l, err
}
