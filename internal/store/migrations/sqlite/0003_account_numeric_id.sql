-- Pterodactyl's server objects name their owner by a numeric user id.
ALTER TABLE accounts ADD COLUMN numeric_id INTEGER;
UPDATE accounts SET numeric_id = (
	SELECT COUNT(*) FROM accounts a2
	WHERE a2.created_at < accounts.created_at OR (a2.created_at = accounts.created_at AND a2.id <= accounts.id));
CREATE UNIQUE INDEX accounts_numeric_id ON accounts (numeric_id);
