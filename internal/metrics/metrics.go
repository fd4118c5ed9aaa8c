// Package metrics exposes dbplane's Prometheus metrics (SPEC §10): HTTP
// requests by surface, route pattern and status; engine operations by
// engine, op and outcome; and, read from the store at each scrape, intents
// pending and their age, hosts, databases by engine and status, keys and
// sessions in use. It is the one package that knows Prometheus: the HTTP
// server and the engine registry only call the observer functions it
// hands out.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dbplane/dbplane"
)

// StatsFunc reads the deployment's figures; control.Service.Stats is one.
type StatsFunc func(ctx context.Context) (*dbplane.Stats, error)

// Metrics holds dbplane's collectors on a registry of its own.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	engineOps *prometheus.CounterVec
	engineLat *prometheus.HistogramVec
	passes    *prometheus.CounterVec
	passLat   prometheus.Histogram

	// observers holds each request series' counter and histogram once
	// looked up (reqLabels → *reqObserver): the vectors hash and check
	// the label values on every lookup, under a lock. Routes are patterns
	// and statuses a handful, so it stays small; nObservers bounds it
	// anyway.
	observers  sync.Map
	nObservers atomic.Int64
}

type reqLabels struct {
	surface, route string
	status         int
}

type reqObserver struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// maxObservers bounds Metrics.observers; series past it are looked up in
// the vectors each time.
const maxObservers = 4096

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 5 * time.Second

// New returns the metrics of one process. stats is read at each scrape.
func New(stats StatsFunc, logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dbplane_http_requests_total",
			Help: "HTTP requests by surface, route pattern and status.",
		}, []string{"surface", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dbplane_http_request_duration_seconds",
			Help:    "HTTP request latency by surface and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"surface", "route"}),
		engineOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dbplane_engine_operations_total",
			Help: "Operations on database hosts by engine, op and outcome (ok, exists, not_exist, access_denied, unreachable, unsupported, timeout, error).",
		}, []string{"engine", "op", "outcome"}),
		engineLat: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dbplane_engine_operation_duration_seconds",
			Help:    "Latency of operations on database hosts by engine and op.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"engine", "op"}),
		passes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dbplane_quota_passes_total",
			Help: "Quota watcher passes by outcome: ok, hosts_skipped (some host could not be measured) or error.",
		}, []string{"outcome"}),
		passLat: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "dbplane_quota_pass_duration_seconds",
			Help:    "How long a quota watcher pass took.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 10, 30, 60},
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.engineOps, m.engineLat, m.passes, m.passLat,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{stats: stats, log: logger})
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// ObserveRequest records one HTTP request (server.Options.Observe).
func (m *Metrics) ObserveRequest(surface, route string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched" // a 404 or a refused path: no pattern, one label
	}
	k := reqLabels{surface, route, status}
	o, ok := m.observers.Load(k)
	if !ok {
		obs := &reqObserver{
			count:   m.requests.WithLabelValues(surface, route, strconv.Itoa(status)),
			latency: m.latency.WithLabelValues(surface, route),
		}
		o = obs
		if m.nObservers.Load() < maxObservers {
			if o, ok = m.observers.LoadOrStore(k, obs); !ok {
				m.nObservers.Add(1)
			}
		}
	}
	obs := o.(*reqObserver)
	obs.count.Inc()
	obs.latency.Observe(took.Seconds())
}

// ObserveEngine records one engine operation: its engine, op and
// outcome (not its host, which would make a label per host).
func (m *Metrics) ObserveEngine(engine, op, outcome string, took time.Duration) {
	m.engineOps.WithLabelValues(engine, op, outcome).Inc()
	m.engineLat.WithLabelValues(engine, op).Observe(took.Seconds())
}

// ObserveQuotaPass records one quota watcher pass
// (control.Options.OnQuotaPass).
func (m *Metrics) ObserveQuotaPass(rep *dbplane.QuotaReport, took time.Duration, err error) {
	outcome := "ok"
	switch {
	case err != nil:
		outcome = "error"
	case rep != nil && slices.ContainsFunc(rep.Hosts, func(h dbplane.HostMeasurement) bool { return h.Error != "" }):
		outcome = "hosts_skipped"
	}
	m.passes.WithLabelValues(outcome).Inc()
	m.passLat.Observe(took.Seconds())
}

// storeCollector reads the store's figures at scrape time, so gauges are
// never stale and cost nothing between scrapes.
type storeCollector struct {
	stats StatsFunc
	log   *slog.Logger
}

var (
	descDatabases = prometheus.NewDesc("dbplane_databases", "Databases by engine and status (internal states too).", []string{"engine", "status"}, nil)
	descHosts     = prometheus.NewDesc("dbplane_hosts", "Database hosts by state (enabled, disabled).", []string{"state"}, nil)
	descIntents   = prometheus.NewDesc("dbplane_intents_pending", "Engine changes recorded and not settled yet.", nil, nil)
	descOldest    = prometheus.NewDesc("dbplane_intent_oldest_age_seconds", "Age of the oldest engine change not settled (0 when none).", nil, nil)
	descKeys      = prometheus.NewDesc("dbplane_api_keys", "API keys by kind and whether they can be used now.", []string{"kind", "state"}, nil)
	descSessions  = prometheus.NewDesc("dbplane_sessions", "Live dashboard sessions.", nil, nil)
	descHostsDown = prometheus.NewDesc("dbplane_hosts_down", "Enabled hosts this replica's last operation on found down (unreachable, timed out, credentials refused).", nil, nil)
	descDrift     = prometheus.NewDesc("dbplane_drift_findings", "Findings of the latest drift sweep not repaired, by kind.", []string{"kind"}, nil)
	descUp        = prometheus.NewDesc("dbplane_store_up", "1 when the metadata store answered the scrape's queries.", nil, nil)
	descWrites    = prometheus.NewDesc("dbplane_store_write_transactions_total", "Write transactions this replica committed to the metadata store.", nil, nil)
	descCommits   = prometheus.NewDesc("dbplane_store_commits_total", "Commits those write transactions took (with SQLite, concurrent writes share one).", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDatabases, descHosts, descHostsDown, descIntents, descOldest, descKeys, descSessions, descDrift, descUp, descWrites, descCommits} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	st, err := c.stats(ctx)
	if err != nil {
		c.log.Warn("metrics: read the store", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	for e, byStatus := range st.Databases {
		for s, n := range byStatus {
			ch <- prometheus.MustNewConstMetric(descDatabases, prometheus.GaugeValue, float64(n), string(e), string(s))
		}
	}
	ch <- prometheus.MustNewConstMetric(descHosts, prometheus.GaugeValue, float64(st.HostsEnabled), "enabled")
	ch <- prometheus.MustNewConstMetric(descHosts, prometheus.GaugeValue, float64(st.HostsDisabled), "disabled")
	ch <- prometheus.MustNewConstMetric(descHostsDown, prometheus.GaugeValue, float64(st.HostsDown))
	ch <- prometheus.MustNewConstMetric(descIntents, prometheus.GaugeValue, float64(st.IntentsPending))
	age := 0.0
	if !st.OldestIntent.IsZero() {
		age = time.Since(st.OldestIntent).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age)
	for _, k := range []dbplane.KeyKind{dbplane.KeyAdmin, dbplane.KeyUser} {
		ch <- prometheus.MustNewConstMetric(descKeys, prometheus.GaugeValue, float64(st.KeysActive[k]), string(k), "active")
		ch <- prometheus.MustNewConstMetric(descKeys, prometheus.GaugeValue, float64(st.KeysInactive[k]), string(k), "inactive")
	}
	ch <- prometheus.MustNewConstMetric(descSessions, prometheus.GaugeValue, float64(st.Sessions))
	ch <- prometheus.MustNewConstMetric(descWrites, prometheus.CounterValue, float64(st.WriteTransactions))
	ch <- prometheus.MustNewConstMetric(descCommits, prometheus.CounterValue, float64(st.WriteCommits))
	for _, k := range dbplane.DriftKinds {
		ch <- prometheus.MustNewConstMetric(descDrift, prometheus.GaugeValue, float64(st.DriftFindings[k]), string(k))
	}
}
