// Package report is the screen that saves the run's report as Markdown or JSON, or copies the Markdown
// to the local clipboard through OSC 52, which reaches the operator's own machine even over SSH. After a
// tenant walkthrough it also exports the device sweep (CSV or JSON) for cleanup work.
package report

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	reports "github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// SaveMsg asks the root to write the report in Format to Path, or with Sweep the tenant walkthrough's
// device sweep (CSV unless Format is JSON).
type SaveMsg struct {
	Format reports.Format
	Path   string
	Sweep  bool
}

// CopyMsg asks the root to copy the Markdown report to the clipboard.
type CopyMsg struct{}

type choice struct {
	label  string
	format reports.Format
	copy   bool
	sweep  bool
	ext    string
}

var reportChoices = []choice{
	{label: "Save as Markdown (for a ticket or the customer)", format: reports.FormatMarkdown, ext: ".md"},
	{label: "Save as JSON (mdmdoctor.report/v1)", format: reports.FormatJSON, ext: ".json"},
	{label: "Copy the Markdown to the clipboard (OSC 52, works over SSH)", copy: true},
}

// sweepChoices are offered after a tenant walkthrough: its device sweep, for cleanup work.
var sweepChoices = []choice{
	{label: "Export the device sweep as CSV (every duplicate, orphan and never-enrolled device)", sweep: true,
		ext: "-devices.csv"},
	{label: "Export the device sweep as JSON", sweep: true, format: reports.FormatJSON, ext: "-devices.json"},
}

// Model is the report screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	base    string
	choices []choice
	cursor  int
	editing bool
	path    textinput.Model
	outcome string
	failed  bool
	// served: the file goes to the operator's folder on the server, not to their own machine.
	served bool
}

// New returns the report screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	in := textinput.New()
	in.Prompt = "File: "
	in.CharLimit = 4096
	return Model{styles: st, keys: km, path: in}
}

// Open resets the screen; base is the default file name without extension. sweep offers the export of
// a tenant walkthrough's device sweep as well.
func (m Model) Open(base string, sweep bool) Model {
	m.base, m.cursor, m.editing, m.outcome, m.failed = base, 0, false, "", false
	m.choices = reportChoices
	if sweep {
		m.choices = append(slices.Clone(reportChoices), sweepChoices...)
	}
	m.path.Blur()
	return m
}

// SetServed marks a served session: the file name is saved on the server, and the screen says so.
func (m Model) SetServed(served bool) Model {
	m.served = served
	return m
}

// Saved shows where the report went, or why it could not be written.
func (m Model) Saved(path string, err error) Model {
	m.editing = false
	m.path.Blur()
	if err != nil {
		m.outcome, m.failed = err.Error(), true
		return m
	}
	m.outcome, m.failed = "✓ Saved to "+path, false
	if m.served {
		m.outcome = "✓ Saved to " + path + " on the server, not on your machine; c copies the Markdown report " +
			"to your own terminal's clipboard (OSC 52)."
	}
	return m
}

// Typing reports whether the file name field has focus.
func (m Model) Typing() bool { return m.editing }

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.path.SetWidth(max(w-len(m.path.Prompt)-2, 10))
}

// Update handles choosing a format and typing the file name.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if m.editing {
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return m, cmd, nil
		}
		return m, nil, nil
	}
	if m.editing {
		p, submitted, left, cmd := keys.Field(kp, m.keys, &m.path)
		switch {
		case left:
			m.editing = false
			return m, nil, nil
		case !submitted:
			return m, cmd, nil
		case p == "":
			m.outcome, m.failed = "type a file name first", true
			return m, nil, nil
		}
		c := m.choices[m.cursor]
		return m, nil, SaveMsg{Format: c.format, Path: p, Sweep: c.sweep}
	}
	switch {
	case key.Matches(kp, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(kp, m.keys.Down):
		m.cursor = min(m.cursor+1, len(m.choices)-1)
	case key.Matches(kp, m.keys.Back):
		return m, nil, nav.Back{}
	case key.Matches(kp, m.keys.Copy):
		return m, nil, CopyMsg{}
	case key.Matches(kp, m.keys.Select):
		c := m.choices[m.cursor]
		if c.copy {
			return m, nil, CopyMsg{}
		}
		m.path.SetValue(m.base + c.ext)
		m.path.CursorEnd()
		m.editing, m.outcome = true, ""
		return m, m.path.Focus(), nil
	}
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	if m.editing {
		save := keys.Rename(m.keys.Select, "save")
		back := keys.Rename(m.keys.Back, "choose again")
		return keys.Help{
			Short: []key.Binding{save, back, m.keys.ForceQuit},
			Full:  [][]key.Binding{{save, back, m.keys.ForceQuit}},
		}
	}
	pick := keys.Rename(m.keys.Select, "choose")
	back := keys.Rename(m.keys.Back, "results")
	cp := keys.Rename(m.keys.Copy, "copy")
	return keys.Help{Short: []key.Binding{m.keys.Up, m.keys.Down, pick, cp, back},
		Full: [][]key.Binding{{m.keys.Up, m.keys.Down, pick, cp, back}}}
}

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	lines := []string{s.Title.Render("Report"), ""}
	for i, c := range m.choices {
		mark, label := theme.NoCursor, c.label
		if i == m.cursor {
			mark, label = theme.Cursor, s.Selected.Render(label)
		}
		lines = append(lines, " "+mark+" "+label)
	}
	lines = append(lines, "")
	if m.editing {
		hint := s.Subtle.Render("An existing file is never overwritten; the file is readable by you only.")
		if m.served {
			hint = layout.Para(s.Subtle, "A file name only: it is saved on the server, in your own folder there, never "+
				"over an existing file (esc, then c, copies the report to your own machine instead).", m.width, "")
		}
		lines = append(lines, m.path.View(), hint)
	}
	if m.outcome != "" {
		st := s.Good
		if m.failed {
			st = s.Error
		}
		lines = append(lines, "", layout.Para(st, m.outcome, m.width, ""))
	}
	return strings.Join(lines, "\n")
}
