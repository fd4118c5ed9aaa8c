package dbtest

import (
	"errors"
	"syscall"
)

// Signal sends sig to the server's whole process group (PostgreSQL's
// backends too): SIGSTOP freezes a server the way a hung host looks to
// dbplane (connections open, nothing answers), SIGCONT thaws it. Only a
// server this package started can be signalled; tests that freeze one
// start their own (StartMariaDB, StartPostgres), never the shared ones.
func (s *Server) Signal(sig syscall.Signal) error {
	if s.proc == nil {
		return errors.New("dbtest: an existing server cannot be signalled")
	}
	return syscall.Kill(-s.proc.cmd.Process.Pid, sig)
}
