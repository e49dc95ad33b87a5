package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/mdmdoctor/mdmdoctor/serve/servetest"
)

// testApp is a small application of one session: a counter ("a"), a fix that waits for its answer
// ("f", then "y" journals it) and quit ("q"). Its window title carries its whole state, because the
// title is sent whole on each change while the screen is sent as a diff.
type testApp struct {
	info    Session
	journal *journal

	mu       sync.Mutex
	answered chan struct{} // non-nil while a fix waits for its answer
	draining bool
}

func (a *testApp) Model() tea.Model { return testModel{app: a} }

func (a *testApp) Drain(ctx context.Context) error {
	a.mu.Lock()
	a.draining = true
	ch := a.answered
	a.mu.Unlock()
	if ch == nil {
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *testApp) startFix() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.answered == nil && !a.draining {
		a.answered = make(chan struct{})
	}
}

func (a *testApp) answer() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.answered != nil {
		a.journal.add(a.info.User + " " + a.info.Fingerprint)
		close(a.answered)
		a.answered = nil
	}
}

func (a *testApp) pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.answered != nil
}

type testModel struct {
	app           *testApp
	count         int
	width, height int
}

func (m testModel) Init() tea.Cmd { return nil }

func (m testModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch msg.String() {
		case "a":
			m.count++
		case "f":
			m.app.startFix()
		case "y":
			m.app.answer()
		case "q":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m testModel) View() tea.View {
	term, noColor := "", false
	for _, kv := range m.app.info.Environ {
		if v, ok := strings.CutPrefix(kv, "TERM="); ok {
			term = v
		}
		noColor = noColor || strings.HasPrefix(kv, "NO_COLOR=")
	}
	v := tea.NewView(fmt.Sprintf("mdmdoctor test app for %s\n", m.app.info.User))
	v.WindowTitle = fmt.Sprintf("user=%s count=%d size=%dx%d term=%s nocolor=%v fix=%v env=%d",
		m.app.info.User, m.count, m.width, m.height, term, noColor, m.app.pending(), len(m.app.info.Environ))
	return v
}

// journal is what the test apps "applied", shared by all sessions like the real journal.
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(e string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, e)
}

func (j *journal) String() string { return strings.Join(j.list(), "\n") }

func (j *journal) list() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.entries...)
}

// fixture is a server on loopback with its files in a temporary directory.
type fixture struct {
	srv      *Server
	addr     string
	dir      string
	keysFile string
	hostKey  gossh.PublicKey
	log      *servetest.Buffer
	journal  *journal
	apps     chan *testApp
}

// startServer serves on a loopback port with the given authorized_keys content; edit adjusts the config.
func startServer(t testing.TB, authorized string, edit func(*Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{dir: dir, keysFile: filepath.Join(dir, "authorized_keys"), log: &servetest.Buffer{},
		journal: &journal{}, apps: make(chan *testApp, 100)}
	if err := os.WriteFile(f.keysFile, []byte(authorized), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		AuthorizedKeys: f.keysFile,
		HostKey:        filepath.Join(dir, "host", "ssh_host_ed25519_key"),
		Logger:         slog.New(slog.NewTextHandler(f.log, nil)),
		NewApp: func(_ context.Context, s Session) (App, error) {
			a := &testApp{info: s, journal: f.journal}
			select {
			case f.apps <- a:
			default:
			}
			return a, nil
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	f.srv, f.addr = srv, ln.Addr().String()
	pemBytes, err := os.ReadFile(cfg.HostKey)
	if err != nil {
		t.Fatal(err)
	}
	hk, err := gossh.ParsePrivateKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	f.hostKey = hk.PublicKey()
	return f
}

// dial connects as user with the given authentication methods.
func (f *fixture) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.FixedHostKey(f.hostKey), Timeout: 10 * time.Second,
	})
}

// connect dials with key and fails the test when the server refuses.
func (f *fixture) connect(t testing.TB, user string, key gossh.Signer) *gossh.Client {
	t.Helper()
	c, err := f.dial(user, gossh.PublicKeys(key))
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitFor waits until s holds want, naming what it waits for when it fails.
func waitFor(t testing.TB, what string, s fmt.Stringer, want string) {
	t.Helper()
	if err := servetest.Await(s, want); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// title is the escape sequence that sets the window title to a state containing s.
func title(s string) string { return "]2;" + s }
