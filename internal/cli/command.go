package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dbplane/dbplane/internal/config"
)

// group is a command made of subcommands, such as "host": most of them
// call the HTTP API (setup), a few work on the data dir (local).
type group struct {
	name  string
	about string // what the group is for, printed under its usage
	subs  []sub
}

// sub is one subcommand of a group.
type sub struct {
	name    string
	args    string // the positional arguments, for the usage line: "ID"
	nargs   int    // how many positional arguments it takes
	summary string
	example string // a command line, shown by -h
	// setup registers the subcommand's own flags on fs and returns what
	// runs it once they are parsed.
	setup func(fs *flag.FlagSet) runFunc
	// local, instead of setup, runs a subcommand that needs no server with
	// its raw arguments (it parses its own flags).
	local func(ctx context.Context, e env, args []string) error
}

// runFunc runs an HTTP subcommand.
type runFunc func(ctx context.Context, c *call) error

// call is one run of an HTTP subcommand: where to write, the API client,
// the output format and the positional arguments.
type call struct {
	env
	api  *client
	json bool // -o json
	args []string
}

// run dispatches args (the words after the group's name) to a subcommand.
func (g *group) run(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		g.usage(e.stderr)
		return usagef("missing subcommand")
	}
	name := args[0]
	if isHelp(name) {
		g.usage(e.stderr)
		return flag.ErrHelp
	}
	for _, s := range g.subs {
		if s.name != name {
			continue
		}
		if s.local != nil {
			return s.local(ctx, e, args[1:])
		}
		return g.runHTTP(ctx, e, s, args[1:])
	}
	g.usage(e.stderr)
	return usagef(fmt.Sprintf("unknown subcommand %q", name))
}

// runHTTP parses a subcommand's flags (anywhere among its arguments),
// builds the client and runs it.
func (g *group) runHTTP(ctx context.Context, e env, s sub, args []string) error {
	own := flag.NewFlagSet(g.name+" "+s.name, flag.ContinueOnError)
	run := s.setup(own)
	conn := flag.NewFlagSet("connection", flag.ContinueOnError)
	cf := registerConn(conn)
	fs := flag.NewFlagSet(g.name+" "+s.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	for _, set := range []*flag.FlagSet{own, conn} {
		set.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	}
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: dbplane %s %s", g.name, s.name)
		if s.args != "" {
			fmt.Fprint(w, " "+s.args)
		}
		fmt.Fprintf(w, " [flags]\n\n%s\n", s.summary)
		if s.example != "" {
			fmt.Fprintf(w, "\nExample:\n  %s\n", s.example)
		}
		if hasFlags(own) {
			fmt.Fprintln(w, "\nFlags:")
			own.SetOutput(w)
			own.PrintDefaults()
		}
		fmt.Fprintln(w, "\nConnection and output flags:")
		conn.SetOutput(w)
		conn.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != s.nargs {
		fs.Usage()
		if s.nargs == 0 {
			return usagef(fmt.Sprintf("unexpected arguments %q", pos))
		}
		return usagef(fmt.Sprintf("want %s, got %d argument(s)", s.args, len(pos)))
	}
	c, err := cf.call(e, pos)
	if err != nil {
		return err
	}
	return run(ctx, c)
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// usage prints the group's subcommands.
func (g *group) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: dbplane %s <subcommand> [arguments] [flags]\n\n%s\n\nSubcommands:\n", g.name, g.about)
	for _, s := range g.subs {
		line := s.name
		if s.args != "" {
			line += " " + s.args
		}
		fmt.Fprintf(w, "  %-28s %s\n", line, firstLine(s.summary))
	}
	fmt.Fprintf(w, "\nRun 'dbplane %s <subcommand> -h' for its flags. See docs/cli.md for the exit codes.\n", g.name)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// parseInterspersed parses fs from args, with flags before, between or
// after the positional arguments (which it returns); after "--" every
// argument is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &flagError{err: err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// connFlags are the flags every HTTP subcommand has.
type connFlags struct {
	addr, token, output string
	timeout             time.Duration
}

func registerConn(fs *flag.FlagSet) *connFlags {
	cf := &connFlags{}
	fs.StringVar(&cf.addr, "addr", "", "`url` of dbplane (DBPLANE_ADDR; default "+defaultAddr+")")
	fs.StringVar(&cf.token, "token", "", "API `key` to call with (DBPLANE_TOKEN, which keeps it out of the process list)")
	fs.StringVar(&cf.output, "o", "table", "output `format`: table (for people) or json (the API's data, for scripts)")
	fs.StringVar(&cf.output, "output", "table", "same as -o `format`")
	fs.DurationVar(&cf.timeout, "timeout", defaultTimeout, "time limit of one request")
	return cf
}

// call checks the flags, fills what they leave out from the environment
// and returns the call.
func (cf *connFlags) call(e env, args []string) (*call, error) {
	if cf.output != "table" && cf.output != "json" {
		return nil, usagef(fmt.Sprintf("-o %q: want table or json", cf.output))
	}
	if cf.timeout <= 0 {
		return nil, usagef("--timeout must be positive")
	}
	addr, token := cf.addr, cf.token
	if addr == "" {
		addr = e.getenv(config.EnvAddr)
	}
	if addr == "" {
		addr = defaultAddr
	}
	if token == "" {
		token = e.getenv(config.EnvToken)
	}
	api, err := newClient(addr, token, cf.timeout)
	if err != nil {
		return nil, err
	}
	return &call{env: e, api: api, json: cf.output == "json", args: args}, nil
}

// pageFlags choose the page of a paginated list: by default every page.
type pageFlags struct{ page, perPage int }

func registerPage(fs *flag.FlagSet) *pageFlags {
	p := &pageFlags{}
	fs.IntVar(&p.page, "page", 0, "fetch only this `page` (from 1); by default every page is fetched")
	fs.IntVar(&p.perPage, "per-page", 0, "`items` per page, 1 to 100 (default 100)")
	return p
}
