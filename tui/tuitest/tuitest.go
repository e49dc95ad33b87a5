// Package tuitest is the TUI's one test harness: the real Bubble Tea program run in teatest at a fixed
// size, with waits that match the frame on screen now (not everything drawn so far), key presses by
// name, and the styles, keys and layout checks that the screens' Update-level tests share. The tui
// package's tests, the screens' tests and the application's end-to-end tests all use it.
package tuitest

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Wait bounds each wait for the screen to show something, unless a session sets its own.
const Wait = 5 * time.Second

// Session is a running program under test.
type Session struct {
	t      testing.TB
	tm     *teatest.TestModel
	frame  *frame
	width  int
	height int
	// Timeout bounds each WaitFor; Wait unless set.
	Timeout time.Duration
}

// frame holds the frame drawn last, as plain text: the renderer asks the model for a view after
// every update, and the recorder keeps it.
type frame struct {
	mu     sync.Mutex
	latest string
}

func (f *frame) set(s string) {
	f.mu.Lock()
	f.latest = s
	f.mu.Unlock()
}

func (f *frame) get() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latest
}

// recorder wraps the model under test so that every frame it draws is recorded; it changes nothing
// else.
type recorder struct {
	tea.Model
	frame *frame
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	r.Model = m
	return r, cmd
}

func (r recorder) View() tea.View {
	v := r.Model.View()
	r.frame.set(ansi.Strip(v.Content))
	return v
}

// Start runs m in a real program at width x height with opts (the environment, at least, so that the
// colour profile does not depend on where the test runs). The program is quit when the test ends.
func Start(t testing.TB, m tea.Model, width, height int, opts ...tea.ProgramOption) *Session {
	t.Helper()
	f := &frame{}
	tm := teatest.NewTestModel(t, recorder{Model: m, frame: f},
		teatest.WithInitialTermSize(width, height), teatest.WithProgramOptions(opts...))
	s := &Session{t: t, tm: tm, frame: f, width: width, height: height, Timeout: Wait}
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(Wait))
	})
	return s
}

// Frame is the frame on screen now, as plain text.
func (s *Session) Frame() string { return s.frame.get() }

// WaitFor waits until the frame on screen shows every one of texts, drawn for the terminal's size
// (exactly its height, no line wider), and returns it. Right after a resize the frame of the old size
// does not count. On a timeout the test fails with the frame on screen and what is wrong with it.
func (s *Session) WaitFor(texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(s.Timeout)
	for {
		f := s.Frame()
		if containsAll(f, texts) && s.fits(f) {
			return f
		}
		if time.Now().After(deadline) {
			if m := missing(f, texts); m != nil {
				s.t.Fatalf("after %s the screen does not show %q; it shows:\n%s", s.Timeout, m, f)
			}
			RequireFits(s.t, f, s.width, s.height)
			s.t.Fatalf("after %s the frame is %d lines on a %d-line terminal:\n%s",
				s.Timeout, strings.Count(f, "\n")+1, s.height, f)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fits reports whether frame is exactly the terminal's height and no wider than it.
func (s *Session) fits(frame string) bool {
	lines := strings.Split(frame, "\n")
	if len(lines) != s.height {
		return false
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > s.width {
			return false
		}
	}
	return true
}

func containsAll(f string, texts []string) bool {
	return missing(f, texts) == nil
}

func missing(f string, texts []string) []string {
	var out []string
	for _, t := range texts {
		if !strings.Contains(f, t) {
			out = append(out, t)
		}
	}
	return out
}

// Press sends key presses by name, as Press names them.
func (s *Session) Press(names ...string) {
	for _, n := range names {
		s.tm.Send(Press(n))
	}
}

// Type types text one key at a time, as a terminal without bracketed paste delivers it.
func (s *Session) Type(text string) { s.tm.Type(text) }

// Send sends any message to the program.
func (s *Session) Send(msg tea.Msg) { s.tm.Send(msg) }

// Resize changes the terminal's size.
func (s *Session) Resize(w, h int) {
	s.width, s.height = w, h
	s.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// Quit presses q and returns the model the program ended with.
func (s *Session) Quit() tea.Model {
	s.t.Helper()
	s.Press("q")
	return s.Final()
}

// Final waits for the program to end and returns the model it ended with.
func (s *Session) Final() tea.Model {
	s.t.Helper()
	return s.tm.FinalModel(s.t, teatest.WithFinalTimeout(s.Timeout)).(recorder).Model
}

// Output waits for the program to end and returns everything it wrote to the terminal.
func (s *Session) Output() []byte {
	s.t.Helper()
	b, err := io.ReadAll(s.tm.FinalOutput(s.t, teatest.WithFinalTimeout(s.Timeout)))
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// Deps returns the styles and key map every screen is built with, for Update-level tests.
func Deps() (*theme.Styles, *keys.KeyMap) {
	km := keys.Default()
	return theme.New(true), &km
}

// Plain strips styling from a view, for assertions on text.
func Plain(view string) string { return ansi.Strip(view) }

// RequireFits fails when a line of view is wider than width or the view is taller than height.
func RequireFits(t testing.TB, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > height {
		t.Errorf("view is %d lines, more than %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %d is %d cells, wider than %d: %q", i+1, w, width, ansi.Strip(l))
		}
	}
}
