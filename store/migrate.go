package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the advisory lock that serialises migrations run by
// several replicas at once ("rappel" in ASCII).
const migrationLockID = 0x72617070656c

// versionTable is goose's bookkeeping table.
const versionTable = "goose_db_version"

func (s *Store) provider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("open embedded migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(migrationLockID),
		lock.WithLockTimeout(1, 600), // poll every second, up to ten minutes
	)
	if err != nil {
		return nil, fmt.Errorf("create migration lock: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithSessionLocker(locker),
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
	}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// Migrate applies the pending migrations, each in its own transaction, under
// an advisory lock so that several replicas may run it at the same time.
// It returns the versions it applied.
func (s *Store) Migrate(ctx context.Context, logger *slog.Logger) ([]int64, error) {
	p, err := s.provider(logger)
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// LatestSchemaVersion is the newest migration embedded in this binary.
func LatestSchemaVersion() int64 {
	entries, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	var latest int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e, "migrations/%d_", &v); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// ErrSchemaOutdated says the database lacks migrations this binary needs.
var ErrSchemaOutdated = errors.New("schema outdated")

// SchemaVersion reads the newest applied migration; 0 when none is.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.GetContext(ctx, &v, `
		SELECT coalesce(max(version_id), 0)
		FROM `+versionTable+`
		WHERE is_applied`)
	if err != nil {
		if isUndefinedTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// CheckSchema fails unless every migration of this binary is applied; it
// backs /readyz and the start of every command.
func (s *Store) CheckSchema(ctx context.Context) error {
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if want := LatestSchemaVersion(); v < want {
		return fmt.Errorf("%w: version %d, want %d", ErrSchemaOutdated, v, want)
	}
	return nil
}

// MigrationFiles exposes the embedded migrations, for the test helpers.
func MigrationFiles() fs.FS { return migrationFiles }
