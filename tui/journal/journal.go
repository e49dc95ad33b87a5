// Package journal is the journal screen: the runs of the fix journal, newest first (each fix and each
// undo applied, by whom, on whom, how it ended, and whether it can be undone), with undo from there.
// The undo itself is the fix screen's: the plan from the journal previewed, confirmed by typing, applied
// and journaled like any fix. A served operator's list holds their own runs; another operator's run is
// reached by typing its ID (i).
package journal

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Run is one run of the journal as the screen lists it. The backend fills it from the journal file,
// which anyone with access to the state directory could have edited: the screen makes every field
// printable again before it draws it.
type Run struct {
	ID       string
	Time     time.Time
	Operator string
	// Via is the session the operator came through (a served session's SSH user and key), if any.
	Via string
	// Fix is the fix applied, or for an undo what it reverts ("revert of ...").
	Fix     string
	User    string
	Outcome string
	// Undo is "yes" when the run can be undone, else why not ("no: it is an undo").
	Undo string
}

// Undoable reports whether the run can be undone.
func (r Run) Undoable() bool { return r.Undo == "yes" }

// UndoMsg asks the root to plan the undo of run ID and open it on the fix screen.
type UndoMsg struct{ ID string }

// ReloadMsg asks the root to read the journal again.
type ReloadMsg struct{}

// Model is the journal screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	runs    []Run
	cursor  int
	offset  int
	loading bool
	err     string
	// whose says whose runs are listed ("your runs", "every run").
	whose string
	// asking is set while the operator types a run's ID into id.
	asking bool
	id     textinput.Model
}

// New returns an empty journal screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	in := textinput.New()
	in.Prompt = "Run ID: "
	in.Placeholder = "[e.g. 20261125-180000-abcdef]"
	in.CharLimit = 64
	return Model{styles: st, keys: km, id: in}
}

// Typing reports whether the operator is typing a run's ID: letters are text then.
func (m Model) Typing() bool { return m.asking }

// Loading shows that the journal is being read; whose says whose runs will be listed.
func (m Model) Loading(whose string) Model {
	m.loading, m.err, m.whose = true, "", whose
	return m
}

// Set shows the runs read (newest first), or why the journal could not be read. The cursor stays on
// the run it was on when that run is still listed.
func (m Model) Set(runs []Run, err error) Model {
	at := ""
	if m.cursor < len(m.runs) {
		at = m.runs[m.cursor].ID
	}
	m.runs, m.loading, m.err, m.cursor, m.asking = runs, false, "", 0, false
	m.id.Blur()
	if err != nil {
		m.err = err.Error()
	}
	for i, r := range runs {
		if r.ID == at {
			m.cursor = i
		}
	}
	return m
}

// Selected returns the run under the cursor.
func (m Model) Selected() (Run, bool) {
	if m.cursor >= len(m.runs) {
		return Run{}, false
	}
	return m.runs[m.cursor], true
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Update moves the cursor and asks for an undo.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	if m.asking {
		return m.updateID(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil, nil
	}
	last := max(len(m.runs)-1, 0)
	page := max(m.listRows()-1, 1)
	switch {
	case key.Matches(k, m.keys.Back):
		return m, nil, nav.Back{}
	case key.Matches(k, m.keys.RerunAll):
		return m, nil, ReloadMsg{}
	case key.Matches(k, m.keys.ByID):
		m.asking = true
		m.id.SetValue("")
		return m, m.id.Focus(), nil
	case m.loading:
	case key.Matches(k, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(k, m.keys.Down):
		m.cursor = min(m.cursor+1, last)
	case key.Matches(k, m.keys.PageUp):
		m.cursor = max(m.cursor-page, 0)
	case key.Matches(k, m.keys.PageDown):
		m.cursor = min(m.cursor+page, last)
	case key.Matches(k, m.keys.Top):
		m.cursor = 0
	case key.Matches(k, m.keys.Bottom):
		m.cursor = last
	case key.Matches(k, m.keys.Select):
		r, ok := m.Selected()
		switch {
		case !ok:
		case r.Undoable():
			return m, nil, UndoMsg{ID: r.ID}
		default:
			return m, nil, nav.Status{Text: checks.Printable(r.ID) + " cannot be undone: " +
				checks.Printable(strings.TrimPrefix(r.Undo, "no: ")) + "."}
		}
	}
	m.offset = layout.Window(m.cursor, m.offset, m.listRows(), len(m.runs))
	return m, nil, nil
}

// updateID handles the run ID being typed: enter plans that run's undo, esc goes back to the list.
func (m Model) updateID(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		m.id, cmd = m.id.Update(msg)
		return m, cmd, nil
	}
	id, submitted, left, cmd := keys.Field(k, m.keys, &m.id)
	switch {
	case left:
		m.asking = false
		return m, nil, nil
	case !submitted:
		return m, cmd, nil
	case id == "":
		return m, nil, nav.Status{Text: "Type the ID of a journal run (mdmdoctor undo --list on the host lists them)."}
	}
	m.asking = false
	m.id.Blur()
	return m, nil, UndoMsg{ID: id}
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	back := keys.Rename(m.keys.Back, "back")
	if m.asking {
		plan := keys.Rename(m.keys.Select, "plan its undo")
		return keys.Help{Short: []key.Binding{plan, back, m.keys.ForceQuit}, Full: [][]key.Binding{{plan, back}}}
	}
	undo := keys.Rename(m.keys.Select, "undo…")
	reload := keys.Rename(m.keys.RerunAll, "read again")
	return keys.Help{
		Short: []key.Binding{m.keys.Up, m.keys.Down, undo, m.keys.ByID, back},
		Full: [][]key.Binding{
			{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom},
			{undo, m.keys.ByID, reload, back},
		},
	}
}

// detailRows is how many lines the selected run's detail takes under the list.
const detailRows = 4

// listRows is how many runs fit: the title, a blank line, the column heads, the position line and
// the detail take the rest.
func (m Model) listRows() int { return max(m.height-4-detailRows, 1) }

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	title := "Journal of fixes"
	if m.whose != "" {
		title += ": " + m.whose
	}
	out := []string{layout.Truncate(s.Title.Render(title)+s.Subtle.Render(", newest first"), m.width), ""}
	if m.asking {
		out[1] = layout.Truncate(m.id.View(), m.width)
	}
	switch {
	case m.loading:
		return strings.Join(append(out, s.Subtle.Render("Reading the journal…")), "\n")
	case m.err != "":
		return strings.Join(append(out, layout.Para(s.Error, "Could not read the journal: "+m.err, m.width, "")), "\n")
	case len(m.runs) == 0:
		return strings.Join(append(out, layout.Para(s.Subtle, "No fix has been applied yet: the journal is empty. "+
			"Fixes applied from the results (f) are listed here, and can be undone from here.", m.width, "")), "\n")
	}
	out = append(out, s.Subtle.Render(layout.Truncate(m.row("  ", "TIME (UTC)", "FIX", "USER", "OUTCOME"), m.width)))
	rows := m.listRows()
	off := layout.Window(m.cursor, m.offset, rows, len(m.runs))
	for i := off; i < min(off+rows, len(m.runs)); i++ {
		r := m.runs[i]
		line := m.row(theme.NoCursor+" ", r.Time.UTC().Format("2006-01-02 15:04"), r.Fix, r.User, r.Outcome)
		if i == m.cursor {
			row := m.row(theme.Cursor+" ", r.Time.UTC().Format("2006-01-02 15:04"), r.Fix, r.User, r.Outcome)
			line = s.Selected.Render(layout.Truncate(row, m.width))
		}
		out = append(out, layout.Truncate(line, m.width))
	}
	out = append(out, s.Subtle.Render(layout.Position(m.cursor, off, rows, len(m.runs))))
	return strings.Join(append(out, m.detail()...), "\n")
}

// row lays out the columns of a run.
func (m Model) row(mark, at, fix, user, outcome string) string {
	p := checks.Printable
	return fmt.Sprintf("%s%-16s  %-24s  %-20s  %s",
		mark, at, layout.Truncate(p(fix), 24), layout.Truncate(p(user), 20), p(outcome))
}

// detail is what the list has no room for about the selected run: its ID, who applied it, and
// whether it can be undone.
func (m Model) detail() []string {
	s := m.styles
	r, ok := m.Selected()
	if !ok {
		return nil
	}
	op := r.Operator
	if op == "" {
		op = "operator not recorded"
	}
	if r.Via != "" {
		op += " via " + r.Via
	}
	title := s.Strong.Render(checks.Printable(r.ID)) + s.Subtle.Render(" · by "+checks.Printable(op))
	lines := []string{"", layout.Truncate(title, m.width)}
	undo := "Undo: " + checks.Printable(r.Undo)
	if r.Undoable() {
		undo = "Undo: yes: enter plans the undo and shows it; nothing is sent before you type yes."
	}
	wrapped := layout.Wrap(undo, m.width, "")
	return append(lines, wrapped[:min(detailRows-2, len(wrapped))]...)
}
