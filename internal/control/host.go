package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

func hostAAD(id string) []byte { return []byte("host:" + id) }

func (s *Service) engineConfig(h *dbplane.Host) engine.Config {
	return engine.Config{
		Host: h.Hostname, Port: h.Port, User: h.Username, Password: string(h.Password),
		Database: h.Database, TLS: engine.TLSMode(h.TLS), TLSCA: h.TLSCA, TLSServerName: h.TLSServerName,
		PoolSize: h.PoolSize,
	}
}

// unseal fills h.Password from h.SealedPassword.
func (s *Service) unseal(h *dbplane.Host) error {
	pw, err := s.sealer.Open(h.SealedPassword, hostAAD(h.ID))
	if err != nil {
		return fmt.Errorf("unseal password of host %s: %w", h.ID, err)
	}
	h.Password = dbplane.Secret(pw)
	return nil
}

// conn returns the connection and host row for a host, from the cache when
// it holds them. The cache is dropped whenever the service changes the host
// (UpdateHost, DeleteHost). Alone on its store, a create or rotate then
// reads no host row; with replicas sharing the store, the row is read at
// every use (one primary-key read, about 16 µs on PostgreSQL) and a host
// whose connection details or password changed elsewhere gets a new
// connection, without a restart.
func (s *Service) conn(ctx context.Context, hostID string) (engine.Conn, *dbplane.Host, error) {
	for {
		hc, gen := s.conns.get(hostID)
		if hc != nil && !s.shared {
			return hc.conn, hc.host, nil
		}
		h, err := s.store.Host(ctx, hostID)
		if err != nil {
			return nil, nil, err
		}
		if h.RetiredAt != nil {
			// The host is gone: nothing may reach it again.
			return nil, nil, dbplane.ErrDatabaseOrphaned
		}
		pub := *h
		pub.Password, pub.SealedPassword = "", nil
		if hc != nil {
			if hc.sameConnection(h) {
				return hc.conn, &pub, nil
			}
			s.conns.drop(hostID)
			continue
		}
		if err := s.unseal(h); err != nil {
			return nil, nil, err
		}
		c, err := s.engines.Open(string(h.Engine), s.engineConfig(h), h.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("open host %s: %w", h.ID, err)
		}
		use, ok := s.conns.put(h.ID, &hostConn{conn: c, host: &pub, sealed: h.SealedPassword}, gen)
		if !ok {
			// A host changed while this one was read: read it again.
			c.Close()
			continue
		}
		if use.conn != c { // another call cached one first
			c.Close()
		}
		return use.conn, use.host, nil
	}
}

// dropConn forgets a host's cached connection after the host changed.
func (s *Service) dropConn(hostID string) { s.conns.drop(hostID) }

// ListHosts returns every host, alphabetically.
func (s *Service) ListHosts(ctx context.Context) ([]*dbplane.Host, error) {
	return s.store.ListHosts(ctx)
}

// Host returns one host by UUID or numeric id.
func (s *Service) Host(ctx context.Context, id string) (*dbplane.Host, error) {
	return s.store.Host(ctx, id)
}

// CreateHost checks that the host answers and that its admin user holds
// every privilege dbplane needs, then stores it with its password sealed.
func (s *Service) CreateHost(ctx context.Context, in dbplane.HostInput) (*dbplane.Host, error) {
	h := &dbplane.Host{}
	if err := in.Apply(h, true); err != nil {
		return nil, err
	}
	if !s.engines.Has(string(h.Engine)) {
		return nil, dbplane.FieldErrorf("engine", "This build of dbplane has no %s engine.", h.Engine)
	}
	if t := s.check(ctx, h); !t.Success {
		return nil, checkFailed(t)
	}
	id, err := newUUID(s.opt.Rand)
	if err != nil {
		return nil, err
	}
	h.ID = id
	if h.SealedPassword, err = s.sealer.Seal([]byte(h.Password), hostAAD(id)); err != nil {
		return nil, err
	}
	if err := s.store.CreateHost(ctx, h); err != nil {
		return nil, err
	}
	s.kickWarm()
	return s.store.Host(ctx, id)
}

// UpdateHost applies in; when the connection details change, it checks
// them again before storing them. An omitted password keeps the old one.
func (s *Service) UpdateHost(ctx context.Context, id string, in dbplane.HostInput) (*dbplane.Host, error) {
	h, err := s.store.Host(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.unseal(h); err != nil {
		return nil, err
	}
	before := s.engineConfig(h)
	if err := in.Apply(h, false); err != nil {
		return nil, err
	}
	if h.RetiredAt != nil && h.Enabled {
		return nil, dbplane.ErrHostRetired
	}
	after := s.engineConfig(h)
	if err := passwordStays(before, after, in); err != nil {
		return nil, err
	}
	if !sameConfig(before, after) {
		if t := s.check(ctx, h); !t.Success {
			return nil, checkFailed(t)
		}
	}
	// An unchanged password keeps its sealed bytes, so replicas comparing
	// the row with their connection's (conn) see no change.
	if after.Password != before.Password {
		if h.SealedPassword, err = s.sealer.Seal([]byte(h.Password), hostAAD(h.ID)); err != nil {
			return nil, err
		}
	}
	if err := s.store.UpdateHost(ctx, h); err != nil {
		return nil, err
	}
	s.dropConn(h.ID)
	s.kickWarm()
	return s.store.Host(ctx, h.ID)
}

// sameConfig reports whether two configs reach the host as the same user;
// the pool size does not count (a new size needs no new check).
func sameConfig(a, b engine.Config) bool {
	return a.Host == b.Host && a.Port == b.Port && a.User == b.User && a.Password == b.Password &&
		a.Database == b.Database && a.TLS == b.TLS && a.TLSCA == b.TLSCA && a.TLSServerName == b.TLSServerName
}

// DeleteHost removes a host without databases. Its warm pool is turned
// off and its warm databases are dropped first (drainWarm); those of a
// retired host, which nothing reaches, are forgotten (the orphan report
// named them).
func (s *Service) DeleteHost(ctx context.Context, id string) error {
	h, err := s.store.Host(ctx, id)
	if err != nil {
		return err
	}
	if h.RetiredAt == nil && (h.WarmPool > 0 || h.WarmCount > 0) {
		if err := s.drainWarm(ctx, h); err != nil {
			return err
		}
	}
	if err := s.store.DeleteHost(ctx, h.ID); err != nil {
		return err
	}
	s.dropConn(h.ID)
	return nil
}

// TestHost checks connectivity, the server version and every privilege.
func (s *Service) TestHost(ctx context.Context, id string) (dbplane.HostTest, error) {
	h, err := s.store.Host(ctx, id)
	if err != nil {
		return dbplane.HostTest{}, err
	}
	if err := s.unseal(h); err != nil {
		return dbplane.HostTest{}, err
	}
	return s.check(ctx, h), nil
}

// checkFailed is the error of a create or update whose check failed: the
// message for every surface, the whole outcome as its cause.
func checkFailed(t dbplane.HostTest) error {
	return &dbplane.Error{Code: dbplane.CodeInvalid, Message: t.Message, Err: &dbplane.HostCheckFailed{Test: t}}
}

// check opens a fresh connection with h's settings and reports the first
// thing that is wrong, in words an operator can act on.
func (s *Service) check(ctx context.Context, h *dbplane.Host) dbplane.HostTest {
	ctx, cancel := context.WithTimeout(ctx, s.opt.EngineTimeout)
	defer cancel()
	t, err := s.checkHost(ctx, h)
	if err != nil {
		// The cause (driver text, resolved addresses) is for the log
		// only; the message says what failed, from the error's kind.
		s.log.WarnContext(ctx, "host check failed", "host_id", h.ID, "host", h.Name, "engine", string(h.Engine), "err", err)
	}
	return t
}

// checkHost runs the check and returns its outcome, with a message built
// from what failed (the kind of error, the missing privileges' names), and
// the cause for the log.
func (s *Service) checkHost(ctx context.Context, h *dbplane.Host) (dbplane.HostTest, error) {
	c, err := s.engines.Open(string(h.Engine), s.engineConfig(h), h.ID)
	if err != nil {
		return dbplane.HostTest{Message: "Invalid connection settings for this engine."}, err
	}
	defer c.Close()
	if err := c.Ping(ctx); err != nil {
		if why := engine.TLSFailure(err); why != "" {
			return dbplane.HostTest{Message: "Could not connect to the host over TLS: " + why + "."}, err
		}
		switch {
		case errors.Is(err, engine.ErrAccessDenied):
			return dbplane.HostTest{Message: fmt.Sprintf("Connected, but the credentials for %q were rejected.", h.Username)}, err
		case errors.Is(err, engine.ErrUnreachable):
			return dbplane.HostTest{Message: "Could not connect to the host: the connection was refused, timed out, or the name did not resolve (the server log has the cause)."}, err
		}
		return dbplane.HostTest{Message: "Connecting to the host failed (the server log has the cause)."}, err
	}
	version, err := c.Version(ctx)
	if err != nil {
		return dbplane.HostTest{Message: "Connected, but could not read the server version (the server log has the cause)."}, err
	}
	if err := c.CheckPrivileges(ctx); err != nil {
		t := dbplane.HostTest{Message: fmt.Sprintf("Connected (%s), but the user %q lacks privileges dbplane needs.", version, h.Username)}
		if missing, ok := errors.AsType[*engine.MissingPrivileges](err); ok {
			t.Message = fmt.Sprintf("Connected (%s), but the user %q lacks privileges dbplane needs: %s.", version, h.Username, missing)
		}
		if errors.Is(err, engine.ErrAccessDenied) {
			t.Grants = dbplane.AdminGrants(h.Engine, h.Username, h.Database)
		}
		return t, err
	}
	return dbplane.HostTest{Success: true, Message: fmt.Sprintf("Connection successful: %s %s, all required privileges present", h.Engine, version)}, nil
}
