package bench

import (
	"cmp"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dinum/rappel/store"
	"github.com/dinum/rappel/store/storetest"
)

var (
	million = flag.Bool("million", false, "also send 1,000,000 reminders")
	conns   = flag.String("conns", "4,16", "SMTP connections, of the worker and of the ceiling: one run for each number")
	sqlTop  = flag.Bool("sqltop", false, "log the statements run most often while sending")
	// profileDir, when set, receives the worker's CPU profile of each size,
	// to read with "go tool pprof".
	profileDir = flag.String("profile", "", "folder for the worker's CPU profiles")
)

const secretKey = "xY+0e6HH+5wsPS4FBFXyDjLF2G/JB43ytNI65OpnvFc="

// BenchmarkSend signs n agents up to one webinaire whose H-1 reminder falls
// due a few seconds after the worker started, and measures the sending of
// those n reminders by the real "rappel run", then the ceiling, over each
// number of SMTP connections. Run it once per size: -benchtime=1x.
func BenchmarkSend(b *testing.B) {
	sizes := []int{1_000, 10_000, 100_000}
	if *million {
		sizes = append(sizes, 1_000_000)
	}
	var connCounts []int
	for f := range strings.SplitSeq(*conns, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || c < 1 {
			b.Fatalf("-conns %q: a list of numbers of connections, such as 4,16", *conns)
		}
		connCounts = append(connCounts, c)
	}
	bins := buildBinaries(b)
	for _, n := range sizes {
		for _, c := range connCounts {
			b.Run(fmt.Sprintf("n=%d/conns=%d", n, c), func(b *testing.B) {
				for range b.N {
					// The ceiling first, on an idle machine: after the run,
					// PostgreSQL vacuums what the run updated.
					ceiling := ceilingRun(b, bins, n, c, false)
					pipelined := ceilingRun(b, bins, n, c, true)
					run := sendRun(b, bins, n, c)
					run.report(b, ceiling, pipelined)
				}
			})
		}
	}
}

// sendResult is what one run measured.
type sendResult struct {
	n          int
	due        time.Time
	accepted   []time.Time
	statements int64
	peakRSS    int64
	importTook time.Duration
	planTook   time.Duration
	duplicates int
	commits    commitDelays
	// Processor time of the worker (its whole run) and of the sink.
	workerCPU, sinkCPU time.Duration
	// db is what PostgreSQL spent from just before the due instant to the
	// worker's exit; vacuum what it spent then to vacuum what the sending
	// left, which autovacuum would have done a minute later.
	db, vacuum storetest.Cost
}

func sendRun(b *testing.B, bins binaries, n, conns int) sendResult {
	b.Helper()
	ctx := context.Background()
	cluster := storetest.NewClusterWith(b, storetest.ClusterConfig{Durable: true, Preload: []string{"pg_stat_statements"}})
	st := cluster.Store()
	stmts := storetest.NewStatements(b, cluster.DSN())

	// Room for the import and the planning before the due instant; a run
	// where it was too short fails rather than measure the planning.
	lead := 5*time.Second + time.Duration(n)*120*time.Microsecond
	start := time.Now().Add(time.Hour + lead).Truncate(time.Second)
	sess, err := st.CreateSession(ctx, benchSession(start))
	if err != nil {
		b.Fatal(err)
	}
	res := sendResult{n: n, due: start.Add(-time.Hour)}
	t0 := time.Now()
	if _, err := st.ImportSignups(ctx, sess.ID, agents(n)); err != nil {
		b.Fatal(err)
	}
	res.importTook = time.Since(t0)

	sk := startSink(b, bins.sink, n, true)
	logDir := cmp.Or(*profileDir, b.TempDir())
	logFile, err := os.Create(filepath.Join(logDir, fmt.Sprintf("worker-%d.log", n)))
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	t0 = time.Now()
	httpAddr := freeAddr(b)
	env := workerEnv(cluster.DSN(), sk.addr, httpAddr, conns)
	if *profileDir != "" {
		env = append(env, "RAPPEL_CPU_PROFILE="+filepath.Join(*profileDir, fmt.Sprintf("worker-%d.pprof", n)),
			"RAPPEL_HEAP_PROFILE="+filepath.Join(*profileDir, fmt.Sprintf("worker-%d.heap", n)))
	}
	w := startWorker(b, bins.rappel, env, logFile)
	for {
		pending, _, err := st.DeliveryCounts(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if pending == int64(n) {
			break
		}
		if time.Until(res.due) < time.Second {
			b.Fatalf("only %d of %d deliveries planned 1 s before the due instant: lead too short", pending, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res.planTook = time.Since(t0)
	settle(b, cluster.DSN())
	if time.Until(res.due) < 500*time.Millisecond {
		b.Fatalf("planned and settled %v before the due instant: lead too short", time.Until(res.due))
	}
	time.Sleep(time.Until(res.due.Add(-300 * time.Millisecond)))
	stmts.Reset()
	meter := cluster.StartMeter()

	sk.waitDone(b, 30*time.Minute)
	// Outcomes are committed within 50 ms of their acceptance.
	time.Sleep(200 * time.Millisecond)
	res.statements = stmts.Count(ctx)
	res.commits = scrapeCommitDelays(b, "http://"+httpAddr+"/metrics")
	if *sqlTop {
		for _, s := range stmts.Top(ctx, 10) {
			fmt.Fprintf(os.Stderr, "%8d calls %10.1f ms  %s\n", s.Calls, s.TotalMS, s.Query)
		}
	}
	res.peakRSS = w.peakRSS(b)
	res.workerCPU = w.stop(b)
	res.db = meter.Stop()
	meter = cluster.StartMeter()
	vacuum(b, cluster.DSN())
	res.vacuum = meter.Stop()
	total, distinct, sinkCPU := sk.stop(b)
	res.sinkCPU = sinkCPU
	res.duplicates = total - distinct
	res.accepted = sk.instants(b)
	if pending, failed, err := st.DeliveryCounts(ctx); err != nil || pending != 0 || failed != 0 {
		b.Fatalf("after the run: %d pending, %d failed (%v)", pending, failed, err)
	}
	return res
}

// vacuum cleans what the sending left behind: the versions of the rows it
// updated.
func vacuum(b *testing.B, dsn string) {
	b.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("VACUUM"); err != nil {
		b.Fatalf("VACUUM: %v", err)
	}
}

// settle does what the hours between a sign-up and its reminder would have
// done: the autovacuum of the rows the import and the planning wrote, and a
// checkpoint, so that the sending pays for its own writes only.
func settle(b *testing.B, dsn string) {
	b.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"VACUUM (ANALYZE)", "CHECKPOINT"} {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
}

func benchSession(start time.Time) store.SessionParams {
	end := start.Add(90 * time.Minute)
	return store.SessionParams{
		Kind:  "webinaire",
		Title: "La sobriété numérique dans les services de l’État",
		Description: "Un webinaire ouvert à tous les agents du ministère : les gestes qui comptent, " +
			"les outils pour mesurer l’empreinte d’un service, et vos questions.",
		JoinURL:  "https://webinaire.numerique.gouv.fr/sobriete",
		StartsAt: start,
		EndsAt:   &end,
	}
}

// agents are n distinct addresses, as an organiser's list would give them.
func agents(n int) []store.ImportRow {
	rows := make([]store.ImportRow, n)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, Email: fmt.Sprintf("agent.%07d@ministere.gouv.fr", i),
			Name: fmt.Sprintf("Agent %d", i)}
	}
	return rows
}

// workerEnv is the production configuration but for the sink as relay.
func workerEnv(dsn, sinkAddr, httpAddr string, conns int) []string {
	host, port, _ := cutLast(sinkAddr, ":")
	return []string{
		"DATABASE_URL=" + dsn,
		"MAIL_FROM=DINUM <rappels@numerique.gouv.fr>", "PUBLIC_URL=https://rappel.numerique.gouv.fr",
		"SECRET_KEYS=" + secretKey, "HTTP_ADDR=" + httpAddr, "LOG_FORMAT=json",
		"SMTP_HOST=" + host, "SMTP_PORT=" + port, "SMTP_TLS=none",
		"SMTP_CONNECTIONS=" + strconv.Itoa(conns),
	}
}

func cutLast(s, sep string) (before, after string, ok bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// report prints the figures of the run, and their ratio to the ceiling.
// report prints the figures of the run, with their ratios to c, go-mail
// sending as it does by itself, and to p, the worker's own transport with
// nothing else to do.
func (r sendResult) report(b *testing.B, c, p ceilingResult) {
	if len(r.accepted) != r.n {
		b.Fatalf("%d messages timed, %d expected", len(r.accepted), r.n)
	}
	late := make([]time.Duration, len(r.accepted))
	for i, t := range r.accepted {
		late[i] = t.Sub(r.due)
	}
	slices.Sort(late)
	last := late[len(late)-1]
	rate := float64(r.n) / last.Seconds()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(float64(last.Nanoseconds()), "ns/op")
	b.ReportMetric(last.Seconds(), "s-due-to-last")
	b.ReportMetric(rate, "msg/s")
	b.ReportMetric(c.rate, "ceiling-msg/s")
	b.ReportMetric(100*rate/c.rate, "%-of-ceiling")
	b.ReportMetric(p.rate, "pipelined-ceiling-msg/s")
	b.ReportMetric(100*rate/p.rate, "%-of-pipelined-ceiling")
	b.ReportMetric(ms(late[0]), "ms-late-first")
	b.ReportMetric(ms(percentile(late, 50)), "ms-late-p50")
	b.ReportMetric(ms(percentile(late, 99)), "ms-late-p99")
	b.ReportMetric(ms(last), "ms-late-last")
	b.ReportMetric(float64(r.peakRSS)/(1<<20), "MiB-peak-RSS")
	b.ReportMetric(float64(r.statements)*1000/float64(r.n), "SQL/1k-msg")
	b.ReportMetric(float64(r.duplicates), "duplicates")
	b.ReportMetric(float64(r.commits.over50ms), "commits-over-50ms")
	b.ReportMetric(float64(r.n)/float64(max(r.commits.flushes, 1)), "outcomes/commit")
	perMsg := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(r.n) }
	b.ReportMetric(perMsg(r.workerCPU), "µs-CPU/msg-rappel")
	b.ReportMetric(perMsg(r.db.CPU()+r.vacuum.CPU()), "µs-CPU/msg-db")
	b.ReportMetric(perMsg(r.db.Backends), "µs-CPU/msg-db-sessions")
	b.ReportMetric(perMsg(r.db.Autovacuum+r.db.Background), "µs-CPU/msg-db-background")
	b.ReportMetric(perMsg(r.vacuum.CPU()), "µs-CPU/msg-db-vacuum")
	b.ReportMetric(float64(r.db.WALBytes+r.vacuum.WALBytes)/float64(r.n), "WAL-B/msg")
	b.ReportMetric(float64(r.db.Rows.Written())/float64(r.n), "rows-written/msg")
	b.ReportMetric(float64(r.db.Rows.IndexEntries)/float64(r.n), "index-entries/msg")
	b.ReportMetric(float64(r.db.Rows.Locked)/float64(r.n), "row-locks/msg")
	b.ReportMetric(100*float64(r.db.Rows.HOTUpdated)/float64(max(r.db.Rows.Updated+r.db.Rows.HOTUpdated, 1)), "%-HOT-updates")
	b.ReportMetric(perMsg(r.sinkCPU), "µs-CPU/msg-sink")
	b.ReportMetric(perMsg(c.cpu), "µs-CPU/msg-ceiling")
	b.ReportMetric(perMsg(c.sinkCPU), "µs-CPU/msg-ceiling-sink")
	b.ReportMetric(perMsg(p.cpu), "µs-CPU/msg-pipelined-ceiling")
	b.ReportMetric(r.importTook.Seconds(), "s-import")
	b.ReportMetric(r.planTook.Seconds(), "s-plan")
}

// percentile is the p-th percentile of sorted values (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(i-1, 0)]
}
