-- Numeric ids are never reused: a script holding the id of a deleted
-- database must not reach the next one created.
CREATE TABLE sequences (
	name TEXT PRIMARY KEY,
	last INTEGER NOT NULL
);
INSERT INTO sequences (name, last) SELECT 'accounts', COALESCE(MAX(numeric_id), 0) FROM accounts;
INSERT INTO sequences (name, last) SELECT 'hosts', COALESCE(MAX(numeric_id), 0) FROM hosts;
INSERT INTO sequences (name, last) SELECT 'nodes', COALESCE(MAX(numeric_id), 0) FROM nodes;
INSERT INTO sequences (name, last) SELECT 'servers', COALESCE(MAX(numeric_id), 0) FROM servers;
INSERT INTO sequences (name, last) SELECT 'databases', COALESCE(MAX(numeric_id), 0) FROM databases;
