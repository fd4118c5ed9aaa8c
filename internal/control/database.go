package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/store"
)

func databaseAAD(id string) []byte { return []byte("db:" + id) }

// ListDatabases returns the account's databases, oldest first.
func (s *Service) ListDatabases(ctx context.Context, accountID string) ([]*dbplane.Database, error) {
	l, err := s.accountDatabases(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(l), nil
}

// engineAvailable returns ErrEngineDisabled unless this deployment serves e.
func (s *Service) engineAvailable(e dbplane.Engine) error {
	if slices.Contains(s.opt.DisabledEngines, string(e)) || !s.engines.Has(string(e)) {
		return dbplane.ErrEngineDisabled
	}
	return nil
}

// Engines returns the engines a create can use now, in the order of
// dbplane.Engines.
func (s *Service) Engines(ctx context.Context) ([]dbplane.Engine, error) {
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	var out []dbplane.Engine
	for _, e := range dbplane.Engines {
		if s.engineAvailable(e) != nil {
			continue
		}
		if slices.ContainsFunc(hosts, func(h *dbplane.Host) bool { return h.Engine == e && h.Enabled && h.RetiredAt == nil }) {
			out = append(out, e)
		}
	}
	return out, nil
}

// CreateDatabase provisions a database and its user for a management API
// label. The row and its intent are recorded first (with every quota checked
// in the same transaction), then the engine runs, then the row is marked
// active; a crash in between is finished by Reconcile.
func (s *Service) CreateDatabase(ctx context.Context, in dbplane.CreateDatabaseInput) (*dbplane.Credentials, error) {
	if err := dbplane.ValidateLabel(in.Label); err != nil {
		return nil, err
	}
	e, err := dbplane.ParseEngine("engine", in.Engine)
	if err != nil {
		return nil, err
	}
	if err := s.engineAvailable(e); err != nil {
		return nil, err
	}
	d := &dbplane.Database{AccountID: in.AccountID, Engine: e, Label: in.Label, Remote: "%"}
	names := func(n int64) (string, string) { return dbplane.ManagedNames(e, in.AccountID, n) }
	return s.provision(ctx, store.NewDatabase{Database: d, Order: s.healthyFirst, Names: names})
}

// provision inserts nd.Database with its create intent (on nd.Hosts, or
// on its engine's hosts in nd.Order) and applies it on the engine. On a
// host that may hold warm databases it claims a ready one if there is
// one, and renames it into place instead of creating the database.
func (s *Service) provision(ctx context.Context, nd store.NewDatabase) (*dbplane.Credentials, error) {
	d := nd.Database
	now := s.opt.Now()
	id, err := newULID(now, s.opt.Rand)
	if err != nil {
		return nil, err
	}
	d.ID = id
	// The intent, then the completion: two writes a moment apart, which
	// concurrent creates' share (store.DB.Expect).
	defer s.store.Expect()()
	password, err := randomString(s.opt.Rand, s.opt.PasswordLength, alnum)
	if err != nil {
		return nil, err
	}
	if d.SealedPassword, err = s.sealer.Seal([]byte(password), databaseAAD(id)); err != nil {
		return nil, err
	}
	intentID, err := newULID(now, s.opt.Rand)
	if err != nil {
		return nil, err
	}
	in := &dbplane.Intent{ID: intentID}
	nd.Intent = in
	if err := s.store.InsertDatabase(ctx, nd); err != nil {
		return nil, err
	}
	if in.WarmDB != "" {
		s.kickWarm() // refill the pool
	}
	s.hook("create:recorded")

	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	if err := s.applyCreate(ectx, in, d, password, true); err != nil {
		return nil, s.undoCreate(ctx, in, err)
	}
	s.hook("create:engine-done")
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	desired, err := s.store.CompleteCreate(sctx, in)
	if err != nil {
		return nil, err
	}
	d.Status = dbplane.StatusActive
	if desired != dbplane.StatusActive {
		// The account was suspended or went over quota while the engine
		// worked: restrict the new database too.
		if _, err := s.converge(sctx, []string{d.ID}); err != nil {
			s.log.Warn("new database not yet restricted; will retry", "database_id", d.ID, "err", err)
		}
		d.Status = desired
	}
	return s.credentials(ctx, d, password)
}

// applyCreate runs the create on the engine. fresh is true on the request
// that just recorded the intent, whose names nothing has tried before: the
// driver may then skip its pre-create check (engine.EnsureDatabaseRequest).
// A create that claimed a warm database renames it into place; when the
// engine finds it gone (or not as it was made), a normal create runs, and
// whatever is left under the placeholder names is dropped, so nothing of
// the warm database outlives the create.
func (s *Service) applyCreate(ctx context.Context, in *dbplane.Intent, d *dbplane.Database, password string, fresh bool) error {
	c, _, err := s.conn(ctx, in.HostID)
	if err != nil {
		return err
	}
	req := engine.EnsureDatabaseRequest{
		Database: in.DBName, Owner: in.DBUser, Password: password, Remote: in.Remote, MaxConnections: d.MaxConnections,
		Fresh: fresh,
	}
	if in.WarmDB != "" {
		req.Claim = &engine.WarmNames{Database: in.WarmDB, Owner: in.WarmUser}
	}
	resp, err := c.EnsureDatabase(ctx, req)
	if err != nil || in.WarmDB == "" || resp.Claimed {
		return err
	}
	s.log.Warn("warm database not found as it was made; created the database instead", "database_id", in.DatabaseID, "warm", in.WarmDB)
	// The create itself reached the engine: a drop that sent nothing
	// still leaves undoCreate a database to drop.
	return engine.Sent(c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: in.WarmDB, Owner: in.WarmUser, Remote: "%"}))
}

// undoCreate removes the row of a create that failed and returns the error
// to report. Names that already belonged to something else are left alone
// on the engine, and so is a host nothing was sent to; otherwise a drop
// intent replaces the create intent. The drop is tried at once when the
// host answered; when it did not, trying again would wait on it past the
// one engine timeout a request may take (SPEC §6): the drop intent stays,
// its lease handed back, and Reconcile drops whatever the create made once
// the host answers.
func (s *Service) undoCreate(ctx context.Context, in *dbplane.Intent, cause error) error {
	theirs := errors.Is(cause, engine.ErrExists)
	s.hook("create:engine-failed")
	sctx, cancel := s.storeCtx(ctx)
	defer cancel()
	unsent := !theirs && errors.Is(cause, engine.ErrNotSent)
	drop := !theirs && !unsent
	undo := func() error { return s.store.UndoCreate(sctx, in, drop) }
	if unsent {
		// Nothing reached the engine: a claimed warm database is intact,
		// and goes back to the pool.
		undo = func() error { return s.store.UndoUnsentCreate(sctx, in) }
	}
	if err := undo(); err != nil {
		if errors.Is(err, store.ErrLeaseLost) {
			// The reconciler took the create over while this request was
			// stalled: what it settles stands, and this request stops.
			s.log.Warn("create taken over by the reconciler", "database_id", in.DatabaseID)
			return err
		}
		s.log.Error("undo create", "database_id", in.DatabaseID, "err", err)
		return dbplane.Wrap(dbplane.ErrHostUnavailable, cause)
	}
	if theirs {
		if in.Kind == dbplane.IntentDrop {
			// A claimed warm database is left under its placeholder
			// names (store.UndoCreate): drop it now, or the reconciler
			// will.
			ectx, ecancel := s.engineCtx(ctx)
			defer ecancel()
			if err := s.applyDrop(ectx, in); err != nil {
				s.log.Warn("drop of a claimed warm database; will retry", "database_id", in.DatabaseID, "warm", in.DBName, "err", err)
			}
		}
		// The name is someone else's on the host (for example a database
		// left from a panel migration): the tenant can pick another.
		return &dbplane.Error{Code: dbplane.CodeConflict, Field: "database", Message: "A database with that name already exists on the database host", Err: cause}
	}
	if !drop {
		return translateEngine(cause)
	}
	if hostSilent(cause) {
		s.giveUp(sctx, in, cause)
		s.log.Warn("drop after failed create left to the reconciler: the host did not answer", "database_id", in.DatabaseID, "host_id", in.HostID)
		return translateEngine(cause)
	}
	ectx, ecancel := s.engineCtx(ctx)
	defer ecancel()
	if err := s.applyDrop(ectx, in); err != nil {
		s.log.Warn("drop after failed create; will retry", "database_id", in.DatabaseID, "host_id", in.HostID, "err", err)
	}
	return translateEngine(cause)
}

// applyDrop drops the intent's database and owner, and the placeholder
// names of the warm database a create claimed (in.WarmDB), then forgets
// the intent.
func (s *Service) applyDrop(ctx context.Context, in *dbplane.Intent) error {
	c, _, err := s.conn(ctx, in.HostID)
	if err != nil {
		return err
	}
	if in.WarmDB != "" {
		if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: in.WarmDB, Owner: in.WarmUser, Remote: "%"}); err != nil {
			return err
		}
	}
	if err := c.DropDatabase(ctx, engine.DropDatabaseRequest{Database: in.DBName, Owner: in.DBUser, Remote: in.Remote}); err != nil {
		return err
	}
	sctx, cancel := s.storeCtx(ctx)
	defer cancel()
	return s.store.CompleteDrop(sctx, in)
}

// RevealDatabase returns the account's database with its current password.
func (s *Service) RevealDatabase(ctx context.Context, accountID, id string) (*dbplane.Credentials, error) {
	l, err := s.accountDatabases(ctx, accountID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(l, func(d *dbplane.Database) bool { return d.ID == id })
	if i < 0 {
		return nil, dbplane.ErrDatabaseNotFound
	}
	cp := *l[i]
	d := &cp
	if d.Status == dbplane.StatusOrphaned {
		return nil, dbplane.ErrDatabaseOrphaned
	}
	pw, err := s.sealer.Open(d.SealedPassword, databaseAAD(d.ID))
	if err != nil {
		return nil, fmt.Errorf("unseal password of database %s: %w", d.ID, err)
	}
	return s.credentials(ctx, d, string(pw))
}

// RotatePassword sets a new password on the engine and then stores it. The
// intent holds the new password sealed, so a crash after the engine changed
// is finished by Reconcile and the stored password always logs in.
func (s *Service) RotatePassword(ctx context.Context, accountID, id string) (*dbplane.Credentials, error) {
	// One engine timeout for the whole request: the wait for the
	// database's lock (a reconciler pass may hold it on a hung host) and
	// a change left by an earlier request included.
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	unlock := s.locks.lock(id)
	defer unlock()
	defer s.store.Expect()() // the intent, then the completion (as provision)
	password, err := randomString(s.opt.Rand, s.opt.PasswordLength, alnum)
	if err != nil {
		return nil, err
	}
	sealed, err := s.sealer.Seal([]byte(password), databaseAAD(id))
	if err != nil {
		return nil, err
	}
	intentID, err := newULID(s.opt.Now(), s.opt.Rand)
	if err != nil {
		return nil, err
	}
	in := &dbplane.Intent{ID: intentID, DatabaseID: id, SealedPassword: sealed}
	d, err := s.store.BeginRotate(ctx, accountID, in)
	if errors.Is(err, store.ErrBusy) {
		if err := s.finishLeftChange(ctx, ectx, id); err != nil {
			return nil, err
		}
		d, err = s.store.BeginRotate(ctx, accountID, in)
	}
	if err != nil {
		return nil, err
	}
	s.hook("rotate:recorded")

	err = s.applyRotate(ectx, in, password)
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	if err != nil {
		s.giveUp(sctx, in, err)
		return nil, translateEngine(err)
	}
	s.hook("rotate:engine-done")
	if err := s.store.CompleteRotate(sctx, in); err != nil {
		return nil, err
	}
	d.SealedPassword = sealed
	return s.credentials(ctx, d, password)
}

func (s *Service) applyRotate(ctx context.Context, in *dbplane.Intent, password string) error {
	c, _, err := s.conn(ctx, in.HostID)
	if err != nil {
		return err
	}
	return c.SetPassword(ctx, engine.SetPasswordRequest{Owner: in.DBUser, Remote: in.Remote, Password: password})
}

// credentials builds the create/reveal/rotate view of d. The host comes
// from the connection cache; its DatabaseCount is not kept current there.
func (s *Service) credentials(ctx context.Context, d *dbplane.Database, password string) (*dbplane.Credentials, error) {
	_, h, err := s.conn(ctx, d.HostID)
	if err != nil {
		return nil, err
	}
	return &dbplane.Credentials{
		Database:         d,
		Host:             h,
		Password:         dbplane.Secret(password),
		ConnectionString: ConnectionString(d, h, password),
	}, nil
}

// ConnectionString returns the URL a tenant connects with: mysql://,
// postgresql:// or mongodb://...?authSource=<db>, with the user and password
// escaped and the host's public address (SPEC §3), and the host's public
// TLS mode (Host.PublicTLS) when it is require or verify-full: sslmode=
// for PostgreSQL (libpq's names), ssl-mode= for MariaDB (REQUIRED,
// VERIFY_IDENTITY, as MySQL's URI-like strings spell them) and tls=true
// for MongoDB (its clients verify the certificate).
func ConnectionString(d *dbplane.Database, h *dbplane.Host, password string) dbplane.Secret {
	host, port := h.PublicAddress()
	u := url.URL{
		User: url.UserPassword(d.DBUser, password),
		Host: net.JoinHostPort(host, strconv.Itoa(port)),
		Path: "/" + d.DBName,
	}
	mode := h.PublicTLS()
	var query []string
	switch d.Engine {
	case dbplane.EnginePostgres:
		u.Scheme = "postgresql"
		if mode != dbplane.TLSPrefer {
			query = append(query, "sslmode="+string(mode))
		}
	case dbplane.EngineMongo:
		u.Scheme = "mongodb"
		query = append(query, "authSource="+url.QueryEscape(d.DBName))
		if mode == dbplane.TLSRequire || mode == dbplane.TLSVerifyFull {
			query = append(query, "tls=true")
		}
	default:
		u.Scheme = "mysql"
		if m := mysqlSSLMode(mode); m != "" {
			query = append(query, "ssl-mode="+m)
		}
	}
	u.RawQuery = strings.Join(query, "&")
	return dbplane.Secret(u.String())
}

// mysqlSSLMode is MySQL's name for a public TLS mode, "" for prefer
// (PREFERRED, the clients' default).
func mysqlSSLMode(m dbplane.TLSMode) string {
	switch m {
	case dbplane.TLSRequire:
		return "REQUIRED"
	case dbplane.TLSVerifyFull:
		return "VERIFY_IDENTITY"
	}
	return ""
}

// refused reports whether the server answered an engine call with an error
// of its own (a server code), so the change certainly did not happen. A
// dial failure, a timeout or a broken connection may hide a change that did.
func refused(err error) bool {
	var ee *engine.Error
	return errors.As(err, &ee) && ee.Code != "" && !errors.Is(err, engine.ErrUnreachable)
}

// unchanged reports whether a failed engine call provably changed nothing:
// the server refused it, or nothing was sent (a refused dial, a dial or
// handshake that timed out). A timeout after a statement was sent is not
// unchanged: the server may still run it.
func unchanged(err error) bool {
	return refused(err) || errors.Is(err, engine.ErrNotSent)
}

// hostSilent reports whether err means the host did not answer: it could
// not be reached, or the engine timeout ran out.
func hostSilent(err error) bool {
	return errors.Is(err, engine.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded)
}

// giveUp ends a request's hold on an intent whose engine call failed. A
// change that provably did not happen is forgotten: the database is free
// for the next change at once (SPEC §6). Otherwise the change may have
// happened and the intent stays, its lease handed back, so that the next
// change of the database (finishLeftChange) or the reconciler finishes it
// without waiting for the lease to run out.
func (s *Service) giveUp(sctx context.Context, in *dbplane.Intent, err error) {
	if unchanged(err) {
		if aerr := s.store.AbandonIntent(sctx, in); aerr != nil {
			s.log.Error("abandon intent", "database_id", in.DatabaseID, "kind", string(in.Kind), "err", aerr)
		}
		return
	}
	if nerr := s.store.NoteIntentFailure(sctx, in, err.Error()); nerr != nil {
		s.log.Error("hand back intent", "database_id", in.DatabaseID, "kind", string(in.Kind), "err", nerr)
	}
}

// finishLeftChange settles the change an earlier request (or a pass of the
// reconciler) left on the database when its host did not answer, so that
// the change the caller is about to make is not refused for it: that
// change may have reached the engine, and is finished first (a rotate's
// password applied again, an access set). It needs the database's lock
// and ectx, the caller's engine deadline. It returns 503
// (HOST_UNAVAILABLE) while the host still does not answer or while
// another worker holds the change, and store.ErrBusy for a create or a
// drop in progress.
func (s *Service) finishLeftChange(ctx, ectx context.Context, databaseID string) error {
	in, err := s.store.DatabaseIntent(ctx, databaseID)
	if err != nil || in == nil {
		return err // none: it was settled meanwhile, and the caller tries again
	}
	if in.Kind != dbplane.IntentRotate && in.Kind != dbplane.IntentAccess {
		return store.ErrBusy
	}
	// A request in flight holds its lease for at most the engine timeout;
	// one that gave up handed it back.
	if err := s.store.ClaimIntent(ctx, in, 2*s.opt.EngineTimeout); err != nil {
		return err
	}
	if err := s.settleLocked(ectx, in); err != nil {
		sctx, cancel := s.storeCtx(ctx)
		defer cancel()
		if nerr := s.store.NoteIntentFailure(sctx, in, err.Error()); nerr != nil {
			s.log.Error("hand back intent", "database_id", databaseID, "kind", string(in.Kind), "err", nerr)
		}
		s.log.Warn("change left in flight not settled yet", "database_id", databaseID, "kind", string(in.Kind), "err", err.Error())
		return translateEngine(err)
	}
	s.log.Info("change left in flight settled", "database_id", databaseID, "kind", string(in.Kind))
	return nil
}

// translateEngine turns an engine error into the domain error to report.
func translateEngine(err error) error {
	var de *dbplane.Error
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, engine.ErrUnreachable), errors.Is(err, context.DeadlineExceeded):
		return dbplane.Wrap(dbplane.ErrHostUnavailable, err)
	case errors.Is(err, engine.ErrAccessDenied):
		return &dbplane.Error{Code: dbplane.CodeUnavailable, Message: "The database host rejected dbplane's credentials", Err: err}
	case errors.Is(err, engine.ErrExists):
		return &dbplane.Error{Code: dbplane.CodeConflict, Message: "The database already exists on the host", Err: err}
	case errors.Is(err, engine.ErrNotExist):
		return &dbplane.Error{Code: dbplane.CodeUnavailable, Message: "The database user is missing on the host", Err: err}
	}
	return err
}
