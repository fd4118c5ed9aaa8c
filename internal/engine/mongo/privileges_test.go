package mongo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/dbplane/dbplane/internal/engine/mongo"
)

func TestMissingPrivileges(t *testing.T) {
	anyDB := bson.D{{Key: "db", Value: ""}, {Key: "collection", Value: ""}}
	oneDB := bson.D{{Key: "db", Value: "app"}, {Key: "collection", Value: ""}}
	cluster := bson.D{{Key: "cluster", Value: true}}
	priv := func(resource bson.D, actions ...string) bson.D {
		a := bson.A{}
		for _, x := range actions {
			a = append(a, x)
		}
		return bson.D{{Key: "resource", Value: resource}, {Key: "actions", Value: a}}
	}
	reply := func(privs ...bson.D) bson.D {
		p := bson.A{}
		for _, x := range privs {
			p = append(p, x)
		}
		return bson.D{{Key: "authInfo", Value: bson.D{{Key: "authenticatedUserPrivileges", Value: p}}}, {Key: "ok", Value: 1.0}}
	}
	userAdmin := priv(anyDB, "createUser", "dropUser", "grantRole", "revokeRole", "changePassword", "viewUser", "setAuthenticationRestriction")
	dbAdmin := priv(anyDB, "createCollection", "dropDatabase")
	all := []string{"createUser", "dropUser", "grantRole", "revokeRole", "changePassword", "viewUser",
		"setAuthenticationRestriction", "createCollection", "dropDatabase", "listDatabases", "killAnySession", "impersonate"}
	tests := []struct {
		name  string
		reply bson.D
		want  []string
	}{
		{"root (anyResource)", reply(priv(bson.D{{Key: "anyResource", Value: true}}, all...)), nil},
		{"custom role", reply(userAdmin, dbAdmin, priv(cluster, "listDatabases", "killAnySession", "impersonate")), nil},
		{"no privileges", reply(), all},
		{"no cluster actions", reply(userAdmin, dbAdmin), []string{"listDatabases", "killAnySession", "impersonate"}},
		{"user admin on one database only", reply(priv(oneDB, all...), priv(cluster, all...)),
			[]string{"createUser", "dropUser", "grantRole", "revokeRole", "changePassword", "viewUser",
				"setAuthenticationRestriction", "createCollection", "dropDatabase"}},
		{"cluster action granted on databases", reply(userAdmin, dbAdmin, priv(anyDB, "listDatabases", "killAnySession", "impersonate")),
			[]string{"listDatabases", "killAnySession", "impersonate"}},
		{"readAnyDatabase", reply(priv(anyDB, "find", "listCollections"), priv(cluster, "listDatabases")),
			[]string{"createUser", "dropUser", "grantRole", "revokeRole", "changePassword", "viewUser",
				"setAuthenticationRestriction", "createCollection", "dropDatabase", "killAnySession", "impersonate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mongo.MissingPrivileges(tc.reply)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("missing privileges (-want +got):\n%s", diff)
			}
		})
	}
}
