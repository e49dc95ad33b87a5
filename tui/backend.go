package tui

import (
	"context"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/journal"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
)

// Backend is everything the TUI needs from the outside world. The CLI implements it with graph,
// dnsprobe and the demo servers; the TUI never talks to Graph or DNS itself. Every method that may
// block takes a context and is called from a tea.Cmd, never from Update or View.
type Backend interface {
	// SignIn makes sure an operator is signed in. It calls prompt with a device code when the operator
	// must act (more than once if a code expires), and returns once signed in, failed, or ctx ends.
	// A demo or token backend returns nil at once.
	SignIn(ctx context.Context, prompt func(facts.SignInPrompt)) error
	// Readers returns the fact readers for a target (graph, DNS, dsregcmd ...). It must not block:
	// readers do their I/O in Read.
	Readers(t facts.Target) []facts.Reader
	// WithProgress attaches report to ctx, so that the readers started under it say how far a long
	// read has got (the tenant walkthrough's device sweep, page by page); report is called from the
	// readers' goroutines and must not block. It must not block itself.
	WithProgress(ctx context.Context, report func(Progress)) context.Context
	// ResolveTarget turns what the operator typed (a UPN, or a device name or serial) into a target.
	// Its error is shown to the operator as is, so it should say what to try instead.
	ResolveTarget(ctx context.Context, input string) (facts.Target, error)
	// Cloud is public, usgov, usgovdod or china. Read once, when the TUI starts.
	Cloud() string
	// Now is the time judgments and reports use. It must not block: Update calls it to date reports.
	Now() time.Time
	// Where names the tenant t lives in and the operator, for the header: the signed-in tenant for a
	// zero t (asked once signed in), the target's for a target (the demo has several tenants).
	Where(ctx context.Context, t facts.Target) (Where, error)

	// DraftFix checks the target again on fresh facts and returns the fix as offered now, with the
	// choices it needs. Its error is shown to the operator as is.
	DraftFix(ctx context.Context, t facts.Target, fixID string) (*fix.Draft, error)
	// ApplyFix signs in for the plan's write scopes (calling prompt when a device code must be
	// entered to consent), then applies the plan, journaled, and re-checks; progress reports each
	// request as it is sent and answered. It must not be cancelled mid-write by the TUI quitting.
	ApplyFix(ctx context.Context, t facts.Target, p *fix.Plan, prompt func(facts.SignInPrompt),
		progress func(fix.Event)) (*fix.Outcome, error)
	// ReadOnly reports whether every fix is a dry run (--read-only): the fix screen then shows the plan
	// and sends nothing.
	ReadOnly() bool

	// Runs returns the fix journal's runs that filter lets through, newest first; an empty or missing
	// journal is no error. Its error is shown to the operator as is.
	Runs(ctx context.Context, filter RunFilter) ([]JournalRun, error)
	// DraftUndo plans the undo of journal run id from what the journal recorded; its error says why
	// the run cannot be undone.
	DraftUndo(ctx context.Context, id string) (*fix.Plan, error)
	// ApplyUndo applies the undo plan of run id as ApplyFix applies a fix: signed in to the tenant the
	// run was journaled in (or refused), journaled before and after each request, and re-checked.
	ApplyUndo(ctx context.Context, id string, p *fix.Plan, prompt func(facts.SignInPrompt),
		progress func(fix.Event)) (*fix.Outcome, error)
}

// Progress says how far a long read has got.
type Progress = runner.Progress

// JournalRun is one run of the fix journal as the journal screen lists it.
type JournalRun = journal.Run

// RunFilter says which of the journal's runs the journal screen lists.
type RunFilter struct {
	// Operator, when set, keeps the runs this operator applied (by the sign-in or the session it came
	// through, case aside): a served session lists its operator's own runs. Empty lists every run.
	Operator string
}

// TenantBackend is a Backend that can also walk a whole tenant. The target screen offers the tenant
// walkthrough only when the backend implements it, and says "coming soon" otherwise.
type TenantBackend interface {
	Backend
	// TenantTarget returns the target of the signed-in operator's tenant.
	TenantTarget(ctx context.Context) (facts.Target, error)
}

// Where names, for the header, the tenant a target lives in and who is signed in to it.
type Where struct {
	TenantID string
	// Tenant is the organization's display name (in the demo, the demo tenant's); Domain its default
	// domain.
	Tenant, Domain string
	// Operator is the signed-in operator's UPN; "" when the sign-in does not name one.
	Operator string
}
