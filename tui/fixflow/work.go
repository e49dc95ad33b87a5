package fixflow

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
)

// draftedMsg carries the fix as the backend planned it from a fresh check.
type draftedMsg struct {
	flow  int
	draft *fix.Draft
	err   error
}

// undoPlannedMsg carries the undo of a journal run as the backend planned it.
type undoPlannedMsg struct {
	flow int
	plan *fix.Plan
	err  error
}

// progressMsg carries one step of an apply in flight: a request sent or answered, or a device code
// to consent with.
type progressMsg struct {
	flow  int
	event *fix.Event
	code  *facts.SignInPrompt
}

// appliedMsg ends an apply.
type appliedMsg struct {
	flow    int
	outcome *fix.Outcome
	err     error
}

// startDraft plans the result's i-th fix: the backend checks the target again first.
func (m Model) startDraft(i int) (Model, tea.Cmd, tea.Msg) {
	m.state, m.cursor = drafting, 0
	fixer, ctx, t, id, flow := m.fixer, m.ctx, m.target, m.result.Fixes[i].ID, m.flow
	draft := func() tea.Msg {
		d, err := fixer.DraftFix(ctx, t, id)
		return draftedMsg{flow: flow, draft: d, err: err}
	}
	return m, tea.Batch(m.spinner.Tick, draft), nil
}

func (m Model) drafted(msg draftedMsg) (Model, tea.Cmd, tea.Msg) {
	if msg.err != nil {
		m.state, m.err = stopped, msg.err
		return m, nil, nil
	}
	m.draft = msg.draft
	m.choices = fix.Choices{Device: m.ownRecord()}
	return m.nextNeed(0)
}

// ownRecord is the record to delete when the result the operator came from (one device) offers
// exactly one: the screen does not ask again which device is meant.
func (m Model) ownRecord() string {
	var urls []string
	for _, fx := range m.result.Fixes {
		if fx.ID == m.draft.Fix && len(fx.Requests) == 1 {
			urls = append(urls, fx.Requests[0].URL())
		}
	}
	stale := m.draft.Fix == "devices.duplicates.delete-stale" || m.draft.Fix == "devices.duplicates.disable-stale"
	if !stale || len(urls) != 1 {
		return ""
	}
	return urls[0][strings.LastIndex(urls[0], "/")+1:]
}

// nextNeed asks for the i-th choice, or plans the fix once every choice is made.
func (m Model) nextNeed(i int) (Model, tea.Cmd, tea.Msg) {
	for i < len(m.draft.Needs) && m.draft.Needs[i].Kind == fix.ChooseDevice && m.choices.Device != "" {
		i++
	}
	if i < len(m.draft.Needs) {
		m.state, m.need, m.cursor = picking, i, 0
		return m, nil, nil
	}
	p, err := m.draft.Plan(m.choices)
	if err != nil {
		m.state, m.err = stopped, err
		return m, nil, nil
	}
	m.state, m.plan = previewing, p
	return m, nil, nil
}

// startApply sends the plan. The apply runs on its own context, not the session's: quitting the
// program must not cut a write off between its journal entries.
func (m Model) startApply() (Model, tea.Cmd, tea.Msg) {
	m.state, m.lines, m.code, m.hint = applying, nil, nil, ""
	fixer, ctx, t, p, flow, undo := m.fixer, context.WithoutCancel(m.ctx), m.target, m.plan, m.flow, m.undo
	apply := stream.Start(func(send func(tea.Msg)) tea.Msg {
		prompt := func(c facts.SignInPrompt) { send(progressMsg{flow: flow, code: &c}) }
		progress := func(ev fix.Event) { send(progressMsg{flow: flow, event: &ev}) }
		var out *fix.Outcome
		var err error
		if undo != "" {
			out, err = fixer.ApplyUndo(ctx, undo, p, prompt, progress)
		} else {
			out, err = fixer.ApplyFix(ctx, t, p, prompt, progress)
		}
		return appliedMsg{flow: flow, outcome: out, err: err}
	})
	return m, tea.Batch(m.spinner.Tick, apply), nil
}

// progress records a step of the apply as a line of the screen.
func (m Model) progress(msg progressMsg) Model {
	if msg.code != nil {
		m.code = msg.code
		return m
	}
	ev := msg.event
	line := fmt.Sprintf("[%d/%d] %s %s", ev.Step, ev.Of, ev.Request.Method(), shortURL(ev.Request.URL()))
	if !ev.Sent {
		m.lines = append(m.lines, line+" …")
		return m
	}
	m.code = nil
	if n := len(m.lines); n > 0 {
		m.lines = m.lines[:n-1]
	}
	m.lines = append(m.lines, line+"  "+ev.Outcome)
	return m
}

// shortURL drops the Graph root from a request URL: the screen is narrow.
func shortURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return u
	}
	return p.RequestURI()
}
