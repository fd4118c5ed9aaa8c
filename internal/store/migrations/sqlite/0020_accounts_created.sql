-- Accounts are listed oldest first (created_at, id): the admin API's
-- streamed list, the dashboard's pages and the Pterodactyl users list.
-- Without an index every list or page sorted the whole table.
CREATE INDEX accounts_created ON accounts (created_at, id);
