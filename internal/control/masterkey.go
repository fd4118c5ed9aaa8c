package control

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
)

// canarySetting is the settings row holding a known text sealed under the
// master key. Replicas sharing a store must share the key: one with
// another key would seal passwords that no other replica can open.
const canarySetting = "master_key_canary"

var canaryText = []byte("dbplane master key canary v1")

func canaryAAD() []byte { return []byte("setting:" + canarySetting) }

// ErrMasterKeyMismatch is what CheckMasterKey returns when the master key
// cannot open the store's canary.
var ErrMasterKeyMismatch = errors.New("this master key is not the one the store was set up with " +
	"(it cannot open the store's canary); give every replica the same DBPLANE_MASTER_KEY or --master-key-file")

// keyIdentifier is the part of *secret.Sealer that tells which key sealed
// a value, so the canary follows a key rotation.
type keyIdentifier interface {
	KeyID(sealed []byte) (string, error)
	PrimaryID() string
}

// CheckMasterKey makes sure the master key is the store's: on first use it
// seals the canary into the store; afterwards the canary must open, or it
// returns ErrMasterKeyMismatch. A canary sealed by an older key of the
// key file is sealed again under the primary one, so that the old key can
// be dropped once every value is re-sealed.
func (s *Service) CheckMasterKey(ctx context.Context) error {
	v, err := s.store.Setting(ctx, canarySetting, func() (string, error) {
		sealed, err := s.sealer.Seal(canaryText, canaryAAD())
		return base64.StdEncoding.EncodeToString(sealed), err
	})
	if err != nil {
		return err
	}
	sealed, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return ErrMasterKeyMismatch
	}
	plain, err := s.sealer.Open(sealed, canaryAAD())
	if err != nil || !bytes.Equal(plain, canaryText) {
		return ErrMasterKeyMismatch
	}
	ki, ok := s.sealer.(keyIdentifier)
	if !ok {
		return nil
	}
	if id, err := ki.KeyID(sealed); err != nil || id == ki.PrimaryID() {
		return nil
	}
	resealed, err := s.sealer.Seal(canaryText, canaryAAD())
	if err != nil {
		return err
	}
	_, err = s.store.ReplaceSetting(ctx, canarySetting, v, base64.StdEncoding.EncodeToString(resealed))
	return err
}
