package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Defaults for the zero values of Config.
const (
	DefaultListen      = ":2222"
	DefaultMaxSessions = 20
	DefaultIdleTimeout = 15 * time.Minute
	DefaultRunTimeout  = 8 * time.Hour
	// handshakeTimeout bounds an unauthenticated connection, so idle port scanners do not pile up.
	handshakeTimeout = 30 * time.Second
	// idleDrainGrace is how long an idle session's fix may still take to finish before the session ends.
	idleDrainGrace = 30 * time.Second
)

// Config says how to serve. AuthorizedKeys, HostKey and NewApp are required.
type Config struct {
	// Listen is the TCP address (DefaultListen when empty).
	Listen string
	// AuthorizedKeys is an OpenSSH authorized_keys file listing the operators' keys.
	AuthorizedKeys string
	// HostKey is the server's private key file; an ed25519 key is generated there (mode 0600) when
	// the file does not exist.
	HostKey string
	// Demo marks a server of the built-in demo tenants (logged at start).
	Demo bool
	// MaxSessions bounds the sessions open at once (DefaultMaxSessions when zero).
	MaxSessions int
	// IdleTimeout ends a session with no keystroke for this long (DefaultIdleTimeout when zero;
	// negative: never).
	IdleTimeout time.Duration
	// RunTimeout bounds a session's whole life (DefaultRunTimeout when zero; negative: unbounded). At
	// expiry the session's fix in flight is waited for, then the session ends with a message.
	RunTimeout time.Duration
	// RedirectPort, when set, offers each session a loopback port of its own for the sign-in redirect
	// of the authorization code flow: the ports RedirectPort to RedirectPort+MaxSessions-1. Only the
	// operator whose session holds a port may forward to it (ssh -N -L PORT:localhost:PORT), and only
	// when their key's options allow port forwarding.
	RedirectPort int
	// PublicHost is the host name operators connect to, shown in the forward command (the listen
	// host when empty).
	PublicHost string
	// Logger receives connect, refused authentication, disconnect and the application's own lines
	// (sign-in, fix applied); nil discards. Never a token or a paste.
	Logger *slog.Logger
	// NewApp builds the application of one session.
	NewApp Factory
}

// Session is what the factory is told about one SSH session.
type Session struct {
	// User is the SSH user name; Fingerprint the SHA256 fingerprint of the key it authenticated with.
	User        string
	Fingerprint string
	RemoteAddr  string
	// RedirectPort is the session's own loopback port for a sign-in redirect (0: none offered);
	// SSHHost ("user@host") and SSHPort are how the operator reaches this server, for the ssh
	// command that forwards it.
	RedirectPort int
	SSHHost      string
	SSHPort      string
	// Width and Height are the PTY's size at the start; later changes reach the model as
	// tea.WindowSizeMsg.
	Width, Height int
	// Environ is the session's environment: TERM from the PTY request, NO_COLOR when the client sent
	// it, and SSH_CONNECTION (so the UI never launches a browser on the server). Nothing else the
	// client sends is passed on.
	Environ []string
	// Output is the operator's terminal: what the model prints there (OSC 52 copy included) reaches
	// the operator only.
	Output io.Writer
	// Logger carries the session's user, fingerprint and remote address on every line.
	Logger *slog.Logger
}

// App is the application of one session.
type App interface {
	// Model is the Bubble Tea model the session runs.
	Model() tea.Model
	// Drain refuses new fixes and returns once no fix is in flight (each one answered by the operator
	// and journaled), or when ctx ends.
	Drain(ctx context.Context) error
}

// Factory builds the application of one session. ctx ends with the session: everything the
// application starts must stop with it.
type Factory func(ctx context.Context, s Session) (App, error)

func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.RunTimeout == 0 {
		c.RunTimeout = DefaultRunTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// maxConnections bounds the connections open at once, authenticated or not (sessions, the port
// forwards of sign-ins, handshakes in progress), so that a flood of idle connections cannot exhaust
// the server; each handshake is bounded by handshakeTimeout as well.
func (c Config) maxConnections() int { return 4*c.MaxSessions + 16 }

func (c Config) validate() error {
	switch {
	case c.AuthorizedKeys == "":
		return errors.New("serve needs an authorized_keys file listing the operators' public keys: " +
			"give --authorized-keys FILE")
	case c.HostKey == "":
		return errors.New("serve needs a host key file (generated on first start): give --host-key FILE")
	case c.NewApp == nil:
		return errors.New("serve: no application factory")
	case c.MaxSessions < 0:
		return errors.New("--max-sessions must be 1 or more")
	case c.RedirectPort < 0 || c.RedirectPort+c.MaxSessions-1 > 65535:
		return errors.New("--redirect-port must leave room for one port per session below 65536 (or be 0)")
	}
	return nil
}
