-- The drift sweep's latest findings (issue 10), host by host: each sweep
-- of a host replaces that host's rows. object is the database or user
-- name on the host; database_id is '' for an object dbplane has no record
-- of. found_at is unix milliseconds.
CREATE TABLE drift_findings (
	host_id      TEXT COLLATE "C" NOT NULL,
	kind         TEXT COLLATE "C" NOT NULL,
	object       TEXT COLLATE "C" NOT NULL,
	database_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
	repair       TEXT COLLATE "C" NOT NULL DEFAULT 'none',
	repair_error TEXT COLLATE "C" NOT NULL DEFAULT '',
	found_at     BIGINT NOT NULL,
	PRIMARY KEY (host_id, kind, object)
);
CREATE INDEX drift_findings_database ON drift_findings (database_id);
