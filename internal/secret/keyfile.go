package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultKeyFile is the name of the key file LoadOrCreate keeps in the data dir.
const DefaultKeyFile = "master.key"

// maxKeyFile bounds what LoadKeyFile reads; a real key file is under 1 KiB.
const maxKeyFile = 64 << 10

const keyFileHeader = `# dbplane master keys. Keep this file secret and back it up: without it,
# stored passwords cannot be decrypted. One "id:base64" key per line (id is
# 1-32 characters of a-z, 0-9 and -; base64 of 32 bytes). The first key seals;
# every key opens. To rotate, put a new key on the first line, keep the old
# ones below it until every value has been re-sealed, then remove them.
`

// ParseKeys parses key-file text: keys written "id:base64", where base64 is
// the standard encoding of KeySize bytes. Keys are separated by newlines,
// commas or spaces (so that a list fits in one environment variable); blank
// lines and lines starting with # are ignored. The first key is the primary.
// Errors name the line but never echo it.
func ParseKeys(data []byte) (primary Key, others []Key, err error) {
	primary, others, err = parseKeys(data)
	if err != nil {
		return Key{}, nil, fmt.Errorf("parse keys: %w", err)
	}
	return primary, others, nil
}

func parseKeys(data []byte) (Key, []Key, error) {
	var keys []Key
	seen := map[string]bool{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, field := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			k, err := parseKey(field)
			if err != nil {
				return Key{}, nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			if seen[k.ID] {
				return Key{}, nil, fmt.Errorf("line %d: duplicate key id %s", i+1, k.ID)
			}
			seen[k.ID] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return Key{}, nil, errors.New("no keys")
	}
	return keys[0], keys[1:], nil
}

func parseKey(field string) (Key, error) {
	id, b64, ok := strings.Cut(field, ":")
	if !ok {
		return Key{}, errors.New(`want "id:base64"`)
	}
	if !validID(id) {
		return Key{}, errors.New("invalid key id: want 1 to 32 characters of a-z, 0-9 and -")
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Key{}, fmt.Errorf("key %s is not valid base64", id)
	}
	if len(b) != KeySize {
		return Key{}, fmt.Errorf("key %s is %d bytes, want %d", id, len(b), KeySize)
	}
	return Key{ID: id, Bytes: b}, nil
}

// formatKeys returns key-file text for the keys, primary first.
func formatKeys(keys []Key) []byte {
	var b bytes.Buffer
	b.WriteString(keyFileHeader)
	for _, k := range keys {
		b.WriteString(k.ID + ":" + base64.StdEncoding.EncodeToString(k.Bytes) + "\n")
	}
	return b.Bytes()
}

// LoadKeyFile reads a key file in the format of ParseKeys. It refuses a file
// that group or other may access (mode&077 != 0) and anything but a regular
// file. Mode bits are not checked on Windows, which does not have them. An
// error for a missing file wraps fs.ErrNotExist.
func LoadKeyFile(path string) (primary Key, others []Key, err error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, nil, fmt.Errorf("load key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Key{}, nil, fmt.Errorf("load key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Key{}, nil, fmt.Errorf("load key file %s: not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return Key{}, nil, fmt.Errorf("load key file %s: mode %04o lets group or other access it; run: chmod 600 %s", path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return Key{}, nil, fmt.Errorf("load key file %s: %w", path, err)
	}
	if len(data) > maxKeyFile {
		return Key{}, nil, fmt.Errorf("load key file %s: larger than %d bytes", path, maxKeyFile)
	}
	primary, others, err = parseKeys(data)
	if err != nil {
		return Key{}, nil, fmt.Errorf("load key file %s: %w", path, err)
	}
	return primary, others, nil
}

// GenerateKeyFile creates a key file holding one new key with id "k1". It
// creates the file with O_EXCL and mode 0600, so it never replaces a key; an
// error for an existing file wraps fs.ErrExist. The directory must exist.
// A nil r means crypto/rand.Reader.
func GenerateKeyFile(path string, r io.Reader) (Key, error) {
	k, err := GenerateKey("k1", r)
	if err != nil {
		return Key{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Key{}, fmt.Errorf("generate key file: %w", err)
	}
	if err := writeAndClose(f, formatKeys([]Key{k})); err != nil {
		os.Remove(path)
		return Key{}, fmt.Errorf("generate key file %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return k, nil
}

// WriteKeyFile replaces the key file at path with the given keys, primary
// first, for example after a rotation. It writes a temporary file with mode
// 0600 in the same directory and renames it over path, so a crash leaves
// either the old file or the new one.
func WriteKeyFile(path string, primary Key, others ...Key) error {
	if _, err := NewSealer(primary, others...); err != nil {
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".master.key-*")
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	tmp := f.Name()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := writeAndClose(f, formatKeys(append([]Key{primary}, others...))); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write key file: %w", err)
	}
	syncDir(dir)
	return nil
}

func writeAndClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a new directory entry durable. It is best effort: some
// systems cannot sync a directory, and the file itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// LoadOrCreate returns the Sealer for a data dir. When keyFile is "" it uses
// dataDir/master.key, creating dataDir (mode 0700) and generating the file on
// first run; created reports that it did. A keyFile that is set must exist:
// generating a key the operator did not ask for, in a place they chose,
// would leave them a key they do not know to back up. r is the randomness for
// the key and the Sealer's nonces; nil means crypto/rand.Reader.
func LoadOrCreate(dataDir, keyFile string, r io.Reader) (s *Sealer, created bool, err error) {
	if keyFile != "" {
		s, err := load(keyFile, r)
		return s, false, err
	}
	path := filepath.Join(dataDir, DefaultKeyFile)
	s, err = load(path, r)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return s, false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data dir: %w", err)
	}
	k, err := GenerateKeyFile(path, r)
	if errors.Is(err, fs.ErrExist) {
		// Another process made it first; use theirs.
		s, err := load(path, r)
		return s, false, err
	}
	if err != nil {
		return nil, false, err
	}
	s, err = NewSealer(k)
	if err != nil {
		return nil, false, err
	}
	s.Rand = r
	return s, true, nil
}

func load(path string, r io.Reader) (*Sealer, error) {
	primary, others, err := LoadKeyFile(path)
	if err != nil {
		return nil, err
	}
	s, err := NewSealer(primary, others...)
	if err != nil {
		return nil, fmt.Errorf("load key file %s: %w", path, err)
	}
	s.Rand = r
	return s, nil
}
