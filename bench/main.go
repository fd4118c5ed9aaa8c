// Command bench measures dbplane end to end against the targets of SPEC §7.
//
// It starts throwaway MariaDB and PostgreSQL servers (internal/dbtest) and a
// real dbplane server in this process, and compares what dbplane does over
// HTTP with the raw engine operations it runs, measured in the same run and
// interleaved so that drift affects both:
//
//   - create: sequential POST /api/v1/db/databases vs raw EnsureDatabase;
//   - rotate: sequential POST .../rotate vs raw SetPassword;
//   - reads: requests/s of the list and reveal endpoints vs a bare net/http
//     handler, same client loop;
//   - concurrent: parallel creates against an account with exactly -slots
//     slots vs parallel raw EnsureDatabase, plus errors and over-allocation;
//   - scaleout: parallel creates through 1 and 3 replicas on a PostgreSQL
//     store (on the postgres engine's server), next to the SQLite store and
//     raw EnsureDatabase, on the first engine;
//   - watcher: a quota-watcher pass over a MariaDB host filled with
//     -watch-databases databases holding tables (made with raw SQL) vs the
//     raw catalog queries the pass needs.
//
// It prints one table (or JSON with -json) and exits non-zero only when
// something failed, never because a target was missed. See
// docs/benchmarks.md.
//
//	go run ./bench -n 100
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/dbtest"
)

// SPEC §7 targets, as §7 states them.
const (
	targetCreateMS     = 1.0 // dbplane − raw create latency (p50 and mean), ms, at most
	targetRotateMS     = 0.5 // dbplane − raw rotate latency (p50 and mean), ms, at most
	targetReads        = 0.7 // dbplane/bare requests per second (same body), at least
	targetConcurrent   = 0.9 // dbplane/raw creates per second, at least
	targetCPUPerCreate = 0.3 // dbplane's own CPU per create under -clients clients (over the engine driver's), ms, at most
	targetWatcher      = 1.2 // watcher pass / raw catalog queries, at most
	targetWatcherSec   = 2.0 // seconds per watcher pass over 10,000 databases, at most
	targetScaleOut     = 2.0 // 3 replicas / 1 replica creates per second, at least
)

var allPhases = []string{"create", "rotate", "reads", "concurrent", "scaleout", "watcher", "warm"}

// defaultPhases run when -phases is not given: all but warm (issue 12
// target 6, PostgreSQL only), which is asked for by name.
var defaultPhases = allPhases[:len(allPhases)-1]

type flags struct {
	n, warmup      int
	engines        []string
	duration       time.Duration
	rounds         int
	readClients    int
	readDBs        int
	clients, slots int
	watchDBs       int
	fill           int
	warmPool       int
	fillAccount    int
	gap, pace      time.Duration
	watchRounds    int
	watchManaged   bool
	phases         []string
	json, verbose  bool
	cpuProfile     string
	blockProfile   string
	mutexProfile   string
	traceFile      string
	memProfile     string
}

func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	engines := fs.String("engines", "mariadb,postgres", "engines to measure, comma separated")
	phases := fs.String("phases", strings.Join(defaultPhases, ","), "phases to run, comma separated: "+strings.Join(allPhases, ", "))
	fs.IntVar(&f.n, "n", 200, "sequential creates and rotates per engine, each way")
	fs.IntVar(&f.warmup, "warmup", -1, "unrecorded warm-up rounds before each sequential measurement (-1: n/10, at least 5)")
	fs.DurationVar(&f.duration, "duration", 3*time.Second, "how long each read target is driven, in total")
	fs.IntVar(&f.rounds, "rounds", 3, "read rounds: each target runs duration/rounds per round, order rotating")
	fs.IntVar(&f.readClients, "read-clients", 32, "concurrent clients of the read measurement")
	fs.IntVar(&f.readDBs, "read-databases", 20, "databases of the account the read endpoints list")
	fs.IntVar(&f.clients, "clients", 64, "parallel clients of the concurrent create measurement")
	fs.IntVar(&f.watchDBs, "watch-databases", 10000, "databases (one InnoDB table each; every 100th also MyISAM and Aria) on the MariaDB host of the watcher measurement")
	fs.IntVar(&f.warmPool, "warm-pool", 4, "warmPool of the PostgreSQL host in the warm phase")
	fs.IntVar(&f.fill, "fill", 0, "databases (with owners) made with raw statements on each engine before its measurements, to measure a host that is not empty")
	fs.IntVar(&f.fillAccount, "fill-account", 0, "databases recorded straight in the metadata store (no engine objects) in the sequential create's account and on its host before it measures, to measure an account that is not empty")
	fs.DurationVar(&f.gap, "gap", 0, "idle time before each operation of the sequential phases, untimed, dbplane's and raw alike (what a machine charges for waking up)")
	fs.DurationVar(&f.pace, "pace", 0, "mean think time of each client before each create in the concurrent phase (drawn from [0, 2×pace), raw, HTTP and stub runs alike): run a fast engine at a slow engine's rate")
	fs.IntVar(&f.watchRounds, "watch-rounds", 3, "watcher passes timed, each way")
	fs.BoolVar(&f.watchManaged, "watch-managed", true, "give the store a row for each database the watcher measurement makes, as if dbplane had made them")
	fs.IntVar(&f.slots, "slots", 256, "slots of the account in the concurrent measurement (clients try slots+clients creates)")
	fs.BoolVar(&f.json, "json", false, "print machine-readable JSON instead of the table")
	fs.BoolVar(&f.verbose, "v", false, "send dbplane's own log (level error) to stderr")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the measurements (server, client and engines' Go side) to `file`")
	fs.StringVar(&f.blockProfile, "blockprofile", "", "write a blocking profile to `file`")
	fs.StringVar(&f.mutexProfile, "mutexprofile", "", "write a mutex contention profile to `file`")
	fs.StringVar(&f.memProfile, "memprofile", "", "write an allocation profile to `file`")
	fs.StringVar(&f.traceFile, "trace", "", "write a runtime/trace execution trace to `file`")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	f.engines = splitList(*engines)
	f.phases = splitList(*phases)
	for _, p := range f.phases {
		if !slices.Contains(allPhases, p) {
			return nil, fmt.Errorf("-phases: unknown phase %q (want %s)", p, strings.Join(allPhases, ", "))
		}
	}
	if f.warmPool < 1 || f.warmPool > dbplane.MaxWarmPool {
		return nil, fmt.Errorf("-warm-pool must be between 1 and %d", dbplane.MaxWarmPool)
	}
	if f.gap < 0 || f.pace < 0 {
		return nil, errors.New("-gap and -pace must not be negative")
	}
	if f.fill < 0 || f.fillAccount < 0 || f.n < 1 || f.clients < 1 || f.slots < 1 || f.readClients < 1 || f.readDBs < 1 || f.duration <= 0 || f.watchDBs < 1 || f.watchRounds < 1 {
		return nil, errors.New("-fill and -fill-account must not be negative; -n, -clients, -slots, -read-clients, -read-databases, -duration, -watch-databases and -watch-rounds must be positive")
	}
	if f.warmup < 0 {
		f.warmup = max(5, f.n/10)
	}
	return f, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	var logs io.Writer
	if f.verbose {
		logs = stderr
	}
	logf("starting %s and dbplane ...", strings.Join(f.engines, ", "))
	t0 := time.Now()
	h, err := Start(ctx, HarnessOptions{Engines: f.engines, Logs: logs})
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	defer func() {
		if err := h.Close(); err != nil {
			logf("cleanup: %v", err)
		}
	}()
	logf("ready in %s: dbplane at %s", time.Since(t0).Round(time.Millisecond), h.Base)
	h.FillAccountN = f.fillAccount
	h.Gap, h.Pace = f.gap, f.pace

	res := &Result{
		Machine: machine(h),
		Settings: Settings{
			N: f.n, Warmup: f.warmup, Duration: f.duration.String(), Concurrency: f.readClients,
			Slots: f.slots, Clients: f.clients,
		},
	}
	for _, e := range h.Engines {
		res.Settings.Engines = append(res.Settings.Engines, e.Name)
	}
	for _, name := range h.Skipped {
		res.Notes = append(res.Notes, fmt.Sprintf("%s skipped: %v", name, dbtest.ErrNotInstalled))
	}
	if f.gap > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("-gap %s: the process idled %s, untimed, before each sequential operation, dbplane's and raw alike", f.gap, f.gap))
	}
	if f.pace > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("-pace %s: each concurrent client paused a random 0 to %s before each create, in the raw, HTTP and stub runs alike", f.pace, 2*f.pace))
	}

	stopProfiles, err := startProfiles(f)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	measure(ctx, h, f, res, logf)
	if err := stopProfiles(); err != nil {
		res.Errors = append(res.Errors, err.Error())
	}

	if f.json {
		err = WriteJSON(stdout, res)
	} else {
		err = WriteTable(stdout, res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}

// measure runs the phases and fills res. A failed phase is recorded in
// res.Errors and the others still run.
func measure(ctx context.Context, h *Harness, f *flags, res *Result, logf func(string, ...any)) {
	want := func(p string) bool { return slices.Contains(f.phases, p) }
	fail := func(err error) {
		logf("ERROR: %v", err)
		res.Errors = append(res.Errors, err.Error())
	}

	for _, e := range h.Engines {
		if f.fill > 0 {
			logf("%s: filling the host with %d databases ...", e.Name, f.fill)
			if err := e.Fill(ctx, f.fill); err != nil {
				fail(err)
				continue
			}
		}
		var created *Created
		if want("create") {
			logf("%s: %d sequential creates each way (+%d warm-up) ...", e.Name, f.n, f.warmup)
			s, c, err := h.MeasureCreate(ctx, e, f.warmup, f.n)
			if err != nil {
				fail(err)
			} else {
				created = c
				res.Rows = append(res.Rows, seqRows("create "+e.Name, s, targetCreateMS)...)
				res.Breakdown = append(res.Breakdown, breakdown("create", e.Name, s))
			}
		}
		if want("rotate") {
			if created == nil {
				var err error
				if created, err = h.SetupRotate(ctx, e, 20); err != nil {
					fail(err)
					continue
				}
			}
			logf("%s: %d sequential rotates each way (+%d warm-up) ...", e.Name, f.n, f.warmup)
			s, err := h.MeasureRotate(ctx, e, created, f.warmup, f.n)
			if err != nil {
				fail(err)
			} else {
				res.Rows = append(res.Rows, seqRows("rotate "+e.Name, s, targetRotateMS)...)
				if e.Name == "postgres" {
					res.Notes = append(res.Notes, "rotate postgres: the raw side is the driver's SetPassword, as dbplane runs it: the SCRAM-SHA-256 verifier computed in the client (PBKDF2, 4096 iterations, the same code) and ALTER ROLE, so raw + 0.5 ms is SPEC §7's \"bare ALTER USER plus the SCRAM hash\" + 0.5 ms")
				}
				res.Breakdown = append(res.Breakdown, breakdown("rotate", e.Name, s))
			}
		}
	}

	if want("reads") {
		e := h.Engines[0]
		logf("reads: %d clients, %s per target (account with %d %s databases) ...", f.readClients, f.duration, f.readDBs, e.Name)
		if err := reads(ctx, h, e, f, res); err != nil {
			fail(err)
		}
	}

	if want("scaleout") {
		logf("scale-out: %d creates each way, %d clients: raw, SQLite, 1 and 3 replicas on a PostgreSQL store ...", f.slots, f.clients)
		if err := scaleOut(ctx, h, f, res); err != nil {
			fail(err)
		}
	}

	if want("concurrent") {
		for _, e := range h.Engines {
			logf("%s: %d clients, %d slots, %d attempts; raw %d in two halves ...", e.Name, f.clients, f.slots, f.slots+f.clients, f.slots)
			c, err := h.MeasureConcurrent(ctx, e, f.slots, f.clients)
			if err != nil {
				fail(err)
				continue
			}
			p := "concurrent " + e.Name
			res.Rows = append(res.Rows,
				ratioRow(p+" creates", "per s", c.HTTPRate, c.RawRate, AtLeast, targetConcurrent),
				countRow(p+" errors", float64(c.Errors), 0),
				countRow(p+" over-allocation", float64(max(c.Rows, c.EngineDBs, c.EngineUsers)-f.slots), 0),
				diffRow(p+" CPU per create", "ms", c.CPUDBPlane, c.CPURaw, AtMost, targetCPUPerCreate),
				Row{Metric: p + " client + bare handler CPU per request (ms)", Unit: "ms", DBPlane: c.CPUStub, Ratio: c.CPUStub, Count: true},
			)
			res.Notes = append(res.Notes, fmt.Sprintf("%s: %d created, %d refused OUT_OF_SLOTS; %d rows, %d engine databases, %d engine users for %d slots",
				p, c.Created, c.Refused, c.Rows, c.EngineDBs, c.EngineUsers, f.slots),
				fmt.Sprintf("%s: CPU figures net of the process's idle CPU, %.1f ms per second of wall time", p, c.IdleCPU),
				fmt.Sprintf("%s: the store wrote %d transactions in %d commits (%.1f per commit) during the HTTP run", p, c.Writes, c.Commits, float64(c.Writes)/max(1, float64(c.Commits))))
			if c.Errors > 0 {
				res.Errors = append(res.Errors, fmt.Sprintf("%s: %d failed requests, first: %s", p, c.Errors, c.FirstErr))
			}
			if c.Rows != f.slots || c.EngineDBs != f.slots || c.EngineUsers != f.slots {
				res.Errors = append(res.Errors, fmt.Sprintf("%s: want exactly %d databases, got %d rows, %d engine databases, %d engine users",
					p, f.slots, c.Rows, c.EngineDBs, c.EngineUsers))
			}
		}
	}

	if want("warm") {
		if e := h.Engine("postgres"); e == nil {
			res.Notes = append(res.Notes, "warm skipped: it measures a PostgreSQL host")
		} else {
			logf("postgres: warm pool: %d sequential creates each way (+%d warm-up), three ways: pool off, pool of %d kept full, refill running ...", f.n, f.warmup, f.warmPool)
			w, err := h.MeasureWarm(ctx, e, f.warmPool, f.warmup, f.n)
			if err != nil {
				fail(err)
			} else {
				res.Rows = append(res.Rows, warmRows(w)...)
				res.Breakdown = append(res.Breakdown, breakdown("warm create", e.Name, w.Full), breakdown("create (pool off)", e.Name, w.Normal))
				res.Notes = append(res.Notes, fmt.Sprintf("warm postgres: pool %d; with the refill running, %d of %d creates found no warm database ready and created as usual",
					f.warmPool, w.EmptyBefore, f.n))
			}
		}
	}

	// Last: it leaves the MariaDB host holding -watch-databases databases.
	if want("watcher") {
		if e := h.Engine("mariadb"); e == nil {
			res.Notes = append(res.Notes, "watcher skipped: it measures a MariaDB host")
		} else if err := watcher(ctx, h, e, f, res, logf); err != nil {
			fail(err)
		}
	}
}

// scaleOut runs the scale-out phase on the first engine, with the store
// on the postgres engine's server.
func scaleOut(ctx context.Context, h *Harness, f *flags, res *Result) error {
	meta := h.Engine("postgres")
	if meta == nil {
		res.Notes = append(res.Notes, "scaleout skipped: the PostgreSQL store needs the postgres engine's server")
		return nil
	}
	e := h.Engines[0]
	n := f.slots
	so, err := h.MeasureScaleOut(ctx, e, meta.DB, f.clients, n)
	if err != nil {
		return err
	}
	p := "scale-out " + e.Name
	res.Rows = append(res.Rows,
		ratioRow(p+" 3 replicas / 1 (PG store)", "per s", so.PG3, so.PG1, AtLeast, targetScaleOut),
		ratioRow(p+" 1 replica (PG store) / raw", "per s", so.PG1, so.Raw, Info, 0),
		ratioRow(p+" SQLite store / raw", "per s", so.SQLite, so.Raw, Info, 0),
	)
	res.Notes = append(res.Notes, fmt.Sprintf("%s: %d creates each way, %d clients: raw %.0f/s, SQLite %.0f/s, PostgreSQL store 1 replica %.0f/s, 3 replicas %.0f/s (in one process, sharing its CPUs)",
		p, n, f.clients, so.Raw, so.SQLite, so.PG1, so.PG3))
	if so.Errors > 0 {
		return fmt.Errorf("%s: %d failed creates, first: %s", p, so.Errors, so.FirstErr)
	}
	return nil
}

func reads(ctx context.Context, h *Harness, e *Engine, f *flags, res *Result) error {
	ra, err := h.SetupReads(ctx, e, f.readDBs)
	if err != nil {
		return err
	}
	bodies, err := h.ReadBodies(ctx, ra)
	if err != nil {
		return err
	}
	bare, err := StartBare(bodies)
	if err != nil {
		return err
	}
	defer bare.Close()
	r, err := h.MeasureReads(ctx, ra, bare, f.readClients, f.rounds, f.duration)
	if err != nil {
		return err
	}
	res.Rows = append(res.Rows,
		ratioRow(fmt.Sprintf("list (%d databases)", f.readDBs), "req/s", r.List, r.BareList, AtLeast, targetReads),
		ratioRow("reveal", "req/s", r.Reveal, r.BareReveal, AtLeast, targetReads),
		ratioRow("list CPU per request", "µs", r.CPUList, r.CPUBareList, Info, 0),
		ratioRow("reveal CPU per request", "µs", r.CPUReveal, r.CPUBareReveal, Info, 0),
	)
	res.Notes = append(res.Notes, fmt.Sprintf("reads: the bare handler sends the same bytes: list %d, reveal %d (first database)",
		len(bodies["/list"]), len(bodies["/reveal/0"])))
	if r.Errors > 0 {
		return fmt.Errorf("reads: %d failed requests, first: %s", r.Errors, r.FirstErr)
	}
	return nil
}

// watcher fills e with -watch-databases databases and runs the watcher
// measurement on it.
func watcher(ctx context.Context, h *Harness, e *Engine, f *flags, res *Result, logf func(string, ...any)) error {
	logf("watcher: creating %d databases with tables on %s (raw SQL) ...", f.watchDBs, e.Name)
	t0 := time.Now()
	others, err := FillWatched(ctx, e, f.watchDBs, func(done int) { logf("watcher: %d databases", done) })
	if err != nil {
		return err
	}
	if f.watchManaged {
		if err := h.ManageWatched(ctx, e, f.watchDBs); err != nil {
			return err
		}
	}
	logf("watcher: filled in %s (store rows: %t); %d passes each way ...", time.Since(t0).Round(time.Second), f.watchManaged, f.watchRounds)
	w, err := h.MeasureWatcher(ctx, e, f.watchDBs, others, f.watchRounds)
	if err != nil {
		return err
	}
	p := fmt.Sprintf("watcher %s %d databases", e.Name, w.Databases)
	res.Rows = append(res.Rows,
		ratioRow(p+" pass vs catalog", "s", seconds(w.Pass), seconds(w.Raw), AtMost, targetWatcher),
		secondsRow(p+" pass (s)", seconds(w.Pass), targetWatcherSec),
		ratioRow(p+" DatabaseSizes alone", "s", seconds(w.Sizes), seconds(w.Raw), Info, 0),
		ratioRow(p+" whole RefreshQuota", "s", seconds(w.Whole), seconds(w.Raw), Info, 0),
		ratioRow(p+" former single query", "s", seconds(w.OneQuery), seconds(w.Raw), Info, 0),
		ratioRow(p+" CPU whole pass vs catalog client", "ms", 1000*seconds(w.PassCPU), 1000*seconds(w.RawCPU), Info, 0),
	)
	res.Notes = append(res.Notes, fmt.Sprintf("watcher: pass %s ms, DatabaseSizes alone %s ms, raw catalog queries %s ms, former single query %s ms; CPU per whole pass %s ms, per raw catalog run %s ms; %d non-InnoDB tables looked up; %d databases matched a store row",
		msList(w.Pass), msList(w.Sizes), msList(w.Raw), msList(w.OneQuery), msList(w.PassCPU), msList(w.RawCPU), len(others), w.Matched))
	if !w.Same {
		return fmt.Errorf("watcher: DatabaseSizes and the former single query differ: %s", w.Diff)
	}
	res.Notes = append(res.Notes, "watcher: DatabaseSizes and the former single query report the same bytes for every database on the host")
	return nil
}

func msList(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.FormatInt(d.Milliseconds(), 10)
	}
	return strings.Join(parts, "/")
}

// seqRows are a sequential measurement's rows: the target (maxDiff ms over
// raw) on the p50 and on the mean, p95 for context.
func seqRows(prefix string, s *Seq, maxDiff float64) []Row {
	hs, rs := Summarize(s.HTTP), Summarize(s.Raw)
	return []Row{
		diffRow(prefix+" p50", "ms", hs.P50, rs.P50, AtMost, maxDiff),
		diffRow(prefix+" mean", "ms", hs.Mean, rs.Mean, AtMost, maxDiff),
		ratioRow(prefix+" p95", "ms", hs.P95, rs.P95, Info, 0),
	}
}

func breakdown(op, eng string, s *Seq) Breakdown {
	before, after := Summarize(s.Before), Summarize(s.After)
	return Breakdown{
		Op: op, Engine: eng,
		Before: before.Mean, Eng: Summarize(s.Engine).Mean, After: after.Mean,
		Total: Summarize(s.HTTP).Mean, Raw: Summarize(s.Raw).Mean,
		BeforeMax: before.Max, AfterMax: after.Max,
		BeforeP50: before.P50, AfterP50: after.P50,
	}
}

func machine(h *Harness) Machine {
	m := Machine{
		GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH,
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Engines: map[string]string{},
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if fs := strings.Fields(string(b)); len(fs) >= 3 {
			m.LoadAvg = strings.Join(fs[:3], " ")
		}
	}
	for _, e := range h.Engines {
		m.Engines[e.Name] = e.Version
	}
	return m
}

// startProfiles starts the profiles asked for; the returned func stops
// them and writes the files.
func startProfiles(f *flags) (func() error, error) {
	var stops []func() error
	if f.cpuProfile != "" {
		out, err := os.Create(f.cpuProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			out.Close()
			return nil, err
		}
		stops = append(stops, func() error { pprof.StopCPUProfile(); return out.Close() })
	}
	if f.traceFile != "" {
		out, err := os.Create(f.traceFile)
		if err != nil {
			return nil, errors.Join(err, runStops(stops))
		}
		if err := trace.Start(out); err != nil {
			out.Close()
			return nil, errors.Join(err, runStops(stops))
		}
		stops = append(stops, func() error { trace.Stop(); return out.Close() })
	}
	if f.blockProfile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
		stops = append(stops, func() error { return writeProfile("block", f.blockProfile) })
	}
	if f.mutexProfile != "" {
		runtime.SetMutexProfileFraction(5)
		stops = append(stops, func() error { return writeProfile("mutex", f.mutexProfile) })
	}
	if f.memProfile != "" {
		stops = append(stops, func() error { return writeProfile("allocs", f.memProfile) })
	}
	return func() error { return runStops(stops) }, nil
}

func runStops(stops []func() error) error {
	var err error
	for _, s := range slices.Backward(stops) {
		err = errors.Join(err, s())
	}
	return err
}

func writeProfile(name, path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	err = pprof.Lookup(name).WriteTo(out, 0)
	return errors.Join(err, out.Close())
}
