-- Intents are leased and fenced (issue 8). token counts the claims of an
-- intent: whoever holds it changes it only WHERE token is the one it holds,
-- so a worker whose intent was claimed by another stops instead of undoing
-- the other's work. leased_at is when the holder took it (at insert, or
-- at a claim); 0 when a failed attempt gave it back.
ALTER TABLE intents ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN leased_at INTEGER NOT NULL DEFAULT 0;
UPDATE intents SET leased_at = created_at;
