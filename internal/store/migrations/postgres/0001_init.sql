-- The PostgreSQL store starts at the SQLite schema's latest version
-- (sqlite/0001 to 0007, sign-in and counters and leased intents included),
-- in PostgreSQL's types, so every statement of the store runs on both:
-- - timestamps are unix milliseconds in BIGINT (INTEGER would overflow);
-- - flags are SMALLINT 0/1, as SQLite's INTEGER flags, so WHERE flag = 0
--   and scans into int read the same;
-- - byte strings are BYTEA;
-- - every text column is COLLATE "C", SQLite's BINARY: ORDER BY name or id
--   sorts the same on both, whatever the database's locale;
-- - numeric ids come from native sequences (nextval), never handed out
--   twice; SQLite's sequences table has no use here.
-- PostgreSQL only: databases.server_id references servers, and the
-- leadership table of the elected replica.
CREATE TABLE accounts (
	id             TEXT COLLATE "C" PRIMARY KEY,
	email          TEXT COLLATE "C" NOT NULL UNIQUE,
	name           TEXT COLLATE "C" NOT NULL,
	role           TEXT COLLATE "C" NOT NULL,
	slots          BIGINT,
	storage_bytes  BIGINT,
	suspended      SMALLINT NOT NULL DEFAULT 0,
	created_at     BIGINT NOT NULL,
	updated_at     BIGINT NOT NULL,
	numeric_id     BIGINT UNIQUE,
	password_hash  TEXT COLLATE "C" NOT NULL DEFAULT '',
	database_count BIGINT NOT NULL DEFAULT 0,
	used_bytes     BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
	id                     TEXT COLLATE "C" PRIMARY KEY,
	account_id             TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	kind                   TEXT COLLATE "C" NOT NULL,
	name                   TEXT COLLATE "C" NOT NULL,
	prefix                 TEXT COLLATE "C" NOT NULL,
	hash                   BYTEA NOT NULL UNIQUE,
	permissions            TEXT COLLATE "C" NOT NULL DEFAULT '',
	disabled               SMALLINT NOT NULL DEFAULT 0,
	disabled_by_suspension SMALLINT NOT NULL DEFAULT 0,
	expires_at             BIGINT,
	created_at             BIGINT NOT NULL,
	last_used_at           BIGINT
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

CREATE TABLE hosts (
	id              TEXT COLLATE "C" PRIMARY KEY,
	numeric_id      BIGINT NOT NULL UNIQUE,
	name            TEXT COLLATE "C" NOT NULL,
	engine          TEXT COLLATE "C" NOT NULL,
	hostname        TEXT COLLATE "C" NOT NULL,
	port            BIGINT NOT NULL,
	username        TEXT COLLATE "C" NOT NULL,
	sealed_password BYTEA NOT NULL,
	admin_database  TEXT COLLATE "C" NOT NULL DEFAULT '',
	public_hostname TEXT COLLATE "C" NOT NULL DEFAULT '',
	public_port     BIGINT NOT NULL DEFAULT 0,
	tls             TEXT COLLATE "C" NOT NULL,
	node_id         TEXT COLLATE "C",
	max_databases   BIGINT,
	enabled         SMALLINT NOT NULL DEFAULT 1,
	created_at      BIGINT NOT NULL,
	updated_at      BIGINT NOT NULL,
	database_count  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE nodes (
	id         TEXT COLLATE "C" PRIMARY KEY,
	numeric_id BIGINT NOT NULL UNIQUE,
	name       TEXT COLLATE "C" NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE servers (
	id             TEXT COLLATE "C" PRIMARY KEY,
	numeric_id     BIGINT NOT NULL UNIQUE,
	identifier     TEXT COLLATE "C" NOT NULL UNIQUE,
	name           TEXT COLLATE "C" NOT NULL,
	owner_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
	node_id        TEXT COLLATE "C" NOT NULL REFERENCES nodes (id),
	database_limit BIGINT,
	created_at     BIGINT NOT NULL,
	updated_at     BIGINT NOT NULL,
	database_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX servers_owner ON servers (owner_id);

CREATE TABLE subusers (
	server_id   TEXT COLLATE "C" NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
	account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	permissions TEXT COLLATE "C" NOT NULL DEFAULT '',
	created_at  BIGINT NOT NULL,
	PRIMARY KEY (server_id, account_id)
);
CREATE INDEX subusers_account ON subusers (account_id);

CREATE TABLE databases (
	id                  TEXT COLLATE "C" PRIMARY KEY,
	numeric_id          BIGINT NOT NULL UNIQUE,
	account_id          TEXT COLLATE "C" NOT NULL REFERENCES accounts (id),
	server_id           TEXT COLLATE "C" REFERENCES servers (id),
	host_id             TEXT COLLATE "C" NOT NULL REFERENCES hosts (id),
	engine              TEXT COLLATE "C" NOT NULL,
	label               TEXT COLLATE "C" NOT NULL,
	db_name             TEXT COLLATE "C" NOT NULL,
	db_user             TEXT COLLATE "C" NOT NULL,
	remote              TEXT COLLATE "C" NOT NULL,
	max_connections     BIGINT NOT NULL DEFAULT 0,
	sealed_password     BYTEA NOT NULL,
	status              TEXT COLLATE "C" NOT NULL,
	size_bytes          BIGINT NOT NULL DEFAULT 0,
	size_refreshed_at   BIGINT,
	created_at          BIGINT NOT NULL,
	updated_at          BIGINT NOT NULL,
	admin_disabled      SMALLINT NOT NULL DEFAULT 0,
	suspension_disabled SMALLINT NOT NULL DEFAULT 0,
	over_quota          SMALLINT NOT NULL DEFAULT 0,
	UNIQUE (account_id, label),
	UNIQUE (host_id, db_name),
	UNIQUE (host_id, db_user)
);
CREATE INDEX databases_account ON databases (account_id, created_at, id);
CREATE INDEX databases_host ON databases (host_id);
CREATE INDEX databases_server ON databases (server_id, numeric_id);

-- n in the naming scheme counts up per account and engine and is never reused.
CREATE TABLE name_counters (
	account_id TEXT COLLATE "C" NOT NULL,
	engine     TEXT COLLATE "C" NOT NULL,
	last       BIGINT NOT NULL,
	PRIMARY KEY (account_id, engine)
);

-- An engine change in flight: written before the engine is touched, leased
-- and fenced on token (sqlite/0007).
CREATE TABLE intents (
	id              TEXT COLLATE "C" PRIMARY KEY,
	kind            TEXT COLLATE "C" NOT NULL,
	database_id     TEXT COLLATE "C" NOT NULL UNIQUE,
	host_id         TEXT COLLATE "C" NOT NULL,
	db_name         TEXT COLLATE "C" NOT NULL,
	db_user         TEXT COLLATE "C" NOT NULL,
	remote          TEXT COLLATE "C" NOT NULL,
	sealed_password BYTEA,
	attempts        BIGINT NOT NULL DEFAULT 0,
	last_error      TEXT COLLATE "C" NOT NULL DEFAULT '',
	created_at      BIGINT NOT NULL,
	token           BIGINT NOT NULL DEFAULT 0,
	leased_at       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX intents_leased_at ON intents (leased_at);

CREATE TABLE settings (
	key   TEXT COLLATE "C" PRIMARY KEY,
	value TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sessions (
	id           TEXT COLLATE "C" PRIMARY KEY,
	hash         BYTEA NOT NULL UNIQUE,
	account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at   BIGINT NOT NULL,
	last_seen_at BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL,
	ip           TEXT COLLATE "C" NOT NULL DEFAULT '',
	user_agent   TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id, created_at);

CREATE TABLE password_links (
	hash       BYTEA PRIMARY KEY,
	account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX password_links_account ON password_links (account_id);

CREATE SEQUENCE accounts_numeric_id;
CREATE SEQUENCE hosts_numeric_id;
CREATE SEQUENCE nodes_numeric_id;
CREATE SEQUENCE servers_numeric_id;
CREATE SEQUENCE databases_numeric_id;

-- The elected replica (PostgreSQL mode): epoch moves on at every election,
-- and background writes are fenced on it.
CREATE TABLE leadership (
	name   TEXT COLLATE "C" PRIMARY KEY,
	epoch  BIGINT NOT NULL,
	holder TEXT COLLATE "C" NOT NULL,
	since  BIGINT NOT NULL
);
INSERT INTO leadership (name, epoch, holder, since) VALUES ('background', 0, '', 0);
