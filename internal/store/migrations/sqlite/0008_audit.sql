-- The audit log (issue 11): one row per change, password reveal and
-- sign-in, never a secret. id is a ULID, so it sorts by time and is the
-- cursor of the list. resources is a JSON object of the route's path
-- values. at is unix milliseconds.
CREATE TABLE audit_log (
	id         TEXT PRIMARY KEY,
	at         INTEGER NOT NULL,
	surface    TEXT NOT NULL,
	action     TEXT NOT NULL,
	resources  TEXT NOT NULL DEFAULT '{}',
	account_id TEXT NOT NULL DEFAULT '',
	key_id     TEXT NOT NULL DEFAULT '',
	key_prefix TEXT NOT NULL DEFAULT '',
	session_id TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	reveal     INTEGER NOT NULL DEFAULT 0,
	ip         TEXT NOT NULL DEFAULT '',
	status     INTEGER NOT NULL,
	request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_account ON audit_log (account_id, id);
