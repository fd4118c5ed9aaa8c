package dbapi_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/api/dbapi"
)

// FuzzListJSON checks that the hand-encoded list answer is byte for byte
// what encoding/json makes of the wire structs, for any label, names,
// size, status and times: escapes (quotes, backslashes, <, >, &, control
// characters, U+2028), invalid UTF-8, null and set sizeRefreshedAt, zones
// other than UTC.
func FuzzListJSON(f *testing.F) {
	f.Add("my-app", "um_abc_1", "dum_abc_1", int64(0), false, int64(1779269400123456789), "active", 0)
	f.Add(`a"b\c`, "<x>&", "\u2028\x00\x1f", int64(-1), true, int64(0), "over_quota", 3600)
	f.Add("données", "\xff\xfe", "é\u2029", int64(1<<62), true, int64(-62135596800000000), "bogus", -7200)
	f.Fuzz(func(t *testing.T, label, dbName, dbUser string, size int64, measured bool, nanos int64, status string, offset int) {
		at := time.Unix(0, nanos).In(time.FixedZone("z", offset%86400))
		d := &dbplane.Database{
			ID: "01JZ" + dbName, Label: label, Engine: dbplane.Engine(dbUser), DBName: dbName, DBUser: dbUser,
			SizeBytes: size, Status: dbplane.Status(status), CreatedAt: at,
		}
		if measured {
			m := at.Add(time.Duration(size % int64(time.Hour)))
			d.SizeRefreshedAt = &m
		}
		for _, dbs := range [][]*dbplane.Database{nil, {d}, {d, d}} {
			want, err := dbapi.ListJSONReflect(dbs)
			if err != nil {
				t.Fatal(err)
			}
			if got := dbapi.ListJSON(dbs); !bytes.Equal(got, want) {
				t.Fatalf("ListJSON(%d databases) =\n%s\nencoding/json:\n%s", len(dbs), got, want)
			}
		}
	})
}

// FuzzRevealJSON checks the hand-encoded reveal answer against
// encoding/json, as FuzzListJSON does the list, with any password and
// connection string too.
func FuzzRevealJSON(f *testing.F) {
	f.Add("my-app", "um_abc_1", "dum_abc_1", "Sup3rS3cret", "mysql://u:p@h:3306/d", int64(0), false, int64(1779269400123456789), "active", 0)
	f.Add(`a"b\c`, "<x>&", "\u2028\x00\x1f", "p\"&<>\\", "\xff\xfe\u2029", int64(-1), true, int64(0), "over_quota", 3600)
	f.Add("données", "\xff\xfe", "é\u2029", "", "", int64(1<<62), true, int64(-62135596800000000), "bogus", -7200)
	f.Fuzz(func(t *testing.T, label, dbName, dbUser, password, conn string, size int64, measured bool, nanos int64, status string, offset int) {
		at := time.Unix(0, nanos).In(time.FixedZone("z", offset%86400))
		d := &dbplane.Database{
			ID: "01JZ" + dbName, Label: label, Engine: dbplane.Engine(dbUser), DBName: dbName, DBUser: dbUser,
			SizeBytes: size, Status: dbplane.Status(status), CreatedAt: at,
		}
		if measured {
			m := at.Add(time.Duration(size % int64(time.Hour)))
			d.SizeRefreshedAt = &m
		}
		c := &dbplane.Credentials{Database: d, Password: dbplane.Secret(password), ConnectionString: dbplane.Secret(conn)}
		want, err := dbapi.RevealJSONReflect(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := dbapi.RevealJSON(c); !bytes.Equal(got, want) {
			t.Fatalf("RevealJSON =\n%s\nencoding/json:\n%s", got, want)
		}
	})
}
