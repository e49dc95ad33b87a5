package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	reports "github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/report"
)

// save asks m to save the Markdown report as name and returns what the save reported.
func save(t *testing.T, m Model, name string) reportSavedMsg {
	t.Helper()
	_, cmd := update(t, m, report.SaveMsg{Format: reports.FormatMarkdown, Path: name})
	msgs := runAll(cmd)
	saved, ok := msgs[0].(reportSavedMsg)
	if !ok {
		t.Fatalf("save %q gave %#v", name, msgs)
	}
	return saved
}

// TestServedSaveStaysInTheOperatorsFolder: a served session writes a plain file name into its own
// folder (created 0700, the file 0600) and refuses every path, ~ and .., an existing name and a
// symlink planted under a free-looking name.
func TestServedSaveStaysInTheOperatorsFolder(t *testing.T) {
	state := t.TempDir()
	dir := filepath.Join(state, "served", "SHA256_alice")
	m := withResults(t, rootModel(t, Options{Files: Files{Dir: dir, Served: true}}))
	outside := filepath.Join(state, "x.md")
	for _, name := range []string{"../x.md", outside, "~/x.md", "sub/x.md", `..\x.md`, "..", "~"} {
		saved := save(t, m, name)
		if saved.err == nil || !strings.Contains(saved.err.Error(), "not a plain file name") {
			t.Errorf("%q: %v, want a refusal", name, saved.err)
		}
		if strings.Contains(saved.err.Error(), "\n") {
			t.Errorf("%q: the refusal is not one line: %q", name, saved.err)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a refused name created the folder: %v", err)
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Fatalf("a refused name wrote %s", outside)
	}

	saved := save(t, m, "bob.md")
	if want := filepath.Join(dir, "bob.md"); saved.err != nil || saved.path != want {
		t.Fatalf("plain name: %q, %v; want %s", saved.path, saved.err, want)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the operator's folder: %v, %v; want mode 0700", fi, err)
	}
	if fi, err := os.Stat(saved.path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the report: %v, %v; want mode 0600", fi, err)
	}
	if saved := save(t, m, "bob.md"); saved.err == nil || !strings.Contains(saved.err.Error(), "already exists") {
		t.Fatalf("a second save over bob.md: %v", saved.err)
	}

	// A symlink in the folder (planted by someone with the server's account) is never written through.
	target := filepath.Join(state, "authorized_keys")
	if err := os.WriteFile(target, []byte("keys\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "keys.md")); err != nil {
		t.Fatal(err)
	}
	if saved := save(t, m, "keys.md"); saved.err == nil {
		t.Fatal("the save wrote through a symlink")
	}
	if b, _ := os.ReadFile(target); string(b) != "keys\n" {
		t.Fatalf("the symlink's target was changed: %q", b)
	}

	// The screen says the file is on the server, and that c copies it to the operator's own terminal.
	m, _ = update(t, m, reportSavedMsg{path: filepath.Join(dir, "bob.md")})
	if v := m.report.View(); !strings.Contains(v, "on the server") || !strings.Contains(v, "OSC 52") {
		t.Fatalf("the report screen does not say where the file went:\n%s", v)
	}

	noState := withResults(t, rootModel(t, Options{Files: Files{Served: true}}))
	if saved := save(t, noState, "bob.md"); saved.err == nil || !strings.Contains(saved.err.Error(), "no state directory") {
		t.Fatalf("served without a folder: %v", saved.err)
	}
}

// TestLocalSaveResolvesAgainstHomeAndWorkingDirectory: a local run saves a relative name in its
// working directory, ~/ in the operator's home and a full path where it says, as the caller decided.
func TestLocalSaveResolvesAgainstHomeAndWorkingDirectory(t *testing.T) {
	home, work, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	m := withResults(t, rootModel(t, Options{Files: Files{Dir: work, Home: home}}))
	for name, want := range map[string]string{
		"r.md":                              filepath.Join(work, "r.md"),
		"~/r.md":                            filepath.Join(home, "r.md"),
		filepath.Join(elsewhere, "r.md"):    filepath.Join(elsewhere, "r.md"),
		"../" + filepath.Base(work) + ".md": filepath.Join(filepath.Dir(work), filepath.Base(work)+".md"),
	} {
		saved := save(t, m, name)
		if saved.err != nil || saved.path != want {
			t.Errorf("%q: saved to %q, %v; want %s", name, saved.path, saved.err, want)
		}
		if _, err := os.Stat(want); err != nil {
			t.Errorf("%q: %v", name, err)
		}
		_ = os.Remove(want)
	}
	m, _ = update(t, m, reportSavedMsg{path: filepath.Join(work, "r.md")})
	if v := m.report.View(); strings.Contains(v, "on the server") {
		t.Fatalf("a local save says it went to a server:\n%s", v)
	}
	unknown := withResults(t, rootModel(t, Options{}))
	for name, want := range map[string]string{"~/r.md": "home folder", "r.md": "type a full path"} {
		if saved := save(t, unknown, name); saved.err == nil || !strings.Contains(saved.err.Error(), want) {
			t.Errorf("%q without a home or working directory: %v, want %q", name, saved.err, want)
		}
	}
}
