package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	reports "github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/fixflow"
	"github.com/mdmdoctor/mdmdoctor/tui/journal"
	"github.com/mdmdoctor/mdmdoctor/tui/live"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/recent"
	"github.com/mdmdoctor/mdmdoctor/tui/report"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/signin"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
	"github.com/mdmdoctor/mdmdoctor/tui/target"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Update routes a message: the frame's own (size, colours, keys, ticks, streams), then each concern's
// handler below in turn, and whatever none of them takes to the screen on show.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		return m.restyle(msg.IsDark()), nil
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	case spinner.TickMsg:
		return m.tick(msg)
	case stream.Batch:
		return m.batch(msg)
	}
	for _, handle := range handlers {
		if next, cmd, ok := handle(m, msg); ok {
			return next, cmd
		}
	}
	return m.updateScreen(msg)
}

// handlers take the messages of one concern each; the last word is the screen on show's.
var handlers = [...]func(Model, tea.Msg) (Model, tea.Cmd, bool){
	Model.onSignIn, Model.onTarget, Model.onRun, Model.onResults, Model.onReport, Model.onRequest,
}

// took is a handler's answer from an action that returns the root as a tea.Model.
func took(next tea.Model, cmd tea.Cmd) (Model, tea.Cmd, bool) { return next.(Model), cmd, true }

// onSignIn handles the sign-in.
func (m Model) onSignIn(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case startSignInMsg, signin.RetryMsg:
		return took(m.startSignIn())
	case signin.CancelMsg:
		if m.signInCancel != nil {
			m.signInAborted = true
			m.signInCancel()
		}
		return m, nil, true
	case signInPromptMsg:
		return took(m.prompted(msg))
	case signInDoneMsg:
		return took(m.signedIn(msg))
	}
	return m, nil, false
}

// onTarget handles the target: recent targets, resolving, and the tenant it lives in.
func (m Model) onTarget(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case recentLoadedMsg:
		m.recent = msg.list
		m.target = m.target.SetRecent(msg.list)
		if msg.err != nil {
			m.status = msg.err.Error()
		}
		return m, nil, true
	case recentSavedMsg:
		if msg.err != nil {
			m.status = msg.err.Error()
		}
		return m, nil, true

	case target.SubmitMsg:
		var cmd tea.Cmd
		m.target, cmd = m.target.Resolving(msg.Input)
		return m, tea.Batch(cmd, resolve(m.ctx, m.opts.Backend, msg.Input)), true
	case target.TenantMsg:
		tb, ok := m.opts.Backend.(TenantBackend)
		if !ok {
			return m, nil, true
		}
		var cmd tea.Cmd
		m.target, cmd = m.target.Resolving("the tenant")
		return m, tea.Batch(cmd, resolveTenant(m.ctx, tb)), true
	case resolvedMsg:
		return took(m.resolved(msg))

	case whereMsg:
		w := msg.where
		if w.Tenant != m.tenantName || w.TenantID != "" && m.seen.TenantID != "" && w.TenantID != m.seen.TenantID {
			// Another tenant (the demo has several): what the last run read was of the one before.
			m.seen = runner.Seen{}
		}
		m.tenantName = w.Tenant
		m.seen = mergeSeen(m.seen, runner.Seen{Operator: w.Operator, TenantID: w.TenantID, Domain: w.Domain})
		return m, nil, true
	}
	return m, nil, false
}

// onRun handles a run: its stream, and what the run screen asks.
func (m Model) onRun(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case runner.ProgressMsg:
		if msg.ID == m.runID {
			m.live = m.live.Progress(msg.Progress)
		}
		return m, nil, true
	case runner.EventMsg:
		if msg.ID == m.runID {
			m.live = m.live.Apply(msg.Event)
		}
		return m, nil, true
	case runner.DoneMsg:
		return took(m.done(msg))

	case live.CancelMsg:
		if m.runCancel != nil {
			m.runCancel()
			m.status = "Cancelling: checks still waiting will be marked as not run."
		}
		return m, nil, true
	case live.ResultsMsg:
		m.results = m.results.Set(m.current, m.store).SetError(m.target.Error()).SetDevices(m.devices)
		m.open(resultsScreen)
		return m, nil, true
	case live.StepsMsg:
		m.results = m.results.Set(m.current, m.store).SetError(m.target.Error()).SetDevices(m.devices)
		first, _ := m.results.Selected()
		m.steps = m.steps.Set(m.checks, m.store, first)
		m.open(stepsScreen)
		return m, nil, true
	case live.AgainMsg, results.RerunAllMsg:
		return took(m.startRun(m.current))
	}
	return m, nil, false
}

// onResults handles what the results and the fix screen ask.
func (m Model) onResults(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case results.StepsMsg:
		m.steps = m.steps.Set(m.checks, m.store, msg.Result)
		m.open(stepsScreen)
		return m, nil, true
	case results.FixMsg:
		m.open(fixScreen)
		var cmd tea.Cmd
		m.flow, cmd = m.flow.Start(m.ctx, m.current, msg.Result)
		return m, cmd, true
	case fixflow.DoneMsg:
		return took(m.fixed(msg))
	case results.RerunMsg:
		return took(m.startRerun(msg.ID))
	case results.ReportMsg:
		m.report = m.report.Open(reportBase(m.current, m.opts.Backend.Now()), m.current.Kind == facts.TargetTenant)
		m.open(reportScreen)
		return m, nil, true
	case results.NewTargetMsg:
		m.target = m.target.Idle()
		m.open(targetScreen)
		return m, nil, true
	}
	return m, nil, false
}

// onReport handles the report: saving and copying.
func (m Model) onReport(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case report.SaveMsg:
		if msg.Sweep {
			if m.sweep == nil {
				m.report = m.report.Saved(msg.Path, errors.New("no export written: "+m.sweepErr))
				return m, nil, true
			}
			return m, saveSweep(m.opts.Files, msg.Path, msg.Format, *m.sweep, m.current, m.opts.Backend.Now()), true
		}
		return m, saveReport(m.opts.Files, msg.Path, msg.Format, m.reportData()), true
	case reportSavedMsg:
		m.report = m.report.Saved(msg.path, msg.err)
		return m, nil, true
	case report.CopyMsg:
		var b strings.Builder
		if err := reports.WriteMarkdown(&b, m.reportData()); err != nil {
			m.status = "Could not render the report: " + err.Error()
			return m, nil, true
		}
		m.status = "Copied the Markdown report to your clipboard (OSC 52), if your terminal allows it."
		return m, tea.SetClipboard(b.String()), true
	}
	return m, nil, false
}

// onRequest handles the requests every screen may make (package nav), and the journal.
func (m Model) onRequest(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case nav.Back:
		return took(m.back())
	case nav.OpenJournal:
		m.open(journalScreen)
		return took(m.readJournal())
	case journal.ReloadMsg:
		return took(m.readJournal())
	case runsMsg:
		m.journal = m.journal.Set(msg.runs, msg.err)
		return m, nil, true
	case journal.UndoMsg:
		m.open(fixScreen)
		var cmd tea.Cmd
		m.flow, cmd = m.flow.StartUndo(m.ctx, msg.ID)
		return m, cmd, true
	case nav.Copy:
		m.status = "Copied " + msg.What + " to your clipboard (OSC 52), if your terminal allows it."
		return m, tea.SetClipboard(msg.Text), true
	case nav.Status:
		m.status = msg.Text
		return m, nil, true
	case nav.OpenDocs:
		return took(m.openDocs(msg.URL))
	case browserMsg:
		if msg.err != nil {
			m.status = "Docs: " + msg.url + " (copied; " + msg.err.Error() + ")"
		}
		return m, nil, true

	}
	return m, nil, false
}

// updateKey handles the keys that work everywhere, then hands the key to the screen on show.
func (m Model) updateKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.status = ""
	typing := m.typing()
	switch {
	case (key.Matches(msg, m.keys.ForceQuit) || key.Matches(msg, m.keys.Quit) && !typing) && m.applyingFix():
		// A write is in flight: finish it (answered and journaled), then quit.
		m.flow = m.flow.QuitWhenDone()
		m.status = "Quitting once the fix in flight is answered and journaled…"
		return m, nil
	case key.Matches(msg, m.keys.ForceQuit), key.Matches(msg, m.keys.Quit) && !typing:
		return m.quit()
	case m.showHelp:
		if key.Matches(msg, m.keys.Help) || key.Matches(msg, m.keys.Back) {
			m.showHelp = false
		}
		return m, nil
	case key.Matches(msg, m.keys.Help) && !typing:
		m.showHelp = true
		return m, nil
	}
	return m.updateScreen(msg)
}

// typing reports whether a text field has focus: q is then a letter, and only ctrl+c quits.
func (m *Model) typing() bool { return m.active().typing() }

// applyingFix reports whether a fix is being applied: quitting then waits for it.
func (m *Model) applyingFix() bool { return m.screen() == fixScreen && m.flow.Applying() }

// quit cancels every piece of work in flight before the program ends: a run's readers stop, a
// sign-in stops waiting. Nothing is ever written to the tenant from here, so nothing is left half done.
func (m Model) quit() (tea.Model, tea.Cmd) {
	m.cancelAll()
	return m, tea.Quit
}

func (m *Model) cancelAll() {
	if m.signInCancel != nil {
		m.signInCancel()
	}
	if m.runCancel != nil {
		m.runCancel()
	}
	for _, r := range m.reruns {
		r.cancel()
	}
}

// updateScreen passes a message the root does not handle to the screen on show, and carries out at
// once whatever the screen asks of the root.
func (m Model) updateScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, req := m.active().update(msg)
	if req == nil {
		return m, cmd
	}
	next, more := m.Update(req)
	return next, tea.Batch(cmd, more)
}

// tick feeds spinner ticks to every screen; each ignores ticks of others' spinners and stops ticking
// when it has nothing to spin for.
func (m Model) tick(msg spinner.TickMsg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, s := range screens {
		cmd, _ := s(&m).update(msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// back goes back one level, to the screen the one on show was opened from; the journal is read again
// on the way back to it, as an undo adds to it.
func (m Model) back() (Model, tea.Cmd) {
	if len(m.levels) > 1 {
		m.levels = m.levels[:len(m.levels)-1]
	}
	switch m.screen() {
	case targetScreen:
		m.target = m.target.Idle()
	case journalScreen:
		return m.readJournal()
	}
	return m, nil
}

// readJournal reads the journal's runs for the journal screen, those of Options.Journal's operator
// when it names one.
func (m Model) readJournal() (Model, tea.Cmd) {
	whose := "every run"
	if m.opts.Journal.Operator != "" {
		whose = "runs of " + m.opts.Journal.Operator
	}
	m.journal = m.journal.Loading(whose)
	return m, loadRuns(m.ctx, m.opts.Backend, m.opts.Journal)
}

func (m Model) startSignIn() (tea.Model, tea.Cmd) {
	if m.signInCancel != nil {
		m.signInCancel()
	}
	m.nextID++
	m.signInID = m.nextID
	ctx, cancel := context.WithCancel(m.ctx)
	m.signInCancel, m.signInAborted = cancel, false
	var cmd tea.Cmd
	m.signin, cmd = m.signin.Start()
	m.reset(signInScreen)
	return m, tea.Batch(cmd, signIn(ctx, m.opts.Backend, m.signInID))
}

func (m Model) prompted(msg signInPromptMsg) (tea.Model, tea.Cmd) {
	if msg.id != m.signInID {
		return m, nil
	}
	c := msg.code
	m.signin = m.signin.Prompt(c)
	text, _ := signin.Clipboard(c)
	return m, tea.SetClipboard(text)
}

// signedIn moves on from sign-in: to the run when a target was given, to the target screen otherwise.
// The prompt channel may still hold messages; once done it is closed and no longer read.
func (m Model) signedIn(msg signInDoneMsg) (tea.Model, tea.Cmd) {
	if msg.id != m.signInID {
		return m, nil
	}
	if m.signInCancel != nil {
		m.signInCancel()
		m.signInCancel = nil
	}
	switch {
	case msg.err != nil && (m.signInAborted || errors.Is(msg.err, context.Canceled)):
		m.signin = m.signin.Cancel()
		return m, nil
	case msg.err != nil:
		m.signin = m.signin.Fail(
			fmt.Errorf("%w. Check the network and that your account may sign in to this tenant", msg.err))
		return m, nil
	}
	m.signin = m.signin.Done()
	m.reset(targetScreen)
	named := where(m.ctx, m.opts.Backend, facts.Target{})
	if t := strings.TrimSpace(m.opts.Target); t != "" {
		m.opts.Target = ""
		m.target = m.target.SetValue(t)
		var cmd tea.Cmd
		m.target, cmd = m.target.Resolving(t)
		return m, tea.Batch(cmd, named, resolve(m.ctx, m.opts.Backend, t))
	}
	return m, named
}

func (m Model) resolved(msg resolvedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.target = m.target.Failed(msg.err)
		m.open(targetScreen)
		return m, nil
	}
	var save tea.Cmd
	if msg.input != "" {
		m.recent = recent.Add(m.recent, msg.input)
		m.target = m.target.SetRecent(m.recent)
		if m.opts.RecentFile != "" {
			save = saveRecent(m.opts.RecentFile, m.recent)
		}
	}
	m.target = m.target.Idle()
	next, cmd := m.startRun(msg.target)
	return next, tea.Batch(save, cmd, where(m.ctx, m.opts.Backend, msg.target))
}

// startRun starts a run of every check on t, replacing (and cancelling) any run in flight.
func (m Model) startRun(t facts.Target) (tea.Model, tea.Cmd) {
	if m.runCancel != nil {
		m.runCancel()
	}
	if t.Kind == facts.TargetUser && t.Path == facts.PathUnknown {
		t.Path = m.target.Path()
	}
	m.current = t
	m.checks = m.opts.Checks
	if m.checks == nil {
		m.checks = checks.ForKind(t.Kind)
	} else {
		m.checks = slices.DeleteFunc(slices.Clone(m.checks), func(c checks.Check) bool { return !c.In(t.Kind) })
	}
	m.nextID++
	m.runID = m.nextID
	ctx, cancel := context.WithCancel(m.ctx)
	m.runCancel = cancel
	var cmd tea.Cmd
	m.live, cmd = m.live.Begin(t, m.checks)
	m.open(liveScreen)
	return m, tea.Batch(cmd, m.launch(ctx, m.runID, t, m.checks))
}

// startRerun runs one check again in the background; the results screen stays up and swaps in the new
// results when they arrive.
func (m Model) startRerun(id string) (tea.Model, tea.Cmd) {
	i := slices.IndexFunc(m.checks, func(c checks.Check) bool { return c.ID == id })
	if i < 0 {
		m.status = id + " is not in this run's catalog, so it cannot be re-run."
		return m, nil
	}
	m.nextID++
	ctx, cancel := context.WithCancel(m.ctx)
	m.reruns[m.nextID] = rerun{check: id, cancel: cancel}
	var cmd tea.Cmd
	m.results, cmd = m.results.Rerunning(id)
	m.status = "Re-running " + id + "…"
	return m, tea.Batch(cmd, m.launch(ctx, m.nextID, m.current, m.checks[i:i+1]))
}

// launch asks the backend for the target's readers and starts the engine, both inside the command.
func (m *Model) launch(ctx context.Context, id int, t facts.Target, cs []checks.Check) tea.Cmd {
	b, timeout, cloud := m.opts.Backend, m.opts.Timeout, m.cloud
	// The device view pasted on the target screen is read like any source; without one, the device.*
	// checks are skipped and say how to add it.
	device := dsregcmd.Reader{Parsed: m.target.Device()}
	if t.Kind == facts.TargetUser {
		// The Graph reader looks the paste's DeviceIds up tenant-wide, for device.record.
		t.DeviceIDs = m.target.Device().DeviceIDs()
	}
	return func() tea.Msg {
		readers := b.Readers(t)
		if t.Kind == facts.TargetUser {
			readers = append(readers, device)
		}
		spec := runner.Spec{ID: id, Target: t, Cloud: cloud, Now: b.Now(), Readers: readers, Checks: cs, Timeout: timeout,
			Progress: b.WithProgress}
		return runner.Start(ctx, spec)()
	}
}

// batch handles what a stream of background work delivered, each message as if it had come alone,
// and reads on. A stream of work no longer wanted (a replaced run) is read to its end all the same:
// its messages carry their run's ID and are ignored, and its goroutine ends once its readers return.
func (m Model) batch(b stream.Batch) (tea.Model, tea.Cmd) {
	cmds := make([]tea.Cmd, 0, len(b.Msgs)+1)
	for _, msg := range b.Msgs {
		next, cmd := m.Update(msg)
		m = next.(Model)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(append(cmds, b.Next())...)
}

func (m Model) done(msg runner.DoneMsg) (tea.Model, tea.Cmd) {
	if r, ok := m.reruns[msg.ID]; ok {
		r.cancel()
		delete(m.reruns, msg.ID)
		var fresh []checks.Result
		for _, res := range msg.Results {
			if res.ID == r.check {
				fresh = append(fresh, res)
			}
		}
		m = m.freshen(r.check, fresh)
		m.status = "Re-ran " + r.check + ": " + outcome(fresh)
		return m, nil
	}
	if msg.ID != m.runID {
		return m, nil
	}
	m.runCancel()
	m.runCancel = nil
	m.live = m.live.Finish(msg.Results, msg.Cancelled)
	m.store = msg.Results
	m.seen = mergeSeen(m.seen, msg.Seen)
	m.path = msg.Path
	m.sweep, m.sweepErr, m.devices = msg.Sweep, msg.SweepErr, msg.Devices
	return m, nil
}

// mergeSeen keeps what was known of the operator and tenant where a run did not read it (a re-run of
// one check reads one source), and takes whatever it did read.
func mergeSeen(old, now runner.Seen) runner.Seen {
	if now.Operator != "" {
		old.Operator = now.Operator
	}
	if now.TenantID != "" {
		old.TenantID = now.TenantID
	}
	if now.Domain != "" {
		old.Domain = now.Domain
	}
	return old
}

// outcome sums up a check's fresh results in words and symbols.
func outcome(rs []checks.Result) string {
	if len(rs) == 1 {
		return rs[0].Status.Symbol() + " " + rs[0].Status.String() + ": " + rs[0].Summary
	}
	return fmt.Sprintf("%d results", len(rs))
}

// openDocs prints the link and copies it; only on a local session does it also try a browser, since
// over SSH the browser would open on the jump host rather than in front of the operator.
func (m Model) openDocs(url string) (tea.Model, tea.Cmd) {
	copyCmd := tea.SetClipboard(url)
	if remote(m.opts.Environ) {
		m.status = "Docs: " + url + " (copied to your clipboard via OSC 52)"
		return m, copyCmd
	}
	m.status = "Docs: " + url + " (copied; opening a browser)"
	return m, tea.Batch(copyCmd, openURL(m.ctx, m.opts.OpenURL, url))
}

// reportData assembles the report of what the results screen shows.
func (m *Model) reportData() reports.Report {
	rep := reports.New(m.opts.Version, m.cloud, m.current, slices.Clone(m.store), m.opts.Backend.Now())
	rep.Symptom = m.results.Symptom()
	rep.Path = m.path
	return rep
}

// restyle switches the styles to match the terminal's background, in place, so every screen holding
// the pointer sees the change.
func (m Model) restyle(dark bool) Model {
	*m.styles = *theme.New(dark)
	m.help.Styles = help.DefaultStyles(dark)
	*m.cache = frameCache{}
	return m
}

// fixed leaves the fix screen, one level back, with the re-checked results in place of the old ones
// when they are of the user the results are of (an undo from the journal may be of another).
func (m Model) fixed(msg fixflow.DoneMsg) (Model, tea.Cmd) {
	if !strings.EqualFold(msg.User, m.current.User) {
		msg.Rechecked = nil
	}
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
		m = m.freshen(id, fresh[id])
		said = append(said, fmt.Sprintf("%s %s", id, outcome(fresh[id])))
	}
	// Back where the fix was opened from (the results, the step-through or the journal), or on to the
	// journal when the operator asked for it (u on the outcome).
	m, cmd := m.back()
	if msg.Journal {
		m.open(journalScreen)
		var load tea.Cmd
		m, load = m.readJournal()
		cmd = tea.Batch(cmd, load)
	}
	if len(said) > 0 {
		what := "fix"
		if msg.Undo {
			what = "undo"
		}
		m.status = "Re-checked after the " + what + ": " + strings.Join(said, "; ")
	}
	return m, cmd
}
