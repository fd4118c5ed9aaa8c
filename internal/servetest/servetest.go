// Package servetest starts a real dbplane serve for tests (tests only):
// `dbplane init` on a fresh data dir, then cli.OpenServer on a free
// loopback port, as a user would run them. The web, browser and cli tests
// share it.
package servetest

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/cli"
	"github.com/dbplane/dbplane/internal/config"
)

// Instance is a running serve.
type Instance struct {
	Server   *cli.Server
	URL      string
	AdminKey string // the key init printed
	DataDir  string
	Logs     *Logs // everything serve logged, at debug level
}

// Logs collects a serve's log lines from concurrent goroutines.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Init runs `dbplane init` on dataDir and returns the admin key it printed.
func Init(tb testing.TB, dataDir string) string {
	tb.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main(context.Background(), []string{"init", "--data-dir", dataDir}, strings.NewReader(""), &out, &errb); code != 0 {
		tb.Fatalf("dbplane init exit %d: %s", code, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// Start inits a fresh data dir and serves it until the test ends, with
// the default configuration changed by edit (nil: none) after the data
// dir, a free port and debug logs are set. A failed test prints the end of
// serve's log.
func Start(tb testing.TB, edit func(*config.Config)) *Instance {
	tb.Helper()
	dir := tb.TempDir()
	key := Init(tb, dir)
	cfg := config.Default()
	cfg.DataDir, cfg.Listen, cfg.LogLevel = dir, "127.0.0.1:0", "debug"
	if edit != nil {
		edit(&cfg)
	}
	logs := &Logs{}
	srv, err := cli.OpenServer(context.Background(), cfg, cli.ServerOptions{Logs: logs})
	if err != nil {
		tb.Fatalf("OpenServer: %v", err)
	}
	tb.Cleanup(func() { srv.Close() })
	tb.Cleanup(func() {
		if tb.Failed() {
			l := logs.String()
			if len(l) > 8000 {
				l = "…" + l[len(l)-8000:]
			}
			tb.Logf("the end of serve's log:\n%s", l)
		}
	})
	return &Instance{Server: srv, URL: srv.URL(), AdminKey: key, DataDir: dir, Logs: logs}
}
