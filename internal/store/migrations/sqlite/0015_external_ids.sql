-- Issue 9: accounts and servers carry an optional external id (the id
-- another system, such as a game panel, knows them by), unique per kind.
-- NULL is none; a unique index allows any number of NULLs.
ALTER TABLE accounts ADD COLUMN external_id TEXT;
ALTER TABLE servers ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX accounts_external_id ON accounts (external_id);
CREATE UNIQUE INDEX servers_external_id ON servers (external_id);
