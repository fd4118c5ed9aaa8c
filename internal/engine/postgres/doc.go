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
//	max_conns         admin connections in the pool, 1 to 100 (default 16)
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
// locked sets NOLOGIN and ends the role's sessions. This is enforced by the
// server: no login, existing sessions gone.
//
// read_only keeps LOGIN, sets the role's default_transaction_read_only to
// on, and ends the role's sessions so new ones start with that default.
// This is advisory against a tenant that means to write: the role owns its
// database and every object in it, so it can run SET
// default_transaction_read_only = off, BEGIN READ WRITE, or ALTER ROLE
// itself RESET the setting, and then write. PostgreSQL offers no
// privilege that binds an object's owner: revoking INSERT or CREATE from
// the owner is undone by the owner's own GRANT. Making writes impossible
// would mean taking ownership of the database and every object in it away
// from the tenant (REASSIGN OWNED to a holding role, then granting back
// SELECT and DELETE) and giving it back on active, which rewrites the
// tenant's catalogs and is not done here. What read_only does stop is
// every client that does not override the default, which includes
// ordinary applications and ORMs; callers that need a hard stop should
// escalate to locked if the measured size keeps growing.
//
// active sets LOGIN and resets default_transaction_read_only. Every level
// sets both attributes, so any level may follow any other, and each is
// idempotent.
//
// # Sizes
//
// DatabaseSizes is one query over pg_database. A database the admin may
// not connect to (and so may not size, unless it is in pg_read_all_stats)
// is left out of the result rather than failing the query.
package postgres
