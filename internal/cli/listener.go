package cli

import (
	"crypto/tls"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"syscall"

	"github.com/dbplane/dbplane/internal/config"
	"github.com/dbplane/dbplane/internal/http/server"
)

// listener is what serve's listener takes from the configuration: the
// TLS certificate (with --tls-cert and --tls-key) and the trusted proxies.
type listener struct {
	cert    *server.Certificate // nil: plain HTTP
	tls     *tls.Config
	proxies []netip.Prefix
}

func listenerOptions(cfg config.Config, log *slog.Logger) (listener, error) {
	var l listener
	proxies, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		return l, err
	}
	for _, p := range proxies {
		if p.Bits() == 0 {
			// Legal (a proxy whose address is not known), but then any
			// client can name itself in X-Forwarded-For.
			log.Warn("--trusted-proxy trusts every peer: any client can set its address in X-Forwarded-For and slip the per-address sign-in limit", "trusted_proxy", p.String())
		}
	}
	l.proxies = proxies
	if !cfg.TLS() {
		return l, nil
	}
	l.cert, err = server.LoadCertificate(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return l, err
	}
	l.tls = l.cert.TLSConfig()
	return l, nil
}

// ReloadTLS rereads the TLS certificate and key files, as SIGHUP does: new
// connections get the new pair. A pair that does not load is logged and
// the one in use kept. Without TLS it only logs that there is nothing to
// reload.
func (s *Server) ReloadTLS() {
	if s.cert == nil {
		s.log.Info("reload asked (SIGHUP): no TLS certificate to reload; other settings take a restart")
		return
	}
	if err := s.cert.Reload(); err != nil {
		s.log.Error("TLS certificate not reloaded; still serving the previous one", "err", err)
		return
	}
	logCertificate(s.log, "TLS certificate reloaded", s.cert)
}

func logCertificate(log *slog.Logger, msg string, c *server.Certificate) {
	leaf := c.Leaf()
	log.Info(msg, "subject", leaf.Subject.String(), "dns_names", leaf.DNSNames, "not_after", leaf.NotAfter.UTC())
}

// notifyReload catches SIGHUP, serve's signal to reread its certificate.
func notifyReload() chan os.Signal {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	return ch
}

func stopReload(ch chan os.Signal) { signal.Stop(ch) }
