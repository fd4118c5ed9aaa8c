package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/dbplane/dbplane/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// run is one run of the dbplane command line.
type run struct {
	stdout, stderr string
	code           int
}

// cli runs dbplane with args against the instance, calling with token
// (none when ""), and stdin.
func (in *instance) cli(tb testing.TB, token, stdin string, args ...string) run {
	tb.Helper()
	if !slices.Contains(args, "--addr") {
		args = append(args, "--addr", in.url)
	}
	if token != "" {
		args = append(args, "--token", token)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return run{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// mustCLI is cli, failing the test unless the exit code is want.
func (in *instance) mustCLI(tb testing.TB, want int, token string, args ...string) run {
	tb.Helper()
	r := in.cli(tb, token, "", args...)
	if r.code != want {
		tb.Fatalf("dbplane %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// Patterns of the values that differ from run to run, and what they
// become in golden files.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b(dbp[au])_[A-Za-z0-9]{20,}`), "${1}_<KEY>"},
	{regexp.MustCompile(`\b(dbp[au])_[A-Za-z0-9]{1,19}\b`), "${1}_<PREFIX>"},
	{regexp.MustCompile(`(?m)^(Password +)\S+$`), "${1}<PASSWORD>"},
	{regexp.MustCompile(`("password": )"[^"]*"`), `${1}"<PASSWORD>"`},
	{regexp.MustCompile(`(://[^:/@\s]+:)[^@\s]+@`), "${1}<PASSWORD>@"},
	{regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "<UUID>"},
	{regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{26}\b`), "<ULID>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`), "<TIME>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`), "<TIME>"},
	{regexp.MustCompile(`(127\.0\.0\.1|localhost):\d+`), "${1}:<PORT>"},
	{regexp.MustCompile(`("(public)?[pP]ort": )\d+`), "${1}<PORT>"},
	{regexp.MustCompile(`\b(d?u[mpg])_[a-z0-9]{10}_(\d+)\b`), "${1}_<SLUG>_${2}"},
	{regexp.MustCompile(`\blim_[a-z]{10}\b`), "lim_<USER>"},
	{regexp.MustCompile(`(?m)^(Identifier +)[0-9a-f]{8}$`), "${1}<IDENT>"},
	{regexp.MustCompile(`("identifier": )"[0-9a-f]{8}"`), `${1}"<IDENT>"`},
	{regexp.MustCompile(`\(\d+\.\d+\.\d+-MariaDB[^)]*\)`), "(<VERSION>)"},
}

// normalise replaces what changes between runs (ids, times, keys,
// passwords, ports) by placeholders, then aligns tables again so that the
// placeholders' widths do not matter.
func normalise(s string, extra map[string]string) string {
	for _, n := range normalisers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	for from, to := range extra {
		s = strings.ReplaceAll(s, from, to)
	}
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		return s
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	cells := regexp.MustCompile(` {2,}`)
	for _, line := range strings.SplitAfter(s, "\n") {
		tw.Write([]byte(cells.ReplaceAllString(line, "\t")))
	}
	tw.Flush()
	return b.String()
}

// golden compares got, normalised, with testdata/<test>/<name>.golden;
// -update rewrites the file.
func golden(tb testing.TB, name, got string, extra map[string]string) {
	tb.Helper()
	got = normalise(got, extra)
	path := filepath.Join("testdata", tb.Name(), name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (go test -run %s -update writes it)", err, tb.Name())
	}
	if got != string(want) {
		tb.Errorf("output differs from %s (go test -run '%s' -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, tb.Name(), got, want)
	}
}

// goldenUnordered is golden for a list the API orders by creation time,
// where rows made in the same millisecond come in any order: it sorts a
// JSON array's items, or a table's rows under its header, first.
func goldenUnordered(tb testing.TB, name, got string) {
	tb.Helper()
	var items []json.RawMessage
	if json.Unmarshal([]byte(got), &items) == nil {
		slices.SortFunc(items, func(a, b json.RawMessage) int {
			return strings.Compare(normalise(string(a), nil), normalise(string(b), nil))
		})
		b, _ := json.MarshalIndent(items, "", "  ")
		golden(tb, name, string(b)+"\n", nil)
		return
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) > 1 {
		body := lines[1:]
		slices.SortFunc(body, func(a, b string) int { return strings.Compare(normalise(a, nil), normalise(b, nil)) })
	}
	golden(tb, name, strings.Join(lines, "\n")+"\n", nil)
}

// mustNotContain fails if any secret appears in out.
func mustNotContain(tb testing.TB, what, out string, secrets ...string) {
	tb.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			tb.Errorf("%s holds a secret (%.6s…)", what, s)
		}
	}
}
