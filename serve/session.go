package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"
)

// Why a session ended, when the server ended it; the operator reads the message.
var (
	errShutdown = errors.New("mdmdoctor serve is shutting down: " +
		"your session is closed (confirmed fixes are in the journal)")
	errIdle       = errors.New("no keystroke for too long: your session is closed")
	errRunTimeout = errors.New("the session reached its time limit: your session is closed")
)

// session is one operator's SSH session and its application.
type session struct {
	lastInput atomic.Int64 // unix nanoseconds
	// fingerprint is the key's; redirectPort the sign-in redirect port the session holds (0: none).
	// Both are set before the session is admitted and never change.
	fingerprint  string
	redirectPort int

	mu      sync.Mutex
	cause   error
	program *tea.Program
	app     App
}

// handle serves one SSH session: a PTY, a place under the limit, an application, then its program.
func (s *Server) handle(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer next(sess)
		pty, winch, ok := sess.Pty()
		if !ok {
			_, _ = fmt.Fprintf(sess.Stderr(),
				"mdmdoctor serve shows a terminal UI and needs a terminal: connect with ssh -t\r\n")
			_ = sess.Exit(1)
			return
		}
		se := &session{fingerprint: fingerprint(sess)}
		se.touch()
		if err := s.admit(se); err != nil {
			_, _ = fmt.Fprintf(sess.Stderr(), "%s\r\n", err)
			_ = sess.Exit(1)
			return
		}
		defer s.release(se)
		ctx, cancel := context.WithCancel(sess.Context())
		defer cancel()
		logger := sessionLogger(s.cfg.Logger, sess)
		env := sessionEnviron(sess, pty.Term)
		app, err := s.cfg.NewApp(ctx, Session{
			User: sess.User(), Fingerprint: se.fingerprint, RemoteAddr: sess.RemoteAddr().String(),
			RedirectPort: se.redirectPort, SSHHost: sess.User() + "@" + s.publicHost(sess), SSHPort: port(sess.LocalAddr()),
			Width: pty.Window.Width, Height: pty.Window.Height, Environ: env, Output: sess, Logger: logger,
		})
		if err != nil {
			logger.Error("application not built", "error", err.Error())
			_, _ = fmt.Fprintf(sess.Stderr(), "mdmdoctor could not start: %s\r\n", err)
			_ = sess.Exit(1)
			return
		}
		program := tea.NewProgram(app.Model(),
			tea.WithContext(ctx),
			tea.WithInput(inputReader{sess, se}),
			tea.WithOutput(sess),
			tea.WithEnvironment(env),
			tea.WithColorProfile(colorprofile.Env(env)),
			tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
			// Suspending (ctrl+z) would stop the server process, not the operator's terminal.
			tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
				if _, ok := msg.(tea.SuspendMsg); ok {
					return tea.ResumeMsg{}
				}
				return msg
			}),
		)
		if !se.start(app, program) {
			return
		}
		go resize(ctx, program, winch)
		stop := s.watch(ctx, se)
		defer stop()
		if _, err := program.Run(); err != nil && ctx.Err() == nil {
			logger.Error("the terminal UI stopped", "error", err.Error())
		}
		if cause := se.endCause(); cause != nil {
			logger.Info("session closed by the server", "reason", cause.Error())
			_, _ = fmt.Fprintf(sess, "\r\n%s\r\n", cause)
		}
	}
}

// resize turns the PTY's window changes into tea.WindowSizeMsg, so the UI reflows. wish's Bubble Tea
// middleware does the same, but logs through charm's process-wide logger, not the server's.
func resize(ctx context.Context, p *tea.Program, winch <-chan ssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-winch:
			if !ok {
				return
			}
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
	}
}

// start records the session's application and program, unless the server already ended it.
func (se *session) start(app App, p *tea.Program) bool {
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.cause != nil {
		return false
	}
	se.app, se.program = app, p
	return true
}

// end closes the session's program with cause; the first cause given is the one the operator reads.
func (se *session) end(cause error) {
	se.mu.Lock()
	if se.cause == nil {
		se.cause = cause
	}
	p := se.program
	se.mu.Unlock()
	if p != nil {
		// Quit blocks until the program reads it; the program may be busy rendering.
		go p.Quit()
	}
}

func (se *session) endCause() error {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.cause
}

// drain waits for the session's fix in flight, if any.
func (se *session) drain(ctx context.Context) {
	se.mu.Lock()
	app := se.app
	se.mu.Unlock()
	if app != nil {
		_ = app.Drain(ctx)
	}
}

func (se *session) touch() { se.lastInput.Store(time.Now().UnixNano()) }

func (se *session) idleFor() time.Duration {
	return time.Since(time.Unix(0, se.lastInput.Load()))
}

// watch enforces the idle timeout and the run timeout until the returned stop is called.
func (s *Server) watch(ctx context.Context, se *session) (stop func()) {
	var timers []*time.Timer
	if d := s.cfg.IdleTimeout; d > 0 {
		var idle *time.Timer
		idle = time.AfterFunc(d, func() {
			if left := d - se.idleFor(); left > 0 {
				idle.Reset(left)
				return
			}
			grace, cancel := context.WithTimeout(ctx, idleDrainGrace)
			defer cancel()
			se.drain(grace)
			se.end(fmt.Errorf("%w (idle timeout %s)", errIdle, d))
		})
		timers = append(timers, idle)
	}
	if d := s.cfg.RunTimeout; d > 0 {
		timers = append(timers, time.AfterFunc(d, func() {
			se.drain(ctx)
			se.end(fmt.Errorf("%w (%s)", errRunTimeout, d))
		}))
	}
	return func() {
		for _, t := range timers {
			t.Stop()
		}
	}
}

// inputReader is the operator's keyboard: each read counts as activity for the idle timeout. The
// output does not: a spinner must not keep an abandoned session alive.
type inputReader struct {
	r  io.Reader
	se *session
}

func (r inputReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.se.touch()
	}
	return n, err
}

// sessionEnviron is all the environment a session sees: TERM from the PTY request, NO_COLOR when the
// client sent a non-empty one (https://no-color.org), and SSH_CONNECTION as sshd sets it.
func sessionEnviron(sess ssh.Session, term string) []string {
	env := []string{"TERM=" + term}
	for _, kv := range sess.Environ() {
		if strings.HasPrefix(kv, "NO_COLOR=") && kv != "NO_COLOR=" {
			env = append(env, kv)
		}
	}
	return append(env, "SSH_CONNECTION="+sshConnection(sess))
}

// sshConnection is "client-ip client-port server-ip server-port", as sshd sets SSH_CONNECTION.
func sshConnection(sess ssh.Session) string {
	host := func(a string) string {
		if h, p, err := net.SplitHostPort(a); err == nil {
			return h + " " + p
		}
		return a + " 0"
	}
	return host(sess.RemoteAddr().String()) + " " + host(sess.LocalAddr().String())
}

// publicHost is how operators name this server: Config.PublicHost, else the address they reached.
func (s *Server) publicHost(sess ssh.Session) string {
	if s.cfg.PublicHost != "" {
		return s.cfg.PublicHost
	}
	h, _, err := net.SplitHostPort(sess.LocalAddr().String())
	if err != nil {
		return sess.LocalAddr().String()
	}
	return h
}

func port(a net.Addr) string {
	_, p, _ := net.SplitHostPort(a.String())
	return p
}

func fingerprint(sess ssh.Session) string {
	if k := sess.PublicKey(); k != nil {
		return gossh.FingerprintSHA256(k)
	}
	return ""
}

// sessionLogger carries the operator's identity on every line of the session.
func sessionLogger(l *slog.Logger, sess ssh.Session) *slog.Logger {
	return l.With("user", sess.User(), "fingerprint", fingerprint(sess), "remote", sess.RemoteAddr().String())
}
