package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// The benchmarks share one harness (both engines and a dbplane server),
// started on first use and stopped by TestMain. They never run without
// -bench, so plain `go test ./...` stays fast:
//
//	go test -run '^$' -bench . -benchtime 50x ./bench
//	go test -run '^$' -bench 'Create/.*/mariadb' ./bench

var shared struct {
	once sync.Once
	h    *Harness
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.h != nil {
		if err := shared.h.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: cleanup:", err)
		}
	}
	os.Exit(code)
}

// harness returns the shared harness, skipping under -short and when no
// engine binary is installed.
func harness(tb testing.TB) *Harness {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: not starting engines")
	}
	shared.once.Do(func() {
		shared.h, shared.err = Start(context.Background(), HarnessOptions{Engines: []string{"mariadb", "postgres"}})
	})
	if errors.Is(shared.err, dbtest.ErrNotInstalled) {
		tb.Skipf("engines not installed: %v", shared.err)
	}
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.h
}

// engineOf returns the named engine of the shared harness, skipping when
// its binaries are missing.
func engineOf(tb testing.TB, name string) (*Harness, *Engine) {
	tb.Helper()
	h := harness(tb)
	e := h.Engine(name)
	if e == nil {
		tb.Skipf("%s is not installed", name)
	}
	return h, e
}

var engineNames = []string{"mariadb", "postgres"}

var labelSeq atomic.Int64

func label(prefix string) string { return fmt.Sprintf("%s-%d", prefix, labelSeq.Add(1)) }

// BenchmarkCreate: POST /api/v1/db/databases vs raw EnsureDatabase.
func BenchmarkCreate(b *testing.B) {
	ctx := context.Background()
	b.Run("http", func(b *testing.B) {
		for _, name := range engineNames {
			b.Run(name, func(b *testing.B) {
				h, e := engineOf(b, name)
				_, key, err := h.NewAccount(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := h.CreateHTTP(ctx, key, label("bc"), e.Name); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
	b.Run("raw", func(b *testing.B) {
		for _, name := range engineNames {
			b.Run(name, func(b *testing.B) {
				_, e := engineOf(b, name)
				for b.Loop() {
					if _, err := e.EnsureRaw(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// BenchmarkRotate: POST .../rotate vs raw SetPassword, on one database
// each way.
func BenchmarkRotate(b *testing.B) {
	ctx := context.Background()
	b.Run("http", func(b *testing.B) {
		for _, name := range engineNames {
			b.Run(name, func(b *testing.B) {
				h, e := engineOf(b, name)
				_, key, err := h.NewAccount(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				id, err := h.CreateHTTP(ctx, key, label("br"), e.Name)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if err := h.RotateHTTP(ctx, key, id); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
	b.Run("raw", func(b *testing.B) {
		for _, name := range engineNames {
			b.Run(name, func(b *testing.B) {
				_, e := engineOf(b, name)
				r, err := e.EnsureRaw(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if err := e.SetPasswordRaw(ctx, r); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// readClients is the client count of the read benchmarks, as in the
// command's default.
const readClients = 32

var readSetup struct {
	once sync.Once
	ra   *ReadAccount
	err  error
}

// readAccount returns an account holding 20 databases on the first engine.
func readAccount(b *testing.B) (*Harness, *ReadAccount) {
	h := harness(b)
	readSetup.once.Do(func() { readSetup.ra, readSetup.err = h.SetupReads(context.Background(), h.Engines[0], 20) })
	if readSetup.err != nil {
		b.Fatal(readSetup.err)
	}
	return h, readSetup.ra
}

// parallelGet runs GETs built by url on readClients goroutines.
func parallelGet(b *testing.B, client *http.Client, key string, url func(i int) string) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((readClients + procs - 1) / procs) // RunParallel starts parallelism*GOMAXPROCS goroutines
	var worker atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		w := int(worker.Add(1))
		for i := 0; pb.Next(); i++ {
			req, err := http.NewRequest(http.MethodGet, url(w*7+i), nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("GET %s: HTTP %d", req.URL.Path, resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkList: GET /api/v1/db/databases (20 databases) with auth.
func BenchmarkList(b *testing.B) {
	h, ra := readAccount(b)
	parallelGet(b, h.Client, ra.Key, func(int) string { return h.Base + "/api/v1/db/databases" })
}

// BenchmarkReveal: GET /api/v1/db/databases/{id} with auth.
func BenchmarkReveal(b *testing.B) {
	h, ra := readAccount(b)
	parallelGet(b, h.Client, ra.Key, func(i int) string { return h.Base + "/api/v1/db/databases/" + ra.IDs[i%len(ra.IDs)] })
}

// BenchmarkBareHandler: the baseline of the read benchmarks, a bare
// net/http handler behind the same client loop, sending the bytes
// BenchmarkList and BenchmarkReveal get (fetched once from dbplane).
func BenchmarkBareHandler(b *testing.B) {
	h, ra := readAccount(b)
	bodies, err := h.ReadBodies(context.Background(), ra)
	if err != nil {
		b.Fatal(err)
	}
	bare, err := StartBare(bodies)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	client := NewClient()
	defer client.CloseIdleConnections()
	b.Run("list", func(b *testing.B) {
		parallelGet(b, client, "dbpu_bare", func(int) string { return bare.URL + "/list" })
	})
	b.Run("reveal", func(b *testing.B) {
		parallelGet(b, client, "dbpu_bare", func(i int) string { return bare.URL + "/reveal/" + strconv.Itoa(i%len(ra.IDs)) })
	})
}

// ---- quick tests: run by `go test ./bench`, no engines ----

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(ds)
	if s.N != 100 || s.Mean != 50.5 || s.P50 != 50 || s.P95 != 95 || s.Min != 1 || s.Max != 100 {
		t.Fatalf("Summarize = %+v", s)
	}
	if got := Summarize(nil); got != (Stats{}) {
		t.Fatalf("Summarize(nil) = %+v", got)
	}
	if got := Summarize([]time.Duration{3 * time.Millisecond}); got.P50 != 3 || got.P95 != 3 {
		t.Fatalf("Summarize(one) = %+v", got)
	}
}

func TestRowVerdict(t *testing.T) {
	for _, tc := range []struct {
		row  Row
		want string
	}{
		{ratioRow("create", "ms", 12, 10, AtMost, 1.2), "PASS"},
		{ratioRow("create", "ms", 12.5, 10, AtMost, 1.2), "MISS"},
		{ratioRow("reads", "req/s", 500, 1000, AtLeast, 0.5), "PASS"},
		{ratioRow("reads", "req/s", 499, 1000, AtLeast, 0.5), "MISS"},
		{ratioRow("p50", "ms", 5, 1, Info, 0), ""},
		{countRow("errors", 0, 0), "PASS"},
		{countRow("errors", 1, 0), "MISS"},
		{diffRow("create p50", "ms", 2.5, 1.5, AtMost, 1), "PASS"},
		{diffRow("create p50", "ms", 2.51, 1.5, AtMost, 1), "MISS"},
		{diffRow("create p50", "ms", 30, 29.2, AtMost, 1), "PASS"}, // ratio 1.03, but the difference counts
		{valueRow("CPU per create", "ms", 0.3, 1.2, AtMost, 0.3), "PASS"},
		{valueRow("CPU per create", "ms", 0.31, 0.1, AtMost, 0.3), "MISS"},
	} {
		if got := tc.row.Verdict(); got != tc.want {
			t.Errorf("%+v: Verdict = %q, want %q", tc.row, got, tc.want)
		}
	}
}

func TestCPUPerCreate(t *testing.T) {
	// 300 ms during the HTTP run, 100 ms of it the client's (stub run),
	// 200 creates; raw: 256 ms for 256 creates; stub: 100 ms for 250
	// requests.
	d, r, s := cpuPerCreate(300*time.Millisecond, 100*time.Millisecond, 256*time.Millisecond, 200, 256, 250)
	if d != 1 || r != 1 || s != 0.4 {
		t.Fatalf("cpuPerCreate = %v, %v, %v; want 1, 1, 0.4", d, r, s)
	}
	if d, _, _ := cpuPerCreate(time.Second, 0, 0, 0, 0, 0); d != 1000 {
		t.Fatalf("no creates: dbplane = %v, want the whole CPU (no division by zero)", d)
	}
}

func TestParseFlags(t *testing.T) {
	f, err := parseFlags([]string{"-n", "40", "-engines", "postgres, mariadb", "-phases", "create,reads", "-json"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.n != 40 || f.warmup != 5 || strings.Join(f.engines, ",") != "postgres,mariadb" || strings.Join(f.phases, ",") != "create,reads" || !f.json {
		t.Fatalf("parseFlags = %+v", f)
	}
	if f, _ := parseFlags([]string{"-n", "300"}, io.Discard); f.warmup != 30 {
		t.Fatalf("warm-up for -n 300 = %d, want 30", f.warmup)
	}
	if f, _ := parseFlags([]string{"-gap", "5ms", "-pace", "2s"}, io.Discard); f.gap != 5*time.Millisecond || f.pace != 2*time.Second {
		t.Fatalf("-gap 5ms -pace 2s parsed as gap %s, pace %s", f.gap, f.pace)
	}
	for _, bad := range [][]string{{"-phases", "nope"}, {"-n", "0"}, {"-fill-account", "-1"}, {"-gap", "-1ms"}, {"-pace", "-1s"}, {"extra"}} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// TestAlternateGap checks that -gap idles before every operation, in the
// alternating order, and that a cancelled run stops.
func TestAlternateGap(t *testing.T) {
	var order []string
	op := func(name string) func(int, bool) error {
		return func(i int, keep bool) error {
			order = append(order, fmt.Sprintf("%s%d%v", name, i, keep))
			return nil
		}
	}
	const gap = 3 * time.Millisecond
	t0 := time.Now()
	if err := alternate(context.Background(), 1, 2, gap, op("h"), op("r")); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(t0); took < 6*gap {
		t.Errorf("6 operations with a %s gap took %s", gap, took)
	}
	if got, want := strings.Join(order, " "), "h0false r0false r1true h1true h2true r2true"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	order = nil
	if err := alternate(ctx, 0, 3, gap, op("h"), op("r")); !errors.Is(err, context.Canceled) || len(order) != 0 {
		t.Errorf("cancelled: err %v, ran %q", err, order)
	}
}

// TestPaced checks that -pace still runs every call, and none once the run
// is cancelled.
func TestPaced(t *testing.T) {
	var n atomic.Int64
	parallel(4, 20, paced(context.Background(), time.Millisecond, func(int) { n.Add(1) }))
	if n.Load() != 20 {
		t.Errorf("paced ran %d of 20", n.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n.Store(0)
	parallel(4, 20, paced(ctx, time.Hour, func(int) { n.Add(1) }))
	if n.Load() != 0 {
		t.Errorf("cancelled paced ran %d", n.Load())
	}
	if f := func(int) {}; fmt.Sprintf("%p", paced(ctx, 0, f)) != fmt.Sprintf("%p", f) {
		t.Error("paced without a pace is not f itself")
	}
}

func TestWriteTable(t *testing.T) {
	res := &Result{
		Machine:  Machine{GoVersion: "go1.x", OS: "linux/amd64", CPUs: 2, GOMAXPROCS: 2, Engines: map[string]string{"mariadb": "10.11"}},
		Settings: Settings{N: 10, Warmup: 5},
		Rows: []Row{
			ratioRow("create mariadb mean", "ms", 12, 10, AtMost, 1.2),
			countRow("concurrent mariadb errors", 0, 0),
			diffRow("create mariadb p50", "ms", 2.4, 1.6, AtMost, 1),
			valueRow("concurrent mariadb value", "ms", 0.9, 1.1, AtMost, 0.3),
		},
		Breakdown: []Breakdown{{Op: "create", Engine: "mariadb", Before: 1, Eng: 10, After: 1, Total: 12, Raw: 10}},
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"create mariadb mean (ms)", "1.20", "PASS", "concurrent mariadb errors", "create/mariadb",
		"+0.80", "difference <= 1", "ratio <= 1.20", "concurrent mariadb value (ms)", " <= 0.30", "MISS"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || len(back.Rows) != 4 {
		t.Fatalf("JSON round trip: %v, %+v", err, back)
	}
	for i, r := range back.Rows {
		if r.Result != res.Rows[i].Verdict() || r.On != res.Rows[i].On {
			t.Errorf("JSON row %d = %+v, want result %q on %q as in the table", i, r, res.Rows[i].Verdict(), res.Rows[i].On)
		}
	}
}

// TestSmoke runs the whole command on tiny numbers. It starts engines, so
// it runs only with DBPLANE_BENCH_SMOKE=1.
func TestSmoke(t *testing.T) {
	if os.Getenv("DBPLANE_BENCH_SMOKE") != "1" {
		t.Skip("set DBPLANE_BENCH_SMOKE=1 to run the command end to end")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-n", "3", "-warmup", "1", "-slots", "8", "-clients", "4", "-duration", "300ms", "-read-databases", "3", "-fill-account", "3", "-watch-databases", "300", "-watch-rounds", "1", "-json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	var res Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("decode JSON: %v\n%s", err, out.String())
	}
	if len(res.Rows) == 0 {
		t.Fatalf("no rows:\n%s", out.String())
	}
	// Every phase reported, and the concurrent one counted its commits.
	for _, want := range []string{"create mariadb p50", "rotate postgres mean", "reveal", "concurrent mariadb CPU per create", "watcher mariadb 300 databases pass"} {
		if !slices.ContainsFunc(res.Rows, func(r Row) bool { return strings.HasPrefix(r.Metric, want) }) {
			t.Errorf("no row %q in:\n%s", want, out.String())
		}
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool {
		return strings.Contains(n, "transactions in") && strings.Contains(n, "per commit")
	}) {
		t.Errorf("no note on the store's commits in %q", res.Notes)
	}
}
