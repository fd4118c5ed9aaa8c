package lint

import (
	"bytes"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/dbplane/dbplane"

// rule is one row of STYLE.md §2's table: which packages of this module a
// package may import from its non-test files. Tests may import what they
// like from the module (dbtest, enginetest, other engines), so only
// .Imports is checked, not .TestImports.
//
// Paths are relative to the module root, "" being the root package. In pkg
// and allow, a path element may hold path.Match wildcards ("internal/api/*"
// is one level), a trailing "/..." also matches everything below, and
// "..." alone in allow is the whole module.
type rule struct {
	pkg   string
	allow []string
	// stdlibOnly forbids every import from outside the module and the
	// standard library, even allowed dependencies.
	stdlibOnly bool
	// testSupport marks non-test code that only tests import; it may use
	// go-cmp, which is otherwise for _test.go files.
	testSupport bool
}

// rules are tried in order and the first match wins, so specific rows come
// before wildcard ones.
var rules = []rule{
	{pkg: "", stdlibOnly: true}, // the domain: standard library only
	{pkg: "internal/config", stdlibOnly: true},
	{pkg: "internal/secret", stdlibOnly: true},
	{pkg: "internal/lint", stdlibOnly: true},
	{pkg: "docs", stdlibOnly: true}, // the embedded OpenAPI document
	{pkg: "internal/store", allow: []string{""}},
	{pkg: "internal/engine"},
	{pkg: "internal/engine/enginetest", allow: []string{"internal/engine", "internal/testcert"}, testSupport: true}, // testcert: the TLS cases' wrong CA
	{pkg: "internal/engine/enginefake", allow: []string{"internal/engine"}},
	{pkg: "internal/engine/*", allow: []string{"internal/engine"}}, // one package per engine
	{pkg: "internal/control", allow: []string{"", "internal/store", "internal/engine", "internal/secret"}},
	{pkg: "internal/worker", allow: []string{""}},
	{pkg: "internal/http/request", allow: []string{""}},
	{pkg: "internal/http/response", allow: []string{""}},
	{pkg: "internal/http/server", allow: []string{"", "internal/api/*", "internal/web", "internal/http/*"}},
	{pkg: "internal/api/apitest", allow: []string{"", "internal/http/*", "internal/api/openapitest"}, testSupport: true}, // scenario runner for the surfaces' tests
	{pkg: "internal/api/openapitest", allow: []string{"docs"}, testSupport: true},                                        // responses checked against docs/openapi.json
	{pkg: "internal/api/*", allow: []string{"", "internal/http/request", "internal/http/response"}},
	{pkg: "internal/web", allow: []string{"", "internal/http/request", "internal/http/response"}},
	{pkg: "internal/web/browser"},                  // the dashboard's browser journeys: _test.go files only
	{pkg: "internal/metrics", allow: []string{""}}, // Prometheus, behind observer functions
	{pkg: "internal/cli", allow: []string{"..."}},  // the composition root
	{pkg: "internal/mock", allow: []string{""}, testSupport: true},
	{pkg: "internal/dbtest", allow: []string{"", "internal/engine", "internal/testcert"}, testSupport: true}, // testcert: servers with TLS on
	{pkg: "internal/testcert", stdlibOnly: true, testSupport: true},                                          // self-signed certificates for the HTTPS and TLS-to-host tests
	{pkg: "internal/must", stdlibOnly: true, testSupport: true},                                              // must.Get: a test's call whose result it reads
	{pkg: "internal/servetest", allow: []string{"internal/cli", "internal/config"}, testSupport: true},       // a real serve for the web, browser and cli tests
	{pkg: "cmd/*bench*/...", allow: []string{"..."}},                                                         // benchmark commands measure the layers directly
	{pkg: "bench/...", allow: []string{"..."}},
	{pkg: "cmd/...", allow: []string{"internal/cli"}},
}

// deps are the allowed dependencies of STYLE.md §8, as import path
// prefixes. go-cmp is allowed only in tests and testSupport packages.
var deps = []string{
	"modernc.org/sqlite",
	"github.com/jackc/pgx/v5",
	"github.com/go-sql-driver/mysql",
	"go.mongodb.org/mongo-driver/v2",
	"github.com/prometheus/client_golang",
	"golang.org/x/...",
	"github.com/chromedp/chromedp", // drives a real browser in internal/web/browser's tests (issue 7)
}

const goCmp = "github.com/google/go-cmp"

// testDeps are dependencies allowed only in tests and testSupport
// packages, like go-cmp.
var testDeps = []string{
	// Checks every scenario and end-to-end response against
	// docs/openapi.json (internal/api/openapitest, issue 11).
	"github.com/pb33f/libopenapi-validator",
	"github.com/pb33f/libopenapi",
}

// pkgInfo is what the check needs from `go list` for one package.
type pkgInfo struct {
	path        string   // full import path
	imports     []string // from non-test files
	testImports []string // from _test.go files, both packages
}

func TestImports(t *testing.T) {
	root := moduleRoot(t)
	out := goCmd(t, root, "list", "-m")
	if got := strings.TrimSpace(out); got != module {
		t.Fatalf("go list -m = %q, want %q; update module in %s", got, module, "internal/lint/imports_test.go")
	}
	out = goCmd(t, root, "list", "-e", "-deps=false",
		"-f", "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "./...")
	var pkgs []pkgInfo
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("go list printed %q, want three tab-separated fields", line)
		}
		pkgs = append(pkgs, pkgInfo{path: f[0], imports: strings.Fields(f[1]), testImports: strings.Fields(f[2])})
	}
	if len(pkgs) < 2 {
		t.Fatalf("go list found %d packages; is it running at the module root (%s)?", len(pkgs), root)
	}
	for _, p := range check(pkgs) {
		t.Error(p)
	}
}

// check returns one message per broken rule.
func check(pkgs []pkgInfo) []string {
	var problems []string
	for _, p := range pkgs {
		rel, ok := relPath(p.path)
		if !ok {
			problems = append(problems, p.path+": not in module "+module)
			continue
		}
		r, ok := ruleFor(rel)
		if !ok {
			problems = append(problems, name(rel)+": no row in the import table (rules in internal/lint/imports_test.go); "+
				"add one saying what it may import, following STYLE.md §2")
			continue
		}
		for _, imp := range p.imports {
			if msg := checkImport(r, imp, false); msg != "" {
				problems = append(problems, name(rel)+" imports "+imp+": "+msg)
			}
		}
		for _, imp := range p.testImports {
			if msg := checkImport(r, imp, true); msg != "" {
				problems = append(problems, name(rel)+" tests import "+imp+": "+msg)
			}
		}
	}
	return problems
}

// checkImport returns why r forbids imp, or "".
func checkImport(r rule, imp string, test bool) string {
	if isStd(imp) {
		return ""
	}
	if rel, ok := relPath(imp); ok {
		if test || slices.ContainsFunc(r.allow, func(pat string) bool { return match(pat, rel) }) {
			return ""
		}
		allowed := "nothing from this module"
		if len(r.allow) > 0 {
			allowed = strings.Join(mapNames(r.allow), ", ")
		}
		return "not allowed: " + name(r.pkg) + " may import " + allowed + " (STYLE.md §2; rules in internal/lint/imports_test.go)"
	}
	if r.stdlibOnly && !test {
		return name(r.pkg) + " may use the standard library only (STYLE.md §2)"
	}
	if hasPrefix(imp, goCmp) {
		if test || r.testSupport {
			return ""
		}
		return "go-cmp is for tests only (STYLE.md §8)"
	}
	if slices.ContainsFunc(testDeps, func(d string) bool { return hasPrefix(imp, d) }) {
		if test || r.testSupport {
			return ""
		}
		return "a test-only dependency: for tests and test-support packages only"
	}
	if slices.ContainsFunc(deps, func(d string) bool { return hasPrefix(imp, d) }) {
		return ""
	}
	return "not an allowed dependency (STYLE.md §8); adding one takes a sentence in the commit on why the standard library won't do, and a line in deps in internal/lint/imports_test.go"
}

func ruleFor(rel string) (rule, bool) {
	for _, r := range rules {
		if match(r.pkg, rel) {
			return r, true
		}
	}
	return rule{}, false
}

// match reports whether the module-relative path rel matches pattern.
func match(pattern, rel string) bool {
	if pattern == "..." {
		return true
	}
	if pattern == "" || rel == "" {
		return pattern == rel
	}
	prefix, subtree := strings.CutSuffix(pattern, "/...")
	for q := rel; q != "."; q = path.Dir(q) {
		if ok, _ := path.Match(prefix, q); ok {
			return true
		}
		if !subtree {
			break
		}
	}
	return false
}

// hasPrefix reports whether imp is the package p or below it; p may end in "/...".
func hasPrefix(imp, p string) bool {
	p = strings.TrimSuffix(p, "/...")
	return imp == p || strings.HasPrefix(imp, p+"/")
}

func relPath(imp string) (string, bool) {
	if imp == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(imp, module+"/")
	return rel, ok
}

// isStd reports whether imp is in the standard library: its first element
// has no dot, as the go command assumes.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

func name(rel string) string {
	if rel == "" {
		return "dbplane (root)"
	}
	return rel
}

func mapNames(rels []string) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = name(r)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	gomod := strings.TrimSpace(goCmd(t, ".", "env", "GOMOD"))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatal("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod)
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
