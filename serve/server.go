package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"
)

// Server serves the terminal UI over SSH. Build it with New; it is safe for concurrent use.
type Server struct {
	cfg  Config
	srv  *ssh.Server
	keys *authorizedKeys

	mu        sync.Mutex
	conns     atomic.Int64
	sessions  map[*session]struct{}
	listeners []net.Listener
	draining  bool
	running   sync.WaitGroup
}

// New checks cfg, reads the authorized keys and reads (or generates) the host key.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	keys, err := newAuthorizedKeys(cfg.AuthorizedKeys, cfg.Logger)
	if err != nil {
		return nil, err
	}
	signer, created, err := hostKey(cfg.HostKey)
	if err != nil {
		return nil, err
	}
	if created {
		cfg.Logger.Info("host key generated", "path", cfg.HostKey,
			"fingerprint", gossh.FingerprintSHA256(signer.PublicKey()))
	}
	s := &Server{cfg: cfg, keys: keys, sessions: map[*session]struct{}{}}
	s.srv, err = wish.NewServer(
		wish.WithAddress(cfg.Listen),
		func(srv *ssh.Server) error {
			// The only channel besides sessions: a local forward to a session's sign-in redirect port.
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler,
				"direct-tcpip": ssh.DirectTCPIPHandler}
			srv.LocalPortForwardingCallback = s.allowForward
			srv.ConnCallback = s.admitConn
			return nil
		},
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.authorize),
		func(srv *ssh.Server) error {
			srv.HandshakeTimeout = handshakeTimeout
			// Only public keys are offered; this logs the other methods a client tries.
			srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{AuthLogCallback: s.logAuth}
			}
			return nil
		},
		wish.WithMiddleware(s.handle, logMiddleware(cfg.Logger)),
	)
	if err != nil {
		return nil, fmt.Errorf("set up the SSH server: %w", err)
	}
	cfg.Logger.Info("serving", "listen", cfg.Listen, "demo", cfg.Demo, "maxSessions", cfg.MaxSessions,
		"idleTimeout", cfg.IdleTimeout.String(), "runTimeout", cfg.RunTimeout.String(),
		"hostKey", gossh.FingerprintSHA256(signer.PublicKey()))
	return s, nil
}

// ListenAndServe listens on Config.Listen and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another --listen address)", s.cfg.Listen, err)
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		return ln.Close()
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := s.srv.Serve(ln)
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining || errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and new sessions, waits for every session's fixes in flight
// to be answered and journaled, then closes the sessions with a message. When ctx ends first, the
// remaining sessions are closed at once and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	live := make([]*session, 0, len(s.sessions))
	for se := range s.sessions {
		live = append(live, se)
	}
	listeners := s.listeners
	s.mu.Unlock()
	s.cfg.Logger.Info("shutting down", "sessions", len(live))
	// Closing the listeners stops new connections. ssh.Server.Shutdown would too, but it races with a
	// Serve that is just starting (its WaitGroup), and waits for connections this method closes itself.
	for _, ln := range listeners {
		_ = ln.Close()
	}

	var drained sync.WaitGroup
	for _, se := range live {
		drained.Go(func() { se.drain(ctx) })
	}
	drained.Wait()
	for _, se := range live {
		se.end(errShutdown)
	}
	finished := make(chan struct{})
	go func() { s.running.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
	}
	// Connections without a session (or sessions that did not finish in time) go now.
	_ = s.srv.Close()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("shutdown cut short: %w", err)
	}
	return nil
}

// authorize is the public key handler: the authorized_keys file decides, and a refusal is logged.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	addr := addrOf(ctx.RemoteAddr())
	opts, ok, reason := s.keys.authorize(key, addr, time.Now())
	if ok {
		ctx.SetValue(keyOptionsKey{}, opts)
	} else {
		s.cfg.Logger.Warn("authentication refused", "user", ctx.User(), "remote", ctx.RemoteAddr().String(),
			"method", "publickey", "fingerprint", gossh.FingerprintSHA256(key), "reason", reason)
	}
	return ok
}

// keyOptionsKey holds, in a connection's context, the options of the authorized_keys line it
// authenticated with.
type keyOptionsKey struct{}

// allowForward lets a connection forward to a loopback port only while a session of the same key
// holds that port for its sign-in redirect, and only when the key's options allow forwarding.
func (s *Server) allowForward(ctx ssh.Context, host string, port uint32) bool {
	opts, _ := ctx.Value(keyOptionsKey{}).(keyOptions)
	key, _ := ctx.Value(ssh.ContextKeyPublicKey).(ssh.PublicKey)
	reason := ""
	switch {
	case host != "localhost" && host != "127.0.0.1" && host != "::1":
		reason = "only localhost is forwarded"
	case key == nil || !s.holdsRedirect(gossh.FingerprintSHA256(key), int(port)):
		reason = "no session of this key waits for a sign-in on that port"
	case !opts.forwardAllowed(host, port):
		reason = "the key's options forbid this forward"
	default:
		return true
	}
	s.cfg.Logger.Warn("port forward refused", "user", ctx.User(), "remote", ctx.RemoteAddr().String(),
		"destination", fmt.Sprintf("%s:%d", host, port), "reason", reason)
	return false
}

func (s *Server) holdsRedirect(fingerprint string, port int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for se := range s.sessions {
		if se.redirectPort == port && se.fingerprint == fingerprint {
			return true
		}
	}
	return false
}

// logAuth logs the attempts of methods the server does not offer (password, keyboard-interactive).
func (s *Server) logAuth(conn gossh.ConnMetadata, method string, err error) {
	if err == nil || method == "none" || method == "publickey" {
		return
	}
	s.cfg.Logger.Warn("authentication refused", "user", conn.User(), "remote", conn.RemoteAddr().String(),
		"method", method, "reason", "only public keys are accepted")
}

// admitConn counts a new connection, or refuses it when Config.maxConnections are open already.
func (s *Server) admitConn(_ ssh.Context, c net.Conn) net.Conn {
	if s.conns.Add(1) > int64(s.cfg.maxConnections()) {
		s.conns.Add(-1)
		s.cfg.Logger.Warn("connection refused", "remote", c.RemoteAddr().String(), "reason", "too many connections open")
		return nil
	}
	return &countedConn{Conn: c, release: sync.OnceFunc(func() { s.conns.Add(-1) })}
}

// countedConn gives its place back when it closes.
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// admit registers a session, unless the server is draining or full.
func (s *Server) admit(se *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.draining:
		return errors.New("mdmdoctor serve is shutting down: try again in a moment")
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Errorf("mdmdoctor serve is at its limit of %d sessions: try again later", s.cfg.MaxSessions)
	}
	if s.cfg.RedirectPort > 0 {
		se.redirectPort = s.freeRedirectPort()
	}
	s.sessions[se] = struct{}{}
	s.running.Add(1)
	return nil
}

// freeRedirectPort is the first redirect port no live session holds (s.mu held). There are as many
// ports as sessions allowed, so one is always free.
func (s *Server) freeRedirectPort() int {
	held := map[int]bool{}
	for se := range s.sessions {
		held[se.redirectPort] = true
	}
	for p := s.cfg.RedirectPort; ; p++ {
		if !held[p] {
			return p
		}
	}
}

func (s *Server) release(se *session) {
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
	s.running.Done()
}

// addrOf is a connection's IP address (the zero Addr when it is not TCP).
func addrOf(a net.Addr) netip.Addr {
	if tcp, ok := a.(*net.TCPAddr); ok {
		return tcp.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}
