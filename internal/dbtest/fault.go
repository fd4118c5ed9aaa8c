package dbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// errNotStarted is what the fault methods return for a server this package
// did not start (a DBPLANE_TEST_*_URL override): it cannot be signalled.
var errNotStarted = errors.New("dbtest: the server was not started by dbtest")

// Freeze stops the server with SIGSTOP, as a hung host: connections are
// still accepted by the kernel, but nothing answers until Thaw. Every
// process of the server is stopped: PostgreSQL's backends, each in a
// session of its own (setsid), would otherwise keep answering on the
// sessions they hold. It returns once every thread of them is stopped: a
// signal is delivered asynchronously, and on a loaded machine a thread may
// otherwise still answer a statement sent just after.
func (s *Server) Freeze() error {
	if s.proc == nil {
		return errNotStarted
	}
	// The postmaster first, so it forks no new backend meanwhile.
	pid := s.proc.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return err
	}
	pids := descendants(pid)
	for _, p := range pids {
		syscall.Kill(p, syscall.SIGSTOP) // one that exited meanwhile is no matter
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, p := range append([]int{pid}, pids...) {
		for !allStopped(p) {
			if time.Now().After(deadline) {
				return fmt.Errorf("dbtest: process %d not stopped 10s after SIGSTOP", p)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

// descendants returns the pids of every process below pid (Linux /proc;
// elsewhere none).
func descendants(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	children := map[int][]int{}
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue // the process ended
		}
		// pid (comm) state ppid ...: the comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		child, err1 := strconv.Atoi(string(bytes.Fields(b[:i])[0]))
		parent, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil {
			children[parent] = append(children[parent], child)
		}
	}
	var out []int
	for next := []int{pid}; len(next) > 0; {
		p := next[0]
		next = next[1:]
		out = append(out, children[p]...)
		next = append(next, children[p]...)
	}
	return out
}

// allStopped reports whether every thread of pid is in the stopped state
// (Linux /proc; elsewhere it cannot tell and says yes). A process that has
// ended counts as stopped.
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
		if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 'Z' && b[i+2] != 'X') {
			return false
		}
	}
	return true
}

// Thaw resumes a frozen server, every process of it, with SIGCONT.
func (s *Server) Thaw() error {
	if s.proc == nil {
		return errNotStarted
	}
	pid := s.proc.cmd.Process.Pid
	for _, p := range descendants(pid) {
		syscall.Kill(p, syscall.SIGCONT)
	}
	return syscall.Kill(pid, syscall.SIGCONT)
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
