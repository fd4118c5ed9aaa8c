// Package mariadb is the engine driver for MariaDB and MySQL-compatible
// servers, built on github.com/go-sql-driver/mysql.
//
// # Tested versions
//
// MariaDB 10.11 (Debian 12's mariadb-server) runs the conformance suite and
// the driver's own tests. The driver needs ACCOUNT LOCK, CREATE USER IF NOT
// EXISTS and DROP USER IF EXISTS, so MariaDB 10.4 or later. The statements
// are written to also parse on MySQL 5.7 and 8.0 (IDENTIFIED WITH
// mysql_native_password AS), but MySQL is not tested; MySQL 8.4 disables
// mysql_native_password by default and 9.0 removes it.
//
// # Config
//
// Host and User are required; Port defaults to 3306; Database, the admin
// connection's default database, may be empty. TLS:
//
//	disable      plain TCP
//	prefer       TLS when the server offers it, certificate not checked (the default for "")
//	require      TLS, certificate not checked
//	verify-full  TLS, certificate chain and host name checked
//
// Config.TLSCA (a PEM bundle trusted instead of the system's CAs) and
// Config.TLSServerName (the name checked instead of Host) need verify-full,
// as do the tls_ca_file and tls_server_name params below (TLSServerName
// wins over tls_server_name; a bundle and a file are both trusted).
//
// Params (all optional; any other key is an error):
//
//	dial_timeout     Go duration, default 5s
//	read_timeout     Go duration, default 30s; bounds a server that stops answering
//	write_timeout    Go duration, default 30s
//	max_open_conns   admin connections in the pool; default a quarter of the
//	                 server's max_connections, 2 to 64, read at the first operation
//	                 (Config.PoolSize, the host's setting, wins over it)
//	tls_ca_file      PEM file of CAs to trust instead of the system's (verify-full only)
//	tls_server_name  name to check the certificate against instead of Host (verify-full only)
//
// Open does not dial; every method honours its context. Each operation
// runs all its statements on one admin session, so under load it queues
// for the pool once; bound arguments are interpolated by the client (one
// round trip per statement).
//
// # Required privileges
//
// The admin account needs these global privileges; CheckPrivileges names
// each one that is missing. The tenant privileges are needed WITH GRANT
// OPTION because the driver grants them on each tenant database. RELOAD is
// not needed.
//
//	CREATE USER 'dbplane'@'%' IDENTIFIED BY '<password>';
//	GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES,
//	      CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW,
//	      CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER,
//	      CREATE USER, PROCESS, CONNECTION ADMIN
//	  ON *.* TO 'dbplane'@'%' WITH GRANT OPTION;
//
// CREATE and DROP create and drop databases; SELECT also reads mysql.db and
// mysql.user (who owns a name) and information_schema (sizes); CREATE USER
// creates, alters, locks and drops owners; PROCESS lists other accounts'
// sessions and CONNECTION ADMIN ends them (before MariaDB 10.5.2, SUPER
// does; SUPER is accepted in its place). Privileges held only through a
// role are not counted.
//
// # Databases and owners
//
// Each database gets one owner account 'owner'@'remote' (remote defaults to
// "%"), created with IDENTIFIED WITH mysql_native_password AS '*<hash>': the
// hash is computed here, so the password never reaches the server's
// statement text, general or binary log, or process list. MaxConnections
// becomes MAX_USER_CONNECTIONS. The owner gets SELECT, INSERT, UPDATE,
// DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE TEMPORARY TABLES,
// LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER
// ROUTINE, EVENT and TRIGGER on its database only. In GRANT, "_" in a
// database name is a wildcard, so the driver escapes it ("u\_a") and the
// grant covers that database and no other. New databases are created with
// CHARACTER SET utf8mb4.
//
// MariaDB has no database owner, so grants stand for ownership.
// EnsureDatabase returns ErrExists, without changing anything, when another
// account holds database-level privileges on the name (whether or not the
// database exists: stale grants would otherwise reach the new tenant's
// data) or when the owner holds privileges on another database. A database
// that exists without grants, such as one left by an interrupted
// EnsureDatabase, is adopted. An existing owner gets the requested password
// and connection limit, so a retry converges. EnsureDatabase grants the
// active privileges but does not unlock a locked owner: that is SetAccess's
// job.
//
// The check above reads mysql.db by database name, which has no index and
// grows with the host (about 4 ms at 5,000 databases and 8 ms at 20,000).
// A Fresh request (a first attempt) skips it: it runs CREATE USER, CREATE
// DATABASE and GRANT without IF NOT EXISTS, and when the server answers
// 1396 (the owner exists; nothing was changed) or 1007 (the database
// exists) it runs the check and decides as above; an owner it made is
// dropped again only when the name turns out to be someone else's, so a
// replay converging the same create at the same time keeps its user. Only
// the two names of the request are ever touched.
//
// # Access levels
//
// active grants the full list and unlocks the account. read_only keeps
// SELECT, DELETE, DROP, SHOW VIEW, LOCK TABLES and EXECUTE, revokes the
// rest (INSERT, UPDATE, CREATE, ALTER, INDEX, REFERENCES, CREATE TEMPORARY
// TABLES, CREATE VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER), then
// unlocks the account and ends its sessions: MariaDB checks database
// privileges against a per-session cache, so an open session would keep
// writing. Over-quota tenants can thus read, DELETE, DROP TABLE and
// TRUNCATE to get back under quota, and dump with mysqldump. locked is
// ACCOUNT LOCK (new logins fail with error 4151) and ends the sessions;
// grants are kept, so going back to active or read_only restores them.
//
// Limits: sessions are matched by user name, as the process list knows no
// host pattern (names are unique per host). Between the REVOKE and the end
// of a session, that session can still write for a few milliseconds.
// Events and triggers run with their definer's privileges, which for a
// tenant's own objects are the reduced ones, so a read-only tenant's
// trigger that writes makes the DELETE that fires it fail.
//
// # Sizes
//
// DatabaseSizes measures InnoDB tables by their tablespace files
// (information_schema.INNODB_SYS_TABLESPACES, current as soon as rows are
// written) and other engines by DATA_LENGTH + INDEX_LENGTH in
// information_schema.TABLES, which is exact for Aria and MyISAM. Reading
// DATA_LENGTH opens a table, so only the tables without a tablespace of
// their own are read that way, looked up by name after one catalog query
// that opens none (see sizes.go): a host of 10,000 databases of one InnoDB
// table each is measured in about 0.2 s instead of 2–3 s. InnoDB tables in
// the system tablespace (innodb_file_per_table=OFF when they were made)
// count as 0, as before. MySQL 8.0 renamed INNODB_SYS_TABLESPACES to
// INNODB_TABLESPACES, so on MySQL 8 DatabaseSizes fails (Error 1109) and the
// quota watcher reports the host as not measured.
//
// # Catalog
//
// Catalog (the drift sweep) is one query: the schemas, every account of
// mysql.global_priv (MariaDB 10.4 and later) with its plugin,
// authentication string and lock, and every mysql.db grant. A password is
// checked against the mysql_native_password hash without logging in; any
// other plugin never matches. Grants on a database are active when they
// hold every owner privilege and no GRANT OPTION, read_only when they hold
// the read-only set and no write privilege. Reading mysql.* needs SELECT
// on it, which the admin's global privileges above include.
//
// # Errors
//
// Server errors become *engine.Error with the server's number as Code:
// 1007 → ErrExists; 1049, 1008, 1133, 1141, 1147, 1094 → ErrNotExist;
// 1396 → ErrExists in EnsureDatabase and ErrNotExist elsewhere; 1044, 1045,
// 1095, 1130, 1142, 1143, 1227, 1370, 1410, 1698, 4151 → ErrAccessDenied;
// 1040, 1053, 1129, 1927 and dial, network, TLS handshake and deadline
// failures → ErrUnreachable; 1235 → ErrUnsupported. Password hashes in
// server messages are replaced with "[redacted]".
package mariadb
