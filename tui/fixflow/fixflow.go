// Package fixflow is the guided fix screen: from a result with fixes, the operator picks a fix, the
// backend checks the user again and plans it, the operator makes the choices it needs (a group, a
// licence, a country, a device) from lists, reads the exact requests, confirms by typing yes, and
// watches it apply with a spinner; the screen ends with the journal ID and the re-checked status.
// With --read-only every fix is a dry run: the plan shows, nothing can be sent.
//
// Quitting while a fix is applied never abandons a write: the screen finishes (the request in flight
// is answered and journaled) and then quits.
package fixflow

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/pane"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Fixer drafts and applies fixes, and plans and applies the undo of a journaled one; the root hands in
// the backend's.
type Fixer interface {
	DraftFix(ctx context.Context, t facts.Target, fixID string) (*fix.Draft, error)
	ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(facts.SignInPrompt),
		progress func(fix.Event)) (*fix.Outcome, error)
	DraftUndo(ctx context.Context, runID string) (*fix.Plan, error)
	ApplyUndo(ctx context.Context, runID string, p *fix.Plan, prompt func(facts.SignInPrompt),
		progress func(fix.Event)) (*fix.Outcome, error)
	ReadOnly() bool
}

// DoneMsg asks the root to leave the screen, putting the re-checked results of User in place of the
// old ones.
type DoneMsg struct {
	User      string
	Rechecked []checks.Result
	// Undo says the screen undid a journaled fix rather than applied one.
	Undo bool
	// Journal asks the root to open the journal once the re-check is taken in (u on the outcome).
	Journal bool
}

// state is where the operator is in the flow.
type state int

const (
	choosing   state = iota // which of the result's fixes
	drafting                // checking again to plan it
	picking                 // a choice the fix needs
	previewing              // the exact requests
	confirming              // typing yes
	applying                // sending, with a spinner
	done                    // the outcome and the re-check
	stopped                 // the fix could not be planned or applied: why
)

// Model is the guided fix screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	ctx    context.Context
	fixer  Fixer
	target facts.Target
	result checks.Result
	// undo is the journal run being undone; "" for a fix.
	undo string

	state  state
	flow   int // numbers flows so that answers to an abandoned one are ignored
	cursor int
	// body is the plan, the progress or the outcome below the head, scrolled with the shared keys.
	body    pane.Model
	draft   *fix.Draft
	choices fix.Choices
	need    int
	plan    *fix.Plan
	typed   string
	hint    string
	lines   []string // progress while applying
	code    *facts.SignInPrompt
	outcome *fix.Outcome
	err     error
	// quitting is set when the operator quit while a write was in flight.
	quitting bool
	spinner  spinner.Model
	// undoCommand names the shell command that undoes a run; nil offers the journal screen only.
	undoCommand func(id string) string
}

// New returns the screen; fixer may not be nil.
func New(st *theme.Styles, km *keys.KeyMap, fixer Fixer) Model {
	return Model{
		styles: st, keys: km, fixer: fixer,
		body:    pane.New(st, km, "pgdn"),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
	}
}

// SetUndoCommand sets the shell command the outcome offers beside the journal screen's undo; nil
// offers the journal screen only.
func (m Model) SetUndoCommand(f func(id string) string) Model {
	m.undoCommand = f
	return m
}

// Start opens the screen on a result of a run on t. ctx bounds the drafting; an apply outlives it,
// so that no write is cut off. With one fix it is planned right away.
func (m Model) Start(ctx context.Context, t facts.Target, r checks.Result) (Model, tea.Cmd) {
	m.ctx, m.target, m.result, m.undo = ctx, t, r, ""
	m.flow++
	m.state, m.cursor, m.draft, m.plan, m.outcome, m.err, m.quitting = choosing, 0, nil, nil, nil, nil, false
	var cmd tea.Cmd
	if len(r.Fixes) == 1 {
		m, cmd, _ = m.startDraft(0)
	}
	m.layOut(true)
	return m, cmd
}

// StartUndo opens the screen on the undo of journal run id: the backend plans it from the journal,
// then the plan is previewed, confirmed and applied as a fix is.
func (m Model) StartUndo(ctx context.Context, id string) (Model, tea.Cmd) {
	m.ctx, m.target, m.result, m.undo = ctx, facts.Target{}, checks.Result{ID: "undo of " + id}, id
	m.flow++
	m.state, m.cursor, m.draft, m.plan, m.outcome, m.err, m.quitting = drafting, 0, nil, nil, nil, nil, false
	fixer, flow := m.fixer, m.flow
	draft := func() tea.Msg {
		p, err := fixer.DraftUndo(ctx, id)
		return undoPlannedMsg{flow: flow, plan: p, err: err}
	}
	m.layOut(true)
	return m, tea.Batch(m.spinner.Tick, draft)
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layOut(false)
}

// layOut puts the body of the current state into the pane, sized to the rows under the head; top
// scrolls back to its start (a new state), otherwise the reader stays where they were.
func (m *Model) layOut(top bool) {
	m.body.SetSize(m.width, m.bodyRows())
	if top {
		m.body.SetLines(m.bodyLines())
		return
	}
	m.body.Refresh(m.bodyLines())
}

// Applying reports whether a write may be in flight: the root must not quit or leave now.
func (m Model) Applying() bool { return m.state == applying }

// QuitWhenDone asks the screen to quit the program once the fix in flight is applied and journaled.
func (m Model) QuitWhenDone() Model {
	m.quitting = true
	return m
}

// Typing reports whether the operator is typing the confirmation: letters are text then.
func (m Model) Typing() bool { return m.state == confirming }

// Update handles the keys and the flow's background work. Its third value is a request of the root.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	was, plan := m.state, m.plan
	m, cmd, req := m.update(msg)
	m.layOut(m.state != was || m.plan != plan)
	return m, cmd, req
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if m.state != drafting && m.state != applying {
			return m, nil, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd, nil
	case draftedMsg:
		if msg.flow != m.flow || m.state != drafting {
			return m, nil, nil
		}
		return m.drafted(msg)
	case undoPlannedMsg:
		if msg.flow != m.flow || m.state != drafting {
			return m, nil, nil
		}
		m.state, m.plan, m.err = previewing, msg.plan, msg.err
		if msg.err != nil {
			m.state = stopped
		}
		return m, nil, nil
	case progressMsg:
		if msg.flow != m.flow {
			return m, nil, nil
		}
		return m.progress(msg), nil, nil
	case appliedMsg:
		if msg.flow != m.flow {
			return m, nil, nil
		}
		m.state, m.outcome, m.err, m.code = done, msg.outcome, msg.err, nil
		if msg.err != nil {
			m.state = stopped
		}
		if m.quitting {
			return m, tea.Quit, nil
		}
		return m, nil, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil, nil
}

// back goes one level up the flow: from the preview to the last choice asked, from a choice to the one
// before it, from the first choice or a draft in progress to the list of fixes when the result has
// several; from there it leaves the screen.
func (m Model) back() (Model, tea.Cmd, tea.Msg) {
	switch m.state {
	case previewing:
		if m.draft == nil { // an undo's plan comes from the journal: no choices to go back to
			break
		}
		if i := m.prevNeed(len(m.draft.Needs)); i >= 0 {
			m.state, m.need, m.cursor, m.plan = picking, i, 0, nil
			return m, nil, nil
		}
	case picking:
		if i := m.prevNeed(m.need); i >= 0 {
			m.need, m.cursor = i, 0
			return m, nil, nil
		}
	case drafting:
		m.flow++ // the draft still under way is no longer wanted
	}
	if m.undo == "" && m.state != choosing && len(m.result.Fixes) > 1 {
		m.state, m.cursor, m.draft, m.plan, m.err = choosing, 0, nil, nil, nil
		return m, nil, nil
	}
	return m, nil, nav.Back{}
}

// user is whose results the fix or undo re-checks.
func (m Model) user() string {
	if m.undo != "" && m.plan != nil {
		return m.plan.User
	}
	return m.target.User
}

// prevNeed is the last choice before need i that the flow asks (a device the result already names is
// not asked), or -1.
func (m Model) prevNeed(i int) int {
	if m.draft == nil {
		return -1
	}
	for j := i - 1; j >= 0; j-- {
		if m.draft.Needs[j].Kind == fix.ChooseDevice && m.ownRecord() != "" {
			continue
		}
		return j
	}
	return -1
}

func (m Model) key(k tea.KeyPressMsg) (Model, tea.Cmd, tea.Msg) {
	km := m.keys
	switch m.state {
	case choosing:
		switch {
		case key.Matches(k, km.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(k, km.Down):
			m.cursor = min(m.cursor+1, len(m.result.Fixes)-1)
		case key.Matches(k, km.Select):
			return m.startDraft(m.cursor)
		case key.Matches(k, km.Back):
			return m, nil, nav.Back{}
		}
	case drafting:
		if key.Matches(k, km.Back) {
			return m.back()
		}
	case picking:
		opts := m.draft.Needs[m.need].Options
		switch {
		case key.Matches(k, km.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(k, km.Down):
			m.cursor = min(m.cursor+1, len(opts)-1)
		case key.Matches(k, km.PageDown):
			m.cursor = min(m.cursor+max(m.listRows()-1, 1), len(opts)-1)
		case key.Matches(k, km.PageUp):
			m.cursor = max(m.cursor-max(m.listRows()-1, 1), 0)
		case key.Matches(k, km.Select) && len(opts) > 0:
			m.choices = m.draft.Needs[m.need].Set(m.choices, opts[m.cursor].Value)
			return m.nextNeed(m.need + 1)
		case key.Matches(k, km.Back):
			return m.back()
		}
	case previewing:
		switch {
		case m.body.Update(k):
		case key.Matches(k, km.Copy):
			var b strings.Builder
			_ = fix.Preview(&b, m.plan)
			return m, nil, nav.Copy{Text: b.String(), What: "the fix plan"}
		case key.Matches(k, km.Select) && !m.fixer.ReadOnly() && !m.plan.Guided():
			m.state, m.typed, m.hint = confirming, "", ""
		case key.Matches(k, km.Back):
			return m.back()
		}
	case confirming:
		switch {
		case key.Matches(k, km.Back):
			m.state, m.typed, m.hint = previewing, "", ""
		case k.Code == tea.KeyBackspace:
			if m.typed != "" {
				m.typed = m.typed[:len(m.typed)-1]
			}
		case k.Code == tea.KeyEnter:
			if m.plan.Confirm != "" && !m.plan.Type(m.typed) {
				m.hint = "That is not the device's name: type " + m.plan.Confirm + " to send, or press esc to go back."
				m.typed = ""
				return m, nil, nil
			}
			if m.plan.Confirm == "" && strings.TrimSpace(m.typed) != "yes" {
				m.hint = "Type the word yes to send, or press esc to go back."
				m.typed = ""
				return m, nil, nil
			}
			return m.startApply()
		case k.Text != "" && len(m.typed) < 64:
			m.typed += k.Text
		}
	case done, stopped:
		switch {
		case m.body.Update(k):
		case key.Matches(k, km.Back), key.Matches(k, km.Select):
			if m.outcome != nil {
				return m, nil, DoneMsg{User: m.user(), Rechecked: m.outcome.Rechecked, Undo: m.undo != ""}
			}
			return m, nil, nav.Back{}
		case key.Matches(k, km.Journal) && m.outcome != nil && m.outcome.JournalID != "":
			return m, nil, DoneMsg{User: m.user(), Rechecked: m.outcome.Rechecked, Undo: m.undo != "", Journal: true}
		}
	}
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	km := m.keys
	back := keys.Rename(km.Back, "back")
	switch m.state {
	case choosing:
		sel := keys.Rename(km.Select, "plan this fix")
		return keys.Help{Short: []key.Binding{km.Up, km.Down, sel, back}, Full: [][]key.Binding{{km.Up, km.Down, sel, back}}}
	case drafting:
		return keys.Help{Short: []key.Binding{back}, Full: [][]key.Binding{{back}}}
	case picking:
		sel := keys.Rename(km.Select, "choose")
		return keys.Help{
			Short: []key.Binding{km.Up, km.Down, sel, back},
			Full:  [][]key.Binding{{km.Up, km.Down, km.PageUp, km.PageDown}, {sel, back}},
		}
	case previewing:
		short := []key.Binding{km.Down, km.Up}
		if !m.fixer.ReadOnly() && m.plan != nil && !m.plan.Guided() {
			short = append(short, keys.Rename(km.Select, "apply…"))
		}
		cp := keys.Rename(km.Copy, "copy plan")
		short = append(short, cp, back)
		return keys.Help{Short: short, Full: [][]key.Binding{{km.Up, km.Down, km.PageUp, km.PageDown}, short[2:]}}
	case confirming:
		send := key.NewBinding(key.WithKeys("enter"), key.WithHelp("yes+enter", "send"))
		cancel := keys.Rename(km.Back, "don't send")
		return keys.Help{Short: []key.Binding{send, cancel}, Full: [][]key.Binding{{send, cancel}}}
	case applying:
		return keys.Help{}
	}
	closeKey := keys.Rename(km.Back, "back")
	short := []key.Binding{km.Down, km.Up, closeKey}
	if m.outcome != nil && m.outcome.JournalID != "" {
		short = append(short, km.Journal)
	}
	return keys.Help{Short: short, Full: [][]key.Binding{short}}
}
