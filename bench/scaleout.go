package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
)

// ScaleOut is the outcome of the scale-out measurement (SPEC §7: creates/s
// with 3 replicas on the PostgreSQL store ≥ 2× one replica): parallel
// creates per second, the same clients and count each time, through
//   - the harness's dbplane on its SQLite store,
//   - one replica on a PostgreSQL store,
//   - three replicas on that store, clients round robin,
//
// next to the raw engine's parallel EnsureDatabase, in the same run. The
// replicas run in this process: on one machine they share its CPUs, so
// the 3-replica figure shows what the shared store allows, not what three
// machines would add.
type ScaleOut struct {
	Raw, SQLite, PG1, PG3 float64 // creates per second
	Errors                int
	FirstErr              string
}

// scaleOutAccounts spreads the creates over several tenants, as a
// deployment's are: every create of one account takes that account's
// counter row until it commits, so a single account caps any number of
// replicas at what one row allows.
const scaleOutAccounts = 16

// MeasureScaleOut creates n databases on e each way with clients
// goroutines; meta is the PostgreSQL server that holds the store.
func (h *Harness) MeasureScaleOut(ctx context.Context, e *Engine, meta *dbtest.Server, clients, n int) (*ScaleOut, error) {
	res := &ScaleOut{}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors++
		if res.FirstErr == "" {
			res.FirstErr = err.Error()
		}
	}
	replicas, keys, err := h.startReplicas(ctx, e, meta, 3, scaleOutAccounts)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range replicas {
			r.Close()
		}
	}()
	var sqliteKeys []string
	for range scaleOutAccounts {
		_, k, err := h.NewAccount(ctx, nil)
		if err != nil {
			return nil, err
		}
		sqliteKeys = append(sqliteKeys, k)
	}
	rate := func(side string, op func(i int) error) float64 {
		var d time.Duration
		labeled(side, func() {
			d = parallel(clients, n, func(i int) {
				if err := op(i); err != nil {
					fail(err)
				}
			})
		})
		return float64(n) / d.Seconds()
	}
	over := func(bases, keys []string, prefix string) func(i int) error {
		return func(i int) error {
			_, err := h.createAt(ctx, bases[i%len(bases)], keys[i%len(keys)], fmt.Sprintf("%s-%d", prefix, i), e.Name)
			return err
		}
	}
	bases := make([]string, len(replicas))
	for i, r := range replicas {
		bases[i] = r.URL()
	}
	// Warm every pool (HTTP, store, engine) once, unrecorded.
	rate(sideClient, over(bases, keys, "warm"))

	raw1 := rate(sideRaw, func(int) error { _, err := e.EnsureRaw(ctx); return err })
	res.SQLite = rate(sideClient, over([]string{h.Base}, sqliteKeys, "sqlite"))
	res.PG1 = rate(sideClient, over(bases[:1], keys, "pg1"))
	res.PG3 = rate(sideClient, over(bases, keys, "pg3"))
	raw2 := rate(sideRaw, func(int) error { _, err := e.EnsureRaw(ctx); return err })
	res.Raw = (raw1 + raw2) / 2
	return res, ctx.Err()
}

// startReplicas makes a fresh database on meta, starts n dbplane replicas
// on it with one master key, registers e's server as their host, and
// returns them with a user key of each of accounts accounts without
// limits.
func (h *Harness) startReplicas(ctx context.Context, e *Engine, meta *dbtest.Server, n, accounts int) ([]*cli.Server, []string, error) {
	name := fmt.Sprintf("bench_meta_%d", time.Now().UnixNano())
	if _, err := meta.AdminDB().ExecContext(ctx, "CREATE DATABASE "+engine.QuoteIdent('"', name)); err != nil {
		return nil, nil, fmt.Errorf("create the metadata database: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	cfg := config.Default()
	cfg.Store, cfg.MasterKey = meta.URL(name), "k1:"+base64.StdEncoding.EncodeToString(raw)
	cfg.Listen, cfg.LogLevel = "127.0.0.1:0", "error"
	cfg.RateLimitClient, cfg.RateLimitApplication = 1<<30, 1<<30
	var out []*cli.Server
	for i := range n {
		cfg.DataDir = filepath.Join(h.dir, fmt.Sprintf("replica-%d", i))
		srv, err := cli.OpenServer(ctx, cfg, cli.ServerOptions{Logs: os.Stderr})
		if err != nil {
			for _, r := range out {
				r.Close()
			}
			return nil, nil, fmt.Errorf("replica %d: %w", i, err)
		}
		out = append(out, srv)
	}
	svc := out[0].Service()
	ac := e.DB.AdminConfig()
	hostName, eng, tls := "scaleout-"+e.Name, e.Name, string(ac.TLS)
	pw := dbplane.Secret(ac.Password)
	in := dbplane.HostInput{Name: &hostName, Engine: &eng, Hostname: &ac.Host, Port: &ac.Port, Username: &ac.User, Password: &pw, TLS: &tls}
	if ac.Database != "" {
		in.Database = &ac.Database
	}
	var err error
	fail := func(what string, err error) ([]*cli.Server, []string, error) {
		for _, r := range out {
			r.Close()
		}
		return nil, nil, fmt.Errorf("%s: %s", what, dbplane.ErrorMessage(err))
	}
	if _, err = svc.CreateHost(ctx, in); err != nil {
		return fail("register the host", err)
	}
	var keys []string
	for i := range accounts {
		a, err := svc.CreateAccount(ctx, dbplane.AccountInput{Email: fmt.Sprintf("scaleout%d@example.com", i), Name: "scale-out"})
		if err != nil {
			return fail("create account", err)
		}
		_, key, err := svc.CreateKey(ctx, dbplane.KeyInput{AccountID: a.ID, Kind: dbplane.KeyUser, Name: "bench"})
		if err != nil {
			return fail("create key", err)
		}
		keys = append(keys, string(key))
	}
	return out, keys, nil
}
