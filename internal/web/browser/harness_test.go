package browser_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Time limits. A journey is bounded as a whole, and each step on its own
// so that a control that never appears fails with its name rather than
// with the journey's deadline. They are generous: CI runs these under
// -race on a small machine next to the other packages' tests.
const (
	journeyTimeout = 5 * time.Minute
	stepTimeout    = 45 * time.Second
)

// browserCandidates are where the browser may be: Debian's
// chromium-headless-shell package puts a link in /usr/bin and the binary in
// /usr/lib/chromium; a full chromium works too.
var browserCandidates = []string{
	"chromium-headless-shell",
	"/usr/lib/chromium/chromium-headless-shell",
	"chromium",
}

// findBrowser returns the browser's path. DBPLANE_TEST_BROWSER overrides
// the search.
func findBrowser() (string, error) {
	if p := os.Getenv("DBPLANE_TEST_BROWSER"); p != "" {
		return exec.LookPath(p)
	}
	for _, c := range browserCandidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %s found (Debian: apt-get install chromium-headless-shell fonts-dejavu-core)", strings.Join(browserCandidates, ", "))
}

// requireBrowser returns the browser's path, or skips the test; with
// CI=true a missing browser fails it, so CI cannot pass without it.
func requireBrowser(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser journeys: skipped with -short")
	}
	p, err := findBrowser()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a browser is required when CI=true: %v", err)
		}
		t.Skipf("browser journeys: skipping: %v", err)
	}
	return p
}

// browser is one headless browser process for one test. Each person in a
// journey gets a tab of their own in a separate browser context, so they
// do not share cookies.
type browser struct {
	t *testing.T
	// ctx is the browser's chromedp context, alive until the test ends.
	ctx context.Context
	// deadline bounds the whole journey.
	deadline time.Time
	base     string
}

// newBrowser starts the browser for a journey against base. width is the
// window's width in CSS pixels; extra are more command-line options.
func newBrowser(t *testing.T, base string, width, height int, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	path := requireBrowser(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// The first Do starts the browser and binds it to ctx, so it gets no
	// deadline of its own: the failure artifacts need the browser after a
	// journey's deadline has passed.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &browser{t: t, ctx: ctx, deadline: time.Now().Add(journeyTimeout), base: base}
}

// tab opens a tab in a fresh browser context (its own cookies) for the
// person named who, e.g. "tenant" or "operator".
func (b *browser) tab(who string) *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a tab for %s: %v", who, err)
	}
	jctx, cancelJ := context.WithDeadline(ctx, b.deadline)
	b.t.Cleanup(cancelJ)
	tb := &tab{t: b.t, who: who, base: b.base, ctx: ctx, journey: jctx}
	tb.watchConsole()
	// Cleanups run last-in first-out: these run before the tab closes.
	b.t.Cleanup(func() {
		if b.t.Failed() {
			tb.keepArtifacts("failed")
		}
	})
	b.t.Cleanup(tb.checkConsole)
	return tb
}

// artifactDir is where a failed test keeps screenshots and HTML: the
// test's artifact directory when go test runs with -artifacts (and
// -outputdir), else a directory under the temp dir that is left behind and
// named in the log.
func artifactDir(t *testing.T) string {
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		return t.ArtifactDir()
	}
	if dir, ok := artifactDirs.Load(t); ok {
		return dir.(string)
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(t.Name(), "_")
	dir, err := os.MkdirTemp("", "dbplane-browser-"+name+"-")
	if err != nil {
		t.Logf("no artifact dir: %v", err)
		return ""
	}
	artifactDirs.Store(t, dir)
	return dir
}

// artifactDirs are the directories artifactDir made, one per test.
var artifactDirs sync.Map // *testing.T → string

// keepArtifacts saves a screenshot and the HTML of the tab's page. It uses
// the tab's own context, which outlives the journey's deadline, so a
// journey that timed out still leaves its last page behind.
func (tb *tab) keepArtifacts(why string) {
	dir := artifactDir(tb.t)
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	base := filepath.Join(dir, tb.who+"-"+why)
	url, _ := runJS(ctx, chromedp.Location())
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(base+".png", png, 0o644)
	} else {
		tb.t.Logf("%s: no screenshot: %v", tb.who, err)
	}
	if html, err := runJS(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		_ = os.WriteFile(base+".html", []byte(html), 0o644)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		tb.t.Logf("%s: no HTML: %v", tb.who, err)
	}
	tb.t.Logf("%s's tab was at %s; screenshot and HTML kept in %s.{png,html}", tb.who, url, base)
}

// watchConsole collects what the tab's pages log as errors: a CSP
// violation (an inline script or style that slipped into a template), a
// script exception, a missing asset. checkConsole fails the test on them.
func (tb *tab) watchConsole() {
	msgs := chromedp.Console(tb.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			// A page answered with an error status is the journey's to
			// check (a 404 page, a 401 form); an asset that fails is not.
			if strings.Contains(m.Text, "Failed to load resource") && !strings.Contains(m.URL, "/static/") {
				continue
			}
			tb.mu.Lock()
			tb.console = append(tb.console, fmt.Sprintf("%s (%s:%d)", m.Text, strings.TrimPrefix(m.URL, tb.base), m.Line+1))
			tb.mu.Unlock()
		}
	}()
}

// checkConsole fails the test when a page logged an error.
func (tb *tab) checkConsole() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, m := range tb.console {
		tb.t.Errorf("%s: the page logged an error: %s", tb.who, m)
	}
}
