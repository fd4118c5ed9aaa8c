package dbtest

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
)

// errNotStarted is what the fault methods return for a server this package
// did not start (a DBPLANE_TEST_*_URL override): it cannot be signalled.
var errNotStarted = errors.New("dbtest: the server was not started by dbtest")

// Freeze stops the server with SIGSTOP, as a hung host: connections are
// still accepted by the kernel, but nothing answers until Thaw.
func (s *Server) Freeze() error { return s.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server with SIGCONT.
func (s *Server) Thaw() error { return s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) error {
	if s.proc == nil {
		return errNotStarted
	}
	return syscall.Kill(s.proc.cmd.Process.Pid, sig)
}

// Kill kills the server with SIGKILL and waits for it to exit: its port
// refuses connections until Restart.
func (s *Server) Kill() error {
	if s.proc == nil || s.start == nil {
		return errNotStarted
	}
	return s.proc.stop(syscall.SIGKILL)
}

// Restart starts a killed server again on the same data dir and port and
// waits until the superuser can log in.
func (s *Server) Restart(ctx context.Context) error {
	if s.proc == nil || s.start == nil {
		return errNotStarted
	}
	select {
	case <-s.proc.done:
	default:
		return errors.New("dbtest: Restart of a server that is running; Kill it first")
	}
	var last error
	// The port was just released; a server that finds it busy (a socket
	// lingering) is retried for a while.
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		p, err := s.start(s.port)
		if err != nil {
			return fmt.Errorf("dbtest: restart %s: %w", s.engine, err)
		}
		if last = waitReady(ctx, p, s.db); last == nil {
			s.proc = p
			return nil
		}
		p.stop(syscall.SIGKILL)
		if ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	return withLog(fmt.Errorf("dbtest: restart %s on port %d: %w", s.engine, s.port, last), s.logPath)
}
