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
		{"account", "set an account's dashboard password, or print a set-password link ('account set-password EMAIL')", runAccount},
		{"quota", "run one pass of the quota watcher now ('quota refresh')", runQuota},
		{"version", "print the version", runVersion},
	}
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return e.main(ctx, args)
}

func (e env) main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		e.usage()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "dbplane %s: %v\n", c.name, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(e.stderr, "dbplane: unknown command %q\n\n", args[0])
	e.usage()
	return 2
}

func (e env) usage() {
	var b strings.Builder
	b.WriteString("dbplane hands out databases on MariaDB, PostgreSQL and MongoDB hosts.\n\nUsage: dbplane <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'dbplane <command> -h' for a command's flags. Every flag has a DBPLANE_* environment twin.\n")
	io.WriteString(e.stderr, b.String())
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
