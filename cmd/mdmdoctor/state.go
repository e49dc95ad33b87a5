package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mdmdoctor/mdmdoctor/fix"
)

// stateDir is mdmdoctor's state directory (journal, recent targets): $XDG_STATE_HOME/mdmdoctor, or
// ~/.local/state/mdmdoctor. The environment is read here, in main, and handed down.
func stateDir() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find mdmdoctor's state directory: set XDG_STATE_HOME: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "mdmdoctor"), nil
}

// journalPath is the fix journal's file in the state directory.
func journalPath() (string, error) {
	dir, err := stateDir()
	if err != nil {
		return "", err
	}
	return fix.JournalPath(dir), nil
}

// stateDirOrEmpty is the state directory, or "" when there is none: the sign-in that needs it then
// says so.
func stateDirOrEmpty() string {
	dir, _ := stateDir()
	return dir
}
