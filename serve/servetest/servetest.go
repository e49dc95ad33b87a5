// Package servetest is an operator's side of mdmdoctor serve for tests: a key, an SSH session with a
// PTY over golang.org/x/crypto/ssh, what the session wrote, and waits on it. It is used by the serve
// package's tests and by the command's.
package servetest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Timeout bounds each wait: a triage on a loaded machine, never a hang.
const Timeout = 30 * time.Second

// NewKey is a fresh ed25519 client key.
func NewKey(tb testing.TB) gossh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// AuthorizedLine is key's authorized_keys line with options in front (none when empty).
func AuthorizedLine(key gossh.Signer, options string) string {
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey())))
	if options != "" {
		line = options + " " + line
	}
	return line + " test\n"
}

// Buffer collects what one goroutine writes for another to read.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Await waits until s holds want, for Timeout at most. It does not stop the test, so goroutines other
// than the test's may call it.
func Await(s fmt.Stringer, want string) error {
	for deadline := time.Now().Add(Timeout); !strings.Contains(s.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			got := s.String()
			if len(got) > 2000 {
				got = "..." + got[len(got)-2000:]
			}
			return fmt.Errorf("%q never appeared; got %q", want, got)
		}
	}
	return nil
}

// WaitFor is Await that fails the test.
func WaitFor(tb testing.TB, s fmt.Stringer, want string) {
	tb.Helper()
	if err := Await(s, want); err != nil {
		tb.Fatal(err)
	}
}

// Terminal is one SSH session as the operator sees it.
type Terminal struct {
	Session *gossh.Session
	In      io.WriteCloser
	Out     *Buffer
	Err     *Buffer
	// Ended receives the session's end: nil for exit status 0.
	Ended chan error
}

// Open starts a shell on c with a PTY of w x h (none when w is 0) and the environment env.
func Open(tb testing.TB, c *gossh.Client, w, h int, env map[string]string) *Terminal {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			tb.Fatalf("setenv %s: %v", k, err)
		}
	}
	if w > 0 {
		if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
			tb.Fatal(err)
		}
	}
	t := &Terminal{Session: sess, Out: &Buffer{}, Err: &Buffer{}, Ended: make(chan error, 1)}
	sess.Stdout, sess.Stderr = t.Out, t.Err
	if t.In, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		tb.Fatal(err)
	}
	go func() { t.Ended <- sess.Wait() }()
	return t
}

// Type sends keys as the operator types them.
func (t *Terminal) Type(tb testing.TB, keys string) {
	tb.Helper()
	if _, err := io.WriteString(t.In, keys); err != nil {
		tb.Fatalf("type %q: %v", keys, err)
	}
}

// WaitFor waits until the session wrote want.
func (t *Terminal) WaitFor(tb testing.TB, want string) {
	tb.Helper()
	WaitFor(tb, t.Out, want)
}

// Wait is the session's end: nil for exit status 0.
func (t *Terminal) Wait(tb testing.TB) error {
	tb.Helper()
	select {
	case err := <-t.Ended:
		return err
	case <-time.After(Timeout):
		tb.Fatal("the session did not end")
		return nil
	}
}
