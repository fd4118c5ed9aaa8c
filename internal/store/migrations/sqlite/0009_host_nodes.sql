-- A database host linked to several nodes (Pelican's node_ids, issue 9):
-- the links move from hosts.node_id into their own table. Placement reads
-- them with the hosts; a node's servers prefer its hosts.
CREATE TABLE host_nodes (
	host_id TEXT NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
	node_id TEXT NOT NULL REFERENCES nodes (id),
	PRIMARY KEY (host_id, node_id)
);
-- The admin API stored nodeId as given: a UUID or a numeric id. Either
-- becomes the node's UUID; a link to no node was never used and goes.
INSERT INTO host_nodes (host_id, node_id)
	SELECT DISTINCT h.id, n.id FROM hosts h JOIN nodes n ON n.id = h.node_id OR CAST(n.numeric_id AS TEXT) = h.node_id;
CREATE INDEX host_nodes_node ON host_nodes (node_id);
ALTER TABLE hosts DROP COLUMN node_id;
