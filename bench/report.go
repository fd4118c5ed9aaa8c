package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Stats summarises a set of per-operation latencies.
type Stats struct {
	N    int     `json:"n"`
	Mean float64 `json:"meanMs"`
	P50  float64 `json:"p50Ms"`
	P95  float64 `json:"p95Ms"`
	Min  float64 `json:"minMs"`
	Max  float64 `json:"maxMs"`
}

// Summarize returns the stats of ds, in milliseconds. Percentiles are
// nearest-rank.
func Summarize(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Stats{
		N:    len(s),
		Mean: ms(sum / time.Duration(len(s))),
		P50:  ms(percentile(s, 50)),
		P95:  ms(percentile(s, 95)),
		Min:  ms(s[0]),
		Max:  ms(s[len(s)-1]),
	}
}

// percentile returns the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Goal says which way a row's ratio must go.
type Goal string

// Goals.
const (
	AtMost  Goal = "<="
	AtLeast Goal = ">="
	Info    Goal = ""
)

// On says which figure of a row its target applies to.
type On string

// Figures a target applies to.
const (
	OnRatio      On = ""           // DBPlane/Raw
	OnDifference On = "difference" // DBPlane − Raw
	OnValue      On = "value"      // DBPlane alone
)

// Row is one line of the result table.
type Row struct {
	Metric  string  `json:"metric"`
	Unit    string  `json:"unit"`
	DBPlane float64 `json:"dbplane"`
	Raw     float64 `json:"raw"`
	// Ratio is DBPlane/Raw, or for count rows (errors, over-allocation)
	// the count itself.
	Ratio float64 `json:"ratio"`
	// Difference is DBPlane − Raw (rows with a raw side).
	Difference float64 `json:"difference,omitempty"`
	Goal       Goal    `json:"goal,omitempty"`
	// On is what Target applies to: the ratio (omitted), the difference
	// or the dbplane value.
	On     On      `json:"on,omitempty"`
	Target float64 `json:"target,omitempty"`
	// Count rows have no raw side: DBPlane is compared with Target.
	Count bool `json:"count,omitempty"`
	// Result is PASS, MISS or omitted for info rows (set by WriteJSON).
	Result string `json:"result,omitempty"`
}

// Pass reports whether the row meets its target; info rows always do.
func (r Row) Pass() bool {
	v := r.Ratio
	switch {
	case r.Count || r.On == OnValue:
		v = r.DBPlane
	case r.On == OnDifference:
		v = r.DBPlane - r.Raw
	}
	switch r.Goal {
	case AtMost:
		return v <= r.Target
	case AtLeast:
		return v >= r.Target
	}
	return true
}

// Verdict is PASS, MISS, or "" for info rows.
func (r Row) Verdict() string {
	if r.Goal == Info {
		return ""
	}
	if r.Pass() {
		return "PASS"
	}
	return "MISS"
}

func ratioRow(metric, unit string, dbplane, raw float64, goal Goal, target float64) Row {
	r := Row{Metric: metric, Unit: unit, DBPlane: dbplane, Raw: raw, Goal: goal, Target: target}
	if raw > 0 {
		r.Ratio = dbplane / raw
		r.Difference = dbplane - raw
	}
	return r
}

// diffRow is a row whose target bounds dbplane − raw, such as create's
// "≤ 1 ms over raw".
func diffRow(metric, unit string, dbplane, raw float64, goal Goal, target float64) Row {
	r := ratioRow(metric, unit, dbplane, raw, goal, target)
	r.On = OnDifference
	return r
}

// valueRow is a row whose target bounds the dbplane figure itself, shown
// next to the raw side's, such as CPU per create.
func valueRow(metric, unit string, dbplane, raw float64, goal Goal, target float64) Row {
	r := ratioRow(metric, unit, dbplane, raw, goal, target)
	r.On = OnValue
	return r
}

// secondsRow is an absolute time target with no raw side, such as the
// watcher's pass under 2 s.
func secondsRow(metric string, v, target float64) Row {
	return Row{Metric: metric, Unit: "s", DBPlane: v, Ratio: v, Goal: AtMost, Target: target, Count: true}
}

func countRow(metric string, n float64, target float64) Row {
	return Row{Metric: metric, Unit: "count", DBPlane: n, Ratio: n, Goal: AtMost, Target: target, Count: true}
}

// Breakdown splits sequential dbplane operations into stages, using the
// control service's hook points: before (HTTP in, auth, quota checks and
// the store transaction that records the intent), engine (host lookup and
// the engine statements), after (completing the intent, building the
// answer, HTTP out). Raw is the raw engine operation's mean, for
// comparison with Engine.
type Breakdown struct {
	Op     string  `json:"op"`
	Engine string  `json:"engine"`
	Before float64 `json:"beforeMs"`
	Eng    float64 `json:"engineMs"`
	After  float64 `json:"afterMs"`
	Total  float64 `json:"totalMs"`
	Raw    float64 `json:"rawMs"`
	// The slowest single before and after stages: the store's write
	// transactions, where SQLite checkpoints (and their fsync) land.
	BeforeMax float64 `json:"beforeMaxMs"`
	AfterMax  float64 `json:"afterMaxMs"`
	// Medians of the before and after stages: next to the means, they
	// say whether a stage is slow throughout or only in a few stalls.
	BeforeP50 float64 `json:"beforeP50Ms"`
	AfterP50  float64 `json:"afterP50Ms"`
}

// Result is everything a run prints.
type Result struct {
	Machine   Machine     `json:"machine"`
	Settings  Settings    `json:"settings"`
	Rows      []Row       `json:"rows"`
	Breakdown []Breakdown `json:"breakdown,omitempty"`
	Notes     []string    `json:"notes,omitempty"`
	Errors    []string    `json:"errors,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	GoVersion  string            `json:"goVersion"`
	OS         string            `json:"os"`
	CPUs       int               `json:"cpus"`
	GOMAXPROCS int               `json:"gomaxprocs"`
	LoadAvg    string            `json:"loadAvg,omitempty"` // at start
	Engines    map[string]string `json:"engines"`           // name -> server version
}

// Settings are the flags the run used.
type Settings struct {
	N           int      `json:"n"`
	Warmup      int      `json:"warmup"`
	Engines     []string `json:"engines"`
	Duration    string   `json:"duration"`
	Concurrency int      `json:"readConcurrency"`
	Slots       int      `json:"slots"`
	Clients     int      `json:"clients"`
}

// WriteJSON writes res as indented JSON, each row with its result.
func WriteJSON(w io.Writer, res *Result) error {
	out := *res
	out.Rows = slices.Clone(res.Rows)
	for i := range out.Rows {
		out.Rows[i].Result = out.Rows[i].Verdict()
	}
	res = &out
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// WriteTable writes res as aligned text tables.
func WriteTable(w io.Writer, res *Result) error {
	m := res.Machine
	fmt.Fprintf(w, "dbplane benchmark — %s, %s, %d CPUs (GOMAXPROCS %d)", m.GoVersion, m.OS, m.CPUs, m.GOMAXPROCS)
	if m.LoadAvg != "" {
		fmt.Fprintf(w, ", load average at start %s", m.LoadAvg)
	}
	fmt.Fprintln(w)
	for _, name := range sortedKeys(m.Engines) {
		fmt.Fprintf(w, "  %s %s\n", name, m.Engines[name])
	}
	s := res.Settings
	fmt.Fprintf(w, "  -n %d (after %d warm-up), reads: %d clients for %s, concurrent: %d clients, %d slots\n\n",
		s.N, s.Warmup, s.Concurrency, s.Duration, s.Clients, s.Slots)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tdbplane\traw\tratio\tdifference\ttarget\tresult\t")
	for _, r := range res.Rows {
		if r.Count {
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t%s\t%s\t\n", r.Metric, num(r.DBPlane), r.targetText(), r.Verdict())
			continue
		}
		ratio, diff := "-", "-"
		if r.Raw > 0 {
			ratio, diff = fmt.Sprintf("%.2f", r.Ratio), fmt.Sprintf("%+.2f", r.Difference)
		}
		fmt.Fprintf(tw, "%s (%s)\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Metric, r.Unit, num(r.DBPlane), num(r.Raw), ratio, diff, r.targetText(), r.Verdict())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(res.Breakdown) > 0 {
		fmt.Fprintln(w, "\nwhere a sequential dbplane operation spends its time (mean ms):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "op\tbefore engine (p50, max)\tengine\tafter engine (p50, max)\ttotal\traw engine op\toverhead\t")
		for _, b := range res.Breakdown {
			fmt.Fprintf(tw, "%s/%s\t%.2f (%.2f, %s)\t%.2f\t%.2f (%.2f, %s)\t%.2f\t%.2f\t%.2f\t\n",
				b.Op, b.Engine, b.Before, b.BeforeP50, num(b.BeforeMax), b.Eng, b.After, b.AfterP50, num(b.AfterMax), b.Total, b.Raw, b.Total-b.Raw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w, "  before: HTTP in, auth, quota check + intent insert (SQLite write txn)")
		fmt.Fprintln(w, "  engine: host lookup + the engine statements; after: intent completion (SQLite write txn), answer, HTTP out")
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, e := range res.Errors {
		fmt.Fprintln(w, "ERROR:", e)
	}
	return nil
}

// targetText is the target column: "ratio >= 0.90", "difference <= 1",
// "<= 0.30" (the dbplane figure itself), or "" for info rows.
func (r Row) targetText() string {
	if r.Goal == Info {
		return ""
	}
	t := fmt.Sprintf("%s %s", r.Goal, num(r.Target))
	switch {
	case r.Count || r.On == OnValue:
		return t
	case r.On == OnDifference:
		return "difference " + t
	}
	return "ratio " + t
}

func num(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e9:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// splitList splits a comma list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
