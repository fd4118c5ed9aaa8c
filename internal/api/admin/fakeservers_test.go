package admin_test

import (
	"context"
	"fmt"

	"github.com/dbplane/dbplane"
)

// fakeServers is a function-field dbplane.ServerService, shaped like the
// fakes in internal/mock; an unset field is an internal error (a 500 that
// fails the scenario). Replace it with mock.ServerService once that lands.
type fakeServers struct {
	CreateNodeFn        func(ctx context.Context, name string) (*dbplane.Node, error)
	ListNodesFn         func(ctx context.Context) ([]*dbplane.Node, error)
	NodeFn              func(ctx context.Context, ref string) (*dbplane.Node, error)
	CreateServerFn      func(ctx context.Context, in dbplane.ServerInput) (*dbplane.Server, error)
	ServerFn            func(ctx context.Context, ref string) (*dbplane.Server, error)
	UpdateServerFn      func(ctx context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error)
	DeleteServerFn      func(ctx context.Context, ref string) error
	ListServersFn       func(ctx context.Context, p dbplane.Page) ([]*dbplane.Server, int, error)
	AccessibleServersFn func(ctx context.Context, account *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error)
	ServerAccessFn      func(ctx context.Context, account *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error)
	SetSubuserFn        func(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error)
	ListSubusersFn      func(ctx context.Context, serverRef string) ([]*dbplane.Subuser, error)
	RemoveSubuserFn     func(ctx context.Context, serverRef, accountID string) error
}

var _ dbplane.ServerService = (*fakeServers)(nil)

func notSet(m string) error { return fmt.Errorf("fakeServers: %s not set", m) }

func (s *fakeServers) CreateNode(ctx context.Context, name string) (*dbplane.Node, error) {
	if s.CreateNodeFn == nil {
		return nil, notSet("CreateNode")
	}
	return s.CreateNodeFn(ctx, name)
}

func (s *fakeServers) ListNodes(ctx context.Context) ([]*dbplane.Node, error) {
	if s.ListNodesFn == nil {
		return nil, notSet("ListNodes")
	}
	return s.ListNodesFn(ctx)
}

func (s *fakeServers) Node(ctx context.Context, ref string) (*dbplane.Node, error) {
	if s.NodeFn == nil {
		return nil, notSet("Node")
	}
	return s.NodeFn(ctx, ref)
}

func (s *fakeServers) CreateServer(ctx context.Context, in dbplane.ServerInput) (*dbplane.Server, error) {
	if s.CreateServerFn == nil {
		return nil, notSet("CreateServer")
	}
	return s.CreateServerFn(ctx, in)
}

func (s *fakeServers) Server(ctx context.Context, ref string) (*dbplane.Server, error) {
	if s.ServerFn == nil {
		return nil, notSet("Server")
	}
	return s.ServerFn(ctx, ref)
}

func (s *fakeServers) UpdateServer(ctx context.Context, ref string, u dbplane.ServerUpdate) (*dbplane.Server, error) {
	if s.UpdateServerFn == nil {
		return nil, notSet("UpdateServer")
	}
	return s.UpdateServerFn(ctx, ref, u)
}

func (s *fakeServers) DeleteServer(ctx context.Context, ref string) error {
	if s.DeleteServerFn == nil {
		return notSet("DeleteServer")
	}
	return s.DeleteServerFn(ctx, ref)
}

func (s *fakeServers) ListServers(ctx context.Context, p dbplane.Page) ([]*dbplane.Server, int, error) {
	if s.ListServersFn == nil {
		return nil, 0, notSet("ListServers")
	}
	return s.ListServersFn(ctx, p)
}

func (s *fakeServers) AccessibleServers(ctx context.Context, account *dbplane.Account, p dbplane.Page) ([]*dbplane.Server, int, error) {
	if s.AccessibleServersFn == nil {
		return nil, 0, notSet("AccessibleServers")
	}
	return s.AccessibleServersFn(ctx, account, p)
}

func (s *fakeServers) ServerAccess(ctx context.Context, account *dbplane.Account, ref string) (*dbplane.Server, dbplane.ServerAccess, error) {
	if s.ServerAccessFn == nil {
		return nil, dbplane.ServerAccess{}, notSet("ServerAccess")
	}
	return s.ServerAccessFn(ctx, account, ref)
}

func (s *fakeServers) SetSubuser(ctx context.Context, serverRef, accountID string, perms []string) (*dbplane.Subuser, error) {
	if s.SetSubuserFn == nil {
		return nil, notSet("SetSubuser")
	}
	return s.SetSubuserFn(ctx, serverRef, accountID, perms)
}

func (s *fakeServers) ListSubusers(ctx context.Context, serverRef string) ([]*dbplane.Subuser, error) {
	if s.ListSubusersFn == nil {
		return nil, notSet("ListSubusers")
	}
	return s.ListSubusersFn(ctx, serverRef)
}

func (s *fakeServers) RemoveSubuser(ctx context.Context, serverRef, accountID string) error {
	if s.RemoveSubuserFn == nil {
		return notSet("RemoveSubuser")
	}
	return s.RemoveSubuserFn(ctx, serverRef, accountID)
}
