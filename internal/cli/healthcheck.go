package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dbplane/dbplane/internal/config"
)

const healthcheckUsage = `Usage: dbplane healthcheck [flags]

GET /readyz of the serve on this machine and exit 0 when it answers 200,
1 otherwise: a probe for Docker's HEALTHCHECK or a systemd timer, needing
no curl. By default it reads the same settings as serve (--listen, the
DBPLANE_* variables, --config) and asks the loopback address of that port,
over HTTPS when --tls-cert is set. HTTPS is not verified: the probe sends
nothing secret and reads only the status.
`

// runHealthcheck probes /readyz of a local serve.
func runHealthcheck(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	target := fs.String("url", "", "base `url` to probe instead of the --listen address (http://127.0.0.1:8080)")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this `duration`")
	cfg, rest, err := loadLocal(fs, e, args, healthcheckUsage, "listen", "tls-cert", "tls-key")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef(fmt.Sprintf("unexpected arguments %q", rest))
	}
	base := *target
	if base == "" {
		base = probeURL(cfg)
	}
	url := strings.TrimRight(base, "/") + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return usagef(fmt.Sprintf("--url: %v", err))
	}
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // see healthcheckUsage
		Proxy:           nil,                                   // the probe is local: never through HTTP_PROXY
	}}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	fmt.Fprintf(e.stdout, "GET %s: %s %s\n", url, res.Status, strings.TrimSpace(string(body)))
	if res.StatusCode != http.StatusOK {
		return errors.New("unhealthy: /readyz answered " + res.Status)
	}
	return nil
}

// probeURL is serve's address as seen from this machine: an unspecified
// or empty host (0.0.0.0, [::], :8080) becomes the loopback address.
func probeURL(cfg config.Config) string {
	scheme := "http://"
	if cfg.TLS() {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return scheme + cfg.Listen
	}
	switch ip := net.ParseIP(host); {
	case host == "", ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return scheme + net.JoinHostPort(host, port)
}
