package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui"
)

// journalRuns reads the fix journal's runs, oldest first.
func (a *App) journalRuns() ([]*fix.Run, string, error) {
	entries, path, err := a.journalEntries()
	if err != nil {
		return nil, path, err
	}
	return fix.Runs(entries), path, nil
}

// journalEntries reads the fix journal's entries, and says where the journal is.
func (a *App) journalEntries() ([]fix.Entry, string, error) {
	path := a.JournalPath()
	if path == "" {
		return nil, "", errors.New("no state directory, so no journal to read: set XDG_STATE_HOME or HOME")
	}
	entries, err := fix.OpenJournal(path).Entries()
	return entries, path, err
}

// Runs implements tui.Backend: the journal's runs, newest first, those of filter's operator (by the
// sign-in or the session it came through) when it names one. Every field is made printable: the
// journal is a file anyone with access to the state directory could have edited.
func (b *Backend) Runs(_ context.Context, filter tui.RunFilter) ([]tui.JournalRun, error) {
	runs, path, err := b.app.journalRuns()
	if err != nil {
		return nil, err
	}
	var out []tui.JournalRun
	for _, r := range slices.Backward(runs) {
		begin := r.Begin
		if begin.ID == "" && len(r.Steps) > 0 {
			begin = r.Steps[0].Before
		}
		if f := filter.Operator; f != "" && !strings.EqualFold(f, begin.Operator) && !strings.EqualFold(f, begin.Via) {
			continue
		}
		fixID := begin.Fix
		if begin.Undoes != "" {
			fixID = "revert of " + begin.Undoes
		}
		outcome := "cut short (no end entry)"
		if r.End != nil {
			outcome = r.End.Outcome
		}
		p := checks.Printable
		out = append(out, tui.JournalRun{ID: p(r.ID), Time: begin.Time, Operator: p(begin.Operator), Via: p(begin.Via),
			Fix: p(fixID), User: p(begin.User), Outcome: p(outcome), Undo: fix.Undoable(r, path)})
	}
	return out, nil
}

// DraftUndo implements tui.Backend: the undo of journal run id, planned from what the journal holds.
func (b *Backend) DraftUndo(_ context.Context, id string) (*fix.Plan, error) {
	runs, path, err := b.app.journalRuns()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(runs, func(r *fix.Run) bool { return r.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("no run %s in the journal %s: read the journal again (R)", checks.Printable(id), path)
	}
	p, err := fix.PlanUndo(runs[i], path)
	if err != nil {
		return nil, err
	}
	if p.User == "" {
		return nil, fmt.Errorf("journal entry %s names no user: revert it by hand from the requests it journaled",
			checks.Printable(id))
	}
	return p, nil
}

// ApplyUndo implements tui.Backend: the undo plan of run id applied as the undo command applies it,
// signed in to the tenant the run was journaled in, journaled and re-checked.
func (b *Backend) ApplyUndo(ctx context.Context, id string, p *fix.Plan, prompt func(facts.SignInPrompt),
	progress func(fix.Event)) (*fix.Outcome, error) {
	if b.app.cfg.ReadOnly {
		return nil, errors.New("--read-only: nothing is sent")
	}
	runs, _, err := b.app.journalRuns()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(runs, func(r *fix.Run) bool { return r.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("no run %s in the journal any more: nothing was sent", checks.Printable(id))
	}
	if err := b.app.startFix(); err != nil {
		return nil, err
	}
	defer b.app.fixes.Done()
	k := checker{app: b.app, target: UserTarget(p.User), timeout: b.app.cfg.Timeout}
	f, _ := k.Check(ctx, []string{"operator.permissions"})
	session, err := b.app.newSession(ctx, k, p.Permissions, prompt)
	if err != nil {
		return nil, err
	}
	session.Operator = operatorOf(f)
	if want := runs[i].Begin.Tenant; want != "" && !strings.EqualFold(want, session.Tenant) {
		return nil, fmt.Errorf("journal entry %s was made in tenant %s, but you are signed in to %s: sign in to that tenant "+
			"(--tenant-id) to undo it; nothing was sent", checks.Printable(id), checks.Printable(want), session.Tenant)
	}
	return session.Apply(ctx, p, progress)
}
