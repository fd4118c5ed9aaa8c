package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// PreviewSuspension says what suspending or unsuspending the account would
// change, by the same rules UpdateAccount applies: a suspension disables
// every enabled key and signs out every session, an unsuspension enables
// the keys the suspension disabled; databases follow their flags through
// Database.DesiredStatus. TestPreviewSuspension holds the preview to what
// UpdateAccount then does.
func (s *Service) PreviewSuspension(ctx context.Context, id string, suspend bool) (*dbplane.SuspensionPreview, error) {
	a, err := s.store.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &dbplane.SuspensionPreview{Suspend: suspend}
	if a.Suspended == suspend {
		return p, nil
	}
	keys, err := s.store.ListKeys(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if (suspend && !k.Disabled) || (!suspend && k.DisabledBySuspension) {
			p.Keys++
		}
	}
	dbs, err := s.store.ListDatabases(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range dbs {
		after := *d
		after.SuspensionDisabled = suspend
		if after.DesiredStatus() != d.DesiredStatus() {
			p.Databases++
		}
	}
	if suspend {
		sessions, err := s.ListSessions(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		p.Sessions = len(sessions)
	}
	return p, nil
}
