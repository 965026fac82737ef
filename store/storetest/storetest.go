// Package storetest gives each test its own migrated PostgreSQL database,
// cloned from a template in a few milliseconds and dropped afterwards. The
// server is the one TEST_DATABASE_URL names ("make test" starts one): a test
// that needs the database fails when it is missing, it never skips.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the driver

	"github.com/dinum/rappel/store"
)

// EnvVar names the server's address.
const EnvVar = "TEST_DATABASE_URL"

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// AdminURL is the address of the test server, or the test fails.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := lookupEnv()
	if u == "" {
		t.Fatalf("%s n'est pas défini : ces tests ont besoin de PostgreSQL ; lancez « make test », qui en démarre un", EnvVar)
	}
	return u
}

// NewDatabase creates a fresh database at the current schema version and
// returns its address; it is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(admin) })
	if templateErr != nil {
		t.Fatalf("storetest: prepare template database: %v", templateErr)
	}
	name := "rappel_t_" + randomSuffix()
	db := openAdmin(t, admin)
	if _, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + templateName); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("storetest: drop database: %v", err)
		}
		db.Close()
	})
	return WithDatabase(admin, name)
}

// NewStore opens a Store on a fresh database.
func NewStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	dsn := NewDatabase(t)
	st, err := store.Open(context.Background(), dsn, 20)
	if err != nil {
		t.Fatalf("storetest: open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dsn
}

func openAdmin(t testing.TB, admin string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatalf("storetest: open admin connection: %v", err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// ensureTemplate creates, once per schema and for every test process, a
// migrated database to clone. An advisory lock serialises the packages that
// go test runs in parallel; the rename at the end makes a template visible
// only once it is complete.
func ensureTemplate(admin string) (string, error) {
	name := "rappel_tpl_" + migrationsHash()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := sqlx.Open("postgres", admin)
	if err != nil {
		return "", err
	}
	defer db.Close()
	conn, err := db.Connx(ctx)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", EnvVar, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7261707065)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7261707065)`)
	var exists bool
	if err := conn.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	if err := migrate(ctx, WithDatabase(admin, building)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

func migrate(ctx context.Context, dsn string) error {
	st, err := store.Open(ctx, dsn, 2)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = st.Migrate(ctx, nil)
	return err
}

// migrationsHash names the template after the migrations' content, so that
// a changed migration gets a new template.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(store.MigrationFiles(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.MigrationFiles(), path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var dbnameRe = regexp.MustCompile(`(^|\s)dbname=\S*`)

// WithDatabase returns the address dsn with another database name, in
// either of libpq's forms (URL or key=value).
func WithDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn
		}
		u.Path = "/" + name
		return u.String()
	}
	if dbnameRe.MatchString(dsn) {
		return dbnameRe.ReplaceAllString(dsn, "${1}dbname="+name)
	}
	return dsn + " dbname=" + name
}

// NewEmptyDatabase creates a database without any migration applied; it is
// dropped when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	name := "rappel_e_" + randomSuffix()
	db := openAdmin(t, admin)
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("storetest: drop database: %v", err)
		}
		db.Close()
	})
	return WithDatabase(admin, name)
}
