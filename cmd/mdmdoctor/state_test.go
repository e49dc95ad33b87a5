package main

import (
	"path/filepath"
	"testing"
)

// TestStateDirIsReadInMain: the journal and the recent targets live in one state directory, found
// from XDG_STATE_HOME here and handed to the packages below.
func TestStateDirIsReadInMain(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if p, err := journalPath(); err != nil || p != filepath.FromSlash("/x/state/mdmdoctor/journal.jsonl") {
		t.Errorf("journalPath = %q, %v", p, err)
	}
	if p := recentFile(); p != filepath.FromSlash("/x/state/mdmdoctor/recent.json") {
		t.Errorf("recentFile = %q", p)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/op")
	if p, err := journalPath(); err != nil || p != filepath.FromSlash("/home/op/.local/state/mdmdoctor/journal.jsonl") {
		t.Errorf("journalPath without XDG_STATE_HOME = %q, %v", p, err)
	}
}
