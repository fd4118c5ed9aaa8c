package control

import (
	"context"
	"slices"
	"strings"

	"github.com/dbplane/dbplane"
)

// CreateNode adds a node.
func (s *Service) CreateNode(ctx context.Context, name string) (*dbplane.Node, error) {
	name, err := dbplane.ValidateName("name", name, 191)
	if err != nil {
		return nil, err
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	n := &dbplane.Node{ID: id, Name: name}
	if err := s.store.CreateNode(ctx, n); err != nil {
		return nil, err
	}
	return n, nil
}

// ListNodes returns every node.
func (s *Service) ListNodes(ctx context.Context) ([]*dbplane.Node, error) {
	return s.store.ListNodes(ctx)
}

// Node returns a node by UUID or numeric id.
func (s *Service) Node(ctx context.Context, ref string) (*dbplane.Node, error) {
	return s.store.Node(ctx, ref)
}

// CreateServer adds a server; its identifier is the first 8 characters of
// its UUID.
func (s *Service) CreateServer(ctx context.Context, in dbplane.ServerInput) (*dbplane.Server, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	srv := &dbplane.Server{ID: id, Identifier: id[:8], Name: in.Name, OwnerID: in.OwnerID, NodeID: in.NodeID, DatabaseLimit: in.DatabaseLimit, ExternalID: in.ExternalID}
	if err := s.store.CreateServer(ctx, srv); err != nil {
		return nil, err
	}
	return s.store.Server(ctx, id)
}

// Server returns a server by UUID, numeric id or identifier.
func (s *Service) Server(ctx context.Context, ref string) (*dbplane.Server, error) {
	return s.store.Server(ctx, ref)
}

// UpdateServer changes a server's name, database limit or external id.
func (s *Service) UpdateServer(ctx context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error) {
	srv, err := s.store.Server(ctx, ref)
	if err != nil {
		return nil, err
	}
	if u.Name != nil {
		n, err := dbplane.ValidateName("name", *u.Name, 191)
		if err != nil {
			return nil, err
		}
		srv.Name = n
	}
	if u.DatabaseLimitSet {
		if u.DatabaseLimit != nil && *u.DatabaseLimit < 0 {
			return nil, dbplane.FieldErrorf("databaseLimit", "The databaseLimit must be 0 or more, or null for unlimited.")
		}
		srv.DatabaseLimit = u.DatabaseLimit
	}
	if u.ExternalIDSet {
		id, err := dbplane.ValidateExternalID(u.ExternalID)
		if err != nil {
			return nil, err
		}
		srv.ExternalID = id
	}
	if err := s.store.UpdateServer(ctx, srv); err != nil {
		return nil, err
	}
	return s.store.Server(ctx, srv.ID)
}

// DeleteServer removes a server without databases.
func (s *Service) DeleteServer(ctx context.Context, ref string) error {
	srv, err := s.store.Server(ctx, ref)
	if err != nil {
		return err
	}
	return s.store.DeleteServer(ctx, srv.ID)
}

// ListServers returns a page of every server.
func (s *Service) ListServers(ctx context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
	return s.store.ListServers(ctx, "", p)
}

// FindServers returns the page of the servers f selects and how many it
// selects.
func (s *Service) FindServers(ctx context.Context, f dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
	return s.store.FindServers(ctx, f)
}

// AccessibleServers returns the servers an account owns or is a subuser
// of; an admin sees every server.
func (s *Service) AccessibleServers(ctx context.Context, a *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error) {
	if a.Role == dbplane.RoleAdmin {
		return s.store.ListServers(ctx, "", p)
	}
	return s.store.ListServers(ctx, a.ID, p)
}

// ServerAccess returns what an account may do on a server. A server the
// account cannot see reads as not found.
func (s *Service) ServerAccess(ctx context.Context, a *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error) {
	srv, err := s.store.Server(ctx, ref)
	if err != nil {
		return nil, dbplane.ServerAccess{}, err
	}
	switch {
	case a.Role == dbplane.RoleAdmin:
		return srv, dbplane.ServerAccess{Admin: true, Owner: srv.OwnerID == a.ID}, nil
	case srv.OwnerID == a.ID:
		return srv, dbplane.ServerAccess{Owner: true, OwnerSuspended: a.Suspended}, nil
	}
	su, err := s.store.Subuser(ctx, srv.ID, a.ID)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return nil, dbplane.ServerAccess{}, dbplane.Errorf(dbplane.CodeNotFound, "Server not found")
	}
	if err != nil {
		return nil, dbplane.ServerAccess{}, err
	}
	owner, err := s.store.Account(ctx, srv.OwnerID)
	if err != nil {
		return nil, dbplane.ServerAccess{}, err
	}
	return srv, dbplane.ServerAccess{Permissions: su.Permissions, OwnerSuspended: owner.Suspended}, nil
}

// SetSubuser gives an account database permissions on a server, adding
// it as a subuser or replacing its permissions.
func (s *Service) SetSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error) {
	return s.putSubuser(ctx, serverRef, accountID, perms, s.store.SetSubuser)
}

// AddSubuser adds an account as a subuser of a server; ErrSubuserExists
// when it already is one.
func (s *Service) AddSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error) {
	return s.putSubuser(ctx, serverRef, accountID, perms, s.store.AddSubuser)
}

// putSubuser checks a subuser's permissions and account, then writes it
// with put.
func (s *Service) putSubuser(ctx context.Context, serverRef, accountID string, perms []string,
	put func(context.Context, *dbplane.Subuser) error) (*dbplane.Subuser, error) {
	srv, err := s.store.Server(ctx, serverRef)
	if err != nil {
		return nil, err
	}
	for _, p := range perms {
		if !slices.Contains(dbplane.DatabasePermissions, p) {
			return nil, dbplane.FieldErrorf("permissions", "Unknown permission %q; use %s.", p, strings.Join(dbplane.DatabasePermissions, ", "))
		}
	}
	if accountID == srv.OwnerID {
		return nil, dbplane.FieldErrorf("accountId", "The owner of a server cannot be its subuser.")
	}
	perms = slices.Compact(slices.Sorted(slices.Values(perms)))
	su := &dbplane.Subuser{ServerID: srv.ID, AccountID: accountID, Permissions: perms}
	if err := put(ctx, su); err != nil {
		return nil, err
	}
	return s.store.Subuser(ctx, srv.ID, accountID)
}

// ListSubusers returns a server's subusers.
func (s *Service) ListSubusers(ctx context.Context, serverRef string) ([]*dbplane.Subuser, error) {
	srv, err := s.store.Server(ctx, serverRef)
	if err != nil {
		return nil, err
	}
	return s.store.ListSubusers(ctx, srv.ID)
}

// RemoveSubuser takes an account's access to a server away.
func (s *Service) RemoveSubuser(ctx context.Context, serverRef, accountID string) error {
	srv, err := s.store.Server(ctx, serverRef)
	if err != nil {
		return err
	}
	return s.store.RemoveSubuser(ctx, srv.ID, accountID)
}

// HashIDSalt returns the deployment's salt for the client API's database
// hashids, made on first use and kept in the store so ids stay stable.
func (s *Service) HashIDSalt(ctx context.Context) (string, error) {
	return s.store.Setting(ctx, "hashid_salt", func() (string, error) { return randomString(s.opt.Rand, 32, alnum) })
}
