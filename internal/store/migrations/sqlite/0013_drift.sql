-- The drift sweep's latest findings (issue 10), host by host: each sweep
-- of a host replaces that host's rows. object is the database or user
-- name on the host; database_id is '' for an object dbplane has no record
-- of. found_at is unix milliseconds.
CREATE TABLE drift_findings (
	host_id      TEXT NOT NULL,
	kind         TEXT NOT NULL,
	object       TEXT NOT NULL,
	database_id  TEXT NOT NULL DEFAULT '',
	repair       TEXT NOT NULL DEFAULT 'none',
	repair_error TEXT NOT NULL DEFAULT '',
	found_at     INTEGER NOT NULL,
	PRIMARY KEY (host_id, kind, object)
);
CREATE INDEX drift_findings_database ON drift_findings (database_id);
