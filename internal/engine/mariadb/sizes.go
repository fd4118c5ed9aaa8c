package mariadb

import (
	"context"
	"strconv"
	"strings"
)

// DatabaseSizes returns the bytes of data and indexes of every non-system
// database, 0 for a database without tables.
//
// InnoDB tables are measured by their tablespace files, whose size is
// current as soon as rows are written; TABLES.DATA_LENGTH for InnoDB comes
// from statistics that lag by minutes, which would let a tenant write far
// past its quota. Other engines (Aria, MyISAM) keep exact figures in
// information_schema.TABLES, but reading DATA_LENGTH there opens every
// table of every schema the query covers, InnoDB ones included: 2.8 s for
// 10,000 databases of one InnoDB table each on MariaDB 10.11, and a
// timeout at 100,000. So the measurement takes two steps:
//
//  1. one catalog query lists the schemas, the InnoDB tablespaces with
//     their sizes, and the names of all tables (a directory listing: no
//     table is opened);
//  2. the tables that have no tablespace of their own (other engines,
//     views, InnoDB tables in the system tablespace) are looked up by
//     schema and name, in batches of sizesBatch, and those whose ENGINE is
//     not InnoDB add their DATA_LENGTH + INDEX_LENGTH. A lookup by both
//     names opens that one table only.
//
// The result is the same as one query adding up the tablespaces and the
// non-InnoDB rows of TABLES: step 2 runs the same predicate on the same
// rows, and only skips rows that have a tablespace, which are InnoDB. A
// host whose tables are all InnoDB (what dbplane's tenants make unless they
// ask for another engine) needs step 1 only.
func (c *conn) DatabaseSizes(ctx context.Context) (map[string]int64, error) {
	catalog := renderSizes()
	rows, err := c.db.QueryContext(ctx, catalog.SQL, catalog.Args...)
	if err != nil {
		return nil, translate(opSizes, err)
	}
	defer rows.Close()
	sizes := make(map[string]int64)
	inTablespace := make(map[tableRef]struct{})
	var tables []tableRef
	for rows.Next() {
		var (
			kind        int
			name, table string
			size        int64
		)
		if err := rows.Scan(&kind, &name, &table, &size); err != nil {
			return nil, translate(opSizes, err)
		}
		switch kind {
		case sizeRowSchema:
			sizes[name] += 0
		case sizeRowTablespace:
			t := tablespaceTable(name)
			sizes[t.schema] += size
			inTablespace[t] = struct{}{}
		case sizeRowTable:
			tables = append(tables, tableRef{schema: name, table: table})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(opSizes, err)
	}
	rows.Close()

	var others []tableRef
	for _, t := range tables {
		if _, ok := inTablespace[t]; !ok {
			others = append(others, t)
		}
	}
	for _, s := range renderTableSizes(others) {
		if err := c.addTableSizes(ctx, s, sizes); err != nil {
			return nil, err
		}
	}
	return sizes, nil
}

// addTableSizes runs one batch of step 2 and adds its rows to sizes.
func (c *conn) addTableSizes(ctx context.Context, s stmt, sizes map[string]int64) error {
	rows, err := c.db.QueryContext(ctx, s.SQL, s.Args...)
	if err != nil {
		return translate(opSizes, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name string
			size int64
		)
		if err := rows.Scan(&name, &size); err != nil {
			return translate(opSizes, err)
		}
		sizes[name] += size
	}
	if err := rows.Err(); err != nil {
		return translate(opSizes, err)
	}
	return nil
}

// tableRef names a table by schema and table name, as TABLES spells them.
type tableRef struct{ schema, table string }

// The kinds of row renderSizes returns, in its first column.
const (
	sizeRowSchema     = 0 // a schema; its size starts at 0
	sizeRowTablespace = 1 // an InnoDB tablespace "<schema>/<table>" and its allocated bytes
	sizeRowTable      = 2 // a table's schema and name, without its size
)

// sizesBatch is how many tables one statement of step 2 looks up.
const sizesBatch = 200

// renderSizes is step 1 of DatabaseSizes: every non-system schema, every
// InnoDB tablespace of one, and the names of the tables in them, in one
// statement. Selecting only TABLE_SCHEMA and TABLE_NAME from TABLES lets
// the server list the schema directories without opening a table. The
// UNION ALL took a third of the time of a SCHEMATA LEFT JOIN TABLES on
// MariaDB 10.11 with 3,000 databases.
func renderSizes() stmt {
	return stmt{SQL: "SELECT " + strconv.Itoa(sizeRowSchema) + ", SCHEMA_NAME, '', 0 FROM information_schema.SCHEMATA" +
		" WHERE SCHEMA_NAME NOT IN (" + systemSchemas + ")" +
		" UNION ALL" +
		" SELECT " + strconv.Itoa(sizeRowTablespace) + ", NAME, '', CAST(ALLOCATED_SIZE AS SIGNED) FROM information_schema.INNODB_SYS_TABLESPACES" +
		" WHERE NAME LIKE '%/%' AND SUBSTRING_INDEX(NAME, '/', 1) NOT IN (" + systemSchemas + ")" +
		" UNION ALL" +
		" SELECT " + strconv.Itoa(sizeRowTable) + ", TABLE_SCHEMA, TABLE_NAME, 0 FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA NOT IN (" + systemSchemas + ")"}
}

// renderTableSizes is step 2 of DatabaseSizes: the DATA_LENGTH +
// INDEX_LENGTH of each of tables whose engine is not InnoDB, looked up by
// schema and name (bound as arguments), sizesBatch tables per statement.
func renderTableSizes(tables []tableRef) []stmt {
	const one = "SELECT TABLE_SCHEMA, CAST(COALESCE(DATA_LENGTH + INDEX_LENGTH, 0) AS SIGNED) FROM information_schema.TABLES" +
		" WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND ENGINE <> 'InnoDB'"
	var out []stmt
	for len(tables) > 0 {
		n := min(len(tables), sizesBatch)
		var b strings.Builder
		args := make([]any, 0, 2*n)
		for i, t := range tables[:n] {
			if i > 0 {
				b.WriteString(" UNION ALL ")
			}
			b.WriteString(one)
			args = append(args, t.schema, t.table)
		}
		out = append(out, stmt{SQL: b.String(), Args: args})
		tables = tables[n:]
	}
	return out
}

// tablespaceTable returns the table an InnoDB tablespace name
// "<schema>/<table>" belongs to. Both parts are in the server's filename
// encoding (decodeFilename); a partition's tablespace is
// "<table>#P#<partition>" (MySQL 8: "#p#"), and "#" appears in the
// encoding only there, as a real "#" is written @0023.
func tablespaceTable(name string) tableRef {
	schema, table, _ := strings.Cut(name, "/")
	if i := strings.IndexByte(table, '#'); i >= 0 {
		table = table[:i]
	}
	return tableRef{schema: decodeFilename(schema), table: decodeFilename(table)}
}
