package mariadb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/dbtest"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/engine/mariadb"
)

// legacySizesSQL is the one-query measurement DatabaseSizes used before it
// took two steps: tablespaces for InnoDB, TABLES.DATA_LENGTH (which opens
// every table the query covers) for every other engine. Rows whose name
// starts with "#ts#" carry a schema name in the filename encoding. It is
// the oracle of TestConn_DatabaseSizesSameAsOneQuery.
const legacySizesSQL = "SELECT SCHEMA_NAME, 0 FROM information_schema.SCHEMATA" +
	" WHERE SCHEMA_NAME NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')" +
	" UNION ALL" +
	" SELECT TABLE_SCHEMA, CAST(COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) AS SIGNED) FROM information_schema.TABLES" +
	" WHERE TABLE_SCHEMA NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') AND ENGINE <> 'InnoDB'" +
	" GROUP BY TABLE_SCHEMA" +
	" UNION ALL" +
	" SELECT CONCAT('#ts#', SUBSTRING_INDEX(NAME, '/', 1)), CAST(SUM(ALLOCATED_SIZE) AS SIGNED)" +
	" FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME LIKE '%/%'" +
	" AND SUBSTRING_INDEX(NAME, '/', 1) NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys')" +
	" GROUP BY SUBSTRING_INDEX(NAME, '/', 1)"

// legacySizes runs legacySizesSQL and adds its rows up per schema, as the
// one-query DatabaseSizes did.
func legacySizes(ctx context.Context, tb testing.TB, srv *dbtest.Server) map[string]int64 {
	tb.Helper()
	rows, err := srv.AdminDB().QueryContext(ctx, legacySizesSQL)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	sizes := map[string]int64{}
	for rows.Next() {
		var name string
		var size int64
		if err := rows.Scan(&name, &size); err != nil {
			tb.Fatal(err)
		}
		if rest, ok := strings.CutPrefix(name, "#ts#"); ok {
			name = mariadb.DecodeFilename(rest)
		}
		sizes[name] += size
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return sizes
}

// TestConn_DatabaseSizesSameAsOneQuery makes databases of every shape
// dbplane's tenants can make — InnoDB tables (one with a secondary index,
// one partitioned), MyISAM and Aria tables, a view, none at all, all of
// them in one database, and names that need the filename encoding — and
// checks that DatabaseSizes reports, for each, exactly the bytes of the
// one query it replaces.
func TestConn_DatabaseSizesSameAsOneQuery(t *testing.T) {
	t.Parallel()
	srv := dbtest.MariaDB(t)
	c := mustOpen(t, srv.AdminConfig())
	ctx := testCtx(t)
	admin := srv.AdminDB()

	shapes := map[string][]string{
		"empty": nil,
		"innodb": {
			"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200), KEY (v)) ENGINE=InnoDB",
			"INSERT INTO t SELECT seq, REPEAT('x', 200) FROM seq_1_to_2000",
			"CREATE TABLE p (id INT PRIMARY KEY) ENGINE=InnoDB PARTITION BY HASH(id) PARTITIONS 3",
			"INSERT INTO p SELECT seq FROM seq_1_to_100",
		},
		"myisam": {
			"CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=MyISAM",
			"INSERT INTO m SELECT seq, REPEAT('m', 150) FROM seq_1_to_500",
		},
		"aria": {
			"CREATE TABLE a (id INT, v TEXT) ENGINE=Aria",
			"INSERT INTO a SELECT seq, REPEAT('a', 300) FROM seq_1_to_300",
		},
		"mixed": {
			"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200)) ENGINE=InnoDB",
			"INSERT INTO t SELECT seq, REPEAT('x', 100) FROM seq_1_to_1000",
			"CREATE TABLE m (id INT PRIMARY KEY) ENGINE=MyISAM",
			"INSERT INTO m SELECT seq FROM seq_1_to_700",
			"CREATE TABLE `a-1` (id INT, KEY (id)) ENGINE=Aria",
			"INSERT INTO `a-1` SELECT seq FROM seq_1_to_400",
			"CREATE TABLE `i-2` (id INT) ENGINE=InnoDB",
			"CREATE VIEW v AS SELECT t.id FROM t JOIN m ON m.id = t.id",
		},
		"enc-innodb": {
			"CREATE TABLE `t-1` (id INT PRIMARY KEY) ENGINE=InnoDB",
			"INSERT INTO `t-1` SELECT seq FROM seq_1_to_1000",
		},
		"enc-myisam": {
			"CREATE TABLE `m-1` (id INT) ENGINE=MyISAM",
			"INSERT INTO `m-1` SELECT seq FROM seq_1_to_1000",
		},
	}
	names := map[string]string{}
	for shape, stmts := range shapes {
		db, _ := newNames()
		db = db + "_" + shape
		names[shape] = db
		q := engine.QuoteIdent('`', db)
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+q); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+q); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
		conn, err := admin.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "USE "+q); err != nil {
			t.Fatal(err)
		}
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %s: %v", db, s, err)
			}
		}
		conn.Close()
	}

	got, err := c.(engine.Sizer).DatabaseSizes(ctx)
	if err != nil {
		t.Fatalf("DatabaseSizes() = %v", err)
	}
	want := legacySizes(ctx, t, srv)
	for shape, db := range names {
		g, gok := got[db]
		w, wok := want[db]
		if !gok || !wok || g != w {
			t.Errorf("%s (%s): DatabaseSizes = %d (listed %t), one query = %d (listed %t)", shape, db, g, gok, w, wok)
		}
		if shape == "empty" {
			if g != 0 {
				t.Errorf("%s: DatabaseSizes = %d, want 0", db, g)
			}
		} else if g <= 0 {
			t.Errorf("%s: DatabaseSizes = %d, want > 0", db, g)
		}
	}
	// The non-InnoDB part must be there: the mixed database holds more
	// than its InnoDB tablespaces.
	var innodb int64
	err = admin.QueryRowContext(ctx, "SELECT CAST(COALESCE(SUM(ALLOCATED_SIZE), 0) AS SIGNED) FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME LIKE ?",
		strings.ReplaceAll(names["mixed"], "-", "@002d")+"/%").Scan(&innodb)
	if err != nil {
		t.Fatal(err)
	}
	if m := got[names["mixed"]]; m <= innodb {
		t.Errorf("mixed: DatabaseSizes = %d, not more than its InnoDB tablespaces (%d): MyISAM and Aria left out", m, innodb)
	}
	if t.Failed() {
		t.Logf("databases: %s", fmt.Sprint(names))
	}
}
