package web_test

import (
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/dbplane/dbplane/internal/dbtest"
)

// tcpProxy forwards TCP to a test database server, so a test can take the
// host down and bring it back on the same address (stop, start), or hang
// it: cut the forwarded connections and accept new ones without ever
// answering, as a hung host does.
type tcpProxy struct {
	t      *testing.T
	target string
	mu     sync.Mutex
	addr   string
	ln     net.Listener
	hung   bool
	conns  []net.Conn
}

// startProxy starts a proxy in front of srv on a free local port (addr).
func startProxy(t *testing.T, srv *dbtest.Server) *tcpProxy {
	t.Helper()
	host, port := srv.Addr()
	p := &tcpProxy{t: t, target: net.JoinHostPort(host, strconv.Itoa(port)), addr: "127.0.0.1:0"}
	p.start()
	t.Cleanup(p.stop)
	return p
}

// start listens on addr (again, after stop) and forwards what it accepts.
func (p *tcpProxy) start() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			hung := p.hung
			if hung {
				p.conns = append(p.conns, c) // held open, never answered
			}
			p.mu.Unlock()
			if hung {
				continue
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { p.pipe(u, c); u.Close() }()
			go func() { p.pipe(c, u); c.Close() }()
		}
	}()
}

// stop refuses new connections and cuts the open ones.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// hang stops forwarding: what the open connections send is swallowed, as
// a hung server reads nothing (a statement sent on one may have reached
// it, for all the client knows), and new connections are accepted and
// never answered.
func (p *tcpProxy) hang() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hung = true
}

// pipe copies src to dst until either fails, dropping what it reads while
// the proxy hangs.
func (p *tcpProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			hung := p.hung
			p.mu.Unlock()
			if !hung {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}
