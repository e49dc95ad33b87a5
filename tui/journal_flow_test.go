package tui

import (
	"testing"
	"time"
)

// TestJournalUndo applies a fix, opens the journal from the results (u), finds the run there and undoes
// it: the undo is planned from the journal, previewed, confirmed by typing yes, applied and journaled,
// and the journal, read again on the way back, lists the undo and says the fix cannot be undone twice.
func TestJournalUndo(t *testing.T) {
	b := newTestBackend()
	o := triageOptions(b)
	o.Target = "bob@contoso.com"
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := openResults(t, o, 80, 24, "› ✗ FAIL  license.intune")
	s.Press("f")
	s.WaitFor("Fix: license.assign", "Nothing has been sent")
	s.Press("enter")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Journal entry 20261125-180000-test01", "Undo it from the journal (u)")
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")

	s.Press("u")
	s.requireGolden("journal-80x24", s.WaitFor("Journal of fixes: every run", "license.assign", "bob@contoso.com", "Undo: yes"))
	s.Press("enter")
	s.requireGolden("undo-preview-80x24", s.WaitFor("Undo: 20261125-180000-test01 · bob@contoso.com", "Nothing has been sent"))
	// esc on the preview goes back to the journal, sending nothing (it once panicked there), and enter
	// plans the undo again.
	s.Press("esc")
	s.WaitFor("Journal of fixes: every run", "Undo: yes")
	s.Press("enter")
	s.WaitFor("Undo: 20261125-180000-test01 · bob@contoso.com", "Nothing has been sent")
	s.Press("enter")
	s.WaitFor("Type yes and press enter to send")
	s.Press("n", "o", "enter")
	s.WaitFor("Type the word yes to send")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Journal entry 20261125-180000-test02")
	s.Press("esc")
	// The cursor stays on the run undone, now below its undo.
	s.requireGolden("journal-undone-80x24", s.WaitFor("Journal of fixes", "revert of 20261125-1", "2/2", "Undo: no: undone by 20261125-180000-test02"))
	s.Press("enter")
	s.WaitFor("20261125-180000-test01 cannot be undone: undone by 20261125-180000-test02.")
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")
}

// TestJournalFromTheOutcome: u on a fix's outcome, which says "Undo it from the journal (u)", leaves the
// outcome as esc does (the re-check taken in) and opens the journal on the run just made; esc goes back
// to the results.
func TestJournalFromTheOutcome(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Target = "bob@contoso.com"
	s := openResults(t, o, 80, 24, "› ✗ FAIL  license.intune")
	s.Press("f")
	s.WaitFor("Fix: license.assign", "Nothing has been sent")
	s.Press("enter")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Undo it from the journal (u)", "u journal / undo")
	s.Press("u")
	s.WaitFor("Journal of fixes: every run", "license.assign", "Undo: yes")
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")
}

// TestJournalOfTheSessionsOperator: a served session lists its operator's own runs (Options.Journal);
// the journal screen opens from the target screen's list too, and says so when there is none.
func TestJournalOfTheSessionsOperator(t *testing.T) {
	b := newTestBackend()
	// Another operator's run: not listed, but reached by its ID (i).
	b.journal = append(b.journal, JournalRun{ID: "20261125-170000-other1", Time: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC),
		Operator: "admin@contoso.com", Fix: "license.assign", User: "bob@contoso.com", Outcome: "applied", Undo: "yes"})
	o := triageOptions(b)
	o.Journal = RunFilter{Operator: "helpdesk@contoso.com"}
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := startSession(t, o, 80, 24)
	s.WaitFor("Who has the problem?", "Journal of the fixes applied, and undo")
	s.Press("tab", "G", "enter")
	s.WaitFor("Journal of fixes: runs of helpdesk@contoso.com", "No fix has been applied yet", "i undo by ID")
	s.Press("i")
	s.WaitFor("Run ID: ", "plan its undo")
	s.Type("20261125-170000-other1")
	s.requireGolden("journal-run-id-80x24", s.WaitFor("Run ID: 20261125-170000-other1"))
	s.Press("enter")
	s.WaitFor("Undo: 20261125-170000-other1 · bob@contoso.com", "Nothing has been sent")
	s.Press("esc")
	s.WaitFor("Journal of fixes: runs of helpdesk@contoso.com", "No fix has been applied yet")
	s.Press("i", "esc")
	s.WaitFor("No fix has been applied yet", "i undo by ID")
	s.Press("esc")
	s.WaitFor("Who has the problem?")
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.filters) < 1 || b.filters[0].Operator != "helpdesk@contoso.com" {
		t.Fatalf("the journal was read with %+v", b.filters)
	}
}
