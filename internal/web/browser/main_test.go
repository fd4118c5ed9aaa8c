// Package browser_test drives the dashboard in a real browser: Debian's
// chromium-headless-shell under github.com/chromedp/chromedp, against a real
// `dbplane serve` with real MariaDB and PostgreSQL servers.
//
// The journeys find controls the way a person does: buttons and links by
// their visible text, inputs by the text of their <label>, values by the
// label, term or header next to them. They never use CSS ids, so a page
// that renames an id keeps passing and a page that hides a label fails.
//
// Without a browser the tests skip, unless CI=true: then they fail, so a
// CI run without the browser cannot pass. With -short they skip (no
// database servers either). On failure each tab's screenshot and HTML are
// kept (see artifactDir). DBPLANE_SCREENSHOTS=docs/screenshots makes
// TestScreenshots rewrite the documentation's pictures.
//
// The package has only _test.go files, so the main web tests stay fast and
// chromedp stays out of the binary.
package browser_test

import (
	"os"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
