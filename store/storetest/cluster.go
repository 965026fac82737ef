package storetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dinum/rappel/store"
)

// Cluster is a private PostgreSQL server that a test may stop and start,
// to inflict a database restart on the code under test.
type Cluster struct {
	t      testing.TB
	cfg    ClusterConfig
	bindir string
	dir    string
}

// ClusterConfig shapes a cluster. The zero value is a test server: fast,
// and losing everything in a machine crash.
type ClusterConfig struct {
	// Durable keeps PostgreSQL's defaults (fsync, synchronous commit), for
	// benchmarks whose figures must hold against a real server.
	Durable bool
	// Preload names the libraries loaded at start
	// (shared_preload_libraries), such as pg_stat_statements.
	Preload []string
}

// NewCluster creates and starts a server of its own, listening on a Unix
// socket in a fresh folder, and removes it when the test ends. As root it
// runs as the postgres user, since PostgreSQL refuses root.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	return NewClusterWith(t, ClusterConfig{})
}

// NewClusterWith is NewCluster configured.
func NewClusterWith(t testing.TB, cfg ClusterConfig) *Cluster {
	t.Helper()
	bindir, err := pgBindir()
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	dir, err := os.MkdirTemp("", "rappel-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{t: t, cfg: cfg, bindir: bindir, dir: dir}
	if err := c.chownToPostgres(); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() {
		_ = c.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(dir)
	})
	if out, err := c.command("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8").CombinedOutput(); err != nil {
		t.Fatalf("storetest: initdb: %v\n%s", err, out)
	}
	c.Start()
	if out, err := c.command("createdb", "-h", dir, "-U", "postgres", "rappel").CombinedOutput(); err != nil {
		t.Fatalf("storetest: createdb: %v\n%s", err, out)
	}
	return c
}

// DSN is the address of the cluster's database "rappel".
func (c *Cluster) DSN() string {
	return "host=" + c.dir + " user=postgres dbname=rappel sslmode=disable connect_timeout=5"
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() {
	c.t.Helper()
	opts := "-k " + c.dir + " -c listen_addresses='' -c max_connections=100"
	if !c.cfg.Durable {
		opts += " -c fsync=off"
	} else {
		// The WAL of a measured interval is read back by a Meter: kept
		// past the checkpoints that a million messages cause.
		opts += " -c wal_keep_size=8GB"
	}
	if len(c.cfg.Preload) > 0 {
		opts += " -c shared_preload_libraries=" + strings.Join(c.cfg.Preload, ",")
	}
	if err := c.ctl("start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("storetest: start cluster: %v\n%s", err, log)
	}
}

// Stop stops the server the way an orchestrator restarting it would: fast
// shutdown, every connection cut.
func (c *Cluster) Stop() {
	c.t.Helper()
	if err := c.ctl("stop", "-w", "-m", "fast"); err != nil {
		c.t.Fatalf("storetest: stop cluster: %v", err)
	}
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) ctl(args ...string) error {
	args = append([]string{"-D", c.data()}, args...)
	out, err := c.command("pg_ctl", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", args[2], err, out)
	}
	return nil
}

// command runs a server program, as postgres when the test runs as root.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bindir, name)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd
}

func (c *Cluster) chownToPostgres() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(c.dir, uid, gid)
}

// pgBindir finds the server programs: RAPPEL_PG_BINDIR, pg_config, or the
// newest Debian installation.
func pgBindir() (string, error) {
	if d := os.Getenv("RAPPEL_PG_BINDIR"); d != "" {
		return d, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); fileExists(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Strings(matches)
	if len(matches) == 0 {
		return "", fmt.Errorf("PostgreSQL server programs not found: install the postgresql package or set RAPPEL_PG_BINDIR")
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Store opens a Store on the cluster's database, migrated, closed when the
// test ends.
func (c *Cluster) Store() *store.Store {
	c.t.Helper()
	st, err := store.Open(context.Background(), c.DSN(), 10)
	if err != nil {
		c.t.Fatalf("storetest: open cluster store: %v", err)
	}
	c.t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background(), nil); err != nil {
		c.t.Fatalf("storetest: migrate cluster: %v", err)
	}
	return st
}
