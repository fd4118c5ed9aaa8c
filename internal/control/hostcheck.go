package control

import (
	"context"

	"github.com/dbplane/dbplane"
)

// TestHostSettings checks host settings before they are saved, as the
// create and edit forms' Test connection does: in as a new host when id is
// "", or in applied over the stored host. The same check CreateHost and
// UpdateHost run; nothing is stored.
func (s *Service) TestHostSettings(ctx context.Context, id string, in dbplane.HostInput) (dbplane.HostTest, error) {
	h := &dbplane.Host{}
	if id != "" {
		var err error
		if h, err = s.store.Host(ctx, id); err != nil {
			return dbplane.HostTest{}, err
		}
		if err := s.unseal(h); err != nil {
			return dbplane.HostTest{}, err
		}
	}
	if err := in.Apply(h, id == ""); err != nil {
		return dbplane.HostTest{}, err
	}
	if !s.engines.Has(string(h.Engine)) {
		return dbplane.HostTest{}, dbplane.FieldErrorf("engine", "This build of dbplane has no %s engine.", h.Engine)
	}
	return s.check(ctx, h), nil
}
