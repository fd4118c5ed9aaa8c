package control

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
)

// Bounds of one drift sweep (SPEC §6: bounded work per pass).
const (
	// driftWorkers is how many hosts a sweep reads at once: a hung host
	// costs its own worker one engine timeout, and the others go on.
	driftWorkers = 8
	// driftRepairsPerHost caps the repairs of one host per sweep; the rest
	// are found again, and repaired, by the next sweeps.
	driftRepairsPerHost = 50
	// driftChecksPerHost caps the password checks per host per sweep that
	// the cache does not answer (a SCRAM check is some milliseconds of
	// CPU); unchecked ones are checked by the next sweeps.
	driftChecksPerHost = 2000
	// driftDownFor is how long a host found down is skipped without
	// being tried; after that a sweep tries it again.
	driftDownFor = time.Minute
)

var _ dbplane.DriftService = (*Service)(nil)

// SweepDrift compares every enabled host's catalog with dbplane's records
// (SPEC §6, Drift): one catalog read per host (engine.Cataloger), at most
// driftWorkers hosts at once, each bounded by the engine timeout. A host
// this replica last found down is skipped, without paying its timeout
// again. Each host's findings replace that host's previous ones as soon
// as it is swept, so a slow host delays no other's. Where dbplane is the
// source of truth (a missing user, a password or access that differs) it
// repairs through a repair intent; it never drops or recreates anything:
// a missing database and unknown objects in the naming scheme are only
// reported.
func (s *Service) SweepDrift(ctx context.Context) (rep *dbplane.DriftReport, err error) {
	if s.opt.OnDriftPass != nil {
		t0 := time.Now()
		defer func() { s.opt.OnDriftPass(rep, time.Since(t0), err) }()
	}
	start := s.opt.Now()
	rep = &dbplane.DriftReport{StartedAt: start}
	hosts, err := s.store.ListHosts(ctx)
	if err != nil {
		return nil, err
	}
	intents, err := s.store.Intents(ctx)
	if err != nil {
		return nil, err
	}
	var enabled []*dbplane.Host
	var ids []string
	for _, h := range hosts {
		if h.Enabled {
			enabled = append(enabled, h)
			ids = append(ids, h.ID)
		}
	}
	down := map[string]bool{}
	for _, hh := range s.HostHealth() {
		down[hh.HostID] = hh.Down && s.opt.Now().Sub(hh.SeenAt) < driftDownFor
	}
	rep.Hosts = make([]dbplane.HostDrift, len(enabled))
	fanOut(enabled, driftWorkers, func(i int, h *dbplane.Host) {
		rep.Hosts[i] = s.sweepHost(ctx, h, down[h.ID], intents)
	})
	if err := s.store.PruneDriftFindings(ctx, ids); err != nil {
		return nil, err
	}
	for _, h := range rep.Hosts {
		rep.Findings += h.Findings
		rep.Repaired += h.Repaired
	}
	rep.Took = s.opt.Now().Sub(start)
	return rep, nil
}

// DriftFindings returns a filtered page of the latest findings.
func (s *Service) DriftFindings(ctx context.Context, f dbplane.DriftFilter) ([]*dbplane.DriftFinding, int, error) {
	return s.store.DriftFindings(ctx, f)
}

// DatabaseDrift returns the kinds of the unrepaired findings of each
// database in ids.
func (s *Service) DatabaseDrift(ctx context.Context, ids []string) (map[string][]dbplane.DriftKind, error) {
	return s.store.DatabaseDrift(ctx, ids)
}

// RunDrift sweeps every interval until ctx is done.
func (s *Service) RunDrift(ctx context.Context, interval time.Duration) error {
	every(ctx, interval, func() {
		if _, err := s.SweepDrift(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("drift sweep failed", "err", err)
		}
	})
	return nil
}

// sweepHost sweeps one host and stores its findings.
func (s *Service) sweepHost(ctx context.Context, h *dbplane.Host, down bool, intents []*dbplane.Intent) (out dbplane.HostDrift) {
	out = dbplane.HostDrift{HostID: h.ID, HostName: h.Name}
	t0 := time.Now()
	defer func() { out.Took = time.Since(t0) }()
	if down {
		out.Skipped = "The host was found down; it is swept once it answers again"
		return out
	}
	cat, err := s.readCatalog(ctx, h.ID)
	if err != nil {
		out.Skipped = dbplane.ErrorMessage(translateEngine(err))
		if errors.Is(err, engine.ErrUnsupported) {
			out.Skipped = "This engine keeps no catalog dbplane can read"
		}
		s.log.Warn("drift: host not swept", "host_id", h.ID, "err", err)
		return out
	}
	rows, _, err := s.store.ListAllDatabases(ctx, dbplane.DatabaseFilter{HostID: h.ID})
	if err != nil {
		out.Skipped = "The store did not answer"
		s.log.Error("drift: list the host's databases", "host_id", h.ID, "err", err)
		return out
	}
	found := s.compare(h.ID, cat, rows, intents)
	repairs := 0
	byDB := map[string]*dbplane.Database{}
	for _, d := range rows {
		byDB[d.ID] = d
	}
	repaired := map[string]error{}
	for _, f := range found {
		if !f.Kind.Repairable() || f.Repair != dbplane.RepairPending {
			continue
		}
		err, done := repaired[f.DatabaseID]
		if !done {
			if repairs >= driftRepairsPerHost {
				continue // pending: the next sweep repairs it
			}
			repairs++
			err = s.repairDrift(ctx, byDB[f.DatabaseID])
			repaired[f.DatabaseID] = err
		}
		if err != nil {
			f.Repair, f.RepairError = dbplane.RepairFailed, dbplane.ErrorMessage(translateEngine(err))
			continue
		}
		f.Repair = dbplane.RepairDone
		out.Repaired++
	}
	for id, err := range repaired {
		if err != nil {
			s.log.Warn("drift: repair failed; the next sweep tries again", "host_id", h.ID, "database_id", id, "err", err)
		} else {
			s.log.Info("drift repaired", "host_id", h.ID, "database_id", id)
		}
	}
	out.Findings = len(found)
	if err := s.store.ReplaceDriftFindings(ctx, h.ID, found); err != nil {
		s.log.Error("drift: store the findings", "host_id", h.ID, "err", err)
	}
	return out
}

func (s *Service) readCatalog(ctx context.Context, hostID string) (*engine.Catalog, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opt.EngineTimeout)
	defer cancel()
	c, _, err := s.conn(ctx, hostID)
	if err != nil {
		return nil, err
	}
	return c.Catalog(ctx)
}

// compare lists what differs between a host's catalog and the rows of the
// databases on it. Databases that are not settled (creating, deleting,
// failed) or have an engine change in flight are left to that change.
// Repairable findings come back RepairPending, the others RepairNone.
func (s *Service) compare(hostID string, cat *engine.Catalog, rows []*dbplane.Database, intents []*dbplane.Intent) []*dbplane.DriftFinding {
	now := s.opt.Now()
	var out []*dbplane.DriftFinding
	add := func(kind dbplane.DriftKind, object, dbID string) {
		repair := dbplane.RepairNone
		if kind.Repairable() {
			repair = dbplane.RepairPending
		}
		out = append(out, &dbplane.DriftFinding{HostID: hostID, Kind: kind, Object: object, DatabaseID: dbID, Repair: repair, FoundAt: now})
	}
	present := map[string]bool{}
	for _, name := range cat.Databases {
		present[name] = true
	}
	known := map[string]bool{}
	busy := map[string]bool{}
	for _, in := range intents {
		busy[in.DatabaseID] = true
		if in.HostID == hostID {
			known[in.DBName], known[in.DBUser] = true, true
		}
	}
	checks := driftChecksPerHost
	for _, d := range rows {
		known[d.DBName], known[d.DBUser] = true, true
		switch d.Status {
		case dbplane.StatusActive, dbplane.StatusOverQuota, dbplane.StatusDisabled:
		default:
			continue
		}
		if busy[d.ID] {
			continue
		}
		u := catalogUser(cat, d)
		if !present[d.DBName] {
			add(dbplane.DriftMissingDatabase, d.DBName, d.ID)
			if u == nil {
				add(dbplane.DriftMissingUser, d.DBUser, d.ID)
			}
			// Nothing is repaired: the data is gone, and an empty
			// database in its place would hide that (docs/operations.md).
			for _, f := range out {
				if f.DatabaseID == d.ID {
					f.Repair = dbplane.RepairNone
				}
			}
			continue
		}
		if u == nil {
			add(dbplane.DriftMissingUser, d.DBUser, d.ID)
			continue
		}
		if u.CheckPassword != nil {
			switch s.passwordMatches(d, u, &checks) {
			case matchNo:
				add(dbplane.DriftPassword, d.DBUser, d.ID)
			case matchUnknown:
			}
		}
		if cat.AccessKnown && d.Status == d.DesiredStatus() && !accessMatches(d, u) {
			add(dbplane.DriftAccess, d.DBUser, d.ID)
		}
	}
	for _, name := range cat.Databases {
		if dbplane.InNamingScheme(name, true) && !known[name] {
			add(dbplane.DriftUnknownDatabase, name, "")
		}
	}
	seen := map[string]bool{}
	for _, u := range cat.Users {
		if dbplane.InNamingScheme(u.Name, false) && !known[u.Name] && !seen[u.Name] {
			seen[u.Name] = true
			add(dbplane.DriftUnknownUser, u.Name, "")
		}
	}
	return out
}

// catalogUser finds d's user in the catalog: by name, and by host pattern
// on MariaDB or by the database it is defined on on MongoDB.
func catalogUser(cat *engine.Catalog, d *dbplane.Database) *engine.CatalogUser {
	remote := d.Remote
	if remote == "" {
		remote = "%"
	}
	for i := range cat.Users {
		u := &cat.Users[i]
		if u.Name != d.DBUser {
			continue
		}
		if u.Remote != "" && u.Remote != remote {
			continue
		}
		if u.Database != "" && u.Database != d.DBName {
			continue
		}
		return u
	}
	return nil
}

// accessMatches reports whether the user's lock and grants are what d's
// status calls for.
func accessMatches(d *dbplane.Database, u *engine.CatalogUser) bool {
	want := accessFor(d.Status)
	if want == engine.AccessLocked {
		return u.Locked
	}
	return !u.Locked && u.Grants[d.DBName] == want
}

type match int

const (
	matchUnknown match = iota
	matchYes
	matchNo
)

// passwordMatches checks d's sealed password against the user's stored
// credential. A match is remembered by the credential's fingerprint and
// the sealed value, so an unchanged pair costs nothing on later sweeps;
// checks counts down the uncached checks this sweep may still make.
func (s *Service) passwordMatches(d *dbplane.Database, u *engine.CatalogUser, checks *int) match {
	key := u.Fingerprint + ":" + hashHex(d.SealedPassword)
	if v, ok := s.driftVerified.Load(d.ID); ok && v.(string) == key && u.Fingerprint != "" {
		return matchYes
	}
	if *checks <= 0 {
		return matchUnknown
	}
	*checks--
	pw, err := s.sealer.Open(d.SealedPassword, databaseAAD(d.ID))
	if err != nil {
		s.log.Error("drift: unseal a database password", "database_id", d.ID, "err", err)
		return matchUnknown
	}
	if !u.CheckPassword(string(pw)) {
		s.driftVerified.Delete(d.ID)
		return matchNo
	}
	s.driftVerified.Store(d.ID, key)
	return matchYes
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// repairDrift applies d's row to the engine again, through a repair
// intent: the user with its sealed password, its grants, then the access
// its status calls for. A repair that fails is forgotten at once (the
// next sweep finds the drift again), so it never blocks the database's
// other changes; a crash in the middle leaves the intent to Reconcile.
func (s *Service) repairDrift(ctx context.Context, d *dbplane.Database) error {
	unlock := s.locks.lock(d.ID)
	defer unlock()
	intentID, err := newULID(s.opt.Now(), s.opt.Rand)
	if err != nil {
		return err
	}
	in := &dbplane.Intent{ID: intentID, DatabaseID: d.ID}
	row, err := s.store.BeginRepair(ctx, in)
	if err != nil {
		return err
	}
	ectx, cancel := s.engineCtx(ctx)
	defer cancel()
	err = s.applyRepair(ectx, in, row)
	sctx, scancel := s.storeCtx(ctx)
	defer scancel()
	if err != nil {
		if aerr := s.store.AbandonIntent(sctx, in); aerr != nil {
			s.log.Error("abandon repair intent", "database_id", d.ID, "err", aerr)
		}
		return err
	}
	s.hook("repair:engine-done")
	return s.store.CompleteRepair(sctx, in)
}

// applyRepair runs a repair intent against the engine: EnsureDatabase
// with the sealed password (it creates a missing user, sets the password
// and grants the owner's privileges; the database exists, so nothing is
// created), then the access of the row's status.
func (s *Service) applyRepair(ctx context.Context, in *dbplane.Intent, d *dbplane.Database) error {
	pw, err := s.sealer.Open(d.SealedPassword, databaseAAD(d.ID))
	if err != nil {
		return err
	}
	c, _, err := s.conn(ctx, in.HostID)
	if err != nil {
		return err
	}
	if _, err := c.EnsureDatabase(ctx, engine.EnsureDatabaseRequest{
		Database: in.DBName, Owner: in.DBUser, Password: string(pw), Remote: in.Remote, MaxConnections: d.MaxConnections,
	}); err != nil {
		return err
	}
	return s.applyAccessOrRecord(ctx, in, d.Status)
}

// settleRepair finishes a repair intent a crash left.
func (s *Service) settleRepair(ctx context.Context, in *dbplane.Intent) error {
	d, err := s.store.Database(ctx, in.DatabaseID)
	if dbplane.ErrorCode(err) == dbplane.CodeNotFound {
		return s.store.AbandonIntent(ctx, in)
	}
	if err != nil {
		return err
	}
	if err := s.applyRepair(ctx, in, d); err != nil {
		return err
	}
	return s.store.CompleteRepair(ctx, in)
}
