package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// served is mdmdoctor serve running in-process through run(), on a loopback port, with its state
// directory, authorized keys and log in a temporary directory.
type served struct {
	addr  string
	state string
	log   string
	keys  map[string]gossh.Signer
	stop  func() int
}

// startServe runs mdmdoctor serve with one key per operator named, and extra flags.
func startServe(t testing.TB, operators []string, extra ...string) *served {
	t.Helper()
	dir := t.TempDir()
	s := &served{state: filepath.Join(dir, "state"), log: filepath.Join(dir, "serve.log"), keys: map[string]gossh.Signer{}}
	var authorized bytes.Buffer
	for _, op := range operators {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if s.keys[op], err = gossh.NewSignerFromKey(priv); err != nil {
			t.Fatal(err)
		}
		authorized.Write(gossh.MarshalAuthorizedKey(s.keys[op].PublicKey()))
	}
	keysFile := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keysFile, authorized.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	_ = ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	var errb bytes.Buffer
	args := append([]string{"serve", "--listen", s.addr, "--authorized-keys", keysFile, "--log", s.log}, extra...)
	go func() {
		code <- run(ctx, args, []string{"XDG_STATE_HOME=" + s.state, "HOME=" + dir}, strings.NewReader(""), io.Discard, &errb)
	}()
	s.stop = func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() {
		select {
		case <-ctx.Done():
		default:
			s.stop()
		}
	})
	// Wait until it listens (or has failed).
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", s.addr); err == nil {
			_ = c.Close()
			return s
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d: %s", c, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve never listened")
		}
	}
}

// screen is one operator's terminal: what they type, and all the session wrote.
type screen struct {
	in    io.Writer
	out   *lockedBuffer
	ended chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// connect opens a session with a PTY as operator.
func (s *served) connect(t testing.TB, operator string) *screen {
	t.Helper()
	c, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{User: operator, Auth: []gossh.AuthMethod{gossh.PublicKeys(s.keys[operator])},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", operator, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sc := &screen{out: &lockedBuffer{}, ended: make(chan error, 1)}
	sess.Stdout = sc.out
	if sc.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { sc.ended <- sess.Wait() }()
	return sc
}

func (sc *screen) typeIn(t testing.TB, keys string) {
	t.Helper()
	if _, err := io.WriteString(sc.in, keys); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until the session wrote want (30 s at most: a triage on a loaded machine).
func (sc *screen) waitFor(t testing.TB, want string) {
	t.Helper()
	waitUntil(t, want, sc.out.String)
}

func waitUntil(t testing.TB, want string, got func() string) {
	t.Helper()
	if err := await(want, got); err != nil {
		t.Fatal(err)
	}
}

// await is waitUntil for goroutines other than the test's, which may not stop the test.
func await(want string, got func() string) error {
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(got(), want); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			out := got()
			if len(out) > 2000 {
				out = out[len(out)-2000:]
			}
			return fmt.Errorf("%q never appeared; last output: %q", want, out)
		}
	}
	return nil
}

func readFile(path string) func() string {
	return func() string {
		b, _ := os.ReadFile(path)
		return string(b)
	}
}

func TestServeDemoToTwoOperators(t *testing.T) {
	s := startServe(t, []string{"alice", "bob"}, "--demo")
	alice, bob := s.connect(t, "alice"), s.connect(t, "bob")
	alice.waitFor(t, "Who has the problem?")
	bob.waitFor(t, "Who has the problem?")

	// alice triages her user and copies a docs link: OSC 52 reaches her own terminal.
	alice.typeIn(t, "alice@contoso.com\r")
	alice.waitFor(t, "Finished")
	alice.typeIn(t, "\r")
	alice.waitFor(t, "17 pass")
	alice.typeIn(t, "\r")
	alice.waitFor(t, "Docs (o opens it")
	alice.typeIn(t, "o")
	alice.waitFor(t, "\x1b]52;c;")

	// bob fixes his user's MDM scope: confirmed, applied, journaled with his SSH user and key.
	bob.typeIn(t, "bob@contoso.com\r")
	bob.waitFor(t, "Finished")
	for _, step := range []struct{ keys, then string }{
		{"\r", "2 fail"}, {"n", "license.entra-premium"}, {"n", "No failure after this one."},
		{"f", "Choose a fix."}, {"\r", "Nothing has been sent. Press enter to apply"}, {"\r", "yes"},
	} {
		bob.typeIn(t, step.keys)
		bob.waitFor(t, step.then)
	}
	bob.typeIn(t, "yes\r")
	journal := filepath.Join(s.state, "mdmdoctor", "journal.jsonl")
	waitUntil(t, `"kind":"end"`, readFile(journal))
	fp := gossh.FingerprintSHA256(s.keys["bob"].PublicKey())
	if j := readFile(journal)(); !strings.Contains(j, `"fix":"scope.mdm.add-user-to-group"`) ||
		!strings.Contains(j, `"via":"ssh bob `+fp+`"`) || !strings.Contains(j, `"operator":"admin@contoso.com"`) {
		t.Fatalf("journal does not name bob's session next to the Graph account:\n%s", j)
	}
	waitUntil(t, "msg=\"fix applied\"", readFile(s.log))
	if strings.Contains(alice.out.String(), "members/$ref") || strings.Contains(bob.out.String(), "alice@contoso.com points") {
		t.Error("one operator's results reached the other's terminal")
	}

	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d after SIGTERM", code)
	}
	for _, sc := range []*screen{alice, bob} {
		sc.waitFor(t, "shutting down")
	}
	log := readFile(s.log)()
	for _, want := range []string{"msg=connect user=alice", "msg=connect user=bob", "fix=scope.mdm.add-user-to-group", "msg=disconnect"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestServeRefusesTheServersOwnIdentity(t *testing.T) {
	for _, auth := range []string{"azurecli", "clientsecret", "certificate"} {
		r := runCLI(t, "", "serve", "--auth", auth, "--authorized-keys", "/nonexistent")
		if r.code != 2 || !strings.Contains(r.stderr, "this server's identity") {
			t.Errorf("--auth %s: exit %d, %q", auth, r.code, r.stderr)
		}
	}
	r := runWith(t, t.TempDir(), []string{"MDMDOCTOR_ACCESS_TOKEN=x"}, "", "serve", "--authorized-keys", "/nonexistent")
	if r.code != 2 || !strings.Contains(r.stderr, "this server's identity") {
		t.Errorf("a token from the environment: exit %d, %q", r.code, r.stderr)
	}
}
