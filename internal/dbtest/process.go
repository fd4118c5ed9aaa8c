package dbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server (or setup tool) running in its own process group.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited and been reaped
	err  error         // Wait's result, valid after done
}

// spawnThread runs every fork on one OS thread that never exits. The kernel
// sends the parent-death signal when the forking thread dies, not the
// process (go.dev/issue/27505), so a thread the runtime retires must not be
// the one that forked a server.
var spawnThread struct {
	once sync.Once
	ch   chan func()
}

func onSpawnThread(f func()) {
	spawnThread.once.Do(func() {
		spawnThread.ch = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the binary
			for f := range spawnThread.ch {
				f()
			}
		}()
	})
	done := make(chan struct{})
	spawnThread.ch <- func() { f(); close(done) }
	<-done
}

// startProcess starts path with args in a new process group, with output
// appended to logPath, as cred when it is non-nil. The kernel kills the
// process if this binary dies.
func startProcess(path string, args []string, cred *syscall.Credential, logPath string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the child holds its own copy

	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
		Credential: cred,
	}
	onSpawnThread(func() { err = cmd.Start() })
	if err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// runTool runs a setup tool (initdb, mariadb-install-db) to completion.
func runTool(ctx context.Context, path string, args []string, cred *syscall.Credential, logPath string) error {
	p, err := startProcess(path, args, cred, logPath)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		p.stop(syscall.SIGKILL)
		return ctx.Err()
	}
}

// stop sends sig to the process, waits for it, then kills whatever is left
// in its process group.
func (p *process) stop(sig syscall.Signal) error {
	pid := p.cmd.Process.Pid
	_ = syscall.Kill(pid, sig)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill process group %d: %w", pid, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("process %d did not exit after SIGKILL", pid)
	}
}

// childEnv is this process's environment without the client variables that
// would point a server or setup tool somewhere else.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "MYSQL") || strings.HasPrefix(kv, "MARIADB") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// freePort returns a loopback port that was free a moment ago. The server
// may still lose a race for it, so callers retry on "Address already in use".
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logSize is the current size of a log file, so a retry can read only what
// its own attempt wrote.
func logSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logSince returns what was written to path after offset.
func logSince(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

const tailLines = 40

// logTail returns the last 40 lines of a log file, or a note saying why
// there are none.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	b = bytes.TrimRight(b, "\n")
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// withLog adds the tail of a log to a start error, so a failing test shows
// why the server did not come up.
func withLog(err error, path string) error {
	return fmt.Errorf("%w\n--- last %d lines of %s ---\n%s\n---", err, tailLines, path, logTail(path))
}

// isAddrInUse reports whether a server log says the port was taken.
func isAddrInUse(log string) bool {
	return strings.Contains(log, "Address already in use") || strings.Contains(log, "could not bind")
}
