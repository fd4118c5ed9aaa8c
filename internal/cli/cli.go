// Package cli is dbplane's composition root: it parses arguments, loads the
// configuration, builds every component and runs the subcommands.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// version is set at build time with -ldflags "-X .../internal/cli.version=...".
var version = "dev"

// env is how the CLI reads the environment; only config and cli do.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"init", "create the data directory, the master key and the first admin API key", runInit},
		{"serve", "run the HTTP server", runServe},
		{"reconcile", "finish or undo engine changes left in flight, then exit", runReconcile},
		{"migrate", "bring the metadata store to this version's schema, then exit", runMigrate},
		{"quota", "run one pass of the quota watcher now ('quota refresh')", runQuota},
		{"rekey", "seal every stored secret again under the primary master key, then exit", runRekey},
		{"admin-key", "mint a new admin key from the data dir, for a lost one ('admin-key recover')", runAdminKey},
		{"host", "database hosts over the API: list, add, test, update, remove", hostGroup.run},
		{"account", "accounts over the API: list, create, show, update, suspend, unsuspend; set-password (local)", runAccount},
		{"key", "API keys over the API: list, create, disable, enable, delete", keyGroup.run},
		{"database", "databases over the API: list, show, create, reveal, rotate, disable, enable, delete", databaseGroup.run},
		{"server", "Pterodactyl servers over the API: list, create, show, update, delete", serverGroup.run},
		{"node", "nodes over the API: list, create, show", nodeGroup.run},
		{"audit", "the audit log over the API: list", auditGroup.run},
		{"drift", "drift between the records and the hosts over the API: list, sweep", driftGroup.run},
		{"healthcheck", "exit 0 if the local serve's /readyz answers 200 (for Docker and systemd)", runHealthcheck},
		{"version", "print the version", runVersion},
	}
}

// Main runs one subcommand and returns the process exit code (exit.go).
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return e.main(ctx, args)
}

func (e env) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		e.usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		e.usage(e.stdout)
		return exitOK
	case "help":
		return e.help(ctx, args[1:])
	case "--version", "-version", "-v":
		args = []string{"version"}
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(e.stderr, "dbplane: unknown command %q\n\n", args[0])
		e.usage(e.stderr)
		return exitUsage
	}
	err := c.run(ctx, e, args[1:])
	if err != nil && !errors.Is(err, flag.ErrHelp) && !isFlagError(err) {
		// A bad flag was explained by the flag package already.
		fmt.Fprintf(e.stderr, "dbplane %s: %v\n", commandLabel(args), err)
	}
	var he *hintError
	if errors.As(err, &he) {
		fmt.Fprintf(e.stderr, "\n%s\n", he.hint)
	}
	return exitCode(err)
}

// commandLabel names the command in error messages: "host add" for a
// subcommand, "init" otherwise.
func commandLabel(args []string) string {
	for _, g := range []*group{hostGroup, accountGroup, keyGroup, databaseGroup, serverGroup, nodeGroup, auditGroup, adminKeyGroup} {
		if g.name != args[0] || len(args) < 2 {
			continue
		}
		for _, s := range g.subs {
			if s.name == args[1] {
				return g.name + " " + s.name
			}
		}
	}
	return args[0]
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// help runs "dbplane help [COMMAND [SUBCOMMAND]]": the command's own help,
// on standard output.
func (e env) help(ctx context.Context, args []string) int {
	if len(args) == 0 {
		e.usage(e.stdout)
		return exitOK
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(e.stderr, "dbplane help: unknown command %q\n\n", args[0])
		e.usage(e.stderr)
		return exitUsage
	}
	if c.name == "version" {
		fmt.Fprintln(e.stdout, "Usage: dbplane version (or dbplane --version)\n\nPrint the version of this binary.")
		return exitOK
	}
	// A command's -h prints its help on stderr; here it goes to stdout.
	he := env{stdin: strings.NewReader(""), stdout: e.stdout, stderr: e.stdout, getenv: e.getenv}
	err := c.run(ctx, he, append(args[1:], "-h"))
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(e.stderr, "dbplane help %s: %v\n", strings.Join(args, " "), err)
		return exitCode(err)
	}
	return exitOK
}

func (e env) usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("dbplane hands out databases on MariaDB, PostgreSQL and MongoDB hosts.\n\nUsage: dbplane <command> [arguments] [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'dbplane help <command>' or 'dbplane <command> -h' for a command's flags.\n" +
		"The API commands (host, account, key, database, server, node) call a running serve at\n" +
		"DBPLANE_ADDR (default " + defaultAddr + ") with the key in DBPLANE_TOKEN; -o json prints the API's data.\n" +
		"Exit codes: 0 ok, 1 other error, 2 usage or invalid input, 3 not found, 4 no token or refused (401/403),\n" +
		"5 conflict or quota (409/402), 6 unreachable, unavailable or rate limited (retry later). See docs/cli.md.\n")
	io.WriteString(w, b.String())
}

func runVersion(_ context.Context, e env, args []string) error {
	fmt.Fprintf(e.stdout, "dbplane %s\n", version)
	return nil
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
