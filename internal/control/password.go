package control

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/dbplane/dbplane"
)

// PasswordParams are argon2id's costs for account passwords. Hashes carry
// their own parameters (the PHC string format), so raising the costs later
// leaves older hashes valid.
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams are OWASP's first argon2id recommendation
// (19 MiB, 2 passes, 1 lane): about 25 ms on one core here.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of pw under p with a random salt.
func hashPassword(r io.Reader, p PasswordParams, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := io.ReadFull(r, salt); err != nil {
		return "", fmt.Errorf("read random: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("malformed password hash")

// checkPassword reports whether pw matches the PHC string hash. It takes
// as long as hashing pw under the hash's parameters, match or not.
func checkPassword(hash, pw string) (bool, error) {
	p, salt, key, err := parsePasswordHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func parsePasswordHash(hash string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	f := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(f[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || threads == 0 || threads > 255 {
		return p, nil, nil, errBadHash
	}
	p.Threads = uint8(threads)
	// Bound the costs a stored hash may ask for: the store is trusted, but
	// a corrupt row must not take the server's memory.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 {
		return p, nil, nil, errBadHash
	}
	salt, err := b64.DecodeString(f[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(f[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// ErrBusy refuses a password check or hash when as many are running as the
// machine has cores: each takes 19 MiB and tens of milliseconds, so
// unbounded concurrent sign-ins would exhaust memory (found by review:
// 300 at once took serve to 4 GiB).
var ErrBusy = dbplane.Errorf(dbplane.CodeRateLimited, "Too many sign-ins at once; try again in a moment")

// passwordWait is how long a password operation waits for a free slot.
const passwordWait = 2 * time.Second

// passwordSlots bounds concurrent argon2id work: at most cap(c) at once,
// and a caller waits at most wait for a slot.
type passwordSlots struct {
	c    chan struct{}
	wait time.Duration
}

func newPasswordSlots() passwordSlots {
	return passwordSlots{c: make(chan struct{}, max(2, runtime.GOMAXPROCS(0))), wait: passwordWait}
}

// do runs fn in a slot, or returns ErrBusy when none frees up in time.
func (p passwordSlots) do(ctx context.Context, fn func()) error {
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.c <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.c }()
	fn()
	return nil
}

// hashPW is hashPassword in a slot.
func (s *Service) hashPW(ctx context.Context, pw string) (h string, err error) {
	if serr := s.pwSlots.do(ctx, func() { h, err = hashPassword(s.opt.Rand, s.opt.PasswordParams, pw) }); serr != nil {
		return "", serr
	}
	return h, err
}

// checkPW is checkPassword in a slot.
func (s *Service) checkPW(ctx context.Context, hash, pw string) (ok bool, err error) {
	if serr := s.pwSlots.do(ctx, func() { ok, err = checkPassword(hash, pw) }); serr != nil {
		return false, serr
	}
	return ok, err
}
