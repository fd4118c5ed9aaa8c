-- Issue 12 target 6: an opt-in warm pool of PostgreSQL databases per host
-- (sqlite/0017).
ALTER TABLE hosts ADD COLUMN warm_pool BIGINT NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN warm_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN warm_db TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE intents ADD COLUMN warm_user TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE TABLE warm_databases (
	id         TEXT COLLATE "C" PRIMARY KEY,
	host_id    TEXT COLLATE "C" NOT NULL,
	db_name    TEXT COLLATE "C" NOT NULL UNIQUE,
	db_user    TEXT COLLATE "C" NOT NULL,
	state      TEXT COLLATE "C" NOT NULL,
	attempts   BIGINT NOT NULL DEFAULT 0,
	last_error TEXT COLLATE "C" NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	token      BIGINT NOT NULL DEFAULT 0,
	leased_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX warm_databases_host_state ON warm_databases (host_id, state, id);
