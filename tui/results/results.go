// Package results is the results screen: every result grouped by severity, failures first, beside (or,
// on a narrow terminal, above) a detail pane with the evidence, the explanation, the remediation and,
// under the devices checks, the user's devices as Intune's Troubleshoot pane lists them. The list says
// where the cursor is and what lies above and below (failures out of view named); n and N go to the next
// and previous failure, / filters by check ID, subject or text, tab focuses the detail pane, and c copies
// the selected result through OSC 52. From here the operator opens the docs, the fix plan, the
// step-through or the report, and re-runs one check or all of them.
package results

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/pane"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
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

// row is a line of the list: a group heading, or a result by its place in shown.
type row struct {
	heading bool
	status  checks.Status
	count   int
	item    int
}

// Model is the results screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	target  facts.Target
	results []checks.Result
	// shown are the indices in results that match the filter, in order; the cursor moves among them.
	shown []int
	// anchor is the result last selected, kept while a filter shows nothing so that clearing the
	// filter returns to it.
	anchor  int
	rows    []row
	cursor  int
	offset  int
	idWidth int
	// zoom shows the detail alone; focus gives the detail pane the arrow keys beside the list.
	zoom   bool
	focus  bool
	detail pane.Model
	// filter is the query typed after /; filtering while it has the keys.
	filter    textinput.Model
	filtering bool

	rerunning map[string]bool
	spinner   spinner.Model

	// finding is the error the user saw, symptom its causes ranked against results; causes says the
	// screen shows them instead of the list.
	finding *errcodes.Finding
	symptom *checks.Symptom
	causes  bool

	// devices are the user's devices as the run read them, shown under the devices.* results.
	devices []runner.DeviceRow
}

// New returns an empty results screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	f := textinput.New()
	f.Prompt = "/"
	f.Placeholder = "[check id, subject or text]"
	f.CharLimit = 64
	return Model{styles: st, keys: km, rerunning: map[string]bool{}, filter: f,
		detail:  pane.New(st, km, "pgdn; tab, then ↓"),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Set shows the results of a run on t, failures first, with the cursor on the first of them. A filter
// typed earlier still applies.
func (m Model) Set(t facts.Target, results []checks.Result) Model {
	m.target = t
	m.results = report.BySeverity(results)
	m.idWidth = 0
	for _, r := range m.results {
		m.idWidth = max(m.idWidth, ansi.StringWidth(r.ID))
	}
	m.cursor, m.offset, m.anchor = 0, 0, -1
	m.rerunning = map[string]bool{}
	m.rank()
	m.applyFilter()
	return m
}

// applyFilter keeps the results that match the filter and regroups them, the cursor on the same
// result where it is still shown.
func (m *Model) applyFilter() {
	prev := m.anchor
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	m.shown = m.shown[:0]
	for i, r := range m.results {
		if q == "" || matches(r, q) {
			m.shown = append(m.shown, i)
		}
	}
	m.rows = m.rows[:0]
	heading := 0
	m.cursor = 0
	for k, i := range m.shown {
		r := m.results[i]
		if k == 0 || r.Status != m.results[m.shown[k-1]].Status {
			heading = len(m.rows)
			m.rows = append(m.rows, row{heading: true, status: r.Status})
		}
		m.rows[heading].count++
		m.rows = append(m.rows, row{status: r.Status, item: k})
		if i == prev {
			m.cursor = k
		}
	}
	m.refresh()
}

// matches reports whether r's check id, subject or any of its text holds q (lower case).
func matches(r checks.Result, q string) bool {
	texts := []string{r.ID, r.Subject, r.Title, r.Summary, r.Remediation, r.Explanation, r.Error}
	for _, e := range r.Evidence {
		texts = append(texts, e.Source, e.Detail)
	}
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

// Results returns every result of the run, failures first, whatever the filter shows.
func (m Model) Results() []checks.Result { return m.results }

// Selected returns the result under the cursor.
func (m Model) Selected() (checks.Result, bool) {
	if len(m.shown) == 0 {
		return checks.Result{}, false
	}
	return m.results[m.shown[m.cursor]], true
}

// Typing reports whether the filter has the keys, where q is a letter and not quit.
func (m Model) Typing() bool { return m.filtering }

// Rerunning marks check id as being run again and starts the spinner shown beside its rows.
func (m Model) Rerunning(id string) (Model, tea.Cmd) {
	m.rerunning[id] = true
	return m, m.spinner.Tick
}

// Refresh shows all, the root's results after check id ran again, in place of those shown: the
// cursor stays on id's results, the filter and the other checks' re-run marks stay.
func (m Model) Refresh(all []checks.Result, id string) Model {
	delete(m.rerunning, id)
	keep := m.rerunning
	m = m.Set(m.target, all)
	m.rerunning = keep
	for k, i := range m.shown {
		if m.results[i].ID == id {
			m.cursor = k
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
	case m.zoom, m.showsCauses():
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
	_, listH, detW, detH := m.panes()
	m.detail.SetSize(detW, detH)
	var lines []string
	if m.showsCauses() {
		lines = Causes(m.styles, *m.symptom, detW)
	} else if r, ok := m.Selected(); ok && detW > 0 {
		lines = Detail(m.styles, r, detW)
		if showsDevices(r.ID) && len(m.devices) > 0 {
			lines = append(lines, DeviceTable(m.styles, m.devices, detW)...)
		}
	}
	if len(m.shown) > 0 {
		m.anchor = m.shown[m.cursor]
	}
	m.detail.SetLines(lines)
	m.offset = layout.Window(m.rowOf(m.cursor), m.offset, m.listRows(listH), len(m.rows))
}

// listRows is how many rows of the list fit in a list pane of height h: its last line is the rule
// under the list on a narrow screen and the list's position on a wide one, and the filter takes a
// line while it is shown.
func (m Model) listRows(h int) int {
	if m.filterShown() {
		h--
	}
	return max(h-1, 1)
}

// showsCauses reports whether the screen shows the error's ranked causes in place of the list.
func (m Model) showsCauses() bool { return m.causes && m.symptom != nil }

func (m Model) filterShown() bool { return m.filtering || m.filter.Value() != "" }

// rowOf returns the list row of the result at place item of shown.
func (m Model) rowOf(item int) int {
	for i, r := range m.rows {
		if !r.heading && r.item == item {
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
		if m.filtering {
			return m.updateFilter(msg)
		}
		return m.updateKey(msg)
	case tea.PasteMsg:
		if m.filtering {
			return m.updateFilter(msg)
		}
	}
	return m, nil, nil
}

// updateFilter narrows the list as the query is typed; enter keeps it, esc clears it.
func (m Model) updateFilter(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, m.keys.Select):
			m.filtering = false
			m.filter.Blur()
			m.refresh()
			return m, nil, nil
		case key.Matches(kp, m.keys.Back):
			return m.clearFilter(), nil, nil
		}
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	m.applyFilter()
	return m, cmd, nil
}

func (m Model) clearFilter() Model {
	m.filtering = false
	m.filter.Blur()
	m.filter.SetValue("")
	m.applyFilter()
	return m
}

func (m Model) updateKey(msg tea.KeyPressMsg) (Model, tea.Cmd, tea.Msg) {
	move := func(to int) (Model, tea.Cmd, tea.Msg) {
		to = layout.Clamp(to, 0, max(len(m.shown)-1, 0))
		if to != m.cursor {
			m.cursor = to
			m.refresh()
		}
		return m, nil, nil
	}
	sel, ok := m.Selected()
	switch {
	case m.causes && (key.Matches(msg, m.keys.Back) || key.Matches(msg, m.keys.Causes) || key.Matches(msg, m.keys.Zoom)):
		m.causes = false
		m.refresh()
		return m, nil, nil
	case key.Matches(msg, m.keys.Causes):
		if m.symptom == nil {
			return m, nil, nav.Status{Text: "No error was given: add the one the user saw on the target screen (t)."}
		}
		m.causes, m.focus = true, false
		m.refresh()
		return m, nil, nil
	}
	// With the detail in focus (or zoomed, or the causes shown), the arrows and home/end scroll it line
	// by line.
	if (m.zoom || m.focus || m.showsCauses()) && !key.Matches(msg, m.keys.Back) && m.detail.Update(msg) {
		return m, nil, nil
	}
	switch {
	case key.Matches(msg, m.keys.PageUp), key.Matches(msg, m.keys.PageDown):
		m.detail.Update(msg)
	case key.Matches(msg, m.keys.Up):
		return move(m.cursor - 1)
	case key.Matches(msg, m.keys.Down):
		return move(m.cursor + 1)
	case key.Matches(msg, m.keys.Top):
		return move(0)
	case key.Matches(msg, m.keys.Bottom):
		return move(len(m.shown) - 1)
	case key.Matches(msg, m.keys.NextFail):
		return m.toFailure(1)
	case key.Matches(msg, m.keys.PrevFail):
		return m.toFailure(-1)
	case key.Matches(msg, m.keys.Filter):
		m.filtering, m.zoom, m.focus = true, false, false
		m.refresh()
		return m, m.filter.Focus(), nil
	case key.Matches(msg, m.keys.Focus) && !m.zoom:
		m.focus = !m.focus
	case key.Matches(msg, m.keys.Zoom) && !m.zoom:
		// Enter opens, as it goes on everywhere; esc goes back to the list.
		m.zoom, m.focus = true, false
		m.refresh()
	case key.Matches(msg, m.keys.Back):
		switch {
		case m.zoom:
			m.zoom = false
			m.refresh()
		case m.focus:
			m.focus = false
		case m.filter.Value() != "":
			m = m.clearFilter()
		default:
			return m, nil, nav.Back{}
		}
	case key.Matches(msg, m.keys.RerunAll):
		return m, nil, RerunAllMsg{}
	case key.Matches(msg, m.keys.Report):
		return m, nil, ReportMsg{}
	case key.Matches(msg, m.keys.NewTarget):
		return m, nil, NewTargetMsg{}
	case key.Matches(msg, m.keys.Journal):
		return m, nil, nav.OpenJournal{}
	case !ok:
	case key.Matches(msg, m.keys.Copy):
		return m, nil, nav.Copy{Text: CopyText(sel), What: "the result of " + sel.ID}
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

// toFailure moves the cursor to the next (dir 1) or previous (dir -1) result that failed or could not
// run, among those shown.
func (m Model) toFailure(dir int) (Model, tea.Cmd, tea.Msg) {
	k, none := NextFailure(len(m.shown), m.cursor, dir, func(k int) checks.Status { return m.results[m.shown[k]].Status })
	if k < 0 {
		return m, nil, none
	}
	m.cursor = k
	m.refresh()
	return m, nil, nil
}

// NextFailure returns the first of n items after (dir 1) or before (dir -1) from whose status failed or
// could not run, or -1 and the status line that says there is none.
func NextFailure(n, from, dir int, status func(int) checks.Status) (int, nav.Status) {
	for k := from + dir; k >= 0 && k < n; k += dir {
		if failed(status(k)) {
			return k, nav.Status{}
		}
	}
	if dir < 0 {
		return -1, nav.Status{Text: "No failure before this one."}
	}
	return -1, nav.Status{Text: "No failure after this one."}
}

// failed reports whether a status is one n and N stop at: a failure, or a check that could not run.
func failed(st checks.Status) bool { return st == checks.Fail || st == checks.Error }

// Help is the screen's key help: the keys that matter here first.
func (m Model) Help() keys.Help {
	if m.filtering {
		keep := keys.Rename(m.keys.Select, "keep filter")
		clear := keys.Rename(m.keys.Back, "clear filter")
		return keys.Help{
			Short: []key.Binding{keep, clear, m.keys.ForceQuit},
			Full:  [][]key.Binding{{keep, clear}, {m.keys.ForceQuit}},
		}
	}
	zoom := keys.Rename(m.keys.Zoom, "open")
	focus := keys.Rename(m.keys.Focus, "detail")
	back := m.keys.Back
	switch {
	case m.zoom:
		zoom.SetEnabled(false)
		back = keys.Rename(back, "back to list")
	case m.focus:
		focus = keys.Rename(focus, "list")
		back = keys.Rename(back, "back to list")
	case m.filter.Value() != "":
		back = keys.Rename(back, "clear filter")
	}
	scroll := []key.Binding{m.keys.Up, m.keys.Down}
	if m.zoom || m.focus {
		scroll = []key.Binding{keys.Rename(m.keys.Up, "scroll"), keys.Rename(m.keys.Down, "scroll")}
	}
	short := func(b key.Binding, desc string) key.Binding { return keys.Rename(b, desc) }
	first := []key.Binding{short(m.keys.NextFail, "next fail")}
	switch {
	case m.showsCauses():
		first = []key.Binding{keys.Rename(m.keys.Back, "results"), m.keys.Down}
	case m.symptom != nil:
		first = append(first, short(m.keys.Causes, "causes"))
	}
	return keys.Help{
		Short: append(first, short(m.keys.Fix, "fix"), zoom, focusUnlessZoomed(focus, m.zoom), m.keys.Filter,
			m.keys.Copy, short(m.keys.Steps, "steps"), short(m.keys.Docs, "docs"), back),
		Full: [][]key.Binding{
			append(scroll, m.keys.Top, m.keys.Bottom, m.keys.PageUp, m.keys.PageDown),
			{m.keys.NextFail, m.keys.PrevFail, m.keys.Filter, zoom, focus, back},
			{m.keys.Fix, m.keys.Steps, m.keys.Docs, m.keys.Copy},
			{m.keys.Rerun, m.keys.RerunAll, m.keys.Report, m.keys.NewTarget, m.keys.Causes, m.keys.Journal},
		},
	}
}

// focusUnlessZoomed is the tab binding, switched off while the detail is zoomed (it has the arrows
// anyway), so the help does not offer it.
func focusUnlessZoomed(b key.Binding, zoom bool) key.Binding {
	b.SetEnabled(!zoom)
	return b
}

// View draws the screen.
func (m Model) View() string {
	if len(m.results) == 0 {
		return m.styles.Subtle.Render("No results: the run judged no check.")
	}
	listW, listH, detW, detH := m.panes()
	if m.zoom || m.focus || m.showsCauses() {
		m.detail.Hint = "↓/j"
	}
	detail := layout.Fit(m.detail.View(), detW, detH)
	if listW == 0 {
		return detail
	}
	list, pos := m.listView(listW, listH)
	if m.width >= wideAt {
		sep := strings.TrimSuffix(strings.Repeat("│\n", m.height), "\n")
		list = layout.Fit(list, listW, m.height-1) + "\n" + m.styles.Subtle.Render(layout.Truncate(pos, listW))
		return lipgloss.JoinHorizontal(lipgloss.Top, list, m.styles.Subtle.Render(sep), detail)
	}
	return layout.Fit(list, listW, listH-1) + "\n" + m.rule(pos) + "\n" + detail
}

// rule is the line between the list and the detail on a narrow screen: the list's position on the
// left, and on the right which pane the arrows move and which lines of the detail are in view.
func (m Model) rule(pos string) string {
	right := m.detail.Position()
	if m.focus {
		right = strings.TrimPrefix(right+" · ", " · ") + "detail has the arrows"
	}
	left := "── " + pos + " "
	if pos == "" {
		left = "──"
	}
	if right != "" {
		right = " " + right + " ──"
	}
	fill := m.width - layout.Width(left) - layout.Width(right)
	if fill < 1 {
		return m.styles.Subtle.Render(layout.Truncate(left+strings.Repeat("─", m.width), m.width))
	}
	return m.styles.Subtle.Render(left + strings.Repeat("─", fill) + right)
}

// listView renders only the rows in view, so a run with thousands of results costs no more per frame
// than one with ten, and returns the position line that goes with them.
func (m Model) listView(w, h int) (string, string) {
	s := m.styles
	rows := m.listRows(h)
	var b strings.Builder
	if m.filterShown() {
		count := s.Subtle.Render(fmt.Sprintf("  %d of %d", len(m.shown), len(m.results)))
		b.WriteString(layout.Truncate(m.filter.View(), w-14) + count + "\n")
	}
	if len(m.shown) == 0 {
		b.WriteString(s.Subtle.Render("No result matches; esc clears the filter."))
		return b.String(), ""
	}
	cur := m.rowOf(m.cursor)
	off := layout.Window(cur, m.offset, rows, len(m.rows))
	// Keep a group's heading in view when its first result is selected.
	if cur > 0 && m.rows[cur-1].heading && off == cur {
		off--
	}
	end := min(off+rows, len(m.rows))
	for i := off; i < end; i++ {
		r := m.rows[i]
		if r.heading {
			b.WriteString(s.Status(r.status, fmt.Sprintf("%s %s (%d)", r.status.Symbol(), groupName(r.status), r.count)))
		} else {
			b.WriteString(m.resultRow(r.item, i == cur, w))
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n"), m.position(off, end)
}

// position counts results, not rows, above and below the rows [off, end) in view, and names the
// failures among those below, so that none is out of sight without a sign.
func (m Model) position(off, end int) string {
	above, below, failsBelow := 0, 0, 0
	for i, r := range m.rows {
		switch {
		case r.heading:
		case i < off:
			above++
		case i >= end:
			below++
			if failed(r.status) {
				failsBelow++
			}
		}
	}
	pos := layout.Position(m.cursor, above, len(m.shown)-above-below, len(m.shown))
	if failsBelow > 0 {
		pos += fmt.Sprintf(" (%d failed)", failsBelow)
	}
	return pos
}

func (m Model) resultRow(item int, selected bool, w int) string {
	s := m.styles
	r := m.results[m.shown[item]]
	mark := theme.NoCursor
	if selected {
		mark = theme.Cursor
	}
	// Align the summaries unless the IDs would take more than a third of the list.
	// The subject opens the summary column, so that every summary starts in the same column.
	text := r.ID + strings.Repeat(" ", max(min(m.idWidth, w/3)-ansi.StringWidth(r.ID), 0)) + "  "
	if r.Subject != "" && r.Subject != m.target.User {
		text += r.Subject + " · "
	}
	text += r.Summary
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
