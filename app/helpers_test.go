package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// testEnviron is the terminal the TUI tests draw on: no colour, so frames compare as text.
var testEnviron = []string{"TERM=xterm-256color", "NO_COLOR=1"}

// demoConfig is the demo application's settings with a state directory of the test's own.
func demoConfig(t *testing.T) Config {
	return Config{Version: "test", Demo: true, Cloud: "public", DNSTimeout: 2 * time.Second, Timeout: 30 * time.Second,
		StateDir: filepath.Join(t.TempDir(), "mdmdoctor"), Environ: testEnviron}
}

// open builds an application for the test, closed when it ends.
func open(t *testing.T, c Config) *App {
	t.Helper()
	a, err := New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// signedIn is open, signed in (a fake tenant's token signs in at once).
func signedIn(t *testing.T, c Config) *App {
	t.Helper()
	a := open(t, c)
	if err := a.SignIn(context.Background(), func(facts.SignInPrompt) { t.Error("a device code was asked for") }); err != nil {
		t.Fatal(err)
	}
	return a
}

// program runs the real Bubble Tea program over the application at w x h, through tuitest: its waits
// match the frame on screen now.
func program(t *testing.T, a *App, o TUIOptions, w, h int) *tuitest.Session {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts := a.TUIOptions(o)
	opts.Input, opts.Output = nil, nil
	s := tuitest.Start(t, tui.New(ctx, opts), w, h, tui.ProgramOptions(opts)...)
	s.Timeout = 20 * time.Second
	return s
}

// finalScreen quits the program and returns its last frame, failing on any line wider than the
// terminal.
func finalScreen(t *testing.T, s *tuitest.Session, w int) string {
	t.Helper()
	screen := ansi.Strip(s.Quit().View().Content)
	tuitest.RequireFits(t, screen, w, strings.Count(screen, "\n")+1)
	return screen
}
