package control

import (
	"context"
	"errors"
	"slices"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// ServerDatabases returns a page of a server's databases.
func (s *Service) ServerDatabases(ctx context.Context, serverID string, p dbplane.Page) ([]*dbplane.Database, int, error) {
	return s.store.ServerDatabases(ctx, serverID, p)
}

// ServerDatabase returns one of a server's databases.
func (s *Service) ServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Database, error) {
	return s.store.ServerDatabase(ctx, serverID, ref)
}

// CreateServerDatabase provisions a Pterodactyl database: s{server}_{name}
// owned by the server's owner, on the given host or on one picked
// automatically (hosts linked to the server's node first).
func (s *Service) CreateServerDatabase(ctx context.Context, in dbplane.ServerDatabaseInput) (*dbplane.Credentials, error) {
	srv, err := s.store.Server(ctx, in.ServerID)
	if err != nil {
		return nil, err
	}
	if in.MinNameLength == 0 {
		in.MinNameLength = 1
	}
	if err := dbplane.ValidateServerDatabaseName(in.Name, in.MinNameLength); err != nil {
		return nil, err
	}
	if in.Remote == "" {
		in.Remote = "%"
	}
	if err := dbplane.ValidateRemote(in.Remote); err != nil {
		return nil, err
	}
	if in.MaxConnections < 0 {
		return nil, dbplane.FieldErrorf("max_connections", "The max_connections must be 0 or more.")
	}
	var e dbplane.Engine
	// Placement: the given host, or the engine's hosts in the order of
	// serverOrder (the store reads them in the insert's transaction).
	var place store.NewDatabase
	if in.HostID != "" {
		h, err := s.store.Host(ctx, in.HostID)
		if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
			return nil, dbplane.FieldErrorf("host", "The selected host is invalid.")
		}
		if err != nil {
			return nil, err
		}
		e = h.Engine
		place.Hosts, place.Warm = []string{h.ID}, warmHosts([]*dbplane.Host{h})
	} else {
		if e, err = dbplane.ParseEngine("engine", in.Engine); err != nil {
			return nil, err
		}
		if place.Order, err = s.serverOrder(ctx, srv); err != nil {
			return nil, err
		}
	}
	if err := s.engineAvailable(e); err != nil {
		return nil, err
	}
	if e != dbplane.EngineMariaDB && in.Remote != "%" {
		return nil, dbplane.FieldErrorf("remote", "Only %% is supported on %s hosts; access rules live in the server's own configuration.", e)
	}
	suffix, err := randomString(s.opt.Rand, 10, lowerAlnum)
	if err != nil {
		return nil, err
	}
	dbName, dbUser := dbplane.ServerDatabaseNames(srv.NumericID, in.Name, suffix)
	d := &dbplane.Database{
		AccountID: srv.OwnerID, ServerID: srv.ID, Engine: e, Label: dbName, DBName: dbName, DBUser: dbUser,
		Remote: in.Remote, MaxConnections: in.MaxConnections,
	}
	place.Database = d
	return s.provision(ctx, place)
}

// serverOrder returns the order of a server's candidate hosts (emptiest
// first, as the store reads them): healthyFirst's, then those linked to
// the server's node before the others, each group keeping its order.
func (s *Service) serverOrder(ctx context.Context, srv *dbplane.Server) (func([]string) []string, error) {
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	linked := map[string]bool{}
	for _, h := range hosts {
		if h.LinkedTo(srv.NodeID) {
			linked[h.ID] = true
		}
	}
	return func(ids []string) []string {
		ids = s.healthyFirst(ids)
		slices.SortStableFunc(ids, func(a, b string) int {
			switch {
			case linked[a] && !linked[b]:
				return -1
			case linked[b] && !linked[a]:
				return 1
			}
			return 0
		})
		return ids
	}, nil
}

// RotateServerDatabase sets a new password on one of a server's databases.
func (s *Service) RotateServerDatabase(ctx context.Context, serverID, ref string) (*dbplane.Credentials, error) {
	d, err := s.store.ServerDatabase(ctx, serverID, ref)
	if err != nil {
		return nil, err
	}
	return s.RotatePassword(ctx, d.AccountID, d.ID)
}

// DeleteServerDatabase drops one of a server's databases.
func (s *Service) DeleteServerDatabase(ctx context.Context, serverID, ref string) error {
	d, err := s.store.ServerDatabase(ctx, serverID, ref)
	if err != nil {
		return err
	}
	return s.deleteDatabase(ctx, d.ID)
}

// DatabaseCredentials returns d with its password and host;
// ErrDatabaseOrphaned once its host is retired.
func (s *Service) DatabaseCredentials(ctx context.Context, d *dbplane.Database) (*dbplane.Credentials, error) {
	if d.Status == dbplane.StatusOrphaned {
		return nil, dbplane.ErrDatabaseOrphaned
	}
	pw, err := s.sealer.Open(d.SealedPassword, databaseAAD(d.ID))
	if err != nil {
		return nil, err
	}
	return s.credentials(ctx, d, string(pw))
}

// deleteDatabase records a drop intent, drops the database and its user on
// the engine, then deletes the row. When the host cannot be reached the
// database stays "deleting" and the reconciler finishes the drop later:
// nothing is orphaned on the host.
func (s *Service) deleteDatabase(ctx context.Context, id string) error {
	// One engine timeout for the whole request, the wait for the lock
	// included (see RotatePassword).
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	unlock := s.locks.lock(id)
	defer unlock()
	intentID, err := newULID(s.opt.Now(), s.opt.Rand)
	if err != nil {
		return err
	}
	in := &dbplane.Intent{ID: intentID, DatabaseID: id}
	d, err := s.store.BeginDrop(ctx, in)
	if errors.Is(err, store.ErrBusy) {
		if err := s.finishLeftChange(ctx, ectx, id); err != nil {
			return err
		}
		d, err = s.store.BeginDrop(ctx, in)
	}
	if err != nil {
		return err
	}
	if d.Status == dbplane.StatusOrphaned {
		return nil // its host is retired: the row was all there was
	}
	if err := s.applyDrop(ectx, in); err != nil {
		return translateEngine(err)
	}
	return nil
}
