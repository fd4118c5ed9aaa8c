package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// ErrMigrationsPending is Open's error, with Options.NoMigrate, when the
// store's schema is older than this binary's.
var ErrMigrationsPending = errors.New("migrations are pending; run without --no-migrate")

// migrations holds one folder of NNNN_description.sql files per dialect.
//
//go:embed migrations
var migrations embed.FS

// migrate applies the dialect's migrations the store lacks, each in its
// own transaction, under the dialect's migration lock (PostgreSQL: an
// advisory lock, so replicas starting together migrate once). It refuses a
// store newer than this binary, and one that skipped a migration.
func (db *DB) migrate(ctx context.Context, noMigrate bool) error {
	names, err := fs.Glob(migrations, db.dialect.migrations+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if db.dialect.lockMigrations != nil {
		unlock, err := db.dialect.lockMigrations(ctx, db)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer unlock()
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := db.appliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current := 0
	for v := range applied {
		current = max(current, v)
	}
	latest := 0
	for _, name := range names {
		v, err := migrationVersion(name)
		if err != nil {
			return err
		}
		latest = v
		if v <= current {
			if !applied[v] {
				// Migrations are numbered on parallel branches: a store
				// migrated by a build that lacked this one must not run
				// without it, and applying it after later ones is not safe.
				return fmt.Errorf("migrate: %s was never applied to this store, but later migrations were (a build without it migrated the store); recreate the store or apply the file by hand",
					path.Base(name))
			}
			continue
		}
		if noMigrate {
			return fmt.Errorf("migrate: schema is at version %d but this binary needs %d: %w", current, v, ErrMigrationsPending)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.txAlone(ctx, func(tx *txn) error {
			// No arguments: the whole file goes as one simple query.
			if _, err := tx.Tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, db.ms(db.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", path.Base(name), err)
		}
	}
	if current > latest {
		return fmt.Errorf("migrate: schema version %d is newer than this binary knows (%d); upgrade dbplane", current, latest)
	}
	return nil
}

// appliedMigrations returns the versions recorded in schema_migrations.
func (db *DB) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

func migrationVersion(name string) (int, error) {
	base := path.Base(name)
	i := strings.IndexByte(base, '_')
	if i < 1 {
		return 0, fmt.Errorf("migration %s: name must be NNNN_description.sql", base)
	}
	return strconv.Atoi(base[:i])
}

// SchemaVersion returns the newest migration applied to the store.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	applied, err := db.appliedMigrations(ctx)
	v := 0
	for a := range applied {
		v = max(v, a)
	}
	return v, err
}
