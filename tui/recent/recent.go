// Package recent remembers the targets an operator checked, most recent first, in a small JSON file
// readable by the operator only: UPNs and device names are personal data.
package recent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Max is how many targets are kept.
const Max = 8

// file is the on-disk shape; Version lets a later format be told apart.
type file struct {
	Version int      `json:"version"`
	Targets []string `json:"targets"`
}

// Load reads the list at path. A missing file is an empty list, not an error.
func Load(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read recent targets: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read recent targets from %s: %w (delete the file to start a new list)", path, err)
	}
	if len(f.Targets) > Max {
		f.Targets = f.Targets[:Max]
	}
	return f.Targets, nil
}

// Add puts target first in list, without duplicates (compared case-insensitively, as UPNs are), and
// keeps at most Max entries. It returns a new slice.
func Add(list []string, target string) []string {
	out := []string{target}
	for _, t := range list {
		if !strings.EqualFold(t, target) {
			out = append(out, t)
		}
	}
	if len(out) > Max {
		out = out[:Max]
	}
	return slices.Clip(out)
}

// Save writes the list to path with mode 0600 (its directory 0700), replacing the old file atomically
// so that a crash never leaves half a list.
func Save(path string, list []string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save recent targets: %w", err)
	}
	b, err := json.MarshalIndent(file{Version: 1, Targets: list}, "", "  ")
	if err != nil {
		return fmt.Errorf("save recent targets: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".recent-*.json")
	if err != nil {
		return fmt.Errorf("save recent targets: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save recent targets: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save recent targets: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save recent targets: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save recent targets: %w", err)
	}
	return nil
}
