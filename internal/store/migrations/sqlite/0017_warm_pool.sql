-- Issue 12 target 6: an opt-in warm pool of PostgreSQL databases per host.
-- warm_pool is how many the operator wants ready (0 = off); warm_count is
-- how many the host holds now (being made, ready or being dropped), kept in
-- the same transaction as every insert and delete of a warm_databases row,
-- and counted with database_count against max_databases.
ALTER TABLE hosts ADD COLUMN warm_pool INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN warm_count INTEGER NOT NULL DEFAULT 0;
-- A create that claimed a warm database records its placeholder names:
-- the engine step renames them to db_name and db_user ('' = no claim).
ALTER TABLE intents ADD COLUMN warm_db TEXT NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN warm_user TEXT NOT NULL DEFAULT '';
-- A warm database: made ahead of time under placeholder names, its own
-- intent while it is being made ('making') or dropped ('dropping'), leased
-- and fenced on token as intents are; claimable while 'ready'.
CREATE TABLE warm_databases (
	id         TEXT PRIMARY KEY,
	host_id    TEXT NOT NULL,
	db_name    TEXT NOT NULL UNIQUE,
	db_user    TEXT NOT NULL,
	state      TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	token      INTEGER NOT NULL DEFAULT 0,
	leased_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX warm_databases_host_state ON warm_databases (host_id, state, id);
