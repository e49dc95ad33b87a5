package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/fixflow"
)

// fixer hands the backend's fixes to the fix screen.
type fixer struct{ b FixBackend }

// DraftFix implements fixflow.Fixer.
func (f fixer) DraftFix(ctx context.Context, t facts.Target, id string) (*fix.Draft, error) {
	return f.b.DraftFix(ctx, t, id)
}

// ApplyFix implements fixflow.Fixer.
func (f fixer) ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(fixflow.Code), progress func(fix.Event)) (*fix.Outcome, error) {
	return f.b.ApplyFix(ctx, t, p, func(c DeviceCode) {
		prompt(fixflow.Code{Message: c.Message, UserCode: c.UserCode, VerificationURL: c.VerificationURL})
	}, progress)
}

// ReadOnly implements fixflow.Fixer.
func (f fixer) ReadOnly() bool { return f.b.ReadOnly() }

// fixed leaves the fix screen for the results, with the re-checked results in place of the old ones.
func (m Model) fixed(msg fixflow.DoneMsg) Model {
	var ids []string
	fresh := map[string][]checks.Result{}
	for _, r := range msg.Rechecked {
		if _, ok := fresh[r.ID]; !ok {
			ids = append(ids, r.ID)
		}
		fresh[r.ID] = append(fresh[r.ID], r)
	}
	var said []string
	for _, id := range ids {
		m.results = m.results.Replace(id, fresh[id])
		said = append(said, fmt.Sprintf("%s %s", id, outcome(fresh[id])))
	}
	// The step-through holds its own copy of the results: the results screen shows the fresh ones.
	m.screen = resultsScreen
	if len(said) > 0 {
		m.status = "Re-checked after the fix: " + strings.Join(said, "; ")
	}
	return m
}
