package control

import (
	"context"

	"github.com/dbplane/dbplane"
	"github.com/dbplane/dbplane/internal/engine"
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
	before := s.engineConfig(h)
	if err := in.Apply(h, id == ""); err != nil {
		return dbplane.HostTest{}, err
	}
	if id != "" {
		if err := passwordStays(before, s.engineConfig(h), in); err != nil {
			return dbplane.HostTest{}, err
		}
	}
	if !s.engines.Has(string(h.Engine)) {
		return dbplane.HostTest{}, dbplane.FieldErrorf("engine", "This build of dbplane has no %s engine.", h.Engine)
	}
	return s.check(ctx, h), nil
}

// passwordStays refuses changed settings that would send the stored
// password to another address or user than the one it was saved for, as
// a check of the new settings would: the password must then be given
// again. Otherwise anyone allowed to edit a host could point it at a
// server of theirs and read the password off the wire.
func passwordStays(before, after engine.Config, in dbplane.HostInput) error {
	if in.Password != nil {
		return nil
	}
	if before.Host != after.Host || before.Port != after.Port || before.User != after.User {
		return dbplane.FieldErrorf("password", "Enter the password again: a stored password is only sent to the address and user it was saved for.")
	}
	return nil
}
