package target

import (
	"github.com/mdmdoctor/mdmdoctor/errcodes"
)

// The error the user saw: a code, a message or a whole event, typed or pasted like the device view.
// The results then open on its documented causes, ranked for the user.

// Error is the error attached to the next run, or nil.
func (m Model) Error() *errcodes.Finding { return m.symptom }

// attachError keeps text as the error the user saw when the catalog knows what it names, or says
// what to paste instead.
func (m Model) attachError(text string) Model {
	f := errcodes.Default().Find(text)
	if len(f.Matches) == 0 {
		m.err = f.Problem()
		return m
	}
	m.symptom, m.err = &f, ""
	return m
}

// errorLine sums up the attached error in one line.
func (m Model) errorLine() string {
	e := m.symptom.Matches[0].Entry
	name := e.Title
	if e.Code != "" {
		name = e.Code + " " + e.Symbol
	}
	return "Error: " + name + "; ctrl+x removes it"
}
