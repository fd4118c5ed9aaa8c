package mongo

import (
	"context"
	"fmt"

	"github.com/dbplane/dbplane/internal/engine"
)

// need is one privilege dbplane needs: an action on every database, or on
// the cluster.
type need struct {
	Action  string
	Cluster bool
	Why     string
}

// needs lists what the admin user must hold on MongoDB, in the order
// CheckPrivileges names what is missing.
var needs = []need{
	{Action: "createUser", Why: "create owners"},
	{Action: "dropUser", Why: "drop owners"},
	{Action: "grantRole", Why: "give owners readWrite and dbAdmin"},
	{Action: "revokeRole", Why: "take roles away for read_only and locked"},
	{Action: "changePassword", Why: "set owners' passwords"},
	{Action: "viewUser", Why: "find owners (usersInfo)"},
	{Action: "setAuthenticationRestriction", Why: "refuse a locked owner's logins"},
	{Action: "createCollection", Why: "create databases"},
	{Action: "dropDatabase", Why: "drop databases"},
	{Action: "listDatabases", Cluster: true, Why: "sizes and existence"},
	{Action: "killAnySession", Cluster: true, Why: "end owners' sessions"},
	{Action: "impersonate", Cluster: true, Why: "end sessions by user name"},
}

// privilege is one entry of connectionStatus's authenticatedUserPrivileges.
type privilege struct {
	Resource struct {
		AnyResource bool    `bson:"anyResource"`
		Cluster     bool    `bson:"cluster"`
		DB          *string `bson:"db"`
		Collection  *string `bson:"collection"`
	} `bson:"resource"`
	Actions []string `bson:"actions"`
}

type connectionStatus struct {
	AuthInfo struct {
		AuthenticatedUsers []struct {
			User string `bson:"user"`
			DB   string `bson:"db"`
		} `bson:"authenticatedUsers"`
		Privileges []privilege `bson:"authenticatedUserPrivileges"`
	} `bson:"authInfo"`
}

// covers reports whether p grants action where n needs it: on the
// cluster, or on every database (db "" and collection "").
func (p privilege) covers(n need) bool {
	r := p.Resource
	ok := r.AnyResource
	if n.Cluster {
		ok = ok || r.Cluster
	} else {
		ok = ok || (r.DB != nil && *r.DB == "" && r.Collection != nil && *r.Collection == "")
	}
	if !ok {
		return false
	}
	for _, a := range p.Actions {
		if a == n.Action {
			return true
		}
	}
	return false
}

// missing returns the needs no privilege covers.
func missing(privs []privilege) []need {
	var out []need
	for _, n := range needs {
		covered := false
		for _, p := range privs {
			if p.covers(n) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, n)
		}
	}
	return out
}

// CheckPrivileges reads the admin's privileges from connectionStatus and
// names each missing one. FerretDB v1 checks no privileges: any
// authenticated user may do everything, so there a successful
// connectionStatus is enough.
func (c *conn) CheckPrivileges(ctx context.Context) error {
	f, _, err := c.detect(ctx, opCheckPrivileges)
	if err != nil {
		return err
	}
	var st connectionStatus
	if err := c.run(ctx, opCheckPrivileges, cmdPrivileges, &st, ""); err != nil {
		return err
	}
	if f == flavorFerretDB {
		return nil
	}
	m := missing(st.AuthInfo.Privileges)
	if len(m) == 0 {
		return nil
	}
	names := make([]string, len(m))
	for i, n := range m {
		where := "any database"
		if n.Cluster {
			where = "the cluster"
		}
		names[i] = fmt.Sprintf("%s on %s (to %s)", n.Action, where, n.Why)
	}
	return &engine.Error{Op: opCheckPrivileges, Engine: name, Kind: engine.ErrAccessDenied,
		Err: fmt.Errorf("admin user lacks %w", &engine.MissingPrivileges{Names: names})}
}
