// Package live is the run screen: every check of the run listed from the start, each with a spinner and
// the sources it still waits for, turning into its verdict as soon as those sources settle; a progress
// bar over the sources; and the tally when the run ends.
package live

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// CancelMsg asks the root to cancel the run in flight.
type CancelMsg struct{}

// ResultsMsg asks the root to show the results of the finished run.
type ResultsMsg struct{}

// StepsMsg asks the root to walk the finished run's results step by step.
type StepsMsg struct{}

// AgainMsg asks the root to run the same checks on the same target again.
type AgainMsg struct{}

// Model is the run screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	target  facts.Target
	checks  []checks.Check
	settled [][]checks.Result
	judged  []bool
	needed  []facts.Source
	sources map[facts.Source]facts.SourceStatus
	// read is how far the long reads have got (the device sweep), by source.
	read map[facts.Source]runner.Progress

	running   bool
	cancelled bool
	results   []checks.Result
	offset    int
	spinner   spinner.Model
}

// New returns an empty run screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	return Model{styles: st, keys: km, spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// Begin resets the screen for a run of cs on t and starts its spinner.
func (m Model) Begin(t facts.Target, cs []checks.Check) (Model, tea.Cmd) {
	m.target, m.checks = t, cs
	m.settled = make([][]checks.Result, len(cs))
	m.judged = make([]bool, len(cs))
	m.sources = map[facts.Source]facts.SourceStatus{}
	m.read = map[facts.Source]runner.Progress{}
	m.needed = nil
	for _, c := range cs {
		for _, s := range c.Needs {
			if !slices.Contains(m.needed, s) {
				m.needed = append(m.needed, s)
			}
		}
	}
	m.running, m.cancelled, m.results, m.offset = true, false, nil, 0
	return m, m.spinner.Tick
}

// Apply records engine events as they stream in.
func (m Model) Apply(events ...checks.Event) Model {
	for _, e := range events {
		switch e.Kind {
		case checks.SourceSettled:
			m.sources[e.Source] = e.Status
		case checks.CheckSettled:
			if i := m.index(e.CheckID); i >= 0 {
				m.settled[i], m.judged[i] = e.Results, true
			}
		}
	}
	return m
}

// Progress records how far a long read has got.
func (m Model) Progress(p runner.Progress) Model {
	m.read[p.Source] = p
	return m
}

// Finish records the end of the run: every result, and whether it was cancelled or timed out.
func (m Model) Finish(results []checks.Result, cancelled bool) Model {
	m.running, m.cancelled, m.results = false, cancelled, results
	byID := map[string][]checks.Result{}
	for _, r := range results {
		byID[r.ID] = append(byID[r.ID], r)
	}
	// Every check has been judged once the run is over, even one whose judgment had nothing to say.
	for i, c := range m.checks {
		m.settled[i], m.judged[i] = byID[c.ID], true
	}
	return m
}

// Running reports whether a run is in flight.
func (m Model) Running() bool { return m.running }

// Results returns the finished run's results, in catalog order.
func (m Model) Results() []checks.Result { return m.results }

// Checks returns the checks of the run.
func (m Model) Checks() []checks.Check { return m.checks }

// Target returns the run's target.
func (m Model) Target() facts.Target { return m.target }

func (m Model) index(id string) int {
	return slices.IndexFunc(m.checks, func(c checks.Check) bool { return c.ID == id })
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Update handles the spinner and the screen's keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !m.running {
			return m, nil, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Up):
			m.offset = max(m.offset-1, 0)
		case key.Matches(msg, m.keys.Down):
			m.offset = min(m.offset+1, max(len(m.checks)-m.listRows(), 0))
		case key.Matches(msg, m.keys.NextFail), key.Matches(msg, m.keys.PrevFail):
			return m.toFailure(key.Matches(msg, m.keys.NextFail))
		case m.running && (key.Matches(msg, m.keys.Cancel) || key.Matches(msg, m.keys.Back)):
			return m, nil, CancelMsg{}
		case m.running:
		case key.Matches(msg, m.keys.Results):
			return m, nil, ResultsMsg{}
		case key.Matches(msg, m.keys.Steps):
			return m, nil, StepsMsg{}
		case key.Matches(msg, m.keys.RerunAll):
			return m, nil, AgainMsg{}
		case key.Matches(msg, m.keys.Back):
			return m, nil, nav.Back{}
		}
	}
	return m, nil, nil
}

// toFailure scrolls the list to the next failed check below the view (or the previous one above it)
// and puts it at the top, as far as the list goes; the status says when there is none.
func (m Model) toFailure(next bool) (Model, tea.Cmd, tea.Msg) {
	rows := m.listRows()
	from, dir := m.offset+rows-1, 1
	if !next {
		from, dir = m.offset, -1
	}
	i, none := results.NextFailure(len(m.checks), from, dir, func(i int) checks.Status {
		for _, r := range m.settled[i] {
			if r.Status == checks.Fail || r.Status == checks.Error {
				return r.Status
			}
		}
		return checks.Pass
	})
	if i < 0 {
		return m, nil, none
	}
	m.offset = min(i, max(len(m.checks)-rows, 0))
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	if m.running {
		return keys.Help{
			Short: []key.Binding{m.keys.Cancel},
			Full:  [][]key.Binding{{m.keys.Cancel, m.keys.Up, m.keys.Down, m.keys.NextFail, m.keys.PrevFail}},
		}
	}
	return keys.Help{
		Short: []key.Binding{m.keys.Results, m.keys.Steps, m.keys.RerunAll},
		Full: [][]key.Binding{
			{m.keys.Results, m.keys.Steps, m.keys.RerunAll, keys.Rename(m.keys.Back, "new target")},
			{m.keys.Up, m.keys.Down, m.keys.NextFail, m.keys.PrevFail},
		},
	}
}

// header lines above the list: title, progress, and (once over) the outcome.
func (m Model) header() []string {
	s := m.styles
	done := 0
	var waiting []string
	for _, src := range m.needed {
		switch p, ok := m.read[src]; {
		case m.sources[src].State != facts.Pending:
			done++
		case ok:
			waiting = append(waiting, fmt.Sprintf("%s (%s records)", src, thousands(p.Records)))
		default:
			waiting = append(waiting, string(src))
		}
	}
	lines := []string{s.Title.Render("Checking " + targetName(m.target))}
	count := fmt.Sprintf(" %d/%d sources", done, len(m.needed))
	barWidth := max(min(m.width-ansi.StringWidth(count)-1, 40), 5)
	lines = append(lines, s.Progress(done, len(m.needed), barWidth)+count)
	switch {
	case m.running && len(waiting) > 0:
		lines = append(lines, s.Subtle.Render("reading: "+strings.Join(waiting, ", ")))
	case m.running:
		lines = append(lines, s.Subtle.Render("judging…"))
	case m.cancelled:
		lines = append(lines,
			s.Error.Render("Run stopped before every source was read: unfinished checks are marked ? ERROR."))
	default:
		lines = append(lines, s.Strong.Render("Finished: ")+Tally(s, report.Count(m.results)))
	}
	return append(lines, "")
}

// Tally is a summary count with every status named, e.g. "✗ 2 fail  ? 0 error  ! 1 warn ...".
func Tally(s *theme.Styles, sum report.Summary) string {
	part := func(st checks.Status, n int) string {
		return s.Status(st, fmt.Sprintf("%s %d %s", st.Symbol(), n, st))
	}
	return strings.Join([]string{
		part(checks.Fail, sum.Fail), part(checks.Error, sum.Error), part(checks.Warn, sum.Warn),
		part(checks.Pass, sum.Pass), part(checks.Skip, sum.Skip),
	}, "  ")
}

// listRows is how many checks fit under the header; when not all do, the last line says where the
// list is and which failures lie out of view.
func (m Model) listRows() int {
	rows := max(m.height-len(m.header()), 1)
	if len(m.checks) > rows {
		rows = max(rows-1, 1)
	}
	return rows
}

// View draws the screen.
func (m Model) View() string {
	lines := m.header()
	idWidth := 0
	for _, c := range m.checks {
		idWidth = max(idWidth, len(c.ID))
	}
	idWidth = min(idWidth, max(m.width/3, 12))
	rows := m.listRows()
	off := layout.Clamp(m.offset, 0, max(len(m.checks)-rows, 0))
	for i := off; i < len(m.checks) && i < off+rows; i++ {
		lines = append(lines, layout.Truncate(m.row(i, idWidth), m.width))
	}
	if len(m.checks) > rows {
		lines = append(lines, m.position(off, rows))
	}
	return strings.Join(lines, "\n")
}

// position is the line under a list taller than the screen: which checks are in view, how many lie
// above and below, and the failures among them, so that a failure is never out of sight unsigned.
func (m Model) position(off, rows int) string {
	s := m.styles
	failed := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			for _, r := range m.settled[i] {
				if r.Status == checks.Fail || r.Status == checks.Error {
					n++
					break
				}
			}
		}
		return n
	}
	pos := fmt.Sprintf("checks %d-%d of %d", off+1, min(off+rows, len(m.checks)), len(m.checks))
	if more := layout.Position(-1, off, rows, len(m.checks)); more != "" {
		pos += " · " + more
	}
	line := s.Subtle.Render(pos)
	if n := failed(0, off) + failed(off+rows, len(m.checks)); n > 0 {
		line += s.Status(checks.Fail, fmt.Sprintf("  %s %d not in view failed", checks.Fail.Symbol(), n))
	}
	if off+rows < len(m.checks) {
		line += s.Subtle.Render("  (↓/j)")
	}
	return layout.Truncate(line, m.width)
}

func (m Model) row(i, idWidth int) string {
	s := m.styles
	c := m.checks[i]
	id := layout.Truncate(c.ID, idWidth)
	id += strings.Repeat(" ", max(idWidth-ansi.StringWidth(id), 0))
	if !m.judged[i] {
		var waiting []string
		for _, src := range c.Needs {
			if m.sources[src].State == facts.Pending {
				waiting = append(waiting, string(src))
			}
		}
		return m.spinner.View() + " …       " + id + "  " + s.Subtle.Render("waiting for "+strings.Join(waiting, ", "))
	}
	rs := m.settled[i]
	if len(rs) == 0 {
		return "  " + s.Badge(checks.Pass) + " " + id + "  " + s.Subtle.Render("nothing to report")
	}
	worst := rs[0]
	for _, r := range rs[1:] {
		if r.Status.Severity() < worst.Status.Severity() {
			worst = r
		}
	}
	summary := worst.Summary
	if len(rs) > 1 {
		summary = fmt.Sprintf("%d results; worst: %s", len(rs), worst.Summary)
	}
	return "  " + s.Badge(worst.Status) + " " + id + "  " + summary
}

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func targetName(t facts.Target) string {
	switch t.Kind {
	case facts.TargetUser:
		return t.User
	case facts.TargetTenant:
		return "the whole tenant"
	}
	return strings.Join(t.Domains, ", ")
}
