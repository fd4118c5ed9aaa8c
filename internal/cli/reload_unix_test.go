//go:build unix

package cli_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbplane/dbplane/internal/cli"
)

// watchedLog is a log sink that tells waiters when a pattern shows up.
type watchedLog struct {
	mu      sync.Mutex
	b       strings.Builder
	changed chan struct{} // closed and replaced on each write
}

func newWatchedLog() *watchedLog { return &watchedLog{changed: make(chan struct{})} }

func (w *watchedLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

// wait returns the first submatch of re in the log, waiting for it to be
// written, for up to 30 seconds.
func (w *watchedLog) wait(tb testing.TB, re *regexp.Regexp) string {
	tb.Helper()
	timeout := time.After(30 * time.Second)
	for {
		w.mu.Lock()
		m, changed := re.FindStringSubmatch(w.b.String()), w.changed
		w.mu.Unlock()
		if m != nil {
			return m[len(m)-1]
		}
		select {
		case <-changed:
		case <-timeout:
			tb.Fatalf("the log never matched %s:\n%s", re, w.String())
		}
	}
}

func (w *watchedLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestServe_SIGHUPReloadsCertificate runs the serve command and sends the
// process a real SIGHUP: the new certificate is served, without a restart.
func TestServe_SIGHUPReloadsCertificate(t *testing.T) {
	dir := t.TempDir()
	mustInit(t, dir)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	first, second := newTestCert(t, "first"), newTestCert(t, "second")
	first.Write(t, certFile, keyFile)

	ctx, cancel := context.WithCancel(context.Background())
	logs := newWatchedLog()
	done := make(chan int, 1)
	go func() {
		args := []string{"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile}
		done <- cli.Main(ctx, args, strings.NewReader(""), logs, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d:\n%s", code, logs)
		}
	})
	url := logs.wait(t, regexp.MustCompile(`msg="dbplane listening" url=(https://\S+)`))
	if got := servedCert(t, url, first); got != "first" {
		t.Fatalf("served %q, want first", got)
	}

	second.Write(t, certFile, keyFile)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	logs.wait(t, regexp.MustCompile(`msg="TLS certificate reloaded" subject="(CN=second)"`))
	if got := servedCert(t, url, second); got != "second" {
		t.Errorf("after SIGHUP: served %q, want second", got)
	}
}
