package storetest

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Meter measures what a cluster spends over an interval: the processor
// time of its processes, by role, the WAL it writes and the rows it
// changes. Benchmarks divide these by the messages sent.
type Meter struct {
	c    *Cluster
	db   *sql.DB
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	base map[int]int64 // ticks of the processes running at the start
	last map[int]proc  // last ticks seen of every process, ended or not
	wal0 string        // the WAL insert position at the start
}

type proc struct {
	title string
	role  string
	ticks int64
}

// Cost is what a Meter measured.
type Cost struct {
	// Backends is the processor time of the sessions serving clients,
	// Autovacuum that of the autovacuum workers, Background that of the
	// postmaster, WAL writer, checkpointer and the rest.
	Backends, Autovacuum, Background time.Duration
	WALBytes                         int64
	Rows                             RowCounts
}

// CPU is the whole processor time of the server.
func (c Cost) CPU() time.Duration { return c.Backends + c.Autovacuum + c.Background }

// RowCounts are the rows written to the tables, and the entries added to
// their indexes, read from the WAL records of the interval: exact, where
// the statistics views lag behind by up to the seconds a session keeps its
// counts before it reports them.
type RowCounts struct {
	Inserted, Updated, HOTUpdated, Deleted, Locked int64
	IndexEntries                                   int64
}

// Written is every row version written: inserted, updated (HOT or not) or
// deleted.
func (r RowCounts) Written() int64 { return r.Inserted + r.Updated + r.HOTUpdated + r.Deleted }

// StartMeter starts measuring. The processes are sampled every 50 ms, so
// that one that ends in the interval, such as an autovacuum worker, still
// counts, but for its last 50 ms at most.
func (c *Cluster) StartMeter() *Meter {
	c.t.Helper()
	db, err := sql.Open("postgres", c.DSN())
	if err != nil {
		c.t.Fatalf("storetest: %v", err)
	}
	db.SetMaxOpenConns(1)
	m := &Meter{c: c, db: db, stop: make(chan struct{}), done: make(chan struct{}),
		base: map[int]int64{}, last: map[int]proc{}}
	for pid, p := range c.processes() {
		m.base[pid], m.last[pid] = p.ticks, p
	}
	if err := db.QueryRow(`SELECT pg_current_wal_insert_lsn()::text`).Scan(&m.wal0); err != nil {
		c.t.Fatalf("storetest: read WAL position: %v", err)
	}
	go m.sample()
	return m
}

func (m *Meter) sample() {
	defer close(m.done)
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			procs := m.c.processes()
			m.mu.Lock()
			for pid, p := range procs {
				m.see(pid, p)
			}
			m.mu.Unlock()
		}
	}
}

// see records the ticks of a process, and its role when it can be read: a
// process ending has no title any more.
func (m *Meter) see(pid int, p proc) {
	if old, ok := m.last[pid]; ok && p.title == "" {
		p.role, p.title = old.role, old.title
	}
	m.last[pid] = p
}

// Stop ends the measure. Call it once the clients have disconnected: a
// session sends its row counts to the statistics when it ends, or once a
// second at most while it runs.
func (m *Meter) Stop() Cost {
	m.c.t.Helper()
	defer m.db.Close()
	close(m.stop)
	<-m.done
	var cost Cost
	for pid, p := range m.c.processes() {
		m.see(pid, p)
	}
	for pid, p := range m.last {
		d := time.Duration(p.ticks-m.base[pid]) * time.Second / 100 // USER_HZ
		switch p.role {
		case "backend":
			cost.Backends += d
		case "autovacuum":
			cost.Autovacuum += d
		default:
			cost.Background += d
		}
	}
	var wal1 string
	err := m.db.QueryRow(`SELECT pg_current_wal_insert_lsn()::text, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::bigint`,
		m.wal0).Scan(&wal1, &cost.WALBytes)
	if err != nil {
		m.c.t.Fatalf("storetest: read WAL position: %v", err)
	}
	if _, err := m.db.Exec(`SELECT pg_switch_wal()`); err != nil {
		m.c.t.Fatalf("storetest: switch WAL segment: %v", err)
	}
	cost.Rows = m.c.walRecords(m.wal0, wal1)
	return cost
}

// walRecords counts the records of the WAL between two positions, with
// pg_waldump.
func (c *Cluster) walRecords(from, to string) RowCounts {
	c.t.Helper()
	var r RowCounts
	if from == to {
		return r
	}
	out, err := c.command("pg_waldump", "--path", filepath.Join(c.data(), "pg_wal"),
		"--start", from, "--end", to, "--stats=record").CombinedOutput()
	if err != nil {
		c.t.Fatalf("storetest: pg_waldump: %v\n%s", err, out)
	}
	counts := map[string]int64{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) >= 2 && strings.Contains(f[0], "/") {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			counts[f[0]] += n
		}
	}
	r.Inserted = counts["Heap/INSERT"] + counts["Heap/INSERT+INIT"] + counts["Heap2/MULTI_INSERT"] + counts["Heap2/MULTI_INSERT+INIT"]
	r.Updated = counts["Heap/UPDATE"] + counts["Heap/UPDATE+INIT"]
	r.HOTUpdated = counts["Heap/HOT_UPDATE"] + counts["Heap/HOT_UPDATE+INIT"]
	r.Deleted = counts["Heap/DELETE"]
	r.Locked = counts["Heap/LOCK"]
	for name, n := range counts {
		if strings.HasPrefix(name, "Btree/INSERT_") {
			r.IndexEntries += n
		}
	}
	return r
}

// processes are the server's processes now, with their role and the
// processor time they used (user and system, in clock ticks). It reads
// /proc: Linux only.
func (c *Cluster) processes() map[int]proc {
	raw, err := os.ReadFile(filepath.Join(c.data(), "postmaster.pid"))
	if err != nil {
		return nil
	}
	pm, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]))
	entries, _ := os.ReadDir("/proc")
	out := map[int]proc{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The fields after the command, which is in parentheses and may
		// hold spaces: state, ppid, ... utime (14th field) and stime.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		if len(f) < 13 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); pid != pm && ppid != pm {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		r, title := role(pid, pm)
		out[pid] = proc{role: r, title: title, ticks: u + s}
	}
	return out
}

// role reads what a server process is from the title PostgreSQL gives it.
func role(pid, postmaster int) (string, string) {
	if pid == postmaster {
		return "postmaster", ""
	}
	cmd, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	title := string(cmd)
	switch {
	case strings.HasPrefix(title, "postgres: autovacuum worker"):
		return "autovacuum", title
	case strings.HasPrefix(title, "postgres: postgres "):
		return "backend", title
	default:
		return "background", title
	}
}
