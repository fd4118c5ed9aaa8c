package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/testcert"
)

// StartPostgres initialises a PostgreSQL cluster in dir/postgres (dir is a
// temp dir made by the caller) and starts it on a free port on 127.0.0.1,
// with scram-sha-256 for every login and the superuser postgres. As root it
// runs the server as the postgres user, so dir and its parents must be
// searchable by that user. The error wraps ErrNotInstalled when the
// binaries are missing, and includes the end of the server log when the
// server does not come up. Stop kills the server and leaves dir in place.
func StartPostgres(ctx context.Context, dir string) (*Server, error) {
	return startPostgres(ctx, dir, nil)
}

// StartPostgresTLS is StartPostgres with ssl=on, serving cert (whose
// CertPEM is then the CA bundle clients trust). Plain connections are
// still accepted; the admin connection uses TLS require.
func StartPostgresTLS(ctx context.Context, dir string, cert testcert.Cert) (*Server, error) {
	return startPostgres(ctx, dir, &cert)
}

func startPostgres(ctx context.Context, dir string, cert *testcert.Cert) (*Server, error) {
	initdb, postgres, err := postgresBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential()
	if err != nil {
		return nil, err
	}
	if cred != nil {
		if err := checkTraversable(dir); err != nil {
			return nil, err
		}
	}
	base := filepath.Join(dir, "postgres")
	if err := os.Mkdir(base, 0o700); err != nil {
		return nil, err
	}
	password := randomString(24, alnum)
	pwfile := filepath.Join(base, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if cred != nil {
		for _, p := range []string{base, pwfile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}

	data := filepath.Join(base, "data")
	initLog := filepath.Join(base, "initdb.log")
	err = runTool(ctx, initdb, []string{
		"-D", data, "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + pwfile,
		"-E", "UTF8", "--locale=C", "--no-sync",
	}, cred, initLog)
	if err != nil {
		return nil, withLog(fmt.Errorf("dbtest: initdb: %w", err), initLog)
	}
	_ = os.Remove(pwfile)

	// A unix socket path is limited to 107 bytes; clients here use TCP, so
	// the socket is dropped rather than failing when dir is deep.
	sockDir := base
	if len(sockDir)+len("/.s.PGSQL.65535") > 100 {
		sockDir = ""
	}
	s := &Server{
		engine:   enginePostgres,
		host:     "127.0.0.1",
		user:     "postgres",
		password: password,
		adminDB:  "postgres",
		tls:      engine.TLSDisable,
		stopSig:  syscall.SIGQUIT, // immediate shutdown: the data is thrown away
		dir:      dir,
	}
	var tlsArgs []string
	if cert != nil {
		certFile, keyFile := filepath.Join(base, "server.crt"), filepath.Join(base, "server.key")
		if err := writeCert(*cert, certFile, keyFile, cred); err != nil {
			return nil, err
		}
		tlsArgs = []string{"-c", "ssl=on", "-c", "ssl_cert_file=" + certFile, "-c", "ssl_key_file=" + keyFile}
		s.tls, s.caPEM = engine.TLSRequire, string(cert.CertPEM)
	}
	logPath := filepath.Join(base, "server.log")
	err = startWithRetry(ctx, s, logPath, func(port int) (*process, error) {
		return startProcess(postgres, append([]string{
			"-D", data,
			"-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1",
			"-c", "unix_socket_directories=" + sockDir,
			"-c", "password_encryption=scram-sha-256",
			"-c", "max_connections=300",
			"-c", "shared_buffers=32MB",
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "logging_collector=off",
		}, tlsArgs...), cred, logPath)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// startWithRetry starts a server on a free port and waits until the
// superuser can log in, picking another port when the first was taken in
// the meantime. It sets s.port, s.proc and s.db.
func startWithRetry(ctx context.Context, s *Server, logPath string, start func(port int) (*process, error)) error {
	const attempts = 5
	var last error
	for range attempts {
		port, err := freePort()
		if err != nil {
			return fmt.Errorf("dbtest: pick a port: %w", err)
		}
		offset := logSize(logPath)
		p, err := start(port)
		if err != nil {
			return fmt.Errorf("dbtest: start %s: %w", s.engine, err)
		}
		s.port = port
		db, err := s.open(s.user, s.password, s.adminDB)
		if err != nil {
			p.stop(syscall.SIGKILL)
			return err
		}
		err = waitReady(ctx, p, db)
		if err == nil {
			db.SetMaxOpenConns(20)
			s.proc, s.db = p, db
			s.start, s.logPath = start, logPath
			return nil
		}
		db.Close()
		p.stop(syscall.SIGKILL)
		last = withLog(fmt.Errorf("dbtest: start %s on port %d: %w", s.engine, port, err), logPath)
		if !isAddrInUse(logSince(logPath, offset)) {
			return last
		}
	}
	return last
}
