package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/store"
)

// rekeyBatch is how many values Rekey re-seals per transaction (a var for
// the tests).
var rekeyBatch = 100

// ErrRekeyUnsupported is Rekey's error when the sealer cannot tell which
// key sealed a value.
var ErrRekeyUnsupported = errors.New("the master key cannot tell which key sealed a value")

// Rekey is RekeyProgress without progress (the admin API's).
func (s *Service) Rekey(ctx context.Context) (*dbplane.RekeyReport, error) {
	return s.RekeyProgress(ctx, nil)
}

// RekeyProgress seals every stored secret again under the primary master key, so
// that the older keys can then be dropped from the key file. It works
// online: it walks each table in batches of rekeyBatch by id, each batch
// its own transaction, and replaces a value only where the row still
// holds the bytes it read (a concurrent password rotation wins and
// nothing is lost). Values already under the primary key are left alone,
// so running it again after a crash or a cancel finishes the job.
// progress, when set, is told after each batch how far a table is. The
// report is returned with an error too, as far as it got.
func (s *Service) RekeyProgress(ctx context.Context, progress func(table string, done, total int)) (*dbplane.RekeyReport, error) {
	ki, ok := s.sealer.(keyIdentifier)
	if !ok {
		return nil, ErrRekeyUnsupported
	}
	rep := &dbplane.RekeyReport{PrimaryKey: ki.PrimaryID()}
	if err := s.CheckMasterKey(ctx); err != nil { // the canary follows the primary key too
		return rep, err
	}
	for _, t := range store.SealedTables {
		tr, err := s.rekeyTable(ctx, ki, t, progress)
		rep.Tables = append(rep.Tables, tr)
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// rekeyTable re-seals one table's values, batch by batch.
func (s *Service) rekeyTable(ctx context.Context, ki keyIdentifier, t store.SealedTable, progress func(string, int, int)) (dbplane.RekeyTable, error) {
	tr := dbplane.RekeyTable{Table: string(t)}
	total, err := s.store.CountSealed(ctx, t)
	if err != nil {
		return tr, err
	}
	tr.Total = total
	after, done := "", 0
	for {
		vals, err := s.store.SealedBatch(ctx, t, after, rekeyBatch)
		if err != nil {
			return tr, err
		}
		if len(vals) == 0 {
			return tr, nil
		}
		var batch []store.Reseal
		for _, v := range vals {
			if id, err := ki.KeyID(v.Sealed); err == nil && id == ki.PrimaryID() {
				tr.Current++
				continue
			}
			aad := sealedAAD(t, v.Owner)
			plain, err := s.sealer.Open(v.Sealed, aad)
			if err != nil {
				return tr, fmt.Errorf("%s %s: cannot open its sealed value with the master key: %w", t, v.ID, err)
			}
			sealed, err := s.sealer.Seal(plain, aad)
			clear(plain)
			if err != nil {
				return tr, err
			}
			batch = append(batch, store.Reseal{ID: v.ID, Old: v.Sealed, New: sealed})
		}
		s.hook("rekey:batch-sealed")
		if len(batch) > 0 {
			n, err := s.store.ResealBatch(ctx, t, batch)
			if err != nil {
				return tr, err
			}
			tr.Resealed += n
			tr.Skipped += len(batch) - n
		}
		done += len(vals)
		after = vals[len(vals)-1].ID
		if progress != nil {
			progress(string(t), done, max(total, done))
		}
	}
}

// sealedAAD is the AAD a table's value is sealed with: a database's
// password and a rotate intent's new one are bound to the database, a
// host's to the host, a kept response to its idempotency row.
func sealedAAD(t store.SealedTable, owner string) []byte {
	switch t {
	case store.SealedHosts:
		return hostAAD(owner)
	case store.SealedIdempotency:
		return idempotencyAAD(owner)
	}
	return databaseAAD(owner)
}
