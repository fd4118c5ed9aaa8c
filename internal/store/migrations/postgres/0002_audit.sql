-- The audit log (issue 11): one row per change, password reveal and
-- sign-in, never a secret. id is a ULID, so it sorts by time and is the
-- cursor of the list. resources is a JSON object of the route's path
-- values. at is unix milliseconds.
CREATE TABLE audit_log (
	id         TEXT COLLATE "C" PRIMARY KEY,
	at         BIGINT NOT NULL,
	surface    TEXT COLLATE "C" NOT NULL,
	action     TEXT COLLATE "C" NOT NULL,
	resources  TEXT COLLATE "C" NOT NULL DEFAULT '{}',
	account_id TEXT COLLATE "C" NOT NULL DEFAULT '',
	key_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
	key_prefix TEXT COLLATE "C" NOT NULL DEFAULT '',
	session_id TEXT COLLATE "C" NOT NULL DEFAULT '',
	email      TEXT COLLATE "C" NOT NULL DEFAULT '',
	reveal     SMALLINT NOT NULL DEFAULT 0,
	ip         TEXT COLLATE "C" NOT NULL DEFAULT '',
	status     INTEGER NOT NULL,
	request_id TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_account ON audit_log (account_id, id);
