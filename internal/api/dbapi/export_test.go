package dbapi

import (
	"encoding/json"

	"github.com/dbplane/dbplane"
)

// ListJSON is the list answer as the handler encodes it.
func ListJSON(dbs []*dbplane.Database) []byte { return appendListJSON(nil, dbs) }

// ListJSONReflect is the list answer as encoding/json makes it from the
// wire structs, newline included: what ListJSON must equal.
func ListJSONReflect(dbs []*dbplane.Database) ([]byte, error) {
	out := databaseListJSON{Databases: make([]databaseJSON, 0, len(dbs))}
	for _, d := range dbs {
		out.Databases = append(out.Databases, toDatabaseJSON(d))
	}
	b, err := json.Marshal(okBody{OK: true, Data: out})
	return append(b, '\n'), err
}

// RevealJSON is the reveal answer as the handler encodes it.
func RevealJSON(c *dbplane.Credentials) []byte { return appendRevealJSON(nil, c) }

// RevealJSONReflect is the reveal answer as encoding/json makes it from
// the wire structs, newline included: what RevealJSON must equal.
func RevealJSONReflect(c *dbplane.Credentials) ([]byte, error) {
	b, err := json.Marshal(okBody{OK: true, Data: toRevealJSON(c)})
	return append(b, '\n'), err
}
