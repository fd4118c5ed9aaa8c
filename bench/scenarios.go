package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Seq is the outcome of a sequential measurement: per-operation latencies
// of dbplane over HTTP and of the raw engine operation, measured one after
// the other in alternating order so that drift hits both.
type Seq struct {
	HTTP, Raw []time.Duration
	// Before, Engine, After split each HTTP operation at the control
	// service's hook points (see Breakdown).
	Before, Engine, After []time.Duration
}

// Created is what a create measurement leaves behind for the rotate one.
type Created struct {
	Key    string   // the account's user key
	IDs    []string // databases created over HTTP
	RawDBs []RawDB  // databases created raw
}

// timeHTTP runs op with the hook clock on and splits its duration at the
// hook points.
func (h *Harness) timeHTTP(s *Seq, keep bool, op func() error) error {
	h.hooks.reset()
	h.hooks.on.Store(true)
	t0 := time.Now()
	var err error
	labeled(sideClient, func() { err = op() })
	t1 := time.Now()
	h.hooks.on.Store(false)
	if err != nil || !keep {
		return err
	}
	s.HTTP = append(s.HTTP, t1.Sub(t0))
	rec, done := h.hooks.get()
	if !rec.IsZero() && !done.IsZero() && !rec.Before(t0) && !done.Before(rec) && !t1.Before(done) {
		s.Before = append(s.Before, rec.Sub(t0))
		s.Engine = append(s.Engine, done.Sub(rec))
		s.After = append(s.After, t1.Sub(done))
	}
	return nil
}

func timeRaw(s *Seq, keep bool, op func() error) error {
	t0 := time.Now()
	var err error
	labeled(sideRaw, func() { err = op() })
	d := time.Since(t0)
	if err == nil && keep {
		s.Raw = append(s.Raw, d)
	}
	return err
}

// alternate runs warm+n rounds of one HTTP and one raw operation, HTTP
// first in even rounds and raw first in odd ones. The first warm rounds
// are not recorded. With a gap, the process idles that long, untimed,
// before each operation (-gap).
func alternate(ctx context.Context, warm, n int, gap time.Duration, httpOp, rawOp func(i int, keep bool) error) error {
	for i := range warm + n {
		keep := i >= warm
		first, second := httpOp, rawOp
		if i%2 == 1 {
			first, second = rawOp, httpOp
		}
		for _, op := range []func(int, bool) error{first, second} {
			if err := pause(ctx, gap); err != nil {
				return err
			}
			if err := op(i, keep); err != nil {
				return err
			}
		}
	}
	return nil
}

// pause sleeps d, or returns ctx's error.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// paced returns f preceded by a think time drawn uniformly from
// [0, 2·pace) (-pace): clients that pause between creates, so that the
// process runs at a chosen rate instead of flat out. Without pace it is f.
func paced(ctx context.Context, pace time.Duration, f func(i int)) func(i int) {
	if pace <= 0 {
		return f
	}
	return func(i int) {
		if pause(ctx, time.Duration(rand.Int64N(int64(2*pace)))) == nil {
			f(i)
		}
	}
}

// MeasureCreate times n sequential POST /api/v1/db/databases against n raw
// EnsureDatabase calls with fresh names, after warm unrecorded rounds, in a
// new account holding FillAccountN databases. The databases are left in
// place for MeasureRotate.
func (h *Harness) MeasureCreate(ctx context.Context, e *Engine, warm, n int) (*Seq, *Created, error) {
	account, key, err := h.NewAccount(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	if h.FillAccountN > 0 {
		if err := h.FillAccount(ctx, e, account, h.FillAccountN); err != nil {
			return nil, nil, err
		}
	}
	s := &Seq{}
	c := &Created{Key: key}
	err = alternate(ctx, warm, n, h.Gap,
		func(i int, keep bool) error {
			return h.timeHTTP(s, keep, func() error {
				id, err := h.CreateHTTP(ctx, key, fmt.Sprintf("seq-%d", i), e.Name)
				if err != nil {
					return fmt.Errorf("create %s over HTTP: %w", e.Name, err)
				}
				c.IDs = append(c.IDs, id)
				return nil
			})
		},
		func(i int, keep bool) error {
			return timeRaw(s, keep, func() error {
				r, err := e.EnsureRaw(ctx)
				if err != nil {
					return fmt.Errorf("raw %s EnsureDatabase: %w", e.Name, err)
				}
				c.RawDBs = append(c.RawDBs, r)
				return nil
			})
		})
	return s, c, err
}

// MeasureRotate times n sequential POST .../rotate against n raw
// SetPassword calls on owners made the same way, cycling through c's
// databases.
func (h *Harness) MeasureRotate(ctx context.Context, e *Engine, c *Created, warm, n int) (*Seq, error) {
	if len(c.IDs) == 0 || len(c.RawDBs) == 0 {
		return nil, errors.New("rotate: no databases to rotate")
	}
	s := &Seq{}
	err := alternate(ctx, warm, n, h.Gap,
		func(i int, keep bool) error {
			return h.timeHTTP(s, keep, func() error {
				if err := h.RotateHTTP(ctx, c.Key, c.IDs[i%len(c.IDs)]); err != nil {
					return fmt.Errorf("rotate %s over HTTP: %w", e.Name, err)
				}
				return nil
			})
		},
		func(i int, keep bool) error {
			return timeRaw(s, keep, func() error {
				if err := e.SetPasswordRaw(ctx, c.RawDBs[i%len(c.RawDBs)]); err != nil {
					return fmt.Errorf("raw %s SetPassword: %w", e.Name, err)
				}
				return nil
			})
		})
	return s, err
}

// SetupRotate makes m databases each way, untimed, for a rotate
// measurement without a create measurement before it.
func (h *Harness) SetupRotate(ctx context.Context, e *Engine, m int) (*Created, error) {
	_, key, err := h.NewAccount(ctx, nil)
	if err != nil {
		return nil, err
	}
	c := &Created{Key: key}
	for i := range m {
		id, err := h.CreateHTTP(ctx, key, fmt.Sprintf("rot-%d", i), e.Name)
		if err != nil {
			return nil, fmt.Errorf("create %s over HTTP: %w", e.Name, err)
		}
		r, err := e.EnsureRaw(ctx)
		if err != nil {
			return nil, fmt.Errorf("raw %s EnsureDatabase: %w", e.Name, err)
		}
		c.IDs, c.RawDBs = append(c.IDs, id), append(c.RawDBs, r)
	}
	return c, nil
}

// Profile labels: goroutines of the bench's own client loops carry
// side=client, those running raw engine operations side=raw; dbplane's
// server goroutines carry none, so
//
//	go tool pprof -tagignore 'side=client|raw' bench.bin cpu.out
//
// shows the server's work alone, and -tagfocus side=raw the raw driver's.
const (
	sideClient = "client"
	sideRaw    = "raw"
)

// labeled runs f with the side label on this goroutine and every goroutine
// it starts.
func labeled(side string, f func()) {
	pprof.Do(context.Background(), pprof.Labels("side", side), func(context.Context) { f() })
}

// ---- reads ----

// Reads is requests per second of the two read endpoints and of a bare
// net/http handler sending the same bodies, under the same client loop.
type Reads struct {
	List, Reveal         float64 // requests per second
	BareList, BareReveal float64 // the bare handler, sending list's and reveal's bodies
	// CPU time of this process (client loop and server alike) per
	// request, in µs: unlike the rates, it does not move with what else
	// the machine runs.
	CPUList, CPUReveal, CPUBareList, CPUBareReveal float64
	Errors                                         int64
	FirstErr                                       string
}

// ReadAccount is an account holding m databases on e, for the read
// endpoints.
type ReadAccount struct {
	Key string
	IDs []string
}

// SetupReads creates an account with m databases on e over HTTP.
func (h *Harness) SetupReads(ctx context.Context, e *Engine, m int) (*ReadAccount, error) {
	_, key, err := h.NewAccount(ctx, nil)
	if err != nil {
		return nil, err
	}
	ra := &ReadAccount{Key: key}
	for i := range m {
		id, err := h.CreateHTTP(ctx, key, fmt.Sprintf("read-%d", i), e.Name)
		if err != nil {
			return nil, fmt.Errorf("create %s over HTTP: %w", e.Name, err)
		}
		ra.IDs = append(ra.IDs, id)
	}
	return ra, nil
}

// Bare is a bare net/http server on a loopback listener: the baseline of
// the read measurement.
type Bare struct {
	URL string // base URL, without a trailing slash
	srv *http.Server
}

// StartBare starts the baseline server of the read measurement. It answers
// each path of bodies with those bytes, as a minimal JSON handler would:
// Content-Type and Content-Length set, one Write. Any other path is 404.
// Sending the very bytes dbplane sends makes the two differ only in what
// dbplane does to produce them.
func StartBare(bodies map[string][]byte) (*Bare, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	lengths := make(map[string]string, len(bodies))
	for p, b := range bodies {
		lengths[p] = strconv.Itoa(len(b))
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", lengths[r.URL.Path])
		w.Write(b)
	})}
	go srv.Serve(ln)
	return &Bare{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// ReadBodies fetches the answers of the read endpoints for ra once, keyed
// by the paths the bare server answers them on: /list, and /reveal/<i> for
// ra.IDs[i].
func (h *Harness) ReadBodies(ctx context.Context, ra *ReadAccount) (map[string][]byte, error) {
	bodies := map[string][]byte{}
	b, err := h.do(ctx, http.MethodGet, h.Base+"/api/v1/db/databases", ra.Key, nil)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	bodies["/list"] = b
	for i, id := range ra.IDs {
		b, err := h.do(ctx, http.MethodGet, h.Base+"/api/v1/db/databases/"+id, ra.Key, nil)
		if err != nil {
			return nil, fmt.Errorf("reveal: %w", err)
		}
		bodies["/reveal/"+strconv.Itoa(i)] = b
	}
	return bodies, nil
}

// Close stops the bare server.
func (b *Bare) Close() error { return b.srv.Close() }

// Load runs clients goroutines that each send requests back to back for
// d, and returns how many completed, how many failed, and the wall time
// until the last one finished. req builds the i-th request of a worker.
func Load(ctx context.Context, client *http.Client, clients int, d time.Duration, req func(worker, i int) (*http.Request, error)) (ok, failed int64, elapsed time.Duration, firstErr error) {
	var stop atomic.Bool
	var errOnce sync.Once
	var okN, failN atomic.Int64
	start := time.Now()
	timer := time.AfterFunc(d, func() { stop.Store(true) })
	defer timer.Stop()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("side", sideClient)))
			var good, bad int64
			for i := 0; !stop.Load() && ctx.Err() == nil; i++ {
				r, err := req(w, i)
				if err == nil {
					var resp *http.Response
					if resp, err = client.Do(r); err == nil {
						_, err = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if err == nil && resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("%s %s: HTTP %d", r.Method, r.URL.Path, resp.StatusCode)
						}
					}
				}
				if err != nil {
					bad++
					errOnce.Do(func() { firstErr = err })
					continue
				}
				good++
			}
			okN.Add(good)
			failN.Add(bad)
		})
	}
	wg.Wait()
	return okN.Load(), failN.Load(), time.Since(start), firstErr
}

// MeasureReads measures GET /api/v1/db/databases and
// GET /api/v1/db/databases/{id} against the bare handler sending the same
// bodies, in rounds of the four (order rotating) that add up to d each,
// after a short warm-up.
func (h *Harness) MeasureReads(ctx context.Context, ra *ReadAccount, bare *Bare, clients, rounds int, d time.Duration) (*Reads, error) {
	mk := func(url string, key string) func(w, i int) (*http.Request, error) {
		return func(w, i int) (*http.Request, error) {
			r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err == nil {
				r.Header.Set("Authorization", "Bearer "+key)
			}
			return r, err
		}
	}
	targets := []struct {
		name string
		req  func(w, i int) (*http.Request, error)
	}{
		{"bare list", mk(bare.URL+"/list", ra.Key)},
		{"list", mk(h.Base+"/api/v1/db/databases", ra.Key)},
		{"bare reveal", func(w, i int) (*http.Request, error) {
			return mk(bare.URL+"/reveal/"+strconv.Itoa((w*7+i)%len(ra.IDs)), ra.Key)(w, i)
		}},
		{"reveal", func(w, i int) (*http.Request, error) {
			id := ra.IDs[(w*7+i)%len(ra.IDs)]
			return mk(h.Base+"/api/v1/db/databases/"+id, ra.Key)(w, i)
		}},
	}
	res := &Reads{}
	var firstErr error
	note := func(failed int64, err error) {
		res.Errors += failed
		if firstErr == nil && err != nil {
			firstErr = err
		}
	}
	// Warm-up: connections, caches, the read pool.
	for _, t := range targets {
		_, failed, _, err := Load(ctx, h.Client, clients, 300*time.Millisecond, t.req)
		note(failed, err)
	}
	if rounds < 1 {
		rounds = 1
	}
	seg := d / time.Duration(rounds)
	count := make([]int64, len(targets))
	took := make([]time.Duration, len(targets))
	cpu := make([]time.Duration, len(targets))
	for r := range rounds {
		for j := range targets {
			k := (j + r) % len(targets)
			c0 := processCPU()
			ok, failed, el, err := Load(ctx, h.Client, clients, seg, targets[k].req)
			cpu[k] += processCPU() - c0
			note(failed, err)
			count[k] += ok
			took[k] += el
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rate := func(k int) float64 { return float64(count[k]) / took[k].Seconds() }
	res.BareList, res.List, res.BareReveal, res.Reveal = rate(0), rate(1), rate(2), rate(3)
	perReq := func(k int) float64 { return float64(cpu[k].Microseconds()) / float64(max(count[k], 1)) }
	res.CPUBareList, res.CPUList, res.CPUBareReveal, res.CPUReveal = perReq(0), perReq(1), perReq(2), perReq(3)
	if firstErr != nil {
		res.FirstErr = firstErr.Error()
	}
	return res, nil
}

// ---- concurrent creates ----

// Concurrent is the outcome of the parallel create measurement.
type Concurrent struct {
	HTTPRate, RawRate float64 // creates per second
	Created, Refused  int     // over HTTP: 201s and OUT_OF_SLOTS refusals
	Errors            int     // every other failure, HTTP and raw
	FirstErr          string
	Rows              int // database rows of the account
	EngineDBs         int // databases on the engine with the account's slug
	EngineUsers       int // users on the engine with the account's slug
	// CPU per successful create, in ms (see cpuPerCreate): dbplane's own
	// (this process's CPU during the HTTP run, less that of the same
	// client loop against a stub sending dbplane's answers), the raw
	// runs' (the driver alone), and the stub run's per request (what was
	// subtracted).
	CPUDBPlane, CPURaw, CPUStub float64
	// Writes and Commits are the store's write transactions during the
	// HTTP run and the commits they took (group commit shares them).
	Writes, Commits int64
	// IdleCPU is the process's CPU per second doing nothing (ms/s),
	// measured just before the HTTP run and taken off every figure above
	// for the time each run took.
	IdleCPU float64
}

// parallel runs f(0..total-1) on clients goroutines and returns the wall
// time.
func parallel(clients, total int, f func(i int)) time.Duration {
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// MeasureConcurrent has clients goroutines try slots+clients creates over
// HTTP on an account with exactly slots free slots, between two raw runs
// of slots/2 parallel EnsureDatabase calls each (so drift hits both), and
// then counts rows and engine objects to catch any over-allocation.
func (h *Harness) MeasureConcurrent(ctx context.Context, e *Engine, slots, clients int) (*Concurrent, error) {
	res := &Concurrent{}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors++
		if res.FirstErr == "" {
			res.FirstErr = err.Error()
		}
	}
	var rawCPU time.Duration
	raw := func(n int) (d time.Duration) {
		c0 := processCPU()
		labeled(sideRaw, func() {
			d = parallel(clients, n, paced(ctx, h.Pace, func(int) {
				if _, err := e.EnsureRaw(ctx); err != nil {
					fail(fmt.Errorf("raw %s EnsureDatabase: %w", e.Name, err))
				}
			}))
		})
		rawCPU += processCPU() - c0
		return d
	}

	// Warm-up: grow both engine pools and the HTTP connection pool.
	_, warmKey, err := h.NewAccount(ctx, nil)
	if err != nil {
		return nil, err
	}
	warm := min(clients, 16)
	labeled(sideClient, func() {
		parallel(clients, warm, func(i int) {
			if _, err := h.CreateHTTP(ctx, warmKey, fmt.Sprintf("warm-%d", i), e.Name); err != nil {
				fail(fmt.Errorf("warm-up create %s over HTTP: %w", e.Name, err))
			}
		})
	})
	raw(warm)
	// dbplane's answer to a create, for the stub run below.
	createAnswer, err := h.answer(ctx, http.MethodPost, h.Base+"/api/v1/db/databases", warmKey,
		fmt.Appendf(nil, `{"name":"warm-x","engine":%q}`, e.Name))
	if err != nil {
		return nil, fmt.Errorf("warm-up create %s over HTTP: %w", e.Name, err)
	}
	rawCPU = 0

	acct, key, err := h.NewAccount(ctx, &slots)
	if err != nil {
		return nil, err
	}
	first := slots / 2
	t1 := raw(first)
	var created, refused atomic.Int64
	var th time.Duration
	// What the process spends doing nothing (timers, pools, the
	// server's background loops), charged to no one below.
	idle := idleCPU(ctx, 500*time.Millisecond)
	st0, err := h.Server.Service().Stats(ctx)
	if err != nil {
		return nil, err
	}
	c0 := processCPU()
	labeled(sideClient, func() {
		th = parallel(clients, slots+clients, paced(ctx, h.Pace, func(i int) {
			_, err := h.CreateHTTP(ctx, key, fmt.Sprintf("par-%d", i), e.Name)
			var ae *APIError
			switch {
			case err == nil:
				created.Add(1)
			case errors.As(err, &ae) && ae.Code == "OUT_OF_SLOTS":
				refused.Add(1)
			default:
				fail(fmt.Errorf("create %s over HTTP: %w", e.Name, err))
			}
		}))
	})
	httpCPU := processCPU() - c0 - idle.over(th)
	st1, err := h.Server.Service().Stats(ctx)
	if err != nil {
		return nil, err
	}
	res.Writes, res.Commits = st1.WriteTransactions-st0.WriteTransactions, st1.WriteCommits-st0.WriteCommits
	t2 := raw(slots - first)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.Created, res.Refused = int(created.Load()), int(refused.Load())
	res.HTTPRate = float64(res.Created) / th.Seconds()
	res.RawRate = float64(slots) / (t1 + t2).Seconds()

	// The same client loop against a stub answering as dbplane did.
	refusal, err := h.answer(ctx, http.MethodPost, h.Base+"/api/v1/db/databases", key,
		fmt.Appendf(nil, `{"name":"par-x","engine":%q}`, e.Name))
	if err != nil {
		return nil, fmt.Errorf("create %s on a full account: %w", e.Name, err)
	}
	stubCPU, stubTook, err := h.stubCreates(ctx, clients, slots+clients, res.Created, createAnswer, refusal, e.Name)
	if err != nil {
		return nil, err
	}
	rawCPU -= idle.over(t1 + t2)
	res.IdleCPU = idle.perSecond()
	res.CPUDBPlane, res.CPURaw, res.CPUStub = cpuPerCreate(httpCPU, stubCPU-idle.over(stubTook), rawCPU, res.Created, slots, slots+clients)

	dbs, err := h.Server.Service().ListDatabases(ctx, acct)
	if err != nil {
		return nil, fmt.Errorf("list rows: %w", err)
	}
	res.Rows = len(dbs)
	if res.EngineDBs, res.EngineUsers, err = e.CountManaged(ctx, acct); err != nil {
		return nil, fmt.Errorf("count %s databases: %w", e.Name, err)
	}
	return res, nil
}

// Answer is a recorded HTTP answer: status and body.
type Answer struct {
	Status int
	Body   []byte
}

// answer sends one request and returns dbplane's answer, whatever its
// status.
func (h *Harness) answer(ctx context.Context, method, url, key string, body []byte) (Answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return Answer{}, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.Client.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Body: b}, err
}

// stubCreates runs the concurrent phase's client loop (total creates by
// clients goroutines, through CreateHTTP) against a bare net/http handler
// that answers the first ok requests with created and the rest with
// refused, and returns the CPU time this process used meanwhile: the
// client's share of the HTTP run, plus a bare handler's.
func (h *Harness) stubCreates(ctx context.Context, clients, total, ok int, created, refused Answer, eng string) (cpu, took time.Duration, err error) {
	var n atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	send := func(w http.ResponseWriter, a Answer) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(a.Body)))
		w.WriteHeader(a.Status)
		w.Write(a.Body)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) <= int64(ok) {
			send(w, created)
		} else {
			send(w, refused)
		}
	})}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := NewClient()
	defer client.CloseIdleConnections()
	// Warm the connections, as the HTTP run's were by the warm-up.
	parallel(clients, clients, func(i int) { createWith(ctx, client, base, "k", "warm", eng) })
	n.Store(0)
	var failed atomic.Int64
	c0 := processCPU()
	labeled(sideClient, func() {
		took = parallel(clients, total, paced(ctx, h.Pace, func(i int) {
			_, err := createWith(ctx, client, base, "k", fmt.Sprintf("par-%d", i), eng)
			var ae *APIError
			if err != nil && !(errors.As(err, &ae) && ae.Status == refused.Status) {
				failed.Add(1)
			}
		}))
	})
	cpu = processCPU() - c0
	if f := failed.Load(); f > 0 {
		return 0, 0, fmt.Errorf("stub creates: %d failed", f)
	}
	return cpu, took, ctx.Err()
}

// idleRate is the CPU the process spends per second of wall time while
// no measurement runs.
type idleRate float64

// idleCPU measures the process's CPU over d of doing nothing.
func idleCPU(ctx context.Context, d time.Duration) idleRate {
	c0, t0 := processCPU(), time.Now()
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	return idleRate(float64(processCPU()-c0) / float64(time.Since(t0)))
}

// over is the idle CPU over a span of wall time.
func (r idleRate) over(d time.Duration) time.Duration { return time.Duration(float64(r) * float64(d)) }

// perSecond is r in ms of CPU per second.
func (r idleRate) perSecond() float64 { return float64(r) * 1000 }

// cpuPerCreate turns the concurrent phase's CPU times into ms per create:
// dbplane's own is the HTTP run's process CPU less the stub run's (the
// same client loop and requests against a bare handler), per successful
// create; raw is the raw runs' process CPU per create; stub is the stub
// run's per request.
func cpuPerCreate(httpCPU, stubCPU, rawCPU time.Duration, created, rawN, requests int) (dbplane, raw, stub float64) {
	dbplane = ms(httpCPU-stubCPU) / float64(max(created, 1))
	raw = ms(rawCPU) / float64(max(rawN, 1))
	stub = ms(stubCPU) / float64(max(requests, 1))
	return dbplane, raw, stub
}

// processCPU returns the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
