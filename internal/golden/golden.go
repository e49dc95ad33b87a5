// Package golden compares what a test produced with a golden file, and rewrites the file when the
// test runs with -update. It is the project's one golden-file helper: the TUI's frames and the
// report writers' outputs are held against files under testdata.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	// The -update flag: declared by this package that teatest imports, read here, so that one test
	// binary can hold both without declaring the flag twice.
	_ "github.com/charmbracelet/x/exp/golden"
)

// Updating reports whether the test runs with -update.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Require fails the test when got differs from the file at path, showing both; under -update it
// writes got to path instead (creating its folder).
func Require(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
