package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// EventKind says what an engine event reports.
type EventKind int

// Engine events, in the order a run produces them for one check: its sources settle, then its results.
const (
	// SourceSettled: a source was loaded, failed or was skipped.
	SourceSettled EventKind = iota
	// CheckSettled: a check was judged; Results holds its results.
	CheckSettled
)

// Event is one step of a run, for a live view.
type Event struct {
	Kind    EventKind
	Source  facts.Source
	Status  facts.SourceStatus
	CheckID string
	Results []Result
}

// Options select what a run judges.
type Options struct {
	// Checks is the catalog to run; Catalog() filtered to the target kind when nil.
	Checks []Check
	// Only, when non-empty, names the check IDs to judge; the others are reported as skipped.
	Only []string
	// Start is when the run began, for each result's duration; time.Now() when zero.
	Start time.Time
}

// ForKind returns the catalog checks that belong in a run of the given kind. A tenant run is the
// walkthrough, whose tenant-wide judgments share the IDs of the user checks they stand for.
func ForKind(kind facts.TargetKind) []Check {
	if kind == facts.TargetTenant {
		return Walkthrough()
	}
	var out []Check
	for _, c := range Catalog() {
		if c.In(kind) {
			out = append(out, c)
		}
	}
	return out
}

// Run applies deltas to f as they arrive and judges each check as soon as every source it needs has
// settled, reporting progress through emit (which may be nil). It returns when every check is judged:
// after the deltas channel closes, or when ctx ends, in which case checks still waiting end in error.
// Results come back in catalog order. Run owns f until it returns.
func Run(ctx context.Context, f *facts.Facts, deltas <-chan facts.Delta, opts Options, emit func(Event)) []Result {
	if emit == nil {
		emit = func(Event) {}
	}
	checks := opts.Checks
	if checks == nil {
		checks = ForKind(f.Target.Kind)
	}
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	only := map[string]bool{}
	for _, id := range opts.Only {
		only[id] = true
	}
	done := make([][]Result, len(checks))
	judged := make([]bool, len(checks))
	remaining := len(checks)

	settle := func(i int, rs []Result) {
		ms := time.Since(start).Milliseconds()
		for j := range rs {
			rs[j].DurationMs = ms
		}
		done[i], judged[i] = rs, true
		remaining--
		emit(Event{Kind: CheckSettled, CheckID: checks[i].ID, Results: rs})
	}
	sweep := func() {
		for i, c := range checks {
			if judged[i] {
				continue
			}
			if len(only) > 0 && !only[c.ID] {
				settle(i, []Result{skipped(c, f, "not selected by --only")})
				continue
			}
			if ready(c, f) {
				settle(i, Evaluate(c, f))
			}
		}
	}

	// giveUp ends the checks still waiting. Readers return when ctx ends, which closes deltas, so the
	// select may see either first: a run cut short says so whichever it saw.
	giveUp := func() {
		for i, c := range checks {
			if judged[i] {
				continue
			}
			why := "its facts were never read: " + strings.Join(pending(c, f), ", ")
			if ctx.Err() != nil {
				why = fmt.Sprintf("%s before %s could be read; raise "+
					"--timeout or retry", ctxReason(ctx), strings.Join(pending(c, f), ", "))
			}
			settle(i, []Result{errored(c, f, why)})
		}
	}

	sweep()
	for remaining > 0 {
		select {
		case d, ok := <-deltas:
			if !ok {
				giveUp()
				continue
			}
			f.Apply(d)
			emit(Event{Kind: SourceSettled, Source: d.Source, Status: f.Status(d.Source)})
			sweep()
		case <-ctx.Done():
			giveUp()
		}
	}
	var out []Result
	for _, rs := range done {
		out = append(out, rs...)
	}
	return out
}

func ctxReason(ctx context.Context) string {
	if ctx.Err() == context.DeadlineExceeded {
		return "timed out"
	}
	return "cancelled"
}

func ready(c Check, f *facts.Facts) bool {
	return len(pending(c, f)) == 0
}

func pending(c Check, f *facts.Facts) []string {
	var out []string
	for _, s := range c.Needs {
		if f.Status(s).State == facts.Pending {
			out = append(out, string(s))
		}
	}
	return out
}

// Evaluate judges one check over settled facts: error when a needed source failed, skip when one was
// skipped, the check's own judgment otherwise. The TUI uses it to re-judge after a re-read.
func Evaluate(c Check, f *facts.Facts) []Result {
	for _, s := range c.Needs {
		st := f.Status(s)
		switch st.State {
		case facts.Failed:
			where := string(s)
			if st.Endpoint != "" {
				where += " (" + st.Endpoint + ")"
			}
			return []Result{errored(c, f, "could not read "+where+": "+st.Reason)}
		case facts.Skipped:
			return []Result{skipped(c, f, st.Reason)}
		case facts.Pending:
			return []Result{errored(c, f, "its facts were never read: "+string(s))}
		}
	}
	rs := c.Judge(f)
	for i := range rs {
		fill(&rs[i], c, f)
	}
	return rs
}

func fill(r *Result, c Check, f *facts.Facts) {
	r.ID = c.ID
	if r.Title == "" {
		r.Title = c.Title
	}
	if r.Docs == "" {
		r.Docs = c.Docs
	}
	if r.Subject == "" {
		r.Subject = defaultSubject(f)
	}
	r.Normalize()
}

func defaultSubject(f *facts.Facts) string {
	switch f.Target.Kind {
	case facts.TargetUser:
		return f.Target.User
	case facts.TargetTenant:
		if f.Target.TenantID != "" {
			return f.Target.TenantID
		}
		return "tenant"
	}
	return strings.Join(f.Target.Domains, ",")
}

func skipped(c Check, f *facts.Facts, why string) Result {
	r := Result{Status: Skip, Summary: "Skipped: " + why}
	fill(&r, c, f)
	return r
}

func errored(c Check, f *facts.Facts, why string) Result {
	r := Result{Status: Error, Summary: "Could not run: " + why, Error: why}
	fill(&r, c, f)
	return r
}
