package cli_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/store"
)

// The scale-out test runs each serve replica as a process of its own (the
// test binary, re-executed), so that it can be killed with SIGKILL or
// frozen with SIGSTOP like a real one.
const (
	serveChildEnv = "DBPLANE_TEST_SERVE_CHILD"
	// crashAtEnv names a control hook step ("create:recorded") at which
	// the child kills itself with SIGKILL.
	crashAtEnv = "DBPLANE_TEST_CRASH_AT"
)

// childElection is the election of the child replicas: short, so a test
// sees a new leader within seconds, but with room for a replica starved of
// CPU (CI runs every package's tests at once under -race on 2 cores).
var childElection = store.LeadOptions{Retry: 300 * time.Millisecond, Renew: 500 * time.Millisecond, Lease: 3 * time.Second}

// serveChild is the child's main: serve with the flags it was given,
// print the URL on stdout, stop on SIGTERM.
func serveChild() int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg, _, err := config.Load(fs, os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	crashAt := os.Getenv(crashAtEnv)
	el := childElection
	el.ID = os.Getenv(serveChildEnv)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	srv, err := cli.OpenServer(ctx, cfg, cli.ServerOptions{
		Logs: os.Stderr, Election: el, ReconcileInterval: 500 * time.Millisecond,
		Hook: func(step string) {
			if step == crashAt {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(srv.URL())
	<-ctx.Done()
	srv.Close()
	return 0
}

// proc is a replica running as a child process.
type proc struct {
	name string
	cmd  *exec.Cmd
	url  string
	log  string // its stderr, a file
	done chan struct{}
	// frozen: stopped with SIGSTOP; clients leave it alone.
	frozen atomic.Bool
}

// freeze stops (SIGSTOP) or resumes (SIGCONT) the replica.
func (p *proc) freeze(on bool) {
	p.frozen.Store(on)
	if on {
		p.signal(syscall.SIGSTOP)
	} else {
		p.signal(syscall.SIGCONT)
	}
}

// startProc starts a serve replica process on the store with the master
// key; crashAt, if set, is the hook step where it kills itself.
func startProc(tb testing.TB, name, storeURL, masterKey, crashAt string) *proc {
	tb.Helper()
	dir := tb.TempDir()
	p := &proc{name: name, log: filepath.Join(dir, "serve.log"), done: make(chan struct{})}
	logf, err := os.Create(p.log)
	if err != nil {
		tb.Fatal(err)
	}
	p.cmd = exec.Command(os.Args[0], "--data-dir", dir, "--store", storeURL, "--listen", "127.0.0.1:0",
		"--engine-timeout", "5s", "--quota-interval", "1s", "--log-level", "debug",
		// 5s, not less: 60 concurrent creates queue on PostgreSQL's
		// CREATE DATABASE, and on a loaded 2-core CI machine some took
		// over 2s (503s the quota scenarios do not expect).
		// The scenarios fire 60 creates at one server at once: the
		// per-server create limit (per replica, in memory) is not tested here.
		"--rate-limit-server-create", "0")
	p.cmd.Env = append(os.Environ(), serveChildEnv+"="+name, "DBPLANE_MASTER_KEY="+masterKey, "GOMAXPROCS=1", crashAtEnv+"="+crashAt)
	p.cmd.Stderr = logf
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.cmd.Wait(); logf.Close(); close(p.done) }()
	tb.Cleanup(func() { p.stop() })
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		s, _ := r.ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, r)
	}()
	select {
	case p.url = <-line:
	case <-time.After(30 * time.Second):
	}
	if !strings.HasPrefix(p.url, "http://") {
		tb.Fatalf("replica %s did not start: %s", name, p.logs())
	}
	return p
}

func (p *proc) logs() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func (p *proc) signal(sig syscall.Signal) { p.cmd.Process.Signal(sig) }

// stop ends the replica: SIGTERM, then SIGKILL after 10s.
func (p *proc) stop() {
	p.signal(syscall.SIGCONT)
	p.signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.signal(syscall.SIGKILL)
		<-p.done
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// leads reports whether the replica's log says it leads now.
func (p *proc) leads() bool {
	l := p.logs()
	return !p.exited() && strings.LastIndex(l, "elected leader") > strings.LastIndex(l, "stepped down")
}
