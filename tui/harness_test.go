package tui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/internal/golden"
	"github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// This file runs the real Bubble Tea program on the real root model for end-to-end tests, through
// tuitest, with any Backend: the tests here use testBackend.

// session is a running program under test on the root model.
type session struct {
	*tuitest.Session
	t *testing.T
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
	return &session{Session: tuitest.Start(t, New(ctx, o), width, height, ProgramOptions(o)...), t: t}
}

// quit presses q and waits for the program to end, returning the final root model.
func (s *session) quit() Model {
	s.t.Helper()
	return s.Quit().(Model)
}

// requireGolden holds the frame on screen against testdata/tui/name.golden.
func (s *session) requireGolden(name, frame string) {
	s.t.Helper()
	golden.Require(s.t, filepath.Join("..", "testdata", "tui", name+".golden"), []byte(frame))
}

// saveJSONReport saves the results as a JSON report at path through the report screen (its proposed
// file name starting with proposed), quits, and returns the report read back.
func (s *session) saveJSONReport(path, proposed string) report.Report {
	s.t.Helper()
	s.Press("w", "down", "enter")
	s.WaitFor("File: " + proposed)
	s.Press("ctrl+u")
	s.Type(path)
	s.Press("enter")
	s.WaitFor("✓ Saved to " + path[:min(len(path), 40)])
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
