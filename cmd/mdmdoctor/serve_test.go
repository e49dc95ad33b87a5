package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
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
		s.keys[op] = servetest.NewKey(t)
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

// connect opens a session with a PTY as operator.
func (s *served) connect(t testing.TB, operator string) *servetest.Terminal {
	t.Helper()
	c, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{User: operator, Auth: []gossh.AuthMethod{gossh.PublicKeys(s.keys[operator])},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", operator, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return servetest.Open(t, c, 120, 40, nil)
}

// fileText is a file's text, read afresh each time.
type fileText string

func (f fileText) String() string {
	b, _ := os.ReadFile(string(f))
	return string(b)
}

// script types each pair's keys, then waits for its text.
func script(t *testing.T, term *servetest.Terminal, keysThenText ...string) {
	t.Helper()
	for i := 0; i+1 < len(keysThenText); i += 2 {
		term.Type(t, keysThenText[i])
		term.WaitFor(t, keysThenText[i+1])
	}
}

func TestServeDemoToTwoOperators(t *testing.T) {
	s := startServe(t, []string{"alice", "bob"}, "--demo")
	alice, bob := s.connect(t, "alice"), s.connect(t, "bob")
	alice.WaitFor(t, "Who has the problem?")
	bob.WaitFor(t, "Who has the problem?")

	// alice triages her user and copies a docs link: OSC 52 reaches her own terminal.
	script(t, alice, "alice@contoso.com\r", "Finished", "\r", "17 pass", "\r", "Docs (o opens it", "o", "\x1b]52;c;")
	// bob fixes his user's MDM scope: confirmed, applied, journaled with his SSH user and key.
	script(t, bob, "bob@contoso.com\r", "Finished", "\r", "2 fail", "n", "license.entra-premium", "n",
		"No failure after this one.", "f", "Choose a fix.", "\r", "Nothing has been sent. Press enter to apply", "\r", "yes")
	bob.Type(t, "yes\r")
	journal := filepath.Join(s.state, "mdmdoctor", "journal.jsonl")
	servetest.WaitFor(t, fileText(journal), `"kind":"end"`)
	fp := gossh.FingerprintSHA256(s.keys["bob"].PublicKey())
	if j := fileText(journal).String(); !strings.Contains(j, `"fix":"scope.mdm.add-user-to-group"`) ||
		!strings.Contains(j, `"via":"ssh bob `+fp+`"`) || !strings.Contains(j, `"operator":"admin@contoso.com"`) {
		t.Fatalf("journal does not name bob's session next to the Graph account:\n%s", j)
	}
	servetest.WaitFor(t, fileText(s.log), "msg=\"fix applied\"")
	// The journal screen lists each operator's own runs: bob's fix for bob, none for alice.
	for _, op := range []struct {
		term       *servetest.Terminal
		name, sees string
	}{{alice, "alice", "No fix has been applied yet"}, {bob, "bob", "via ssh bob " + fp}} {
		op.term.Type(t, "\x1b")
		// An escape followed at once by u reads as alt+u: the pause a typist makes between two keys.
		time.Sleep(300 * time.Millisecond)
		script(t, op.term, "u", "Journal of fixes: runs of ssh "+op.name, "", op.sees)
	}
	if strings.Contains(alice.Out.String(), "members/$ref") || strings.Contains(bob.Out.String(), "alice@contoso.com points") {
		t.Error("one operator's results reached the other's terminal")
	}

	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited with %d after SIGTERM", code)
	}
	for _, sc := range []*servetest.Terminal{alice, bob} {
		sc.WaitFor(t, "shutting down")
	}
	log := fileText(s.log).String()
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

// countOf is how many times text was written to a terminal so far.
type countOf struct {
	term *servetest.Terminal
	text string
}

func (c countOf) String() string {
	return strings.Repeat("+", strings.Count(c.term.Out.String(), c.text))
}

// saveAs opens the file name field on the report screen (the n-th time), types name over the proposed
// one and waits for the n-th outcome that says want.
func saveAs(t *testing.T, term *servetest.Terminal, n int, name, want string) {
	t.Helper()
	term.Type(t, "\r")
	servetest.WaitFor(t, countOf{term, "A file name only"}, strings.Repeat("+", n))
	term.Type(t, "\x15"+name+"\r")
	servetest.WaitFor(t, countOf{term, want}, "+")
}

// TestServedSavesStayInTheOperatorsFolder: over SSH, a path, ~ and .. are refused, and a plain file
// name is written into the operator's own folder under the state directory, on the server; another
// operator's folder is left as it was.
func TestServedSavesStayInTheOperatorsFolder(t *testing.T) {
	s := startServe(t, []string{"alice", "bob"}, "--demo")
	home := filepath.Dir(s.state) // HOME of the server's account
	folder := func(op string) string {
		fp := strings.NewReplacer(":", "_", "/", "_", "+", "-").Replace(gossh.FingerprintSHA256(s.keys[op].PublicKey()))
		return filepath.Join(s.state, "mdmdoctor", "served", fp)
	}
	alice, bob := s.connect(t, "alice"), s.connect(t, "bob")
	alice.WaitFor(t, "Who has the problem?")
	bob.WaitFor(t, "Who has the problem?")
	script(t, bob, "bob@contoso.com\r", "Finished", "\r", "2 fail", "w", "Save as Markdown")
	saveAs(t, bob, 1, "report.md", "not on your machine")
	script(t, alice, "alice@contoso.com\r", "Finished", "\r", "17 pass", "w", "Save as Markdown")
	absolute := filepath.Join(home, "abs.md")
	for i, name := range []string{"../x.md", absolute, "~/x.md"} {
		saveAs(t, alice, i+1, name, name+" is not a plain file name")
	}
	saveAs(t, alice, 4, "report.md", "not on your machine")
	// c, as the screen says, copies the report to alice's own terminal (OSC 52).
	script(t, alice, "c", "\x1b]52;c;")

	for _, path := range []string{filepath.Join("..", "x.md"), absolute, filepath.Join(home, "x.md"),
		filepath.Join(s.state, "mdmdoctor", "served", "x.md")} {
		if _, err := os.Lstat(path); !os.IsNotExist(err) {
			t.Errorf("a refused name wrote %s", path)
		}
	}
	for op, user := range map[string]string{"alice": "alice@contoso.com", "bob": "bob@contoso.com"} {
		entries, err := os.ReadDir(folder(op))
		if err != nil || len(entries) != 1 || entries[0].Name() != "report.md" {
			t.Fatalf("%s's folder holds %v (%v), want report.md only", op, entries, err)
		}
		b, _ := os.ReadFile(filepath.Join(folder(op), "report.md"))
		if !strings.Contains(string(b), "# mdmdoctor report: user "+user) {
			t.Errorf("%s's report:\n%s", op, b)
		}
		if fi, _ := os.Stat(folder(op)); fi.Mode().Perm() != 0o700 {
			t.Errorf("%s's folder has mode %o", op, fi.Mode().Perm())
		}
	}
}
