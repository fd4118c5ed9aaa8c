package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dbplane/dbplane"
)

// targetWarmP50 is issue 12 target 6: p50 create on a PostgreSQL host with
// a warm pool, in milliseconds, at most.
const targetWarmP50 = 20.0

// Warm is the outcome of the warm phase.
type Warm struct {
	Normal  *Seq // pool off: every create runs CREATE DATABASE
	Full    *Seq // pool kept full: the bench waits for the refill between creates (untimed)
	Running *Seq // pool on, creates back to back while the refill runs
	// EmptyBefore counts the Running creates that found no warm database
	// ready (they create as Normal does).
	EmptyBefore int
}

// MeasureWarm measures creates over HTTP on e (PostgreSQL) three ways,
// each alternating with raw EnsureDatabase calls (CREATE ROLE + CREATE
// DATABASE + REVOKE, as a first attempt): with the warm pool off, with a
// pool of pool kept full between creates, and with the pool refilling in
// the background while the creates run back to back.
func (h *Harness) MeasureWarm(ctx context.Context, e *Engine, pool, warm, n int) (*Warm, error) {
	svc := h.Server.Service()
	setPool := func(p int) error {
		_, err := svc.UpdateHost(ctx, e.HostID, dbplane.HostInput{WarmPool: &p})
		return err
	}
	out := &Warm{}
	var err error
	if out.Normal, _, err = h.MeasureCreate(ctx, e, warm, n); err != nil {
		return nil, err
	}
	if err := setPool(pool); err != nil {
		return nil, fmt.Errorf("set warmPool %d: %w", pool, err)
	}
	defer func() {
		// Leave the host as it was: the pool off, and (once the
		// background refill has dropped them) no warm database.
		if err := setPool(0); err == nil {
			h.waitWarm(ctx, e, func(ready, count int) bool { return count == 0 })
		}
	}()
	full := func(ready, count int) bool { return ready >= pool }
	if err := h.waitWarm(ctx, e, full); err != nil {
		return nil, err
	}
	for _, mode := range []struct {
		seq  **Seq
		wait bool
	}{{&out.Full, true}, {&out.Running, false}} {
		_, key, err := h.NewAccount(ctx, nil)
		if err != nil {
			return nil, err
		}
		s := &Seq{}
		*mode.seq = s
		err = alternate(ctx, warm, n, h.Gap,
			func(i int, keep bool) error {
				if keep && !mode.wait {
					if ready, err := svc.WarmReady(ctx, e.HostID); err == nil && ready == 0 {
						out.EmptyBefore++
					}
				}
				err := h.timeHTTP(s, keep, func() error {
					_, err := h.CreateHTTP(ctx, key, fmt.Sprintf("warm-%d", i), e.Name)
					return err
				})
				if err != nil {
					return fmt.Errorf("create %s over HTTP (warm pool): %w", e.Name, err)
				}
				if mode.wait {
					return h.waitWarm(ctx, e, full)
				}
				return nil
			},
			func(i int, keep bool) error {
				return timeRaw(s, keep, func() error {
					_, err := e.EnsureRaw(ctx)
					return err
				})
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// waitWarm polls the host until done(ready, warmCount) holds, for at most
// two minutes.
func (h *Harness) waitWarm(ctx context.Context, e *Engine, done func(ready, count int) bool) error {
	svc := h.Server.Service()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ready, err := svc.WarmReady(ctx, e.HostID)
		if err != nil {
			return err
		}
		host, err := svc.Host(ctx, e.HostID)
		if err != nil {
			return err
		}
		if done(ready, host.WarmCount) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("warm pool of %s: %d ready, %d held after 2 minutes", e.Name, ready, host.WarmCount)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// warmRows are the warm phase's rows: the target (p50 with the pool kept
// full, absolute), and each way's p50 and p95 against raw.
func warmRows(w *Warm) []Row {
	full := Summarize(w.Full.HTTP)
	rows := []Row{{Metric: "warm create postgres p50, pool kept full", Unit: "ms", DBPlane: full.P50, Ratio: full.P50,
		Goal: AtMost, Target: targetWarmP50, Count: true}}
	for _, m := range []struct {
		name string
		s    *Seq
	}{{"normal create postgres (pool off)", w.Normal}, {"warm create postgres (pool kept full)", w.Full}, {"warm create postgres (refill running)", w.Running}} {
		hs, rs := Summarize(m.s.HTTP), Summarize(m.s.Raw)
		rows = append(rows,
			ratioRow(m.name+" p50", "ms", hs.P50, rs.P50, Info, 0),
			ratioRow(m.name+" p95", "ms", hs.P95, rs.P95, Info, 0))
	}
	normal := Summarize(w.Normal.HTTP)
	rows = append(rows, ratioRow("warm (pool kept full) / normal create postgres p50", "ms", full.P50, normal.P50, Info, 0))
	return rows
}
