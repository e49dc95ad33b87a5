package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// Files says where the files an operator saves (the report, a tenant walkthrough's device sweep) are
// written. The caller decides it: the TUI reads no environment and no working directory of its own.
type Files struct {
	// Dir is where a relative name goes: the working directory of a local run, or a served session's
	// own directory on the server ("" refuses relative names, and every name of a served session).
	Dir string
	// Home expands a name beginning with ~/ on a local run ("" refuses such names).
	Home string
	// Served confines every file to Dir, which is created (mode 0700) on the first save: the operator
	// types a file name only, because the server's account could write anywhere else, over the
	// server's own keys, journal and state.
	Served bool
}

// reportSavedMsg says where a save went, or why it did not.
type reportSavedMsg struct {
	path string
	err  error
}

// place is where the name the operator typed is written: the directory and the file name in it.
func (f Files) place(name string) (dir, base string, err error) {
	if f.Served {
		if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, "~") || name == "." || name == ".." ||
			filepath.IsAbs(name) {
			return "", "", fmt.Errorf("%s is not a plain file name: type a name such as report.md (no folder, ~ or ..); "+
				"it is saved in your own folder on the server", checks.Printable(name))
		}
		if f.Dir == "" {
			return "", "", errors.New("this server keeps no files for its operators (it has no state directory): " +
				"copy the report with c instead")
		}
		return f.Dir, name, nil
	}
	p := name
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if f.Home == "" {
			return "", "", fmt.Errorf("cannot find your home folder for %s: type a full path", name)
		}
		p = filepath.Join(f.Home, rest)
	}
	if !filepath.IsAbs(p) {
		if f.Dir == "" {
			return "", "", fmt.Errorf("cannot resolve %s: type a full path", name)
		}
		p = filepath.Join(f.Dir, p)
	}
	p = filepath.Clean(p)
	return filepath.Dir(p), filepath.Base(p), nil
}

// saveReport writes the report to name in format, readable by the operator only (it names users and
// devices), and refuses to overwrite a file that exists.
func saveReport(f Files, name string, format report.Format, r report.Report) tea.Cmd {
	return saveFile(f, name, "the report", func(w io.Writer) error { return report.Write(w, r, format) })
}

// saveSweep writes a tenant walkthrough's device sweep as CSV, or as JSON when format says so.
func saveSweep(f Files, name string, format report.Format, sw checks.Sweep, t facts.Target, now time.Time) tea.Cmd {
	return saveFile(f, name, "the device sweep", func(w io.Writer) error {
		if format == report.FormatJSON {
			return report.WriteSweepJSON(w, sw, t, now)
		}
		return report.WriteSweepCSV(w, sw)
	})
}

// saveFile renders what into a new file named name, readable by the operator only. The file is opened
// inside its directory (os.Root) and created exclusively, so neither a symlink nor an existing file is
// ever written through.
func saveFile(f Files, name, what string, render func(io.Writer) error) tea.Cmd {
	return func() tea.Msg {
		dir, base, err := f.place(name)
		if err != nil {
			return reportSavedMsg{path: name, err: err}
		}
		p := filepath.Join(dir, base)
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return reportSavedMsg{path: p, err: fmt.Errorf("render %s: %w", what, err)}
		}
		if f.Served {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return reportSavedMsg{path: p, err: fmt.Errorf("cannot create your folder on the server: %w "+
					"(tell the server's administrator; copy the report with c meanwhile)", err)}
			}
		}
		out, err := create(dir, base)
		switch {
		case errors.Is(err, fs.ErrExist):
			return reportSavedMsg{path: p, err: fmt.Errorf("%s already exists: type another name", p)}
		case errors.Is(err, fs.ErrNotExist):
			return reportSavedMsg{path: p, err: fmt.Errorf("cannot create %s: its folder does not exist", p)}
		case err != nil:
			return reportSavedMsg{path: p, err: fmt.Errorf("cannot create %s: %w", p, err)}
		}
		if _, err := out.Write(buf.Bytes()); err != nil {
			out.Close()
			return reportSavedMsg{path: p, err: fmt.Errorf("write %s: %w (check the free space)", p, err)}
		}
		if err := out.Close(); err != nil {
			return reportSavedMsg{path: p, err: fmt.Errorf("write %s: %w", p, err)}
		}
		return reportSavedMsg{path: p}
	}
}

// create makes the new file base in dir, mode 0600, failing with fs.ErrExist when anything (a symlink
// too) is there already.
func create(dir, base string) (*os.File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}
