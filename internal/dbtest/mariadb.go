package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/dbplane/dbplane/internal/engine"
	"github.com/dbplane/dbplane/internal/testcert"
)

// StartMariaDB initialises a MariaDB data dir in dir/mariadb (dir is a temp
// dir made by the caller) and starts the server on a free port on
// 127.0.0.1, with no anonymous users and a password on root@localhost,
// root@127.0.0.1 and root@::1. The error wraps ErrNotInstalled when the
// binaries are missing, and includes the end of the server log when the
// server does not come up. Stop kills the server and leaves dir in place.
func StartMariaDB(ctx context.Context, dir string) (*Server, error) {
	return startMariaDB(ctx, dir, nil)
}

// StartMariaDBTLS is StartMariaDB with TLS on, serving cert (whose
// CertPEM is then the CA bundle clients trust). Plain connections are
// still accepted; the admin connection uses TLS require.
func StartMariaDBTLS(ctx context.Context, dir string, cert testcert.Cert) (*Server, error) {
	return startMariaDB(ctx, dir, &cert)
}

func startMariaDB(ctx context.Context, dir string, cert *testcert.Cert) (*Server, error) {
	install, mariadbd, err := mariadbBinaries()
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, "mariadb")
	data := filepath.Join(base, "data")
	tmp := filepath.Join(base, "tmp")
	for _, d := range []string{base, tmp} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return nil, err
		}
	}
	sock := filepath.Join(base, "mysqld.sock")
	if len(sock) > 100 {
		return nil, fmt.Errorf("dbtest: %s is too long for a unix socket path; use a shorter dir", sock)
	}
	var asRoot []string
	if os.Geteuid() == 0 {
		asRoot = []string{"--user=root"} // mariadbd refuses root without it
	}

	installLog := filepath.Join(base, "install.log")
	err = runTool(ctx, install, append([]string{
		"--no-defaults",
		"--datadir=" + data,
		// Not /tmp: test binaries install servers side by side, and a
		// shared tmpdir once lost a bootstrap temp table to another.
		"--tmpdir=" + tmp,
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--skip-name-resolve",
	}, asRoot...), nil, installLog)
	if err != nil {
		return nil, withLog(fmt.Errorf("dbtest: %s: %w", filepath.Base(install), err), installLog)
	}

	password := randomString(24, alnum)
	initFile := filepath.Join(base, "init.sql")
	if err := os.WriteFile(initFile, []byte(mariadbInitSQL(password)), 0o600); err != nil {
		return nil, err
	}
	s := &Server{
		engine:   engineMariaDB,
		host:     "127.0.0.1",
		user:     "root",
		password: password,
		tls:      engine.TLSDisable,
		stopSig:  syscall.SIGKILL, // nothing to flush: the data is thrown away
		dir:      dir,
	}
	var tlsArgs []string
	if cert != nil {
		certFile, keyFile := filepath.Join(base, "server.crt"), filepath.Join(base, "server.key")
		if err := writeCert(*cert, certFile, keyFile, nil); err != nil {
			return nil, err
		}
		tlsArgs = []string{"--ssl-cert=" + certFile, "--ssl-key=" + keyFile}
		s.tls, s.caPEM = engine.TLSRequire, string(cert.CertPEM)
	}
	logPath := filepath.Join(base, "server.log")
	err = startWithRetry(ctx, s, logPath, func(port int) (*process, error) {
		return startProcess(mariadbd, append(append([]string{
			"--no-defaults",
			"--datadir=" + data,
			"--tmpdir=" + tmp,
			"--socket=" + sock,
			"--pid-file=" + filepath.Join(base, "mysqld.pid"),
			"--port=" + strconv.Itoa(port),
			"--bind-address=127.0.0.1",
			"--init-file=" + initFile,
			"--skip-name-resolve",
			"--skip-log-bin",
			"--innodb-flush-log-at-trx-commit=0",
			"--skip-innodb-doublewrite",
			"--innodb-buffer-pool-size=32M",
			"--innodb-use-native-aio=0", // several servers on one machine can exhaust aio-max-nr
			"--max-connections=300",
			"--character-set-server=utf8mb4",
			"--collation-server=utf8mb4_general_ci",
		}, tlsArgs...), asRoot...), nil, logPath)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// mariadbInitSQL runs at every server start, before the server accepts
// connections. It removes anonymous users and root accounts for other
// hosts, and gives root a password on every loopback host. The server
// reads the file one statement per line.
func mariadbInitSQL(password string) string {
	pw := engine.QuoteLiteral(password, true)
	lines := []string{
		"DELETE FROM mysql.global_priv WHERE User='' OR (User='root' AND Host NOT IN ('localhost','127.0.0.1','::1'));",
		"DELETE FROM mysql.proxies_priv WHERE User='' OR (User='root' AND Host NOT IN ('localhost','127.0.0.1','::1'));",
		"DELETE FROM mysql.db WHERE User='';",
		"FLUSH PRIVILEGES;",
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		acct := "'root'@'" + h + "'"
		lines = append(lines,
			"CREATE USER IF NOT EXISTS "+acct+" IDENTIFIED BY "+pw+";",
			"ALTER USER "+acct+" IDENTIFIED BY "+pw+";",
			"GRANT ALL PRIVILEGES ON *.* TO "+acct+" WITH GRANT OPTION;",
		)
	}
	return strings.Join(lines, "\n") + "\n"
}
