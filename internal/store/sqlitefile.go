package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// privateFiles makes the SQLite store's files readable by their owner
// only: the store holds password hashes, emails and host addresses. A new
// store file is created 0600 (SQLite gives its -wal and -shm files the
// mode of the database file); existing files that others could read are
// tightened to 0600.
func privateFiles(file string) error {
	f, err := os.OpenFile(file, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	f.Close()
	for _, p := range []string{file, file + "-wal", file + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("open store: %w", err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return fmt.Errorf("open store: %w", err)
			}
		}
	}
	return nil
}
