-- Pterodactyl's nodes, servers and subusers; why a database is restricted;
-- deployment-wide settings.
CREATE TABLE nodes (
	id         TEXT PRIMARY KEY,
	numeric_id INTEGER NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE servers (
	id             TEXT PRIMARY KEY,
	numeric_id     INTEGER NOT NULL UNIQUE,
	identifier     TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	owner_id       TEXT NOT NULL REFERENCES accounts (id),
	node_id        TEXT NOT NULL REFERENCES nodes (id),
	database_limit INTEGER,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
);
CREATE INDEX servers_owner ON servers (owner_id);

CREATE TABLE subusers (
	server_id   TEXT NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
	account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	permissions TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (server_id, account_id)
);
CREATE INDEX subusers_account ON subusers (account_id);

ALTER TABLE databases ADD COLUMN admin_disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE databases ADD COLUMN suspension_disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE databases ADD COLUMN over_quota INTEGER NOT NULL DEFAULT 0;
CREATE INDEX databases_server ON databases (server_id, numeric_id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
