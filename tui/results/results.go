// Package results is the results screen: every result grouped by severity, failures first, beside (or,
// on a narrow terminal, above) a detail pane with the evidence, the explanation and the remediation.
// From here the operator opens the docs, the fix plan, the step-through or the report, and re-runs one
// check or all of them.
package results

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// StepsMsg asks the root to open the step-through at Result.
type StepsMsg struct{ Result checks.Result }

// FixMsg asks the root to show the fix plan of Result.
type FixMsg struct{ Result checks.Result }

// RerunMsg asks the root to run check ID again; its results replace the current ones when they arrive.
type RerunMsg struct{ ID string }

// RerunAllMsg asks the root to run every check again.
type RerunAllMsg struct{}

// ReportMsg asks the root to open the report screen.
type ReportMsg struct{}

// NewTargetMsg asks the root to go back to the target screen.
type NewTargetMsg struct{}

// wideAt is the width from which the detail pane sits beside the list rather than under it.
const wideAt = 120

// row is a line of the list: a group heading, or a result by its index in the sorted results.
type row struct {
	heading bool
	status  checks.Status
	count   int
	result  int
}

// Model is the results screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	target    facts.Target
	results   []checks.Result
	rows      []row
	cursor    int
	offset    int
	zoom      bool
	idWidth   int
	detail    []string
	scroll    int
	rerunning map[string]bool
	spinner   spinner.Model

	// finding is the error the user saw, symptom its causes ranked against results; causes says the
	// screen shows them instead of the list.
	finding *errcodes.Finding
	symptom *checks.Symptom
	causes  bool
}

// New returns an empty results screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	return Model{styles: st, keys: km, rerunning: map[string]bool{}, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Set shows the results of a run on t, failures first, with the cursor on the first of them.
func (m Model) Set(t facts.Target, results []checks.Result) Model {
	m.target = t
	m.results = checks.BySeverity(results)
	m.rows = m.rows[:0]
	m.idWidth = 0
	heading := 0
	for i, r := range m.results {
		if i == 0 || r.Status != m.results[i-1].Status {
			heading = len(m.rows)
			m.rows = append(m.rows, row{heading: true, status: r.Status})
		}
		m.rows[heading].count++
		m.rows = append(m.rows, row{status: r.Status, result: i})
		m.idWidth = max(m.idWidth, ansi.StringWidth(r.ID))
	}
	m.cursor, m.offset, m.scroll = 0, 0, 0
	m.rerunning = map[string]bool{}
	m.rank()
	m.refresh()
	return m
}

// Results returns every result shown, failures first.
func (m Model) Results() []checks.Result { return m.results }

// Selected returns the result under the cursor.
func (m Model) Selected() (checks.Result, bool) {
	if len(m.results) == 0 {
		return checks.Result{}, false
	}
	return m.results[m.cursor], true
}

// Rerunning marks check id as being run again and starts the spinner shown beside its rows.
func (m Model) Rerunning(id string) (Model, tea.Cmd) {
	m.rerunning[id] = true
	return m, m.spinner.Tick
}

// Replace puts the fresh results of check id in place of its old ones and keeps the cursor on it.
func (m Model) Replace(id string, fresh []checks.Result) Model {
	delete(m.rerunning, id)
	var all []checks.Result
	inserted := false
	for _, r := range m.results {
		if r.ID != id {
			all = append(all, r)
		} else if !inserted {
			all = append(all, fresh...)
			inserted = true
		}
	}
	if !inserted {
		all = append(all, fresh...)
	}
	keep := m.rerunning
	m = m.Set(m.target, all)
	m.rerunning = keep
	for i, r := range m.results {
		if r.ID == id {
			m.cursor = i
			break
		}
	}
	m.refresh()
	return m
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.refresh()
}

// panes returns the list's and the detail pane's sizes for the current layout.
func (m Model) panes() (listW, listH, detW, detH int) {
	switch {
	case m.zoom, m.causes && m.symptom != nil:
		return 0, 0, m.width, m.height
	case m.width >= wideAt:
		listW = m.width * 45 / 100
		return listW, m.height, m.width - listW - 1, m.height
	}
	listH = max(m.height*2/5, min(m.height, 5))
	return m.width, listH, m.width, m.height - listH
}

// refresh re-renders the detail of the selected result, once per change rather than once per frame.
func (m *Model) refresh() {
	_, _, detW, _ := m.panes()
	m.detail = nil
	if m.causes && m.symptom != nil {
		m.detail = Causes(m.styles, *m.symptom, detW)
	} else if r, ok := m.Selected(); ok && detW > 0 {
		m.detail = Detail(m.styles, r, detW)
	}
	m.scroll = 0
	_, listH, _, _ := m.panes()
	m.offset = layout.Window(m.rowOf(m.cursor), m.offset, listRows(listH), len(m.rows))
}

// listRows is how many rows of the list fit in a list pane of height h: its last line is the rule
// under the list on a narrow screen and left spare on a wide one.
func listRows(h int) int { return max(h-1, 1) }

// scrollBy moves the detail pane by n lines, within its content.
func (m *Model) scrollBy(n, height int) {
	m.scroll = layout.Clamp(m.scroll+n, 0, max(len(m.detail)-height, 0))
}

// rowOf returns the list row of the cursor's result.
func (m Model) rowOf(result int) int {
	for i, r := range m.rows {
		if !r.heading && r.result == result {
			return i
		}
	}
	return 0
}

// Update handles the screen's keys and the re-run spinner.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if len(m.rerunning) == 0 {
			return m, nil, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, nil
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	return m, nil, nil
}

func (m Model) updateKey(msg tea.KeyPressMsg) (Model, tea.Cmd, tea.Msg) {
	_, _, _, detH := m.panes()
	move := func(to int) (Model, tea.Cmd, tea.Msg) {
		to = layout.Clamp(to, 0, max(len(m.results)-1, 0))
		if to != m.cursor {
			m.cursor = to
			m.refresh()
		}
		return m, nil, nil
	}
	page := max(detH-2, 1)
	sel, ok := m.Selected()
	inDetail := m.zoom || m.causes && m.symptom != nil
	switch {
	case m.causes && (key.Matches(msg, m.keys.Back) || key.Matches(msg, m.keys.Causes) || key.Matches(msg, m.keys.Zoom)):
		m.causes = false
		m.refresh()
	case key.Matches(msg, m.keys.Causes):
		if m.symptom == nil {
			return m, nil, nav.Status{Text: "No error was given: add the one the user saw on the target screen (t)."}
		}
		m.causes = true
		m.refresh()
	case inDetail && key.Matches(msg, m.keys.Up):
		m.scrollBy(-1, detH)
	case inDetail && key.Matches(msg, m.keys.Down):
		m.scrollBy(1, detH)
	case key.Matches(msg, m.keys.PageUp):
		m.scrollBy(-page, detH)
	case key.Matches(msg, m.keys.PageDown):
		m.scrollBy(page, detH)
	case key.Matches(msg, m.keys.Up):
		return move(m.cursor - 1)
	case key.Matches(msg, m.keys.Down):
		return move(m.cursor + 1)
	case key.Matches(msg, m.keys.Top):
		return move(0)
	case key.Matches(msg, m.keys.Bottom):
		return move(len(m.results) - 1)
	case key.Matches(msg, m.keys.Zoom):
		m.zoom = !m.zoom
		m.refresh()
	case key.Matches(msg, m.keys.Back) && m.zoom:
		m.zoom = false
		m.refresh()
	case key.Matches(msg, m.keys.RerunAll):
		return m, nil, RerunAllMsg{}
	case key.Matches(msg, m.keys.Report):
		return m, nil, ReportMsg{}
	case key.Matches(msg, m.keys.NewTarget):
		return m, nil, NewTargetMsg{}
	case !ok:
	case key.Matches(msg, m.keys.Steps):
		return m, nil, StepsMsg{Result: sel}
	case key.Matches(msg, m.keys.Fix):
		if len(sel.Fixes) == 0 {
			return m, nil, nav.Status{Text: "No fix is planned for " + sel.ID + ": see What to do."}
		}
		return m, nil, FixMsg{Result: sel}
	case key.Matches(msg, m.keys.Docs):
		if sel.Docs == "" {
			return m, nil, nav.Status{Text: "No docs link for " + sel.ID + "."}
		}
		return m, nil, nav.OpenDocs{URL: sel.Docs}
	case key.Matches(msg, m.keys.Rerun):
		if m.rerunning[sel.ID] {
			return m, nil, nil
		}
		return m, nil, RerunMsg{ID: sel.ID}
	}
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	zoom := m.keys.Zoom
	if m.zoom {
		zoom = keys.Rename(zoom, "back to list")
	}
	return keys.Help{
		Short: []key.Binding{m.keys.Up, m.keys.Down, zoom, m.keys.Steps, m.keys.Fix, m.keys.Docs, m.keys.Rerun, m.keys.Report},
		Full: [][]key.Binding{
			{m.keys.Up, m.keys.Down, m.keys.Top, m.keys.Bottom, m.keys.PageUp, m.keys.PageDown},
			{zoom, m.keys.Steps, m.keys.Fix, m.keys.Docs},
			{m.keys.Rerun, m.keys.RerunAll, m.keys.Report, m.keys.NewTarget, m.keys.Causes},
		},
	}
}

// View draws the screen.
func (m Model) View() string {
	if len(m.results) == 0 {
		return m.styles.Subtle.Render("No results: the run judged no check.")
	}
	listW, listH, detW, detH := m.panes()
	detail := m.detailView(detW, detH)
	if listW == 0 {
		return detail
	}
	list := m.listView(listW, listH)
	if m.width >= wideAt {
		sep := strings.TrimSuffix(strings.Repeat("│\n", m.height), "\n")
		return lipgloss.JoinHorizontal(lipgloss.Top, layout.Fit(list, listW, m.height), m.styles.Subtle.Render(sep), detail)
	}
	rule := m.styles.Subtle.Render(strings.Repeat("─", m.width))
	return layout.Fit(list, listW, listH-1) + "\n" + rule + "\n" + detail
}

func (m Model) detailView(w, h int) string {
	return layout.Fit(layout.Scroll(m.detail, m.scroll, h, m.styles.Subtle), w, h)
}

// listView renders only the rows in view, so a run with thousands of results costs no more per frame
// than one with ten.
func (m Model) listView(w, h int) string {
	s := m.styles
	h = listRows(h)
	cur := m.rowOf(m.cursor)
	off := layout.Window(cur, m.offset, h, len(m.rows))
	// Keep a group's heading in view when its first result is selected.
	if cur > 0 && m.rows[cur-1].heading && off == cur {
		off--
	}
	var b strings.Builder
	for i := off; i < len(m.rows) && i < off+h; i++ {
		r := m.rows[i]
		if r.heading {
			b.WriteString(s.Status(r.status, fmt.Sprintf("%s %s (%d)", r.status.Symbol(), groupName(r.status), r.count)))
		} else {
			b.WriteString(m.resultRow(r.result, i == cur, w))
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (m Model) resultRow(i int, selected bool, w int) string {
	s := m.styles
	r := m.results[i]
	mark := theme.NoCursor
	if selected {
		mark = theme.Cursor
	}
	// Align the summaries unless the IDs would take more than a third of the list.
	text := r.ID + strings.Repeat(" ", max(min(m.idWidth, w/3)-ansi.StringWidth(r.ID), 0))
	if r.Subject != "" && r.Subject != m.target.User {
		text += " · " + r.Subject
	}
	text += "  " + r.Summary
	badge := s.Badge(r.Status)
	if m.rerunning[r.ID] {
		badge = m.spinner.View() + " …    "
	}
	room := w - 2 - ansi.StringWidth(badge) - 1
	text = layout.Truncate(text, max(room, 1))
	if selected {
		text = s.Selected.Render(text)
	}
	return mark + " " + badge + " " + text
}

func groupName(st checks.Status) string {
	switch st {
	case checks.Fail:
		return "Failures"
	case checks.Error:
		return "Could not run"
	case checks.Warn:
		return "Warnings"
	case checks.Pass:
		return "Passed"
	}
	return "Skipped"
}
