package control

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/dbplane/dbplane"
)

var _ dbplane.IdempotencyService = (*Service)(nil)

// idempotencyID is the row id of a claim: the hex SHA-256 of its account,
// route and key, each length-prefixed so no two triples collide.
func idempotencyID(req dbplane.IdempotentRequest) string {
	h := sha256.New()
	for _, s := range []string{req.AccountID, req.Route, req.Key} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idempotencyAAD binds a kept response to its row.
func idempotencyAAD(id string) []byte { return []byte("idempotency:" + id) }

// BeginIdempotent claims req, or returns the response kept for it (see
// dbplane.IdempotencyService). The claim is a row in the metadata store,
// so a retry on another replica sees it.
func (s *Service) BeginIdempotent(ctx context.Context, req dbplane.IdempotentRequest) (*dbplane.IdempotentResponse, error) {
	id := idempotencyID(req)
	now := s.opt.Now()
	claimed, row, err := s.store.ClaimIdempotencyKey(ctx, id, req.AccountID, req.Fingerprint[:], now,
		now.Add(-dbplane.IdempotencyTTL), now.Add(-dbplane.IdempotencyAbandoned))
	switch {
	case err != nil:
		return nil, err
	case claimed:
		return nil, nil
	case !bytes.Equal(row.Fingerprint, req.Fingerprint[:]):
		return nil, dbplane.ErrIdempotencyKeyReused
	case row.Status == 0:
		return nil, dbplane.ErrIdempotencyInFlight
	}
	plain, err := s.sealer.Open(row.Response, idempotencyAAD(id))
	if err != nil {
		return nil, dbplane.Wrap(dbplane.ErrIdempotencyUnreadable, err)
	}
	defer clear(plain)
	var resp dbplane.IdempotentResponse
	if err := json.Unmarshal(plain, &resp); err != nil {
		return nil, dbplane.Wrap(dbplane.ErrIdempotencyUnreadable, err)
	}
	return &resp, nil
}

// FinishIdempotent keeps resp, sealed, for replays of req; a nil resp
// releases the claim. It runs even when the client went away: the create
// it answers for happened.
func (s *Service) FinishIdempotent(ctx context.Context, req dbplane.IdempotentRequest, resp *dbplane.IdempotentResponse) error {
	ctx, cancel := s.storeCtx(ctx)
	defer cancel()
	id := idempotencyID(req)
	if resp == nil {
		return s.store.ReleaseIdempotencyKey(ctx, id)
	}
	plain, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	defer clear(plain)
	sealed, err := s.sealer.Seal(plain, idempotencyAAD(id))
	if err != nil {
		return err
	}
	return s.store.FinishIdempotencyKey(ctx, id, resp.Status, sealed)
}

// SweepIdempotency deletes the kept keys older than dbplane.IdempotencyTTL
// and returns how many. The leader runs it with the reconciler.
func (s *Service) SweepIdempotency(ctx context.Context) (int64, error) {
	return s.store.DeleteIdempotencyKeysBefore(ctx, s.opt.Now().Add(-dbplane.IdempotencyTTL))
}
