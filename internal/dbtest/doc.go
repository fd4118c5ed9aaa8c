// Package dbtest starts real, throwaway MariaDB and PostgreSQL servers for
// tests, from the binaries installed on the machine (no Docker).
//
// Each server lives in its own temp dir, listens on 127.0.0.1 on a free port,
// checks passwords (scram-sha-256 for PostgreSQL, no anonymous users and a
// root password for MariaDB) and runs with durability off for speed. A test
// binary starts at most one server of each engine, on first use, and Main
// stops them when the tests are done:
//
//	func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
//
//	func TestDriver_Conformance(t *testing.T) {
//		srv := dbtest.MariaDB(t)
//		enginetest.Run(t, enginetest.Harness{Driver: mariadb.Driver{}, Config: srv.AdminConfig(), Connect: srv.ConnectAs})
//	}
//
// Mongo starts FerretDB v1 (built by scripts/build-ferretdb.sh), which
// speaks MongoDB's wire protocol; see Mongo for where it finds the binary
// and what ConnectAs and ExecAs mean there.
//
// With go test -short every server-backed test is skipped. When the server
// binaries are missing a test is skipped, unless CI=true, where it fails.
// DBPLANE_TEST_MARIADB_URL (mysql://user:pass@host:port/) and
// DBPLANE_TEST_POSTGRES_URL (postgres://user:pass@host:port/db) point the
// helpers at an existing server instead; nothing is started or stopped then.
//
// If the test binary dies without running Main's cleanup, the servers get
// SIGKILL from the kernel (parent-death signal), and the next test binary
// that starts a server removes the temp dirs that dead binaries left behind.
package dbtest
