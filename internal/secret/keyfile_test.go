package secret_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dbplane/dbplane/internal/secret"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix mode bits on Windows")
	}
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is subject to umask
		t.Fatal(err)
	}
}

func keyLine(k secret.Key) string { return k.ID + ":" + base64.StdEncoding.EncodeToString(k.Bytes) }

func TestGenerateKeyFile(t *testing.T) {
	skipOnWindows(t)
	path := filepath.Join(t.TempDir(), "master.key")
	k, err := secret.GenerateKeyFile(path, testRand(7))
	if err != nil {
		t.Fatalf("GenerateKeyFile() error = %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("GenerateKeyFile() mode = %04o, want 0600", perm)
	}
	if k.ID != "k1" || len(k.Bytes) != secret.KeySize {
		t.Errorf("GenerateKeyFile() = %s with %d bytes, want k1 with 32", k.ID, len(k.Bytes))
	}
	primary, others, err := secret.LoadKeyFile(path)
	if err != nil {
		t.Fatalf("LoadKeyFile() error = %v", err)
	}
	if primary.ID != k.ID || !bytes.Equal(primary.Bytes, k.Bytes) || len(others) != 0 {
		t.Errorf("LoadKeyFile() = %s, %d others; want the generated key alone", primary, len(others))
	}

	before, _ := os.ReadFile(path)
	if _, err := secret.GenerateKeyFile(path, testRand(8)); !errors.Is(err, fs.ErrExist) {
		t.Errorf("GenerateKeyFile() over an existing file error = %v, want fs.ErrExist", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("GenerateKeyFile() changed an existing key file")
	}
	if _, err := secret.GenerateKeyFile(filepath.Join(t.TempDir(), "missing", "master.key"), nil); err == nil {
		t.Error("GenerateKeyFile() in a missing dir error = nil, want an error")
	}
}

func TestLoadKeyFile_Mode(t *testing.T) {
	skipOnWindows(t)
	k := mustKey(t, "k1", 1)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o601, 0o610} {
		path := filepath.Join(t.TempDir(), "master.key")
		writeFile(t, path, keyLine(k)+"\n", mode)
		_, _, err := secret.LoadKeyFile(path)
		if err == nil {
			t.Fatalf("LoadKeyFile() of a %04o file error = nil, want a refusal", mode)
		}
		if msg := err.Error(); !strings.Contains(msg, "chmod 600") || !strings.Contains(msg, path) {
			t.Errorf("LoadKeyFile() of a %04o file error = %q, want it to name the file and the fix", mode, msg)
		}
		assertQuiet(t, err, k)
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		path := filepath.Join(t.TempDir(), "master.key")
		writeFile(t, path, keyLine(k)+"\n", mode)
		if _, _, err := secret.LoadKeyFile(path); err != nil {
			t.Errorf("LoadKeyFile() of a %04o file error = %v", mode, err)
		}
	}
	if _, _, err := secret.LoadKeyFile(t.TempDir()); err == nil {
		t.Error("LoadKeyFile(dir) error = nil, want an error")
	}
	if _, _, err := secret.LoadKeyFile(filepath.Join(t.TempDir(), "nope")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadKeyFile(missing) error = %v, want fs.ErrNotExist", err)
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2, k3 := mustKey(t, "k1", 1), mustKey(t, "k2", 2), mustKey(t, "k-3", 3)
	tests := []struct {
		name    string
		text    string
		want    []string // ids, primary first
		wantErr string
	}{
		{name: "One", text: keyLine(k1), want: []string{"k1"}},
		{name: "Lines", text: "# comment\n\n" + keyLine(k2) + "\r\n  " + keyLine(k1) + "  \n", want: []string{"k2", "k1"}},
		{name: "CommaList", text: keyLine(k3) + "," + keyLine(k2) + ", " + keyLine(k1), want: []string{"k-3", "k2", "k1"}},
		{name: "Empty", text: "# nothing\n\n", wantErr: "no keys"},
		{name: "NoColon", text: base64.StdEncoding.EncodeToString(k1.Bytes), wantErr: "line 1: want"},
		{name: "BadID", text: "K1:" + base64.StdEncoding.EncodeToString(k1.Bytes), wantErr: "line 1: invalid key id"},
		{name: "BadBase64", text: "# c\nk1:" + base64.StdEncoding.EncodeToString(k1.Bytes)[1:], wantErr: "line 2: key k1 is not valid base64"},
		{name: "Short", text: "k1:" + base64.StdEncoding.EncodeToString(k1.Bytes[:31]), wantErr: "line 1: key k1 is 31 bytes, want 32"},
		{name: "Duplicate", text: keyLine(k1) + "\n" + keyLine(k1), wantErr: "line 2: duplicate key id k1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			primary, others, err := secret.ParseKeys([]byte(tc.text))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseKeys() error = %v, want it to contain %q", err, tc.wantErr)
				}
				assertQuiet(t, err, k1, k2, k3)
				if b64 := base64.StdEncoding.EncodeToString(k1.Bytes); strings.Contains(err.Error(), b64[2:12]) {
					t.Errorf("ParseKeys() error = %q echoes key text", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeys() error = %v", err)
			}
			got := []string{primary.ID}
			for _, k := range others {
				got = append(got, k.ID)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("ParseKeys() ids = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestWriteKeyFile(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	k1, k2 := mustKey(t, "k1", 1), mustKey(t, "k2", 2)
	writeFile(t, path, keyLine(k1)+"\n", 0o600)
	if err := secret.WriteKeyFile(path, k2, k1); err != nil {
		t.Fatalf("WriteKeyFile() error = %v", err)
	}
	primary, others, err := secret.LoadKeyFile(path)
	if err != nil {
		t.Fatalf("LoadKeyFile() error = %v", err)
	}
	if primary.ID != "k2" || len(others) != 1 || !bytes.Equal(others[0].Bytes, k1.Bytes) {
		t.Errorf("LoadKeyFile() after WriteKeyFile(k2, k1) = %s + %v", primary, others)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("WriteKeyFile() mode = %04o, want 0600", fi.Mode().Perm())
	}
	if err := secret.WriteKeyFile(path, k1, mustKey(t, "k1", 3)); err == nil {
		t.Error("WriteKeyFile() with duplicate ids error = nil, want an error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("WriteKeyFile() left %d entries in the dir, want 1", len(entries))
	}
}

func TestLoadOrCreate(t *testing.T) {
	skipOnWindows(t)
	dataDir := filepath.Join(t.TempDir(), "data")
	s, created, err := secret.LoadOrCreate(dataDir, "", testRand(5))
	if err != nil || !created {
		t.Fatalf("LoadOrCreate() first run = %v, %v; want created", created, err)
	}
	if fi, err := os.Stat(filepath.Join(dataDir, "master.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("master.key after first run: %v, %v; want mode 0600", fi, err)
	}
	if fi, _ := os.Stat(dataDir); fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode = %04o, want 0700", fi.Mode().Perm())
	}
	sealed := mustSeal(t, s, marker, "db_01")

	s2, created, err := secret.LoadOrCreate(dataDir, "", nil)
	if err != nil || created {
		t.Fatalf("LoadOrCreate() second run = %v, %v; want loaded", created, err)
	}
	if got, err := s2.Open(sealed, []byte("db_01")); err != nil || string(got) != marker {
		t.Errorf("Open() after reload = %q, %v; want the plaintext", got, err)
	}

	// An explicit key file is used as is, and never generated.
	other := filepath.Join(t.TempDir(), "ops.key")
	if _, _, err := secret.LoadOrCreate(dataDir, other, nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadOrCreate() with a missing key file error = %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(other); !errors.Is(err, fs.ErrNotExist) {
		t.Error("LoadOrCreate() created an explicit key file")
	}
	k9 := mustKey(t, "k9", 9)
	writeFile(t, other, keyLine(k9), 0o600)
	s3, created, err := secret.LoadOrCreate(dataDir, other, nil)
	if err != nil || created || s3.PrimaryID() != "k9" {
		t.Errorf("LoadOrCreate() with a key file = %v, %v; want k9, loaded", created, err)
	}

	// A key file that exists but is broken is an error, not a reason to make a new key.
	broken := t.TempDir()
	writeFile(t, filepath.Join(broken, "master.key"), "", 0o600)
	if _, _, err := secret.LoadOrCreate(broken, "", nil); err == nil {
		t.Error("LoadOrCreate() with an empty master.key error = nil, want an error")
	}
	writeFile(t, filepath.Join(broken, "master.key"), keyLine(k9), 0o644)
	if _, _, err := secret.LoadOrCreate(broken, "", nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("LoadOrCreate() with a 0644 master.key error = %v, want a refusal", err)
	}
}
