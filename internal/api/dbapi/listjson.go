package dbapi

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/http/response"
)

// The list is the management API's hottest answer, so it is encoded by
// appending bytes rather than through encoding/json's reflection: that and
// formatting the timestamps were the largest part of a list request's own
// CPU (bench/, SPEC §7). The bytes are exactly those json.Marshal makes of
// okBody{OK: true, Data: databaseListJSON{...}} plus a newline;
// FuzzListJSON holds the two together, so databaseJSON stays the shape's
// definition.

// appendListJSON appends the list answer for dbs, newline included.
func appendListJSON(b []byte, dbs []*dbplane.Database) []byte {
	b = append(b, `{"ok":true,"data":{"databases":[`...)
	for i, d := range dbs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendDatabaseJSON(b, d)
	}
	return append(b, "]}}\n"...)
}

// appendDatabaseJSON appends toDatabaseJSON(d) as JSON.
func appendDatabaseJSON(b []byte, d *dbplane.Database) []byte {
	b = append(b, '{')
	b = appendNames(b, d)
	b = appendState(b, d)
	return append(b, '}')
}

// appendRevealJSON appends the reveal answer for c, newline included:
// what json.Marshal makes of okBody{OK: true, Data: toRevealJSON(c)}
// (FuzzRevealJSON). Every reveal is a request of its own, so it is hot
// too.
func appendRevealJSON(b []byte, c *dbplane.Credentials) []byte {
	b = append(b, `{"ok":true,"data":{`...)
	b = appendNames(b, c.Database)
	b = append(b, `,"password":`...)
	b = appendString(b, string(c.Password))
	b = append(b, `,"connectionString":`...)
	b = appendString(b, string(c.ConnectionString))
	b = appendState(b, c.Database)
	return append(b, "}}\n"...)
}

// appendNames appends a database's leading fields, id to dbUser, without
// the opening brace: the list item and the reveal answer share them.
func appendNames(b []byte, d *dbplane.Database) []byte {
	b = append(b, `"id":`...)
	b = appendString(b, d.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, d.Label)
	b = append(b, `,"engine":`...)
	b = appendString(b, string(d.Engine))
	b = append(b, `,"dbName":`...)
	b = appendString(b, d.DBName)
	b = append(b, `,"dbUser":`...)
	return appendString(b, d.DBUser)
}

// appendState appends a database's trailing fields, sizeBytes to
// createdAt, each after a comma, without the closing brace.
func appendState(b []byte, d *dbplane.Database) []byte {
	b = append(b, `,"sizeBytes":`...)
	b = strconv.AppendInt(b, d.SizeBytes, 10)
	b = append(b, `,"sizeRefreshedAt":`...)
	if d.SizeRefreshedAt == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = response.AppendTime(b, *d.SizeRefreshedAt)
		b = append(b, '"')
	}
	b = append(b, `,"status":`...)
	b = appendString(b, string(d.Status.Public()))
	b = append(b, `,"createdAt":"`...)
	b = response.AppendTime(b, d.CreatedAt)
	return append(b, '"')
}

// appendString appends s as a JSON string, as encoding/json writes it.
// Printable ASCII other than the characters it escapes (", \, <, > and &)
// is copied; anything else goes through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
