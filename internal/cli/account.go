package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/dbplane/dbplane"
)

const accountUsage = `Usage: dbplane account set-password EMAIL [flags]

Set the dashboard password of the account with EMAIL, read from the first
line of standard input; every session of the account ends. With --link,
print a one-time set-password link (valid 72 hours) instead. Works on the
data dir, whether or not serve runs.

Example:
  echo 'a long passphrase' | dbplane account set-password admin@localhost --data-dir ./data
`

func runSetPassword(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("account set-password", flag.ContinueOnError)
	link := fs.Bool("link", false, "print a one-time set-password link instead of reading a password")
	base := fs.String("url", "", "base `url` of the dashboard for --link (default --public-url, else http(s)://<listen>)")
	// The email may come before or after the flags.
	var email string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		email, args = args[0], args[1:]
	}
	cfg, rest, err := loadLocal(fs, e, args, accountUsage, append(storeFlags, "listen")...)
	if err != nil {
		return err
	}
	if email == "" && len(rest) > 0 {
		email, rest = rest[0], rest[1:]
	}
	if email == "" || len(rest) > 0 {
		fs.Usage()
		return usagef("give one EMAIL")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	// A password read before opening anything: a typo in the email costs
	// nothing but the message.
	var pw dbplane.Secret
	if !*link {
		line, err := bufio.NewReader(io.LimitReader(e.stdin, dbplane.MaxPasswordLen*4+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the password from standard input: %w", err)
		}
		pw = dbplane.Secret(strings.TrimRight(line, "\r\n"))
		if err := dbplane.ValidatePassword(pw); err != nil {
			return errors.New(dbplane.ErrorMessage(err))
		}
	}
	svc, err := openService(ctx, cfg, slog.New(slog.DiscardHandler), e.stderr, observers{})
	if err != nil {
		return err
	}
	defer svc.Close()
	id, _, err := svc.store.AccountPassword(ctx, strings.TrimSpace(email))
	if err != nil {
		return fmt.Errorf("account %q: %s", email, dbplane.ErrorMessage(err))
	}
	if *link {
		token, until, err := svc.CreatePasswordLink(ctx, id)
		if err != nil {
			return err
		}
		root := *base
		if root == "" {
			root = cfg.BaseURL()
		}
		fmt.Fprintf(e.stderr, "one-time set-password link for %s, valid until %s:\n", email, until.Format("2006-01-02 15:04 MST"))
		fmt.Fprintln(e.stdout, strings.TrimRight(root, "/")+"/set-password?token="+url.QueryEscape(string(token)))
		return nil
	}
	if err := svc.SetPassword(ctx, id, pw); err != nil {
		return errors.New(dbplane.ErrorMessage(err))
	}
	fmt.Fprintf(e.stderr, "password set for %s; sign in at %s/login\n", email, cfg.BaseURL())
	return nil
}
