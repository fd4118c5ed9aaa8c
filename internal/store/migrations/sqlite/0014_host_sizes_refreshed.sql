-- Issue 12: a quota-watcher pass writes only the databases whose size
-- changed, and records the time of the pass on the host. A settled
-- database's sizeRefreshedAt is the later of its own size_refreshed_at
-- (when its size was last written) and its host's sizes_refreshed_at
-- (when a pass last measured every database on the host). Unix ms.
ALTER TABLE hosts ADD COLUMN sizes_refreshed_at INTEGER;
