-- An undone create's drop (its row gone, its intent now a drop) holds the
-- create's place on its host until the drop is done (store.undoneDrop),
-- so that what the create may have left on the engine counts against
-- max_databases. Drops pending from before counted nothing, and their end
-- gives a place back: count them in now.
UPDATE hosts SET database_count = database_count + (SELECT COUNT(*) FROM intents
	WHERE intents.host_id = hosts.id AND intents.kind = 'drop'
	AND NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = intents.database_id));
