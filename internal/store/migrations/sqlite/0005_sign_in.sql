-- Dashboard sign-in (SPEC §9): account passwords (argon2id, PHC string),
-- browser sessions and one-time set-password links. Tokens are stored
-- only as SHA-256 hashes. Written in the subset both dialects take, so the
-- PostgreSQL store can port it with BLOB → BYTEA and INTEGER → BIGINT.
ALTER TABLE accounts ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	hash         BLOB NOT NULL UNIQUE,
	account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions (account_id, created_at);

CREATE TABLE password_links (
	hash       BLOB PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX password_links_account ON password_links (account_id);
