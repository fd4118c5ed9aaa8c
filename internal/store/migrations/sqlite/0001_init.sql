-- Timestamps are unix milliseconds; ids are text (ULID or UUID).
CREATE TABLE accounts (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	slots         INTEGER,
	storage_bytes INTEGER,
	suspended     INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);

CREATE TABLE api_keys (
	id                     TEXT PRIMARY KEY,
	account_id             TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind                   TEXT NOT NULL,
	name                   TEXT NOT NULL,
	prefix                 TEXT NOT NULL,
	hash                   BLOB NOT NULL UNIQUE,
	permissions            TEXT NOT NULL DEFAULT '',
	disabled               INTEGER NOT NULL DEFAULT 0,
	disabled_by_suspension INTEGER NOT NULL DEFAULT 0,
	expires_at             INTEGER,
	created_at             INTEGER NOT NULL,
	last_used_at           INTEGER
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

CREATE TABLE hosts (
	id              TEXT PRIMARY KEY,
	numeric_id      INTEGER NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	engine          TEXT NOT NULL,
	hostname        TEXT NOT NULL,
	port            INTEGER NOT NULL,
	username        TEXT NOT NULL,
	sealed_password BLOB NOT NULL,
	admin_database  TEXT NOT NULL DEFAULT '',
	public_hostname TEXT NOT NULL DEFAULT '',
	public_port     INTEGER NOT NULL DEFAULT 0,
	tls             TEXT NOT NULL,
	node_id         TEXT,
	max_databases   INTEGER,
	enabled         INTEGER NOT NULL DEFAULT 1,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);

CREATE TABLE databases (
	id                TEXT PRIMARY KEY,
	numeric_id        INTEGER NOT NULL UNIQUE,
	account_id        TEXT NOT NULL REFERENCES accounts (id),
	server_id         TEXT,
	host_id           TEXT NOT NULL REFERENCES hosts (id),
	engine            TEXT NOT NULL,
	label             TEXT NOT NULL,
	db_name           TEXT NOT NULL,
	db_user           TEXT NOT NULL,
	remote            TEXT NOT NULL,
	max_connections   INTEGER NOT NULL DEFAULT 0,
	sealed_password   BLOB NOT NULL,
	status            TEXT NOT NULL,
	size_bytes        INTEGER NOT NULL DEFAULT 0,
	size_refreshed_at INTEGER,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL,
	UNIQUE (account_id, label),
	UNIQUE (host_id, db_name),
	UNIQUE (host_id, db_user)
);
CREATE INDEX databases_account ON databases (account_id, created_at, id);
CREATE INDEX databases_host ON databases (host_id);

-- n in the naming scheme counts up per account and engine and is never reused.
CREATE TABLE name_counters (
	account_id TEXT NOT NULL,
	engine     TEXT NOT NULL,
	last       INTEGER NOT NULL,
	PRIMARY KEY (account_id, engine)
);

-- An engine change in flight: written before the engine is touched.
CREATE TABLE intents (
	id              TEXT PRIMARY KEY,
	kind            TEXT NOT NULL,
	database_id     TEXT NOT NULL UNIQUE,
	host_id         TEXT NOT NULL,
	db_name         TEXT NOT NULL,
	db_user         TEXT NOT NULL,
	remote          TEXT NOT NULL,
	sealed_password BLOB,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL
);
