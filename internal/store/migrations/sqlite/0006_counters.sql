-- Per-row counters, so that a create checks its quotas and picks a host
-- without counting rows (SPEC §5, §7). database_count is kept in the same
-- transaction as every insert and delete of a databases row; used_bytes is
-- the sum of the account's size_bytes, kept by the quota watcher and by
-- deletes.
ALTER TABLE accounts ADD COLUMN database_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE servers ADD COLUMN database_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN database_count INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET
	database_count = (SELECT COUNT(*) FROM databases d WHERE d.account_id = accounts.id),
	used_bytes = (SELECT COALESCE(SUM(d.size_bytes), 0) FROM databases d WHERE d.account_id = accounts.id);
UPDATE servers SET database_count = (SELECT COUNT(*) FROM databases d WHERE d.server_id = servers.id);
UPDATE hosts SET database_count = (SELECT COUNT(*) FROM databases d WHERE d.host_id = hosts.id);
