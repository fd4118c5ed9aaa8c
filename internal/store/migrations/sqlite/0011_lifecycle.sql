-- Account deletion and retired hosts (issue 10).
-- accounts.deleting_at: when a cascading delete began (unix ms); the
-- account's databases are being dropped and the account goes once they
-- are. hosts.retired_at: when an operator retired a dead host; its
-- databases are 'orphaned', no longer counted against any quota.
ALTER TABLE accounts ADD COLUMN deleting_at INTEGER;
ALTER TABLE hosts ADD COLUMN retired_at INTEGER;
