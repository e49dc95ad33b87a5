package tui

import (
	"slices"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// store is the results of the last run, in catalog order, as the root keeps them: the one copy that a
// re-run or a fix changes. The results screen, the step-through and the report show what it holds,
// and each is handed the fresh results whenever it changes, so none of them goes stale.
type store []checks.Result

// replace puts fresh in place of check id's results, where the first of them stood (at the end when
// the check had none).
func (s store) replace(id string, fresh []checks.Result) store {
	at := slices.IndexFunc(s, func(r checks.Result) bool { return r.ID == id })
	if at < 0 {
		return append(slices.Clip(s), fresh...)
	}
	out := slices.Clone(s[:at])
	out = append(out, fresh...)
	for _, r := range s[at:] {
		if r.ID != id {
			out = append(out, r)
		}
	}
	return out
}

// freshen takes check id's fresh results into the store and hands the store to every screen that
// shows results: the results screen keeps its cursor on id, the step-through its page.
func (m Model) freshen(id string, fresh []checks.Result) Model {
	m.store = m.store.replace(id, fresh)
	m.results = m.results.Refresh(m.store, id)
	m.steps = m.steps.Refresh(m.store)
	return m
}
