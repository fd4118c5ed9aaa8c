package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbplane/dbplane/internal/engine"
)

const (
	// maxAttempts bounds apply's looks at the server.
	maxAttempts = 4
	// drainTimeout bounds how long an operation waits for terminated
	// backends to exit when ctx has no earlier deadline.
	drainTimeout = 10 * time.Second
	// unlockTimeout bounds the unlock after an operation, which runs even
	// when the operation's ctx is done.
	unlockTimeout = 5 * time.Second
)

// apply is how every change is made: on one admin session, it takes the
// owner's advisory lock, reads the state of database and owner, renders the
// statements that take it to the wanted state and runs them.
//
// The lock serializes dbplane's own operations on one role, from any
// replica: PostgreSQL answers two ALTER ROLEs of one role at once with
// "tuple concurrently updated" or a unique violation, and two Ensures would
// both see "missing". Should a statement still fail because the state moved
// under it (raced: someone outside the lock), or with a transient server
// error, apply starts over from a fresh look; the operations are idempotent.
// It reports whether one of its runs created the database.
//
// With claim set (an Ensure that claims a warm database), the look reads
// the warm database and its role too (inspectClaimQuery).
func (c *conn) apply(ctx context.Context, op, database, owner string, claim *engine.WarmNames, raced func(error) bool, render func(state) ([]stmt, error)) (created bool, err error) {
	query, args := inspectQuery, []any{database, owner}
	if claim != nil {
		query, args = inspectClaimQuery, []any{database, owner, claim.Database, claim.Owner}
	}
	p, err := c.pool(ctx, op)
	if err != nil {
		return false, err
	}
	pc, err := p.Acquire(ctx)
	if err != nil {
		// No session: none of the statements was sent.
		return false, notSent(op, err)
	}
	key := lockKey(owner)
	locked := false
	defer func() {
		if locked {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
			_, uerr := pc.Exec(uctx, unlockQuery, key)
			cancel()
			if uerr == nil {
				pc.Release()
				return
			}
		}
		// The lock may be held, or the session be broken: end the session,
		// which releases the lock, and let the pool replace it.
		cctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
		pc.Conn().Close(cctx)
		cancel()
		pc.Release()
	}()

	// One round trip: lock, then look. Each statement of the batch takes
	// its own snapshot, so the look sees what the previous holder did.
	b := &pgx.Batch{}
	b.Queue(lockQuery, key)
	b.Queue(query, args...)
	br := pc.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return false, translate(op, err)
	}
	locked = true
	st, err := scanState(br.QueryRow(), claim != nil)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, translate(op, err)
	}

	// Once a statement ran, or may have, no later failure of this
	// operation reads as one that sent nothing (engine.Sent).
	sent := false
	defer func() {
		if sent && err != nil {
			err = engine.Sent(err)
		}
	}()
	for attempt := 1; ; attempt++ {
		stmts, err := render(st)
		if err != nil {
			return created, translate(op, err)
		}
		done, err := c.run(ctx, pc, stmts)
		for _, s := range stmts[:done] {
			created = created || createsDatabase(s)
		}
		if err == nil {
			return created, nil
		}
		err = translate(op, err)
		sent = sent || done > 0 || !errors.Is(err, engine.ErrNotSent)
		if attempt == maxAttempts || !(raced(err) || transient(err)) {
			return created, err
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return created, translate(op, err)
		}
		if st, err = scanState(pc.QueryRow(ctx, query, args...), claim != nil); err != nil {
			return created, translate(op, err)
		}
	}
}

func never(error) bool { return false }

// retry runs f until it succeeds, fails with a non-transient error, or has
// run maxAttempts times, and translates what it returns.
func (c *conn) retry(ctx context.Context, op string, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := translate(op, f())
		if err == nil || attempt == maxAttempts || !transient(err) {
			return err
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return translate(op, err)
		}
	}
}

// backoff is the wait before attempt+1: a few milliseconds, growing, with
// jitter so that racing callers do not meet again.
func backoff(attempt int) time.Duration {
	return time.Duration(attempt) * (5*time.Millisecond + rand.N(10*time.Millisecond))
}

func scanState(row pgx.Row, claim bool) (state, error) {
	var st state
	if claim {
		err := row.Scan(&st.DBExists, &st.DBOwner, &st.RoleExists, &st.RoleForeign,
			&st.WarmDBExists, &st.WarmDBOwner, &st.WarmRoleExists, &st.WarmRoleForeign)
		return st, err
	}
	err := row.Scan(&st.DBExists, &st.DBOwner, &st.RoleExists, &st.RoleForeign)
	return st, err
}

// run executes stmts in order on one session, each on its own (CREATE
// DATABASE and DROP DATABASE may not run inside a transaction block), and
// stops at the first error. A statement that names another database runs
// on a session of its own there. It returns how many statements succeeded.
func (c *conn) run(ctx context.Context, pc *pgxpool.Conn, stmts []stmt) (int, error) {
	for i, s := range stmts {
		var err error
		switch {
		case s.In != "":
			err = c.execIn(ctx, s.In, s.SQL)
		case s.Drain:
			err = drain(ctx, pc, s)
		case len(s.Args) == 0:
			// Simple protocol: one round trip, and no prepared statement
			// holding a verifier stays cached on either side.
			_, err = pc.Exec(ctx, s.SQL, pgx.QueryExecModeSimpleProtocol)
		default:
			_, err = pc.Exec(ctx, s.SQL, s.Args...)
		}
		if err != nil {
			return i, err
		}
		if afterStatement != nil {
			afterStatement(pc, i)
		}
	}
	return len(stmts), nil
}

// afterStatement, when set (tests only), runs after each statement of
// apply that succeeded, with its session and index.
var afterStatement func(pc *pgxpool.Conn, i int)

// execIn runs one statement without arguments in database, on a session
// of its own that ends with it. The session's search_path is pg_catalog
// alone, so that nothing a tenant made in its database can stand in for a
// function or operator the statement names; and the settings the tenant
// may give its database (ALTER DATABASE SET) that would make the session
// read-only or cut it short are overridden (startup parameters win), so
// they cannot keep the wall from going up. ctx bounds the statement.
func (c *conn) execIn(ctx context.Context, database, sql string) error {
	cfg := c.cfg.ConnConfig.Copy()
	cfg.Database = database
	cfg.RuntimeParams["search_path"] = "pg_catalog"
	cfg.RuntimeParams["default_transaction_read_only"] = "off"
	cfg.RuntimeParams["statement_timeout"] = "0"
	cfg.RuntimeParams["lock_timeout"] = "0"
	cfg.RuntimeParams["idle_in_transaction_session_timeout"] = "0"
	s, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		s.Close(cctx)
		cancel()
	}()
	_, err = s.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	return err
}

// drain runs a terminate query until it finds no backend left, so callers
// can rely on the sessions being gone when the operation returns.
func drain(ctx context.Context, pc *pgxpool.Conn, s stmt) error {
	deadline := time.Now().Add(drainTimeout)
	wait := time.Millisecond
	for {
		var n int64
		if err := pc.QueryRow(ctx, s.SQL, s.Args...).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d sessions still running %s after they were terminated", n, drainTimeout)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
