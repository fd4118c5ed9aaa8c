-- Issue 10. API keys limited to address ranges (allowed_ips: a comma list
-- of canonical CIDRs, '' = anywhere), and the mark of a key an operator
-- disabled, which its owner may not enable again.
ALTER TABLE api_keys ADD COLUMN allowed_ips TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN disabled_by_operator SMALLINT NOT NULL DEFAULT 0;

-- Idempotency-Key on creates: one row per account, route and key, whose
-- id is the hex SHA-256 of the three (so the master-key rotation walks
-- the table by id like the others). status 0 = the first request is
-- still in flight; otherwise the status of its response, whose body and
-- headers are sealed in response under the master key, bound to the id.
-- fingerprint is the SHA-256 of the request's canonical body. Rows older
-- than 24 h are swept by the leader.
CREATE TABLE idempotency_keys (
	id          TEXT COLLATE "C" PRIMARY KEY,
	account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	fingerprint BYTEA NOT NULL,
	status      INTEGER NOT NULL DEFAULT 0,
	response    BYTEA,
	created_at  BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
