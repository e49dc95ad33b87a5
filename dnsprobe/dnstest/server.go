// Package dnstest runs a real DNS server on a loopback port for tests and the demo, as
// net/http/httptest does for HTTP.
//
// The server answers over UDP and TCP on the same port from RFC 1035 zone files, either as an
// authoritative server (AA set, CNAMEs followed inside the zone only) or as a recursive resolver
// (CNAMEs followed across every zone it holds), and has knobs for the failures a prober must survive:
// truncated UDP answers, SERVFAIL, silence, slow answers, and (Faults) garbage, answers cut short and
// dropped connections.
package dnstest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Role says how the server answers.
type Role int

// Roles. The zero value, RoleByRD, lets one server play both parts, as the demo needs: a query with
// RD set (what a stub resolver sends) gets a recursive answer, one without RD an authoritative one.
const (
	RoleByRD Role = iota
	RoleAuthoritative
	RoleRecursive
)

// Options configure a server.
type Options struct {
	// Zones holds the *.zone files, at its root, that the server serves (for example os.DirFS of a
	// directory, or an embedded file system).
	Zones fs.FS
	// Addr is where to listen; 127.0.0.1 on a random port when empty.
	Addr string
	Role Role
	// Truncate lists names whose UDP answers come back empty with TC set, forcing a retry over TCP.
	Truncate []string
	// ServFail makes every answer SERVFAIL, like a resolver whose upstreams are broken.
	ServFail bool
	// Blackhole makes the server read queries and never answer, like a firewalled resolver.
	Blackhole bool
	// Latency delays every answer, to show that a client asks concurrently.
	Latency time.Duration
	// Faults spoil every answer the way broken servers and middleboxes do.
	Faults Faults
}

// Stats counts the queries a server has received, by transport.
type Stats struct {
	UDP, TCP int64
}

// Server is a running DNS server. Close it when done.
type Server struct {
	addr     string
	zones    zoneSet
	opts     Options
	truncate map[string]bool
	udp, tcp *dns.Server
	done     chan struct{}
	once     sync.Once
	served   sync.WaitGroup
	nUDP     atomic.Int64
	nTCP     atomic.Int64
}

// Start loads the zones and starts answering on UDP and TCP. The server stops when Close is called
// or ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Zones == nil {
		return nil, errors.New("dnstest: no zones given: set Options.Zones")
	}
	zs, err := loadZones(opts.Zones)
	if err != nil {
		return nil, fmt.Errorf("dnstest: %w", err)
	}
	pc, l, err := listen(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("dnstest: %w", err)
	}
	s := &Server{
		addr:     pc.LocalAddr().String(),
		zones:    zs,
		opts:     opts,
		truncate: map[string]bool{},
		done:     make(chan struct{}),
	}
	for _, n := range opts.Truncate {
		s.truncate[dns.CanonicalName(n)] = true
	}
	// Start returns only once both servers run: a shutdown before that would find nothing to stop.
	started := make(chan error, 2)
	notify := func() { started <- nil }
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serveUDP), NotifyStartedFunc: notify}
	s.tcp = &dns.Server{Listener: l, Handler: dns.HandlerFunc(s.serveTCP), NotifyStartedFunc: notify}
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		s.served.Go(func() {
			if err := srv.ActivateAndServe(); err != nil {
				started <- err
			}
		})
	}
	for range 2 {
		if err := <-started; err != nil {
			pc.Close()
			l.Close()
			return nil, fmt.Errorf("dnstest: serve: %w", err)
		}
	}
	context.AfterFunc(ctx, s.Close)
	return s, nil
}

// listen binds UDP and TCP on the same port. With a random port the TCP side may find it taken by
// another program, so it tries a few ports before giving up.
func listen(addr string) (net.PacketConn, net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lastErr error
	for range 10 {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("listen on udp %s: %w", addr, err)
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, l, nil
		}
		pc.Close()
		lastErr = err
		if !strings.HasSuffix(addr, ":0") {
			break
		}
	}
	return nil, nil, fmt.Errorf("listen on tcp beside udp %s: %w", addr, lastErr)
}

// Addr is the host:port the server answers on, over both UDP and TCP.
func (s *Server) Addr() string { return s.addr }

// Port is the port the server answers on, for a prober's AuthPort.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Stats returns how many queries the server has received so far.
func (s *Server) Stats() Stats {
	return Stats{UDP: s.nUDP.Load(), TCP: s.nTCP.Load()}
}

// Close stops the server and waits for it to finish. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.udp.ShutdownContext(ctx)
		_ = s.tcp.ShutdownContext(ctx)
		s.served.Wait()
	})
}

func (s *Server) serveUDP(w dns.ResponseWriter, r *dns.Msg) {
	s.nUDP.Add(1)
	s.serve(w, r, false)
}

func (s *Server) serveTCP(w dns.ResponseWriter, r *dns.Msg) {
	s.nTCP.Add(1)
	s.serve(w, r, true)
}

func (s *Server) serve(w dns.ResponseWriter, r *dns.Msg, tcp bool) {
	if s.opts.Blackhole {
		return
	}
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.done:
			return
		}
	}
	if s.spoil(w, r, tcp) {
		return
	}
	_ = w.WriteMsg(s.reply(r, tcp))
}

// reply builds the answer to r, applying the knobs.
func (s *Server) reply(r *dns.Msg, tcp bool) *dns.Msg {
	reply := new(dns.Msg)
	reply.SetReply(r)
	if len(r.Question) != 1 {
		reply.Rcode = dns.RcodeFormatError
		return reply
	}
	q := r.Question[0]
	switch {
	case s.opts.ServFail:
		reply.Rcode = dns.RcodeServerFailure
	case !tcp && s.truncate[dns.CanonicalName(q.Name)]:
		reply.Truncated = true
	default:
		recursive := s.opts.Role == RoleRecursive || (s.opts.Role == RoleByRD && r.RecursionDesired)
		s.zones.answer(reply, q, recursive)
	}
	size := dns.MinMsgSize
	if tcp {
		size = dns.MaxMsgSize
	}
	if opt := r.IsEdns0(); opt != nil {
		reply.SetEdns0(opt.UDPSize(), false)
		if !tcp {
			size = max(int(opt.UDPSize()), dns.MinMsgSize)
		}
	}
	reply.Truncate(size)
	return reply
}
