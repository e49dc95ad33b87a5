// Package steps is the step-through: the results walked one full screen at a time in the order of the
// seed procedure (requirements, scope, URLs, WIP/MAM, MFA, devices, DNS, the device), each with the
// question the check asks, its verdict, the evidence and the fix.
package steps

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/pane"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// otherStep sorts results of checks missing from the run's check list after every known step.
const otherStep = checks.Step(1 << 10)

// page is one screen: a result with the check that produced it.
type page struct {
	step     checks.Step
	question string
	result   checks.Result
}

// Model is the step-through screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	checks []checks.Check
	pages  []page
	steps  []checks.Step
	index  int
	body   pane.Model
}

// New returns an empty step-through.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	return Model{styles: st, keys: km, body: pane.New(st, km, "↓/pgdn")}
}

// Set lays out results in seed-procedure order, using cs for each check's step and question, and opens
// the page of at (or the first page when at is not among them).
func (m Model) Set(cs []checks.Check, rs []checks.Result, at checks.Result) Model {
	m.checks = cs
	order := map[string]int{}
	byID := map[string]checks.Check{}
	for i, c := range cs {
		order[c.ID], byID[c.ID] = i, c
	}
	m.pages = m.pages[:0]
	for _, r := range rs {
		p := page{step: otherStep, question: r.Title, result: r}
		if c, ok := byID[r.ID]; ok {
			p.step = c.Step
			if c.Question != "" {
				p.question = c.Question
			}
		}
		m.pages = append(m.pages, p)
	}
	rank := func(id string) int {
		if i, ok := order[id]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(m.pages, func(a, b page) int {
		return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(rank(a.result.ID), rank(b.result.ID)))
	})
	m.steps = m.steps[:0]
	for _, p := range m.pages {
		if !slices.Contains(m.steps, p.step) {
			m.steps = append(m.steps, p.step)
		}
	}
	m.index = max(slices.IndexFunc(m.pages, func(p page) bool {
		return p.result.ID == at.ID && p.result.Subject == at.Subject
	}), 0)
	m.render()
	return m
}

// Refresh lays out rs, the run's results after a re-run or a fix, staying on the page of the result
// on screen (on the same place when that result is gone), and keeping the place in a long page.
func (m Model) Refresh(rs []checks.Result) Model {
	cur, ok := m.Current()
	if !ok {
		return m
	}
	index, offset := m.index, m.body.Offset()
	m = m.Set(m.checks, rs, cur)
	if len(m.pages) == 0 {
		return m
	}
	if m.pages[m.index].result.ID != cur.ID || m.pages[m.index].result.Subject != cur.Subject {
		m.index = min(index, len(m.pages)-1)
		m.render()
		return m
	}
	m.body.ScrollBy(offset)
	return m
}

// Current returns the result on screen.
func (m Model) Current() (checks.Result, bool) {
	if len(m.pages) == 0 {
		return checks.Result{}, false
	}
	return m.pages[m.index].result, true
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.body.SetSize(w, m.bodyHeight())
	m.render()
}

// Update handles moving between steps and scrolling a long one.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil, nil
	}
	cur, has := m.Current()
	if m.body.Update(kp) {
		return m, nil, nil
	}
	switch {
	case key.Matches(kp, m.keys.Next):
		if m.index == len(m.pages)-1 {
			return m, nil, nav.Status{Text: "This is the last step: esc goes back to the results."}
		}
		m.index++
		m.render()
	case key.Matches(kp, m.keys.Prev):
		if m.index > 0 {
			m.index--
			m.render()
		}
	case key.Matches(kp, m.keys.NextFail):
		return m.toFailure(1)
	case key.Matches(kp, m.keys.PrevFail):
		return m.toFailure(-1)
	case key.Matches(kp, m.keys.Back):
		return m, nil, nav.Back{}
	case !has:
	case key.Matches(kp, m.keys.Copy):
		return m, nil, nav.Copy{Text: results.CopyText(cur), What: "the result of " + cur.ID}
	case key.Matches(kp, m.keys.Fix):
		if len(cur.Fixes) == 0 {
			return m, nil, nav.Status{Text: "No fix is planned for " + cur.ID + ": see the fix section."}
		}
		return m, nil, results.FixMsg{Result: cur}
	case key.Matches(kp, m.keys.Docs):
		if cur.Docs == "" {
			return m, nil, nav.Status{Text: "No docs link for " + cur.ID + "."}
		}
		return m, nil, nav.OpenDocs{URL: cur.Docs}
	}
	return m, nil, nil
}

// toFailure opens the next (dir 1) or previous (dir -1) page whose result failed or could not run.
func (m Model) toFailure(dir int) (Model, tea.Cmd, tea.Msg) {
	i, none := results.NextFailure(len(m.pages), m.index, dir, func(i int) checks.Status {
		return m.pages[i].result.Status
	})
	if i < 0 {
		return m, nil, none
	}
	m.index = i
	m.render()
	return m, nil, nil
}

// Help is the screen's key help: the keys that matter here first.
func (m Model) Help() keys.Help {
	back := keys.Rename(m.keys.Back, "results")
	return keys.Help{
		Short: []key.Binding{
			keys.Rename(m.keys.Next, "next"), keys.Rename(m.keys.Prev, "prev"), keys.Rename(m.keys.NextFail, "next fail"),
			keys.Rename(m.keys.Down, "scroll"), keys.Rename(m.keys.Fix, "fix"), m.keys.Copy, back,
		},
		Full: [][]key.Binding{
			{m.keys.Next, m.keys.Prev, m.keys.NextFail, m.keys.PrevFail},
			{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown, m.keys.Top, m.keys.Bottom},
			{m.keys.Fix, m.keys.Docs, m.keys.Copy, back},
		},
	}
}

func (m Model) bodyHeight() int { return max(m.height-2, 1) }

// render lays out the current page's body once per change, not per frame.
func (m *Model) render() {
	m.body.SetLines(nil)
	if len(m.pages) == 0 || m.width <= 0 {
		return
	}
	s := m.styles
	p := m.pages[m.index]
	r := p.result
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	section := func(title string) { add("", s.Heading.Render(title)) }
	bullet := func(text string) { add(layout.Hang(text, m.width, "  "+theme.Bullet+" ", "    ")...) }

	section("Question")
	add(layout.Wrap(p.question, m.width, "  ")...)
	add(s.Subtle.Render(layout.Truncate("  "+r.ID+" · "+r.Subject, m.width)))
	section("Verdict")
	add(layout.Hang(r.Summary, m.width, "  "+s.Badge(r.Status)+" ", "          ")...)
	if r.Error != "" {
		add(layout.Wrap(r.Error, m.width, "  ")...)
	}
	section("Evidence")
	if len(r.Evidence) == 0 {
		add(s.Subtle.Render("  none recorded"))
	}
	for _, e := range r.Evidence {
		bullet(e.Source + ": " + e.Detail)
	}
	section("Fix")
	switch {
	case r.Remediation != "":
		add(layout.Wrap(r.Remediation, m.width, "  ")...)
	case r.Status == checks.Pass || r.Status == checks.Skip:
		add(s.Subtle.Render("  nothing to fix"))
	}
	for _, fx := range r.Fixes {
		bullet(fx.ID + ": " + fx.Title + " (f shows the plan)")
	}
	if r.Explanation != "" {
		section("Why it matters")
		add(layout.Wrap(r.Explanation, m.width, "  ")...)
	}
	for i, l := range out {
		out[i] = layout.Truncate(l, m.width)
	}
	if r.Docs != "" {
		// Added after the cut above: the link is never cut, and shortened only as a labelled link.
		section("Docs (o opens it)")
		add("  " + s.URL.Render(layout.Link(r.Docs, m.width-2)))
	}
	m.body.SetLines(out[1:]) // no blank line above the first section
}

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	if len(m.pages) == 0 {
		return s.Subtle.Render("No results to step through.")
	}
	p := m.pages[m.index]
	stepNo := slices.Index(m.steps, p.step) + 1
	name := p.step.String()
	left := s.Title.Render(fmt.Sprintf("Step %d of %d: %s", stepNo, len(m.steps), name))
	right := s.Subtle.Render(fmt.Sprintf("screen %d of %d", m.index+1, len(m.pages)))
	head := left
	if gap := m.width - layout.Width(left) - layout.Width(right); gap > 0 {
		head += strings.Repeat(" ", gap) + right
	}
	body := m.body.View()
	return layout.Truncate(head, m.width) + "\n" + s.Subtle.Render(strings.Repeat("─", m.width)) + "\n" + body
}
