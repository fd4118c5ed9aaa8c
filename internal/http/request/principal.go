package request

import (
	"errors"
	"net/http"

	"github.com/dbplane/dbplane"
)

// errNoPrincipal is a key service that returned neither a principal nor an
// error: a bug, reported as an internal error.
var errNoPrincipal = errors.New("request: authenticate returned no key or account")

// Authenticate returns the principal of r's API key (see BearerKey) as keys
// knows it. It returns dbplane.ErrNoKey when r carries no key, and the
// error of keys.Authenticate as it is; each surface maps them to its own
// statuses. The key service checks the key's allowed ranges against
// ClientIP: the peer, or the client a trusted proxy named
// (server.Options.TrustedProxies); a key used from outside them is
// dbplane.ErrKeyIPNotAllowed. A key it knows is noted as r's actor
// (NoteActor), the one refused for its address included.
func Authenticate(r *http.Request, keys dbplane.KeyService) (*dbplane.Principal, error) {
	raw := BearerKey(r)
	if raw == "" {
		return nil, dbplane.ErrNoKey
	}
	key, acct, err := keys.Authenticate(r.Context(), raw, ClientIP(r))
	if err != nil && !errors.Is(err, dbplane.ErrKeyIPNotAllowed) {
		return nil, err
	}
	if key == nil || acct == nil {
		if err != nil {
			return nil, err
		}
		return nil, errNoPrincipal
	}
	// The audit log names the key by its id and prefix, never the key.
	NoteActor(r, Actor{AccountID: acct.ID, KeyID: key.ID, KeyPrefix: key.Prefix})
	if err != nil {
		return nil, err
	}
	return &dbplane.Principal{Key: key, Account: acct}, nil
}

// Admit returns nil when p's key is of the kind an API takes and its
// account is in good standing: dbplane.ErrWrongKeyKind or
// dbplane.ErrAccountSuspended otherwise, checked in that order.
func Admit(p *dbplane.Principal, kind dbplane.KeyKind) error {
	switch {
	case p.Key.Kind != kind:
		return dbplane.ErrWrongKeyKind
	case p.Account.Suspended:
		return dbplane.ErrAccountSuspended
	}
	return nil
}
