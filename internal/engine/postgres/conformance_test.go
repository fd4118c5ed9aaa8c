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
				// Only a superuser may read pg_authid's verifiers.
				NoCredentials: admin.name != "superuser",
			})
		})
	}
}
