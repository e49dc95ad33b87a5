// Package tui is mdmdoctor's interactive program on Bubble Tea v2: sign in, say who has the problem,
// watch the checks settle, read the results, step through them, apply a fix and undo it from the
// journal, save a report.
//
// The root model here drives one screen at a time (each its own package: signin, target, live,
// results, steps, fixflow, report, journal) through one screen interface and one table of screens
// (screen.go); the way the operator came is a stack, so esc goes back one level everywhere. The root
// keeps the run's results (store.go) and hands them to every screen that shows them, owns every piece
// of work in flight and its cancellation, brings background work in through tui/stream, and draws the
// frame around the screens: header, status line and key help. Keys are declared once in tui/keys and
// styles once in tui/theme. All I/O runs in tea.Cmds, through the Backend the caller hands in; the TUI
// never reaches Graph or DNS itself, and reads no environment of its own (Options carry the terminal).
package tui

import (
	"context"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/fixflow"
	"github.com/mdmdoctor/mdmdoctor/tui/journal"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/live"
	"github.com/mdmdoctor/mdmdoctor/tui/report"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/signin"
	"github.com/mdmdoctor/mdmdoctor/tui/steps"
	"github.com/mdmdoctor/mdmdoctor/tui/target"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Model is the root model.
type Model struct {
	// ctx lives as long as the program: every piece of work derives its context from it, so that
	// quitting cancels them all.
	ctx    context.Context
	opts   Options
	cloud  string
	styles *theme.Styles
	keys   *keys.KeyMap
	help   help.Model
	// cache is shared by every copy of the model: it caches by key, so a copy never sees a stale frame.
	cache  *frameCache
	width  int
	height int
	// levels are the way the operator came, the screen on show last: esc goes back one level.
	levels []screenID
	// showHelp replaces the screen's body with the full key help.
	showHelp bool
	status   string

	// The screens live behind one pointer, shared by every copy of the model like cache: a copy is then
	// a few kilobytes, not 40 (three text inputs and three viewports), and Bubble Tea copies the model
	// several times per key, which a paste typed out key by key multiplies by thousands.
	*screenSet

	// nextID numbers sign-in attempts and runs so that messages of abandoned ones are ignored.
	nextID        int
	signInID      int
	signInCancel  context.CancelFunc
	signInAborted bool
	runID         int
	runCancel     context.CancelFunc
	// reruns maps the run ID of each single-check re-run to its check ID and cancel function.
	reruns map[int]rerun

	// seen is who the last run found signed in and where; tenantName the tenant's display name, when
	// the backend can tell. Both are for the header.
	seen runner.Seen
	// path is the enrollment path the last user run judged, named in the saved report.
	path       *checks.PathReport
	tenantName string
	// sweep is the last tenant walkthrough's device sweep for export, or why there is none.
	sweep    *checks.Sweep
	sweepErr string
	// devices are the last user run's devices, for the devices results.
	devices []runner.DeviceRow

	current facts.Target
	checks  []checks.Check
	// store is the last run's results, the one copy every screen that shows results is handed.
	store  store
	recent []string
}

// screenSet holds the root's screens, each driven in place through the table in screen.go.
type screenSet struct {
	signin  signin.Model
	target  target.Model
	live    live.Model
	results results.Model
	steps   steps.Model
	report  report.Model
	// flow is the guided fix screen, for fixes and for undoing them.
	flow    fixflow.Model
	journal journal.Model
}

type rerun struct {
	check  string
	cancel context.CancelFunc
}

// New builds the root model. ctx bounds everything the session does.
func New(ctx context.Context, o Options) Model {
	o = o.withDefaults()
	st := theme.New(true)
	km := keys.Default()
	h := help.New()
	h.Styles = help.DefaultStyles(true)
	_, tenant := o.Backend.(TenantBackend)
	m := Model{
		ctx:    ctx,
		opts:   o,
		cloud:  o.Backend.Cloud(),
		styles: st,
		keys:   &km,
		help:   h,
		cache:  &frameCache{},
		screenSet: &screenSet{
			signin:  signin.New(st, &km),
			target:  target.New(st, &km).SetDemo(o.DemoUsers).SetTenant(tenant),
			live:    live.New(st, &km),
			results: results.New(st, &km),
			steps:   steps.New(st, &km),
			report:  report.New(st, &km).SetServed(o.Files.Served),
			flow:    fixflow.New(st, &km, o.Backend).SetUndoCommand(o.UndoCommand),
			journal: journal.New(st, &km),
		},
		levels: []screenID{signInScreen},
		reruns: map[int]rerun{},
	}
	return m
}

// Init asks the terminal for its background (to pick light or dark styles), loads the recent targets
// and starts signing in.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.opts.RecentFile != "" {
		cmds = append(cmds, loadRecent(m.opts.RecentFile))
	}
	return tea.Batch(append(cmds, func() tea.Msg { return startSignInMsg{} })...)
}

// startSignInMsg asks Update to start a sign-in attempt; Init uses it because it cannot touch the model.
type startSignInMsg struct{}
