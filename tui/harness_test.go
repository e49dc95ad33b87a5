package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/internal/keypress"
)

// This file runs the real Bubble Tea program on the real root model for end-to-end tests, with any
// Backend: the tests here use testBackend; an end-to-end test against graph/graphtest and the demo
// tenant only needs to pass its own Backend to startSession.

// waitTime bounds each wait for the screen to show something; runs here take milliseconds.
const waitTime = 5 * time.Second

// frames records what the program draws: every frame the renderer asks the model for, as plain text.
// Reading it yields each new frame once, so teatest.WaitFor sees every frame that was on screen.
type frames struct {
	mu      sync.Mutex
	latest  string
	pending []byte
}

func (f *frames) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s != f.latest {
		f.latest = s
		f.pending = append(f.pending, s+"\n\x00\n"...)
	}
}

// Read implements io.Reader over the frames drawn since the last read, each followed by a separator
// so that frames do not run into each other in WaitFor's buffer; io.EOF when there is none.
func (f *frames) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

func (f *frames) current() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latest
}

// recorder wraps the root model so that every frame drawn is recorded; it changes nothing else.
type recorder struct {
	Model
	frames *frames
}

func (r recorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	r.Model = m.(Model)
	return r, cmd
}

func (r recorder) View() tea.View {
	v := r.Model.View()
	r.frames.record(ansi.Strip(v.Content))
	return v
}

// session is a running program under test.
type session struct {
	t      *testing.T
	tm     *teatest.TestModel
	frames *frames
	width  int
	height int
}

// startSession runs the TUI on o at width x height. Environ defaults to a 256-colour terminal that is
// not over SSH, so the tests do not depend on the environment they run in.
func startSession(t *testing.T, o Options, width, height int) *session {
	t.Helper()
	if o.Environ == nil {
		o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1"}
	}
	if o.Version == "" {
		o.Version = "0.1.0-test"
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	o = o.withDefaults()
	f := &frames{}
	tm := teatest.NewTestModel(t, recorder{Model: New(ctx, o), frames: f},
		teatest.WithInitialTermSize(width, height),
		teatest.WithProgramOptions(programOptions(o)...))
	s := &session{t: t, tm: tm, frames: f, width: width, height: height}
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(waitTime))
	})
	return s
}

// waitFor waits until a frame shows every one of texts, and checks that frame fits the terminal.
func (s *session) waitFor(texts ...string) string {
	s.t.Helper()
	var shown string
	teatest.WaitFor(s.t, s.frames, func(b []byte) bool {
		// Only the newest frame counts: a text must be on screen now, not merely at some point.
		frames := bytes.Split(b, []byte("\n\x00\n"))
		last := ""
		for i := len(frames) - 1; i >= 0; i-- {
			if len(frames[i]) > 0 {
				last = string(frames[i])
				break
			}
		}
		for _, t := range texts {
			if !strings.Contains(last, t) {
				return false
			}
		}
		shown = last
		return true
	}, teatest.WithDuration(waitTime), teatest.WithCheckInterval(5*time.Millisecond))
	s.requireFits(shown)
	return shown
}

func (s *session) requireFits(frame string) {
	s.t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != s.height {
		s.t.Errorf("frame is %d lines on a %d-line terminal", len(lines), s.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > s.width {
			s.t.Errorf("line %d is %d cells on a %d-cell terminal: %q", i+1, w, s.width, l)
		}
	}
}

func (s *session) press(keys ...string) {
	for _, k := range keys {
		s.tm.Send(keypress.Press(k))
	}
}

func (s *session) typeText(text string) { s.tm.Type(text) }

func (s *session) resize(w, h int) {
	s.width, s.height = w, h
	s.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// quit presses q and waits for the program to end, returning the final root model.
func (s *session) quit() Model {
	s.t.Helper()
	s.press("q")
	return s.final()
}

func (s *session) final() Model {
	s.t.Helper()
	fm := s.tm.FinalModel(s.t, teatest.WithFinalTimeout(waitTime))
	return fm.(recorder).Model
}

// saveJSONReport saves the results as a JSON report at path through the report screen (its proposed
// file name starting with proposed), quits, and returns the report read back.
func (s *session) saveJSONReport(path, proposed string) report.Report {
	s.t.Helper()
	s.press("w", "down", "enter")
	s.waitFor("File: " + proposed)
	s.press("ctrl+u")
	s.typeText(path)
	s.press("enter")
	s.waitFor("✓ Saved to " + path[:min(len(path), 40)])
	s.quit()
	raw, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		s.t.Fatal(err)
	}
	return rep
}
