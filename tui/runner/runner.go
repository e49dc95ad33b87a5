// Package runner runs the check engine for the TUI: facts.Gather feeding checks.Run in the background,
// with every engine event delivered to Bubble Tea as a message, so results stream in as sources settle,
// and the device sweep's progress with them. It also lays out the user's devices as Intune's
// Troubleshoot pane lists them (DeviceRow), from the facts the run gathered.
//
// All of it happens inside tea.Cmds: Start launches the run on a stream (package stream), so the
// program's Update never blocks, and stale runs can be told apart by ID.
package runner

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
)

// DefaultTimeout bounds a run when the spec gives none, as --timeout does on the command line.
const DefaultTimeout = 60 * time.Second

// Spec is everything one run needs. It is plain data so that the root model can build it in Update.
type Spec struct {
	// ID tells this run's messages apart from those of runs that were cancelled or replaced.
	ID      int
	Target  facts.Target
	Cloud   string
	Now     time.Time
	Readers []facts.Reader
	// Checks to judge; nil runs the catalog's checks for the target kind.
	Checks  []checks.Check
	Timeout time.Duration
	// Progress, when set, attaches a progress report to the run's context, as the backend's readers
	// expect it (Backend.WithProgress): each report reaches the program as a ProgressMsg.
	Progress func(ctx context.Context, report func(Progress)) context.Context
}

// Progress says how far a long read has got: the tenant walkthrough's device sweep reads every device
// of the tenant, page by page, for minutes in a large tenant.
type Progress struct {
	Source  facts.Source
	Records int
	Pages   int
	// Done is set once the source has been read to its end.
	Done bool
}

// ProgressMsg carries a progress report of run ID.
type ProgressMsg struct {
	ID       int
	Progress Progress
}

// EventMsg carries one engine event of run ID: a source that settled or a check that was judged.
type EventMsg struct {
	ID    int
	Event checks.Event
}

// DoneMsg ends a run with every result in catalog order. Cancelled is true when the run's context
// ended first (the operator cancelled, or the timeout passed): the checks still waiting then carry
// an error result that says so.
type DoneMsg struct {
	ID        int
	Results   []checks.Result
	Cancelled bool
	// Seen is who the run found signed in, and where, for the header.
	Seen Seen
	// Sweep is a tenant walkthrough's device sweep, for export; nil with SweepErr saying why when its
	// sources did not load, and for other targets.
	Sweep    *checks.Sweep
	SweepErr string
	// Devices are a user's devices as the Troubleshoot pane lists them, once read; nil otherwise.
	Devices []DeviceRow
	// Path is the enrollment path a user run judged, for the report; nil for other targets.
	Path *checks.PathReport
}

// Seen is what a run read about the operator and their tenant: empty where it was not read.
type Seen struct {
	Operator string
	TenantID string
	// Domain is the tenant's default domain (its initial one when none is marked default).
	Domain string
}

// sweep is the tenant's device sweep, once every device of the tenant was read; otherwise why not.
func sweep(f *facts.Facts) (*checks.Sweep, string) {
	for _, src := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
		if st := f.Status(src); st.State != facts.Loaded {
			return nil, fmt.Sprintf("the device sweep did not finish (%s %s: %s)", src, st.State, st.Reason)
		}
	}
	sw := checks.TenantSweep(f)
	return &sw, ""
}

// seen picks out of f who is signed in and where.
func seen(f *facts.Facts) Seen {
	var s Seen
	if f.Operator != nil {
		s.Operator, s.TenantID = f.Operator.UserPrincipalName, f.Operator.TenantID
	}
	for _, d := range f.Domains {
		if d.IsDefault || d.IsInitial && s.Domain == "" {
			s.Domain = d.Name
		}
	}
	return s
}

// Start returns a command that launches the run under ctx and delivers its messages on a stream: an
// EventMsg per engine event and a ProgressMsg per progress report, then the DoneMsg. Cancelling ctx stops
// the readers; the engine then settles the checks still waiting as errors and the run ends.
func Start(ctx context.Context, s Spec) tea.Cmd {
	return stream.Start(func(send func(tea.Msg)) tea.Msg {
		if s.Progress != nil {
			ctx = s.Progress(ctx, func(p Progress) { send(ProgressMsg{ID: s.ID, Progress: p}) })
		}
		return run(ctx, s, func(e checks.Event) { send(EventMsg{ID: s.ID, Event: e}) })
	})
}

func run(ctx context.Context, s Spec, push func(checks.Event)) DoneMsg {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	f := facts.New(s.Cloud, s.Target, s.Now)
	deltas := facts.Gather(ctx, s.Target, s.Readers...)
	results := checks.Run(ctx, f, deltas, checks.Options{Checks: s.Checks, Start: time.Now()}, push)
	cancelled := ctx.Err() != nil

	// The engine may finish before every reader has (a run of one check needs only some sources):
	// stop the rest and drain their deltas so that no reader is left blocked on a full channel.
	cancel()
	for range deltas {
	}
	done := DoneMsg{ID: s.ID, Results: results, Cancelled: cancelled, Seen: seen(f)}
	switch s.Target.Kind {
	case facts.TargetTenant:
		done.Sweep, done.SweepErr = sweep(f)
	case facts.TargetUser:
		done.Devices = devices(f)
		path := checks.PathOf(f)
		done.Path = &path
	}
	return done
}
