package dbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// errNotStarted is what the fault methods return for a server this package
// did not start (a DBPLANE_TEST_*_URL override): it cannot be signalled.
var errNotStarted = errors.New("dbtest: the server was not started by dbtest")

// Freeze stops the server with SIGSTOP, as a hung host: connections are
// still accepted by the kernel, but nothing answers until Thaw. It returns
// once every thread of the server is stopped: a signal is delivered
// asynchronously, and on a loaded machine a thread may otherwise still
// answer a statement sent just after.
func (s *Server) Freeze() error {
	if err := s.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	pid := s.proc.cmd.Process.Pid
	deadline := time.Now().Add(10 * time.Second)
	for !allStopped(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("dbtest: process %d not stopped 10s after SIGSTOP", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// allStopped reports whether every thread of pid is in the stopped state
// (Linux /proc; elsewhere it cannot tell and says yes).
func allStopped(pid int) bool {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		return true
	}
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread ended
		}
		// pid (comm) state ...: the comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 || i+2 >= len(b) || b[i+2] != 'T' {
			return false
		}
	}
	return true
}

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
