-- Issue 12: the most admin connections each replica keeps to a host's
-- engine; 0 sizes the pool from the server's max_connections, as before.
ALTER TABLE hosts ADD COLUMN pool_size INTEGER NOT NULL DEFAULT 0;
