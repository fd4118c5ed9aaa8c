-- Issue 12: databases_host repeated the leading column of
-- UNIQUE (host_id, db_name), which serves every lookup by host; one index
-- fewer to write per create and drop.
DROP INDEX databases_host;
