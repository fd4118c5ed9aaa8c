// Package postgres is the PostgreSQL engine: each tenant database is a
// database owned by its own LOGIN role with a CONNECTION LIMIT, and PUBLIC
// may neither connect to it nor create temporary tables in it (SPEC §2).
//
// Tested against PostgreSQL 15; written for 13 to 17. DROP DATABASE ...
// WITH (FORCE) needs 13 or later.
//
// # Config
//
// Config.Database is the admin database ("postgres" when empty). Config.TLS
// maps to libpq's sslmode: disable, prefer (the default when empty),
// require or verify-full. Config.TLSCA (a PEM bundle trusted instead of the
// system's CAs) and Config.TLSServerName (the name checked instead of Host)
// need verify-full. Open does not dial; the pool dials on first use.
// Supported Config.Params, all optional:
//
//	application_name  shown in pg_stat_activity (default "dbplane")
//	connect_timeout   seconds to wait for a connection, 1 to 3600 (default 5)
//	max_conns         admin connections in the pool, 1 to 100; Config.PoolSize
//	                  (the host's setting) wins over it. Without either, the
//	                  pool is made at the first operation, a quarter of the
//	                  server's max_connections (2 to 64), read on a session of
//	                  its own first: pgxpool cannot resize a pool
//	sslrootcert       PEM file of CAs to trust, which turns require into
//	                  libpq's verify-ca; or "system" for the system's CAs,
//	                  which always verifies in full, as libpq does
//
// Any other key is an error. The PG* environment variables and
// ~/.postgresql files are read by pgx as libpq reads them, but every key
// above and host, port, user, dbname and sslmode are always set explicitly.
//
// # Admin privileges
//
// The admin role must be a superuser, or hold CREATEROLE and CREATEDB. The
// second is enough and is what we recommend:
//
//	CREATE ROLE dbplane LOGIN CREATEROLE CREATEDB PASSWORD '...';
//
// (Send that password from psql's \password, or as a SCRAM verifier, so it
// does not land in the server log.) A non-superuser admin grants itself
// membership in every tenant role it creates (GRANT "u" TO CURRENT_USER):
// that is what lets it make the role own a database, end the role's
// sessions and measure its database. On PostgreSQL 16 and later, where
// CREATEROLE only reaches roles one holds ADMIN OPTION on, the creator gets
// that option automatically, so roles made by another admin cannot be
// managed.
//
// CheckPrivileges names each of CREATEROLE and CREATEDB that is missing.
//
// # Passwords
//
// The driver never sends a password. It computes the SCRAM-SHA-256 verifier
// PostgreSQL would store (RFC 5802, RFC 7677: 16-byte random salt, 4096
// iterations) and sends that as a quoted literal, since utility statements
// take no bind parameters. PostgreSQL applies SASLprep to passwords, which
// is the identity for ASCII; non-ASCII passwords are refused rather than
// stored under a verifier that might not match. A new verifier takes effect
// for the next login at once; sessions already open stay open.
//
// # Names and ownership
//
// Names are checked with engine.CheckName and double-quoted. Remote must be
// "%" or empty: PostgreSQL has no per-role host patterns, those live in
// pg_hba.conf. Before changing anything each operation reads pg_database
// and pg_roles with bound parameters, and refuses (ErrExists) to adopt,
// alter or drop a role that is not a plain tenant role: the admin itself, a
// role with SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, or a
// member of any role. EnsureDatabase returns ErrExists when the database
// exists with another owner. EnsureDatabase on an existing role sets its
// password and connection limit and leaves its access level alone.
// DropDatabase removes only what belongs to the request: the database if
// the named role owns it, and the role if it is a plain tenant role;
// anything else counts as already gone. Before dropping the role it drops
// what the role owns in the admin database (DROP OWNED BY); objects it owns
// in any third database make DROP ROLE fail with SQLSTATE 2BP01.
//
// On PostgreSQL 13 and 14 PUBLIC may create in schema public of every
// database it may connect to, template1 included, and whatever lands in
// template1 is copied into every database made later. Operators of those
// versions should run, in template1 and in the admin database:
//
//	REVOKE CREATE ON SCHEMA public FROM PUBLIC;
//
// # Concurrency
//
// Each change runs on one admin session that holds a session advisory lock
// keyed on the owner's name (pg_advisory_lock, in the admin database) from
// its first look at the catalogs to its last statement. SetPassword, which
// must cost one round trip like a bare ALTER ROLE, is a single DO block
// that takes the same key as a transaction lock, checks the role and
// alters it; it needs PL/pgSQL in the admin database (installed by
// default). Operations on one tenant from several goroutines or dbplane
// replicas therefore queue instead of failing with "tuple concurrently
// updated"; a change that still races with someone outside dbplane, or
// meets a transient error, is retried from a fresh look.
//
// # Access levels
//
// read_only is a wall the tenant cannot lift from its own session (wall.go
// has the statements). PostgreSQL has no privilege that binds an owner,
// which can always grant itself back what was revoked, so read_only takes
// ownership away. With the role's logins stopped and its sessions ended,
// one DO block, run in the tenant's database as one transaction:
//
//   - moves the database and every object the role owns in it to a holding
//     role dbplane_wall_<16 hex of FNV-1a(owner)>, NOLOGIN, which the admin
//     is a member of and the tenant is not (REASSIGN OWNED);
//   - parks on a marker role dbplane_wall_<hex>_public what else would let
//     the tenant write as a non-owner: privileges it gave PUBLIC beyond
//     CONNECT, USAGE, SELECT, DELETE and TRUNCATE (on the database, its
//     schemas, tables, columns and large objects), and SECURITY DEFINER on
//     its routines, which become SECURITY INVOKER (the marker's EXECUTE on
//     a routine records that it was a definer), and, when the admin is a
//     superuser, PUBLIC's EXECUTE on lo_create, lo_creat, lo_from_bytea and
//     lo_import in the tenant's database (pg_proc is per database), which
//     is all creating a large object checks;
//   - takes every privilege on the database from every other role but the
//     admin (one the tenant made able to connect and write, such as the
//     user of its second database), and PUBLIC's CONNECT, so that no other
//     role can connect: PUBLIC's go to the marker, the others' are listed
//     as JSON in the marker's comment (grantee oid, privilege, grant
//     option); those roles' sessions in the database are then ended (those
//     the admin may signal: not superusers');
//   - grants the role CONNECT, USAGE on its schemas, SELECT, DELETE and
//     TRUNCATE on its tables, and SELECT on its sequences and large
//     objects. A view, a table with a rule ON DELETE, and a table a foreign
//     key's ON DELETE action (CASCADE, SET NULL, SET DEFAULT) reaches from
//     get no DELETE (and PUBLIC's DELETE on them is parked): rule actions,
//     a foreign key's action with the BEFORE triggers it fires, and a
//     delete through a view run as the owner, which is now the holding
//     role.
//
// Objects the tenant gave to pg_database_owner while it owned the database
// count as its own. Then LOGIN is set again. The tenant reads, deletes and
// truncates; it cannot insert, update, create, alter or drop, whatever it
// sets in its session. A role with the wall up is recognised by its
// database's owner; read_only again re-asserts it without ending sessions.
//
// active takes the wall down in one block: the role's grants are revoked,
// the marker's privileges go back to PUBLIC and its routines to SECURITY
// DEFINER (and to PUBLIC the EXECUTE on large-object creators the marker
// holds, no more), ownership goes back (REASSIGN OWNED), and both roles are
// dropped; the other roles' database privileges listed on the marker are
// granted back (a role dropped meanwhile is skipped). The catalog is then
// as it was before read_only: owners, privileges (an ACL that was the
// default may now be spelled out, with the same entries, possibly in
// another order) and SECURITY DEFINER. The role's sessions are ended first,
// so an idle transaction cannot stall the change.
//
// Limits: creating a large object (lo_create, lo_from_bytea) checks only
// EXECUTE on those pg_catalog functions, which a CREATEROLE admin may not
// revoke, so under such an admin a tenant behind the wall can still add
// large objects (a superuser admin parks that EXECUTE, above); PUBLIC privileges granted by a role
// other than the owner (which needs the owner to have given grant options
// to a role that can connect) are not parked; a database privilege a role
// got from another grantee (not the owner) comes back granted by the
// owner; a role that is a member of the tenant role connects with the
// tenant's CONNECT and keeps what it was granted on the tenant's objects
// (a tenant cannot make one on the tested PostgreSQL 15, which refuses
// a role granting membership in itself; releases before it allowed that
// from the role's own session);
// and tables with row-level
// security show the tenant only what their policies allow, since it no
// longer owns them. The blocks need PL/pgSQL in the tenant's database
// (installed in template1 by default) and the session's search_path is
// pg_catalog alone, so nothing the tenant made can stand in for a catalog
// function or operator.
//
// locked sets NOLOGIN and ends the role's sessions. This is enforced by the
// server: no login, existing sessions gone. It leaves the wall as it is, so
// that a suspension of a read-only tenant, lifted, gives back exactly what
// it changed.
//
// Every level also resets default_transaction_read_only, which earlier
// versions set for read_only and locked. Any level may follow any other,
// and each is idempotent: the intents that drive them are replayed.
//
// DropDatabase drops a walled database too, and both wall roles;
// EnsureDatabase adopts a walled database and leaves the wall up.
//
// # Catalog
//
// Catalog (the drift sweep) is one query over pg_database and pg_authid:
// a role's SCRAM-SHA-256 verifier (or md5 hash) checks a password without
// logging in. pg_authid is readable by a superuser only; a CREATEROLE
// admin gets pg_roles instead (a second query), and no password checks.
// A database its owner owns is active, one its holding role owns is
// read_only (the wall), and NOLOGIN is locked.
//
// # Sizes
//
// DatabaseSizes is one query over pg_database. A database the admin may
// not connect to (and so may not size, unless it is in pg_read_all_stats)
// is left out of the result rather than failing the query.
package postgres
