package fixflow

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
)

// View draws the screen.
func (m Model) View() string {
	head := m.head()
	switch m.state {
	case choosing, picking:
		body := m.bodyLines()
		rows := max(m.height-len(head), 1)
		if len(body) <= rows {
			return strings.Join(head, "\n") + "\n" + strings.Join(body, "\n")
		}
		// A list longer than the screen: a window that keeps the cursor in view, and where it is.
		rows = max(rows-1, 1)
		off := layout.Window(m.cursor, 0, rows, len(body))
		pos := m.styles.Subtle.Render(layout.Position(m.cursor, off, rows, len(body)))
		return strings.Join(head, "\n") + "\n" + strings.Join(body[off:min(off+rows, len(body))], "\n") + "\n" + pos
	}
	return strings.Join(head, "\n") + "\n" + m.body.View()
}

// head is the title and the lines that say where the operator is, above the scrolling body.
func (m Model) head() []string {
	s := m.styles
	title := "Fix: " + m.result.ID
	if m.plan != nil {
		title = "Fix: " + m.plan.Fix
	}
	who := m.result.Subject
	if who == "" {
		who = m.target.User
	}
	if m.undo != "" {
		title, who = "Undo: "+m.undo, ""
		if m.plan != nil {
			who = m.plan.User
		}
	}
	if who != "" {
		who = " · " + who
	}
	out := []string{layout.Truncate(s.Title.Render(title)+s.Subtle.Render(who), m.width)}
	para := func(st func(...string) string, text string) {
		for _, l := range layout.Wrap(text, m.width, "") {
			out = append(out, st(l))
		}
	}
	switch m.state {
	case choosing:
		para(s.Subtle.Render, "Choose a fix. Each is a plan of exact Graph requests, shown in full before anything is sent.")
	case drafting:
		doing := " Checking " + m.target.User + " again to plan the fix…"
		if m.undo != "" {
			doing = " Planning the undo from the journal…"
		}
		out = append(out, layout.Truncate(m.spinner.View()+doing, m.width))
	case picking:
		n := m.draft.Needs[m.need]
		para(s.Strong.Render, "Choose "+n.Prompt+":")
	case previewing:
		switch {
		case m.plan.Guided():
			para(s.Subtle.Render, "Graph cannot do this: publish the record at your DNS host, then re-run the check "+
				"(r on the results).")
		case m.fixer.ReadOnly():
			para(s.Strong.Render, "Dry run (--read-only): nothing can be sent from this session.")
		default:
			para(s.Subtle.Render, "Nothing has been sent. Press enter to apply; you will type yes to confirm.")
		}
	case confirming:
		n := len(m.plan.Requests)
		what := "this request"
		if n > 1 {
			what = fmt.Sprintf("these %d requests", n)
		}
		if m.plan.Confirm != "" {
			para(s.Strong.Render, "Type the device's name ("+m.plan.Confirm+") and press enter to send "+what+
				" to Microsoft Graph: its BitLocker keys or LAPS password go with it (esc: don't send).")
		} else {
			para(s.Strong.Render, "Type yes and press enter to send "+what+" to Microsoft Graph (esc: don't send).")
		}
		out = append(out, layout.Truncate("> "+m.typed+"█", m.width))
		if m.hint != "" {
			para(s.Error.Render, m.hint)
		}
	case applying:
		msg := " Applying: every request is journaled before and after it is sent."
		if m.quitting {
			msg = " Quitting once the request in flight is answered and journaled…"
		}
		out = append(out, layout.Truncate(m.spinner.View()+msg, m.width))
	case done:
		out = append(out, m.verdict())
	case stopped:
		para(s.Error.Render, "Not applied: "+oneLine(m.err))
	}
	return append(out, "")
}

// verdict is the outcome's headline.
func (m Model) verdict() string {
	s := m.styles
	o := m.outcome
	undo := m.plan != nil && m.plan.Undoes != ""
	switch o.Result {
	case fix.Applied:
		return layout.Truncate(s.Good.Render("✓ Applied."), m.width)
	case fix.AlreadyApplied:
		if undo {
			return layout.Truncate(s.Good.Render("✓ Already undone: nothing needed to change."), m.width)
		}
		return layout.Truncate(s.Good.Render("✓ Already applied: nothing needed to change."), m.width)
	}
	return layout.Truncate(s.Error.Render("✗ Not applied ("+o.Result+")"), m.width)
}

// bodyLines are the screen's scrolling lines for its state.
func (m Model) bodyLines() []string {
	s := m.styles
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	switch m.state {
	case choosing:
		for i, fx := range m.result.Fixes {
			mark := "  "
			if i == m.cursor {
				mark = "› "
			}
			line := mark + s.Strong.Render(fx.ID) + ": " + fx.Title
			if i == m.cursor {
				line = s.Selected.Render(layout.Truncate(mark+fx.ID+": "+fx.Title, m.width))
			}
			add(layout.Truncate(line, m.width))
		}
	case picking:
		for i, o := range m.draft.Needs[m.need].Options {
			label := o.Value
			if o.Label != "" && o.Label != o.Value {
				label += "  " + o.Label
			}
			if i == m.cursor {
				add(s.Selected.Render(layout.Truncate("› "+label, m.width)))
				continue
			}
			add(layout.Truncate("  "+label, m.width))
		}
	case previewing, confirming:
		var b strings.Builder
		_ = fix.Preview(&b, m.plan)
		for _, l := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			text := strings.TrimLeft(l, " ")
			indent := strings.Repeat(" ", len(l)-len(text))
			add(layout.Hang(text, m.width, indent, indent+"    ")...)
		}
	case applying:
		m.addProgress(add)
		if c := m.code; c != nil {
			add("", s.Strong.Render("The fix needs write permissions: consent to them."))
			add(layout.Wrap("Open "+c.VerificationURL+" and enter the code "+c.UserCode, m.width, "")...)
			add(layout.Wrap(c.Message, m.width, "")...)
		}
	case done:
		m.addProgress(add)
		if m.outcome.Err != nil {
			add("")
			for _, l := range layout.Wrap(oneLine(m.outcome.Err), m.width, "") {
				add(s.Error.Render(l))
			}
		}
		if id := m.outcome.JournalID; id != "" {
			add("", "Journal entry "+s.Strong.Render(id))
			if m.plan.Reversible && m.plan.Undoes == "" && m.outcome.Result != fix.Failed {
				hint := "Undo it from the journal (u)."
				if m.undoCommand != nil {
					hint = "Undo it from the journal (u), or: " + m.undoCommand(id)
				}
				add(layout.Wrap(hint, m.width, "")...)
			}
		}
		if len(m.outcome.Rechecked) > 0 {
			add("", s.Label.Render("Re-checked"))
		}
		for _, r := range m.outcome.Rechecked {
			head := r.Status.Symbol() + " " + strings.ToUpper(r.Status.String()) + "  " + r.ID + ": " + r.Summary
			add(layout.Hang(head, m.width, "", "    ")...)
		}
	case stopped:
		m.addProgress(add)
	}
	return out
}

// addProgress adds the apply's progress lines, wrapped to the screen.
func (m Model) addProgress(add func(...string)) {
	for _, l := range m.lines {
		add(layout.Hang(l, m.width, "", "      ")...)
	}
}

// bodyRows is how many body lines fit under the head.
func (m Model) bodyRows() int { return max(m.height-len(m.head()), 1) }

// listRows is how many options a list shows at once: a line less than the body when the position line
// is shown.
func (m Model) listRows() int { return max(m.bodyRows()-1, 1) }

func oneLine(err error) string {
	if err == nil {
		return ""
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}
