// Command dbplane is a self-hosted control plane that hands out databases.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/dbplane/dbplane/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
