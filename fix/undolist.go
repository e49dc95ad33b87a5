package fix

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// WriteRunList writes the journal's runs, newest first: id, time, operator, fix, user, outcome,
// and whether undo can revert the run or why not. Every field from the journal is made printable:
// the journal is a file anyone with access to the state directory could have edited.
func WriteRunList(w io.Writer, entries []Entry, journalPath string) error {
	runs := Runs(entries)
	if len(runs) == 0 {
		_, err := fmt.Fprintf(w, "The journal %s holds no runs.\n", checks.Printable(journalPath))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME (UTC)\tOPERATOR\tFIX\tUSER\tOUTCOME\tUNDO")
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		b := r.Begin
		if b.ID == "" && len(r.Steps) > 0 {
			b = r.Steps[0].Before
		}
		outcome := "cut short (no end entry)"
		if r.End != nil {
			outcome = r.End.Outcome
		}
		fixID := b.Fix
		if b.Undoes != "" {
			fixID = "revert of " + b.Undoes
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", checks.Printable(r.ID),
			b.Time.UTC().Format("2006-01-02 15:04:05"), orDash(b.Operator), checks.Printable(fixID),
			orDash(b.User), checks.Printable(outcome), Undoable(r, journalPath))
	}
	return tw.Flush()
}

// Undoable says whether undo can revert the run ("yes"), or why not ("no: ..."), made printable.
func Undoable(r *Run, journalPath string) string {
	if r.Begin.Undoes != "" {
		return "no: it is an undo"
	}
	_, err := PlanUndo(r, journalPath)
	if err == nil {
		return "yes"
	}
	var cannot *CannotUndoError
	if errors.As(err, &cannot) {
		return "no: " + checks.Printable(strings.Join(cannot.Reasons, "; "))
	}
	return "no: " + checks.Printable(err.Error())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return checks.Printable(s)
}
