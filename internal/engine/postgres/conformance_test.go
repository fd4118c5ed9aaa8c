package postgres_test

import (
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine/enginetest"
	"github.com/dbplane/dbplane/internal/engine/postgres"
)

// TestDriver_Conformance runs the shared suite twice: as the superuser, and
// as the CREATEROLE CREATEDB admin doc.go recommends.
func TestDriver_Conformance(t *testing.T) {
	srv := dbtest.Postgres(t)
	for _, admin := range admins(t, srv) {
		t.Run(admin.name, func(t *testing.T) {
			enginetest.Run(t, enginetest.Harness{
				Driver:    postgres.Driver{},
				Config:    admin.cfg,
				Limited:   srv.NewLimitedUser,
				Connect:   srv.ConnectAs,
				Exec:      srv.ExecAs,
				WriteStmt: "CREATE TABLE t (id int)",
				ReadStmt:  "SELECT 1",
				Warm:      true,
				// Only a superuser may read pg_authid's verifiers.
				NoCredentials: admin.name != "superuser",
				ReadOnly: &enginetest.ReadOnlyProbe{
					Setup: []string{"CREATE TABLE e (id int)", "INSERT INTO e VALUES (1), (2)"},
					Escapes: []string{
						"INSERT INTO e VALUES (3)",
						"BEGIN READ WRITE; INSERT INTO e VALUES (3); COMMIT",
						"SET default_transaction_read_only = off; INSERT INTO e VALUES (3)",
						"SET transaction_read_only = off; UPDATE e SET id = 0",
						"CREATE TABLE u (id int)",
						"CREATE TABLE u AS SELECT * FROM e",
						"CREATE TEMP TABLE u (id int)",
						"CREATE SCHEMA u",
						"ALTER TABLE e ADD COLUMN c int",
						"SET ROLE pg_database_owner; CREATE TABLE u (id int)",
					},
					Allowed: []string{"SELECT count(*) FROM e", "DELETE FROM e WHERE id = 2", "TRUNCATE e"},
					Write:   "INSERT INTO e VALUES (4)",
				},
			})
		})
	}
}
