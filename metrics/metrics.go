// Package metrics counts what rappel does, for Prometheus: deliveries by
// kind and outcome, lateness against the due time, send durations, SMTP
// errors by class, claim sizes, the pending and failed deliveries in the
// database, and the Go runtime. A nil *Metrics counts nothing, for the
// commands that do not serve /metrics.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dinum/rappel/kind"
)

// Outcomes of a delivery attempt or decision, the label "outcome".
const (
	Sent        = "sent"
	Failed      = "failed"
	Skipped     = "skipped"
	Retried     = "retried"
	Unreachable = "unreachable"
)

// Classes of SMTP errors, the label "class".
const (
	Temporary = "temporary"
	Permanent = "permanent"
)

// Counts gives the gauges read from the database at each scrape.
type Counts func(ctx context.Context) (pending, failed int64, err error)

// Metrics holds rappel's collectors, in a registry of its own.
type Metrics struct {
	registry     *prometheus.Registry
	deliveries   *prometheus.CounterVec
	lateness     *prometheus.HistogramVec
	sendDuration prometheus.Histogram
	smtpErrors   *prometheus.CounterVec
	claimBatch   prometheus.Histogram
	commitDelay  prometheus.Histogram
}

// New registers the collectors; counts, when set, feeds the gauges of
// pending and failed deliveries.
func New(counts Counts) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rappel_deliveries_total",
			Help: "Deliveries decided by this process, by kind (j1, h1, confirmation…) and outcome (sent, failed, skipped, retried, unreachable).",
		}, []string{"kind", "outcome"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rappel_delivery_lateness_seconds",
			Help:    "Time from a message's due instant to its acceptance by the SMTP server.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600},
		}, []string{"kind"}),
		sendDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "rappel_smtp_send_duration_seconds",
			Help:    "Time to hand one message to the SMTP server (or the outbox).",
			Buckets: []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		smtpErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rappel_smtp_errors_total",
			Help: "Failed sends, by class: temporary (4xx, connection lost), permanent (5xx), unreachable (no connection).",
		}, []string{"class"}),
		claimBatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "rappel_claim_batch_size",
			Help:    "Deliveries claimed at once by this process.",
			Buckets: []float64{1, 5, 10, 50, 100, 200, 500, 1000, 5000},
		}),
		commitDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "rappel_outcome_commit_delay_seconds",
			Help:    "Time from a message's acceptance by the SMTP server to the commit of its outcome (the oldest of each batch): DESIGN.md promises under 50 ms.",
			Buckets: []float64{0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 1, 5},
		}),
	}
	m.registry.MustRegister(m.deliveries, m.lateness, m.sendDuration, m.smtpErrors, m.claimBatch, m.commitDelay,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if counts != nil {
		m.registry.MustRegister(&dbCollector{counts: counts})
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Delivered counts a delivery decided with an outcome.
func (m *Metrics) Delivered(k kind.Message, outcome string) {
	if m != nil {
		m.deliveries.WithLabelValues(string(k), outcome).Inc()
	}
}

// Late records how late a message was accepted.
func (m *Metrics) Late(k kind.Message, d time.Duration) {
	if m != nil {
		m.lateness.WithLabelValues(string(k)).Observe(max(d, 0).Seconds())
	}
}

// SendTook records how long a send took.
func (m *Metrics) SendTook(d time.Duration) {
	if m != nil {
		m.sendDuration.Observe(d.Seconds())
	}
}

// SMTPError counts a failed send.
func (m *Metrics) SMTPError(class string) {
	if m != nil {
		m.smtpErrors.WithLabelValues(class).Inc()
	}
}

// Claimed records the size of a claim.
func (m *Metrics) Claimed(n int) {
	if m != nil {
		m.claimBatch.Observe(float64(n))
	}
}

// Committed records how long the oldest outcome of a batch waited for its
// commit.
func (m *Metrics) Committed(d time.Duration) {
	if m != nil {
		m.commitDelay.Observe(d.Seconds())
	}
}

// dbCollector reads the gauges from the database at each scrape, within
// two seconds: a slow database shows as missing gauges, not a slow scrape.
type dbCollector struct {
	counts Counts
}

var (
	pendingDesc = prometheus.NewDesc("rappel_deliveries_pending", "Deliveries waiting to be sent, in the database (all replicas).", nil, nil)
	failedDesc  = prometheus.NewDesc("rappel_deliveries_failed", "Deliveries that failed for good, in the database (all replicas, within the retention period).", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- pendingDesc
	ch <- failedDesc
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	pending, failed, err := c.counts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(pendingDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(pending))
	ch <- prometheus.MustNewConstMetric(failedDesc, prometheus.GaugeValue, float64(failed))
}
