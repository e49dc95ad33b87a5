package serve

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
)

func TestKeyAcceptedOthersRefused(t *testing.T) {
	alice, mallory := servetest.NewKey(t), servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(alice, ""), nil)

	term := servetest.Open(t, f.connect(t, "alice", alice), 80, 24, nil)
	waitFor(t, "alice's session", term.Out, title("user=alice count=0"))

	if _, err := f.dial("mallory", gossh.PublicKeys(mallory)); err == nil {
		t.Fatal("a key not in authorized_keys was accepted")
	}
	waitFor(t, "log", f.log, "authentication refused")
	waitFor(t, "log", f.log, gossh.FingerprintSHA256(mallory.PublicKey()))
	if _, err := f.dial("alice", gossh.Password("alice")); err == nil {
		t.Fatal("a password was accepted")
	}
	if _, err := f.dial("alice", gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return []string{"alice"}, nil
	})); err == nil {
		t.Fatal("keyboard-interactive was accepted")
	}
}

func TestAuthorizedKeysOptions(t *testing.T) {
	key := servetest.NewKey(t)
	future := time.Now().Add(48*time.Hour).UTC().Format("20060102") + "Z"
	tests := []struct {
		name, lines string
		accepted    bool
		logged      string
	}{
		{"from the loopback address", servetest.AuthorizedLine(key, `from="127.0.0.1"`), true, ""},
		{"from a CIDR holding loopback", servetest.AuthorizedLine(key, `from="10.0.0.0/8,127.0.0.0/8"`), true, ""},
		{"from elsewhere", servetest.AuthorizedLine(key, `from="10.0.0.0/8,192.168.*"`), false, "is not in from="},
		{"negated", servetest.AuthorizedLine(key, `from="!127.0.0.1,*"`), false, "is not in from="},
		{"expired", servetest.AuthorizedLine(key, `expiry-time="20200101"`), false, "expired at 2020-01-01"},
		{"not yet expired", servetest.AuthorizedLine(key, `expiry-time="`+future+`"`), true, ""},
		{"restrict", servetest.AuthorizedLine(key, `restrict,pty`), true, ""},
		{"forced command", servetest.AuthorizedLine(key, `command="/bin/sh"`), false, "command="},
		{"no-pty", servetest.AuthorizedLine(key, `no-pty`), false, "no-pty"},
		{"an unparsable line before the key", "ssh-ed25519 AAAA-not-base64 broken\n" + servetest.AuthorizedLine(key, ""), true, "line skipped"},
		{"an unparsable line after a refused one", servetest.AuthorizedLine(key, "no-pty") + "garbage\n" + servetest.AuthorizedLine(key, ""), true, "line skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startServer(t, tt.lines, nil)
			c, err := f.dial("op", gossh.PublicKeys(key))
			if c != nil {
				_ = c.Close()
			}
			if got := err == nil; got != tt.accepted {
				t.Fatalf("accepted = %v (%v), want %v", got, err, tt.accepted)
			}
			if tt.logged != "" {
				waitFor(t, "log", f.log, tt.logged)
			}
		})
	}
}

func TestAuthorizedKeysReloadedOnChange(t *testing.T) {
	alice, bob := servetest.NewKey(t), servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(alice, ""), nil)
	if _, err := f.dial("bob", gossh.PublicKeys(bob)); err == nil {
		t.Fatal("bob accepted before being listed")
	}
	if err := os.WriteFile(f.keysFile, []byte(servetest.AuthorizedLine(alice, "")+servetest.AuthorizedLine(bob, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := f.dial("bob", gossh.PublicKeys(bob))
	if err != nil {
		t.Fatalf("bob refused once listed: %v", err)
	}
	_ = c.Close()
	if err := os.WriteFile(f.keysFile, []byte(servetest.AuthorizedLine(bob, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.dial("alice", gossh.PublicKeys(alice)); err == nil {
		t.Fatal("alice still accepted once removed")
	}
}

func TestPTYRequired(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), nil)
	term := servetest.Open(t, f.connect(t, "op", key), 0, 0, nil)
	var exit *gossh.ExitError
	if err := term.Wait(t); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("session without a PTY ended with %v, want exit status 1", err)
	}
	if !strings.Contains(term.Err.String(), "needs a terminal: connect with ssh -t") {
		t.Fatalf("stderr = %q, want the PTY message", term.Err.String())
	}
}

func TestPTYResizeTermAndNoColor(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), nil)
	term := servetest.Open(t, f.connect(t, "op", key), 80, 24, map[string]string{"NO_COLOR": "1", "SECRET": "x"})
	// TERM from the PTY request, NO_COLOR from the client; SECRET not passed: TERM, NO_COLOR, SSH_CONNECTION.
	waitFor(t, "first frame", term.Out, title("user=op count=0 size=80x24 term=xterm-256color nocolor=true fix=false env=3"))
	if err := term.Session.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "after resize", term.Out, title("user=op count=0 size=100x30"))
}

func TestTwoSessionsStayIsolated(t *testing.T) {
	alice, bob := servetest.NewKey(t), servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(alice, "")+servetest.AuthorizedLine(bob, ""), nil)
	ta := servetest.Open(t, f.connect(t, "alice", alice), 80, 24, nil)
	tb := servetest.Open(t, f.connect(t, "bob", bob), 80, 24, nil)
	waitFor(t, "alice", ta.Out, title("user=alice count=0"))
	waitFor(t, "bob", tb.Out, title("user=bob count=0"))
	ta.Type(t, "aa")
	tb.Type(t, "a")
	waitFor(t, "alice counted", ta.Out, title("user=alice count=2"))
	waitFor(t, "bob counted", tb.Out, title("user=bob count=1"))
	tb.Type(t, "f")
	waitFor(t, "bob's fix asks", tb.Out, "fix=true")
	tb.Type(t, "y")
	waitFor(t, "bob's fix answered", f.journal, "bob")
	if strings.Contains(ta.Out.String(), "bob") || strings.Contains(tb.Out.String(), "alice") {
		t.Fatal("one operator's output reached the other's terminal")
	}
	if got := f.journal.list(); len(got) != 1 || got[0] != "bob "+gossh.FingerprintSHA256(bob.PublicKey()) {
		t.Fatalf("journal = %q, want bob's one fix with his key's fingerprint", got)
	}
}

func TestQuit(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), nil)
	term := servetest.Open(t, f.connect(t, "op", key), 80, 24, nil)
	waitFor(t, "first frame", term.Out, title("user=op"))
	term.Type(t, "q")
	if err := term.Wait(t); err != nil {
		t.Fatalf("quit ended the session with %v, want exit status 0", err)
	}
	waitFor(t, "log", f.log, "msg=disconnect")
}

func TestMaxSessions(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), func(c *Config) { c.MaxSessions = 1 })
	first := servetest.Open(t, f.connect(t, "op", key), 80, 24, nil)
	waitFor(t, "first session", first.Out, title("user=op"))
	second := servetest.Open(t, f.connect(t, "op", key), 80, 24, nil)
	if err := second.Wait(t); err == nil {
		t.Fatal("a session over the limit was served")
	}
	if !strings.Contains(second.Err.String(), "limit of 1 sessions") {
		t.Fatalf("stderr = %q, want the limit", second.Err.String())
	}
}

func TestConnectionsBounded(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), func(c *Config) { c.MaxSessions = 1 })
	var idle []net.Conn
	for range f.srv.cfg.maxConnections() {
		c, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	// The server counts a connection when it accepts it; wait until all of them are counted.
	for deadline := time.Now().Add(10 * time.Second); f.srv.conns.Load() < int64(len(idle)); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d connections counted", f.srv.conns.Load(), len(idle))
		}
	}
	if _, err := f.dial("op", gossh.PublicKeys(key)); err == nil {
		t.Fatal("a connection beyond the bound was served")
	}
	waitFor(t, "log", f.log, "too many connections open")
	for _, c := range idle {
		_ = c.Close()
	}
	for deadline := time.Now().Add(10 * time.Second); f.srv.conns.Load() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still counted after they closed", f.srv.conns.Load())
		}
	}
	c, err := f.dial("op", gossh.PublicKeys(key))
	if err != nil {
		t.Fatalf("once the idle connections closed: %v", err)
	}
	_ = c.Close()
}

func TestIdleTimeout(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	term := servetest.Open(t, f.connect(t, "op", key), 80, 24, nil)
	waitFor(t, "first frame", term.Out, title("user=op"))
	if err := term.Wait(t); err != nil {
		t.Fatalf("idle session ended with %v", err)
	}
	if !strings.Contains(term.Out.String(), "no keystroke for too long") {
		t.Fatalf("no idle message; got %q", term.Out.String())
	}
}

func TestRunTimeoutWaitsForTheFixInFlight(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), func(c *Config) { c.RunTimeout = 300 * time.Millisecond })
	term := servetest.Open(t, f.connect(t, "op", key), 80, 24, nil)
	waitFor(t, "first frame", term.Out, title("user=op"))
	term.Type(t, "f")
	waitFor(t, "the fix asks", term.Out, "fix=true")
	select {
	case err := <-term.Ended:
		t.Fatalf("the session ended (%v) while its fix waited for its answer", err)
	case <-time.After(600 * time.Millisecond):
	}
	term.Type(t, "y")
	if err := term.Wait(t); err != nil {
		t.Fatalf("session ended with %v", err)
	}
	if !strings.Contains(term.Out.String(), "time limit") || len(f.journal.list()) != 1 {
		t.Fatalf("want the fix journaled, then the time limit said; journal %q, output %q", f.journal.list(), term.Out.String())
	}
}

func TestShutdownWaitsForTheFixInFlight(t *testing.T) {
	alice, bob := servetest.NewKey(t), servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(alice, "")+servetest.AuthorizedLine(bob, ""), nil)
	ta := servetest.Open(t, f.connect(t, "alice", alice), 80, 24, nil)
	tb := servetest.Open(t, f.connect(t, "bob", bob), 80, 24, nil)
	waitFor(t, "bob", tb.Out, title("user=bob"))
	ta.Type(t, "f")
	waitFor(t, "alice's fix asks", ta.Out, "fix=true")

	done := make(chan error, 1)
	go func() { done <- f.srv.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned (%v) while alice's fix waited for its answer", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := f.dial("bob", gossh.PublicKeys(bob)); err == nil {
		t.Fatal("a new connection was accepted while shutting down")
	}
	ta.Type(t, "y")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown did not return once the fix was answered")
	}
	if got := f.journal.list(); len(got) != 1 || !strings.HasPrefix(got[0], "alice ") {
		t.Fatalf("journal = %q, want alice's fix", got)
	}
	for _, term := range []*servetest.Terminal{ta, tb} {
		_ = term.Wait(t)
		if !strings.Contains(term.Out.String(), "shutting down") {
			t.Fatalf("no shutdown message; got %q", term.Out.String())
		}
	}
}

func TestHostKeyGeneratedOnceAndKeptPrivate(t *testing.T) {
	key := servetest.NewKey(t)
	f := startServer(t, servetest.AuthorizedLine(key, ""), nil)
	path := f.srv.cfg.HostKey
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v, want 0600", fi.Mode().Perm())
	}
	signer, created, err := hostKey(path)
	if err != nil || created {
		t.Fatalf("second start: created=%v err=%v, want the same key reused", created, err)
	}
	if string(signer.PublicKey().Marshal()) != string(f.hostKey.Marshal()) {
		t.Fatal("the host key changed on the second start")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable host key gave %v, want a chmod hint", err)
	}
}
