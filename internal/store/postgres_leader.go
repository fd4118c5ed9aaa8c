package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// postgresElect is the election of design/scale-out.md §2.4: a session
// advisory lock, held on a connection of its own (outside the pool, so
// no other statement ever runs on it), plus the epoch in the leadership
// row, moved on by every winner.
//
//   - A follower tries pg_try_advisory_lock every opt.Retry.
//   - The winner bumps the epoch (waiting for the fenced transactions of
//     the previous leader to end) and runs fn with a context carrying it.
//   - The leader pings its connection every opt.Renew, and steps down when
//     the last good ping started more than opt.Lease ago (River's rule): by
//     then a frozen or cut-off leader may have been replaced.
//   - The database ends the lock's session when its process dies (SIGKILL:
//     at once), when its host stops answering (TCP keepalives), and when it
//     stays silent past idle_session_timeout (a frozen process, whose kernel
//     still answers keepalives): the lock is free for the next one. A frozen
//     leader that wakes up finds its transactions fenced off by the epoch.
func postgresElect(ctx context.Context, db *DB, opt LeadOptions, fn func(context.Context) error) error {
	for ctx.Err() == nil {
		conn, err := db.electionConn(ctx, opt)
		if err == nil {
			err = lead(ctx, db, conn, opt, fn)
			conn.Close(context.WithoutCancel(ctx))
			if fe, ok := err.(leaderFnError); ok {
				return fe.err
			}
			if opt.Once && err == nil {
				return nil
			}
		}
		if opt.Once {
			return err
		}
		if err != nil && ctx.Err() == nil {
			opt.OnChange(false, 0, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(opt.Retry):
		}
	}
	return nil
}

// leaderFnError is fn's own error, which ends the election loop.
type leaderFnError struct{ err error }

func (e leaderFnError) Error() string { return e.err.Error() }

// electionConn opens the lock's connection. The database ends its session
// when the process stops answering: TCP keepalives for a dead host, and
// idle_session_timeout for a frozen process (the leader pings every
// Renew, so only a frozen one is ever idle that long).
func (db *DB) electionConn(ctx context.Context, opt LeadOptions) (*pgx.Conn, error) {
	cfg := db.dialect.pg.Copy()
	params := map[string]string{
		"application_name":     "dbplane/" + opt.ID,
		"idle_session_timeout": strconv.FormatInt((opt.Lease + opt.Renew).Milliseconds(), 10),
		// A process killed while its epoch bump waits: the server notices
		// within a second, not when the bump ends (design §2.4, measured).
		"client_connection_check_interval": "1000",
		"tcp_keepalives_idle":              "5",
		"tcp_keepalives_interval":          "2",
		"tcp_keepalives_count":             "3",
	}
	for k, v := range params {
		cfg.RuntimeParams[k] = v
	}
	cctx, cancel := context.WithTimeout(ctx, opt.Lease)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("election: connect: %w", err)
	}
	return conn, nil
}

// lead tries the lock on conn until it gets it or conn fails, then leads
// until it cannot confirm the lock. It returns leaderFnError when fn
// failed, nil when ctx ended, and the connection's error otherwise.
func lead(ctx context.Context, db *DB, conn *pgx.Conn, opt LeadOptions, fn func(context.Context) error) error {
	for {
		var got bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, leaderLockKey).Scan(&got); err != nil {
			return err
		}
		if got {
			break
		}
		if opt.Once {
			return ErrLeaderElsewhere
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(opt.Retry):
		}
	}
	var epoch int64
	// The bump may wait for the last leader's fenced transactions; the
	// session held the lock when it started (River's rule: trust counts
	// from the start of the last round trip that succeeded).
	bumped := time.Now()
	err := conn.QueryRow(ctx, `UPDATE leadership SET epoch = epoch + 1, holder = $1, since = $2 WHERE name = 'background' RETURNING epoch`,
		opt.ID, db.Now().UnixMilli()).Scan(&epoch)
	if err != nil {
		return err
	}
	opt.OnChange(true, epoch, nil)
	lctx, cancel := context.WithCancel(withEpoch(ctx, epoch))
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn(lctx) }()
	stepDown := func(err error) error {
		cancel()
		<-done
		opt.OnChange(false, epoch, err)
		return err
	}
	lastGood := bumped
	tick := time.NewTicker(opt.Renew)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-done
			return nil
		case err := <-done:
			opt.OnChange(false, epoch, err)
			return leaderFnError{err}
		case <-tick.C:
			start := time.Now()
			pctx, pcancel := context.WithDeadline(ctx, lastGood.Add(opt.Lease))
			err := conn.Ping(pctx)
			pcancel()
			if err == nil {
				lastGood = start
				continue
			}
			if time.Since(lastGood) >= opt.Lease || conn.IsClosed() {
				return stepDown(fmt.Errorf("election: lost the lock's connection: %w", err))
			}
		}
	}
}
