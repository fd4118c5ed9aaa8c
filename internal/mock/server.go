package mock

import (
	"context"

	"github.com/dbplane/dbplane"
)

var _ dbplane.ServerService = (*ServerService)(nil)

// ServerService is a dbplane.ServerService whose methods call its fields.
type ServerService struct {
	CreateNodeFn        func(ctx context.Context, name string) (*dbplane.Node, error)
	ListNodesFn         func(ctx context.Context) ([]*dbplane.Node, error)
	NodeFn              func(ctx context.Context, ref string) (*dbplane.Node, error)
	CreateServerFn      func(ctx context.Context, in dbplane.ServerInput) (*dbplane.Server, error)
	ServerFn            func(ctx context.Context, ref string) (*dbplane.Server, error)
	UpdateServerFn      func(ctx context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error)
	DeleteServerFn      func(ctx context.Context, ref string) error
	ListServersFn       func(ctx context.Context, p dbplane.Page) ([]*dbplane.Server, int, error)
	FindServersFn       func(ctx context.Context, f dbplane.ServerFilter) ([]*dbplane.Server, int, error)
	AccessibleServersFn func(ctx context.Context, account *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error)
	ServerAccessFn      func(ctx context.Context, account *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error)
	SetSubuserFn        func(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error)
	AddSubuserFn        func(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error)
	ListSubusersFn      func(ctx context.Context, serverRef string) ([]*dbplane.Subuser, error)
	RemoveSubuserFn     func(ctx context.Context, serverRef, accountID string) error
}

// CreateNode calls CreateNodeFn.
func (s *ServerService) CreateNode(ctx context.Context, name string) (*dbplane.Node, error) {
	if s.CreateNodeFn == nil {
		return nil, notSet("ServerService.CreateNode")
	}
	return s.CreateNodeFn(ctx, name)
}

// ListNodes calls ListNodesFn.
func (s *ServerService) ListNodes(ctx context.Context) ([]*dbplane.Node, error) {
	if s.ListNodesFn == nil {
		return nil, notSet("ServerService.ListNodes")
	}
	return s.ListNodesFn(ctx)
}

// Node calls NodeFn.
func (s *ServerService) Node(ctx context.Context, ref string) (*dbplane.Node, error) {
	if s.NodeFn == nil {
		return nil, notSet("ServerService.Node")
	}
	return s.NodeFn(ctx, ref)
}

// CreateServer calls CreateServerFn.
func (s *ServerService) CreateServer(ctx context.Context, in dbplane.ServerInput) (*dbplane.Server, error) {
	if s.CreateServerFn == nil {
		return nil, notSet("ServerService.CreateServer")
	}
	return s.CreateServerFn(ctx, in)
}

// Server calls ServerFn.
func (s *ServerService) Server(ctx context.Context, ref string) (*dbplane.Server, error) {
	if s.ServerFn == nil {
		return nil, notSet("ServerService.Server")
	}
	return s.ServerFn(ctx, ref)
}

// UpdateServer calls UpdateServerFn.
func (s *ServerService) UpdateServer(ctx context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error) {
	if s.UpdateServerFn == nil {
		return nil, notSet("ServerService.UpdateServer")
	}
	return s.UpdateServerFn(ctx, ref, u)
}

// DeleteServer calls DeleteServerFn.
func (s *ServerService) DeleteServer(ctx context.Context, ref string) error {
	if s.DeleteServerFn == nil {
		return notSet("ServerService.DeleteServer")
	}
	return s.DeleteServerFn(ctx, ref)
}

// ListServers calls ListServersFn.
func (s *ServerService) ListServers(ctx context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
	if s.ListServersFn == nil {
		return nil, 0, notSet("ServerService.ListServers")
	}
	return s.ListServersFn(ctx, p)
}

// FindServers calls FindServersFn.
func (s *ServerService) FindServers(ctx context.Context, f dbplane.ServerFilter) ([]*dbplane.Server, int, error) {
	if s.FindServersFn == nil {
		return nil, 0, notSet("ServerService.FindServers")
	}
	return s.FindServersFn(ctx, f)
}

// AccessibleServers calls AccessibleServersFn.
func (s *ServerService) AccessibleServers(ctx context.Context, account *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error) {
	if s.AccessibleServersFn == nil {
		return nil, 0, notSet("ServerService.AccessibleServers")
	}
	return s.AccessibleServersFn(ctx, account, p)
}

// ServerAccess calls ServerAccessFn.
func (s *ServerService) ServerAccess(ctx context.Context, account *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error) {
	if s.ServerAccessFn == nil {
		return nil, dbplane.ServerAccess{}, notSet("ServerService.ServerAccess")
	}
	return s.ServerAccessFn(ctx, account, ref)
}

// SetSubuser calls SetSubuserFn.
func (s *ServerService) SetSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error) {
	if s.SetSubuserFn == nil {
		return nil, notSet("ServerService.SetSubuser")
	}
	return s.SetSubuserFn(ctx, serverRef, accountID, perms)
}

// AddSubuser calls AddSubuserFn.
func (s *ServerService) AddSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error) {
	if s.AddSubuserFn == nil {
		return nil, notSet("ServerService.AddSubuser")
	}
	return s.AddSubuserFn(ctx, serverRef, accountID, perms)
}

// ListSubusers calls ListSubusersFn.
func (s *ServerService) ListSubusers(ctx context.Context, serverRef string) ([]*dbplane.Subuser, error) {
	if s.ListSubusersFn == nil {
		return nil, notSet("ServerService.ListSubusers")
	}
	return s.ListSubusersFn(ctx, serverRef)
}

// RemoveSubuser calls RemoveSubuserFn.
func (s *ServerService) RemoveSubuser(ctx context.Context, serverRef, accountID string) error {
	if s.RemoveSubuserFn == nil {
		return notSet("ServerService.RemoveSubuser")
	}
	return s.RemoveSubuserFn(ctx, serverRef, accountID)
}

var _ dbplane.ServerDatabaseService = (*ServerDatabaseService)(nil)

// ServerDatabaseService is a dbplane.ServerDatabaseService whose methods call its fields.
type ServerDatabaseService struct {
	ServerDatabasesFn      func(ctx context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error)
	ServerDatabaseFn       func(ctx context.Context, serverID, ref string) (*dbplane.Database, error)
	CreateServerDatabaseFn func(ctx context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error)
	RotateServerDatabaseFn func(ctx context.Context, serverID, ref string) (*dbplane.Credentials, error)
	DeleteServerDatabaseFn func(ctx context.Context, serverID, ref string) error
	DatabaseCredentialsFn  func(ctx context.Context, d *dbplane.Database) (*dbplane.Credentials, error)
}

// ServerDatabases calls ServerDatabasesFn.
func (s *ServerDatabaseService) ServerDatabases(ctx context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error) {
	if s.ServerDatabasesFn == nil {
		return nil, 0, notSet("ServerDatabaseService.ServerDatabases")
	}
	return s.ServerDatabasesFn(ctx, serverID, p)
}

// ServerDatabase calls ServerDatabaseFn.
func (s *ServerDatabaseService) ServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Database, error) {
	if s.ServerDatabaseFn == nil {
		return nil, notSet("ServerDatabaseService.ServerDatabase")
	}
	return s.ServerDatabaseFn(ctx, serverID, ref)
}

// CreateServerDatabase calls CreateServerDatabaseFn.
func (s *ServerDatabaseService) CreateServerDatabase(ctx context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error) {
	if s.CreateServerDatabaseFn == nil {
		return nil, notSet("ServerDatabaseService.CreateServerDatabase")
	}
	return s.CreateServerDatabaseFn(ctx, in)
}

// RotateServerDatabase calls RotateServerDatabaseFn.
func (s *ServerDatabaseService) RotateServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Credentials, error) {
	if s.RotateServerDatabaseFn == nil {
		return nil, notSet("ServerDatabaseService.RotateServerDatabase")
	}
	return s.RotateServerDatabaseFn(ctx, serverID, ref)
}

// DeleteServerDatabase calls DeleteServerDatabaseFn.
func (s *ServerDatabaseService) DeleteServerDatabase(ctx context.Context, serverID, ref string) error {
	if s.DeleteServerDatabaseFn == nil {
		return notSet("ServerDatabaseService.DeleteServerDatabase")
	}
	return s.DeleteServerDatabaseFn(ctx, serverID, ref)
}

// DatabaseCredentials calls DatabaseCredentialsFn.
func (s *ServerDatabaseService) DatabaseCredentials(ctx context.Context, d *dbplane.Database) (*dbplane.Credentials, error) {
	if s.DatabaseCredentialsFn == nil {
		return nil, notSet("ServerDatabaseService.DatabaseCredentials")
	}
	return s.DatabaseCredentialsFn(ctx, d)
}
