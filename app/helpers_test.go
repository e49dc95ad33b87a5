package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/tui"
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
	if err := a.SignIn(context.Background(), func(graph.DeviceCodePrompt) { t.Error("a device code was asked for") }); err != nil {
		t.Fatal(err)
	}
	return a
}

// program runs the real Bubble Tea program over the application at w x h; wait reads its output until
// every one of want has been drawn (what it read is gone for the next wait, so texts drawn together are
// waited for together) and returns what it read.
func program(t *testing.T, a *App, o TUIOptions, w, h int) (*teatest.TestModel, func(...string) []byte) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	opts := a.TUIOptions(o)
	opts.Input, opts.Output = nil, nil
	tm := teatest.NewTestModel(t, tui.New(ctx, opts), teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithEnvironment(opts.Environ)))
	wait := func(want ...string) []byte {
		t.Helper()
		var seen []byte
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen = b
			out := ansi.Strip(string(b))
			for _, w := range want {
				if !strings.Contains(out, w) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		return seen
	}
	return tm, wait
}

// press sends keys by name: enter, esc, tab, end, or a character.
func press(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "esc":
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		case "tab":
			tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		case "end":
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnd})
		default:
			tm.Send(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		}
	}
}

// finalScreen quits the program and returns its last frame, failing on any line wider than w.
func finalScreen(t *testing.T, tm *teatest.TestModel, w int) string {
	t.Helper()
	press(tm, "q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	screen := ansi.Strip(final.View().Content)
	for i, line := range strings.Split(screen, "\n") {
		if lw := ansi.StringWidth(line); lw > w {
			t.Errorf("line %d is %d cells wide at %d columns: %q", i+1, lw, w, line)
		}
	}
	return screen
}
