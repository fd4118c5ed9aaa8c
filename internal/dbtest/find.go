package dbtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// ErrNotInstalled is returned by StartMariaDB and StartPostgres when the
// server binaries (or, as root, the postgres user) are missing.
var ErrNotInstalled = errors.New("dbtest: server binaries not installed")

// findBinary returns the first of names found on PATH or in extraDirs.
func findBinary(names []string, extraDirs ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	for _, d := range extraDirs {
		for _, n := range names {
			p := filepath.Join(d, n)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: none of %s on PATH or in %s", ErrNotInstalled, strings.Join(names, ", "), strings.Join(extraDirs, ", "))
}

// mariadbBinaries finds the install script and the server.
func mariadbBinaries() (install, server string, err error) {
	extra := []string{"/usr/sbin", "/usr/libexec", "/usr/local/mysql/bin", "/usr/local/mysql/scripts"}
	install, err = findBinary([]string{"mariadb-install-db", "mysql_install_db"}, extra...)
	if err != nil {
		return "", "", err
	}
	server, err = findBinary([]string{"mariadbd", "mysqld"}, extra...)
	return install, server, err
}

// postgresBinaries finds initdb and postgres from one installation: the
// directory of initdb on PATH (symlinks resolved), else the newest
// /usr/lib/postgresql/*/bin.
func postgresBinaries() (initdb, postgres string, err error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(r))
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	dirs = append(dirs, debianPostgresDirs()...)
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if isExecutable(i) && isExecutable(p) {
			return i, p, nil
		}
	}
	return "", "", fmt.Errorf("%w: initdb and postgres not found on PATH or in /usr/lib/postgresql/*/bin", ErrNotInstalled)
}

// debianPostgresDirs returns /usr/lib/postgresql/*/bin, newest major first.
func debianPostgresDirs() []string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return matches
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// postgresCredential returns who PostgreSQL runs as: nil (this process's
// user) normally, the postgres user when running as root, which PostgreSQL
// refuses. It has the effect of setpriv --reuid=postgres --regid=postgres
// --init-groups, and unlike setpriv keeps the parent-death signal, which the
// kernel clears when a process changes its own uid.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("%w: running as root needs a postgres user: %v", ErrNotInstalled, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("postgres gid %q: %w", u.Gid, err)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				cred.Groups = append(cred.Groups, uint32(g))
			}
		}
	}
	return cred, nil
}

// checkTraversable makes sure a process running as another user can reach
// dir: it adds search permission to dir and reports an ancestor that lacks
// it.
func checkTraversable(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return err
	}
	if err := os.Chmod(abs, fi.Mode().Perm()|0o011); err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("dbtest: %s is not searchable by other users, so the postgres user cannot reach %s; use a dir under /tmp", d, abs)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
