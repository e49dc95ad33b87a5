package tui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	reports "github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/fixflow"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/report"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// Update-level tests of the root: transitions and requests, without a running program.

var bob = facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com", Domains: []string{"contoso.com"}}

func rootModel(t *testing.T, o Options) Model {
	t.Helper()
	if o.Backend == nil {
		o.Backend = newTestBackend()
	}
	if o.Checks == nil {
		o.Checks = testChecks()
	}
	m := New(context.Background(), o)
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return next.(Model)
}

func update(t *testing.T, m Model, msgs ...tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, msg := range msgs {
		var next tea.Model
		next, cmd = m.Update(msg)
		m = next.(Model)
	}
	return m, cmd
}

// withResults puts m on the results screen of a finished run on bob.
func withResults(t *testing.T, m Model) Model {
	t.Helper()
	m, _ = update(t, m, resolvedMsg{input: "bob@contoso.com", target: bob})
	rs := []checks.Result{
		{ID: "license.intune", Subject: "bob@contoso.com", Status: checks.Fail, Summary: "No Intune plan", Docs: "https://learn.microsoft.com/intune/licenses",
			Fixes: []checks.Fix{{ID: "license.assign", Title: "Assign SPE_E5"}}},
		{ID: "scope.urls", Subject: "bob@contoso.com", Status: checks.Pass, Summary: "Defaults"},
	}
	m, _ = update(t, m, runner.DoneMsg{ID: m.runID, Results: rs}, tuitest.Press("enter"))
	if m.screen() != resultsScreen {
		t.Fatalf("on %s, want the results", m.screen())
	}
	return m
}

// runAll runs cmd and every command it batches, returning their messages. Commands that only wait
// (spinner ticks, cursor blinks) are left out by skipping the kinds of message they produce.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var out []tea.Msg
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			out = append(out, runAll(c)...)
		}
	default:
		out = append(out, msg)
	}
	return out
}

func TestTransitionsAndBack(t *testing.T) {
	m := withResults(t, rootModel(t, Options{}))
	r, _ := m.results.Selected()

	m, _ = update(t, m, results.StepsMsg{Result: r})
	if m.screen() != stepsScreen {
		t.Fatalf("steps request led to %s", m.screen())
	}
	m, _ = update(t, m, tuitest.Press("f"))
	if m.screen() != fixScreen {
		t.Fatalf("f on a step led to %s", m.screen())
	}
	m, _ = update(t, m, tuitest.Press("esc"))
	if m.screen() != stepsScreen {
		t.Fatalf("esc from a fix opened from the steps led to %s", m.screen())
	}
	m, _ = update(t, m, tuitest.Press("esc"), tuitest.Press("w"))
	if m.screen() != reportScreen {
		t.Fatalf("w led to %s", m.screen())
	}
	m, _ = update(t, m, tuitest.Press("esc"), tuitest.Press("t"))
	if m.screen() != targetScreen {
		t.Fatalf("t led to %s", m.screen())
	}
}

func TestStaleRunMessagesIgnored(t *testing.T) {
	m := rootModel(t, Options{})
	m, _ = update(t, m, resolvedMsg{input: "bob@contoso.com", target: bob})
	first := m.runID
	m, _ = update(t, m, results.RerunAllMsg{})
	if m.runID == first {
		t.Fatal("running again kept the run ID")
	}
	m, cmd := update(t, m, runner.DoneMsg{ID: first, Results: []checks.Result{{ID: "x"}}})
	if cmd != nil || !m.live.Running() {
		t.Fatal("the replaced run's end was taken for the current one")
	}
}

func TestHelpAndQuitKeys(t *testing.T) {
	m := withResults(t, rootModel(t, Options{}))
	m, _ = update(t, m, tuitest.Press("?"))
	if !m.showHelp || !strings.Contains(m.frame(), "re-run all") {
		t.Fatal("? did not show the full help")
	}
	m, _ = update(t, m, tuitest.Press("j"))
	if !m.showHelp {
		t.Fatal("a key other than ? or esc closed the help")
	}
	m, _ = update(t, m, tuitest.Press("esc"))
	if m.showHelp {
		t.Fatal("esc did not close the help")
	}
	_, cmd := update(t, m, tuitest.Press("q"))
	if msgs := runAll(cmd); len(msgs) != 1 || msgs[0] != tea.Quit() {
		t.Fatalf("q gave %#v", msgs)
	}
	// On the target screen the input has focus: q is typed, ctrl+c quits.
	m, _ = update(t, m, tuitest.Press("t"), tuitest.Press("q"))
	if !strings.Contains(ansi.Strip(m.frame()), "User or device: q") {
		t.Fatalf("q was not typed:\n%s", m.frame())
	}
	_, cmd = update(t, m, tuitest.Press("ctrl+c"))
	if msgs := runAll(cmd); len(msgs) != 1 || msgs[0] != tea.Quit() {
		t.Fatalf("ctrl+c gave %#v", msgs)
	}
}

type opener struct {
	mu   sync.Mutex
	urls []string
}

func (o *opener) open(_ context.Context, url string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.urls = append(o.urls, url)
	return nil
}

func TestDocsNeverOpenABrowserOverSSH(t *testing.T) {
	const url = "https://learn.microsoft.com/intune/licenses"
	for _, env := range [][]string{{"SSH_CONNECTION=10.0.0.1 5000 10.0.0.2 22", "DISPLAY=:0"}, {"DISPLAY=:0"}} {
		op := &opener{}
		m := withResults(t, rootModel(t, Options{Environ: env, OpenURL: op.open}))
		m, cmd := update(t, m, tuitest.Press("o"))
		if !strings.Contains(m.status, url) || !strings.Contains(m.status, "copied") {
			t.Fatalf("status %q does not print the link", m.status)
		}
		msgs := runAll(cmd)
		remote := strings.HasPrefix(env[0], "SSH_")
		if remote && len(op.urls) != 0 {
			t.Fatalf("over SSH a browser was opened for %v", op.urls)
		}
		if !remote && (len(op.urls) != 1 || op.urls[0] != url) {
			t.Fatalf("locally the browser got %v", op.urls)
		}
		if len(msgs) == 0 {
			t.Fatal("no clipboard command")
		}
	}
}

func TestSaveReportPrivatelyAndNeverOverwrite(t *testing.T) {
	m := withResults(t, rootModel(t, Options{Version: "0.1.0"}))
	dir := t.TempDir()
	path := filepath.Join(dir, "bob.md")
	for i, want := range []string{"", "already exists"} {
		_, cmd := update(t, m, report.SaveMsg{Format: reports.FormatMarkdown, Path: path})
		msgs := runAll(cmd)
		saved, ok := msgs[0].(reportSavedMsg)
		if !ok {
			t.Fatalf("save %d gave %#v", i, msgs)
		}
		switch {
		case want == "" && saved.err != nil:
			t.Fatal(saved.err)
		case want != "" && (saved.err == nil || !strings.Contains(saved.err.Error(), want)):
			t.Fatalf("second save: %v", saved.err)
		}
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "# mdmdoctor report: user bob@contoso.com") || !strings.Contains(string(b), "license.intune") {
		t.Fatalf("report:\n%s", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o", fi.Mode().Perm())
	}
	_, cmd := update(t, m, report.SaveMsg{Format: reports.FormatJSON, Path: filepath.Join(dir, "missing", "r.json")})
	if saved := runAll(cmd)[0].(reportSavedMsg); saved.err == nil || !strings.Contains(saved.err.Error(), "folder does not exist") {
		t.Fatalf("save into a missing folder: %v", saved.err)
	}
	_, cmd = update(t, m, report.SaveMsg{Format: reports.FormatJSON, Path: filepath.Join(dir, "r.json")})
	runAll(cmd)
	var rep reports.Report
	raw, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(raw, &rep); err != nil || rep.Summary.Fail != 1 || rep.Tool.Version != "0.1.0" {
		t.Fatalf("JSON report %+v, %v", rep, err)
	}
}

func TestCopyReportAndCode(t *testing.T) {
	m := withResults(t, rootModel(t, Options{}))
	m, cmd := update(t, m, report.CopyMsg{})
	if cmd == nil || !strings.Contains(m.status, "Markdown report") {
		t.Fatalf("copy gave status %q", m.status)
	}
	m, cmd = update(t, m, nav.Copy{Text: "ABCD", What: "the device code"})
	if cmd == nil || !strings.Contains(m.status, "the device code") {
		t.Fatalf("copy gave status %q", m.status)
	}
}

func TestDeviceNameResolvesToUser(t *testing.T) {
	m, _ := update(t, rootModel(t, Options{}), startSignInMsg{})
	if m.screen() != signInScreen {
		t.Fatalf("signing in on %s", m.screen())
	}
	m, _ = update(t, m, signInDoneMsg{id: m.signInID})
	for _, k := range tuitest.Type("BOB-LAPTOP") {
		m, _ = update(t, m, k)
	}
	m, cmd := update(t, m, tuitest.Press("enter"))
	var resolved resolvedMsg
	for _, msg := range runAll(cmd) {
		if r, ok := msg.(resolvedMsg); ok {
			resolved = r
		}
	}
	if resolved.target.User != "bob@contoso.com" {
		t.Fatalf("BOB-LAPTOP resolved to %+v", resolved)
	}
	m, _ = update(t, m, resolved)
	if m.screen() != liveScreen || m.current.User != "bob@contoso.com" || m.recent[0] != "BOB-LAPTOP" {
		t.Fatalf("after resolving: screen %s, target %+v, recent %v", m.screen(), m.current, m.recent)
	}
}

func TestReportBase(t *testing.T) {
	got := reportBase(facts.Target{Kind: facts.TargetUser, User: "o'brien/x y@contoso.com"}, fixedNow)
	if got != "mdmdoctor-o'brien_x_y@contoso.com-20261125-1800" {
		t.Fatalf("reportBase = %q", got)
	}
	if got := reportBase(facts.Target{Kind: facts.TargetTenant}, fixedNow); got != "mdmdoctor-tenant-20261125-1800" {
		t.Fatalf("tenant reportBase = %q", got)
	}
}

// BenchmarkResultsView2000 draws the whole frame of the results screen (header, list, detail pane,
// key help) with 2,000 results on a 200x60 terminal, moving the cursor between frames. A frame must
// stay under 16 ms.
func BenchmarkResultsView2000(b *testing.B) {
	m := New(context.Background(), Options{Backend: newTestBackend(), Checks: testChecks()})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m = next.(Model)
	rs := make([]checks.Result, 2000)
	statuses := []checks.Status{checks.Pass, checks.Warn, checks.Fail, checks.Skip, checks.Error}
	for i := range rs {
		rs[i] = checks.Result{ID: "devices.duplicates", Subject: "DESKTOP-" + strings.Repeat("X", i%7), Status: statuses[i%5],
			Summary: "a Workplace and an AzureAd record of one laptop", Remediation: "Delete the stale Workplace record.",
			Evidence: []checks.Evidence{{Source: "GET /v1.0/devices", Detail: "two records"}}}
	}
	m.current = bob
	m.results = m.results.Set(bob, rs)
	m.open(resultsScreen)
	down := tuitest.Press("j")
	b.ReportAllocs()
	for b.Loop() {
		next, _ := m.Update(down)
		m = next.(Model)
		_ = m.View()
	}
}

// tenantBackend can walk a whole tenant.
type tenantBackend struct{ *testBackend }

func (tenantBackend) TenantTarget(context.Context) (facts.Target, error) {
	return facts.Target{Kind: facts.TargetTenant, TenantID: "11111111-1111-4111-8111-111111111111"}, nil
}

func TestTenantWalkthroughWhenBackendCan(t *testing.T) {
	tenantCheck := checks.Check{ID: "scope.urls", Step: checks.StepURLs, Modes: []facts.TargetKind{facts.TargetTenant},
		Needs: []facts.Source{facts.SrcMDMPolicy}, Judge: func(*facts.Facts) []checks.Result { return []checks.Result{{Status: checks.Pass}} }}
	m := rootModel(t, Options{Backend: tenantBackend{newTestBackend()}, Checks: append(testChecks(), tenantCheck)})
	m, _ = update(t, m, startSignInMsg{})
	m, _ = update(t, m, signInDoneMsg{id: m.signInID})
	if !strings.Contains(ansi.Strip(m.frame()), "Whole tenant walkthrough (every setting") {
		t.Fatalf("tenant option not offered:\n%s", ansi.Strip(m.frame()))
	}
	m, cmd := update(t, m, tuitest.Press("tab"), tuitest.Press("G"), tuitest.Press("k"), tuitest.Press("enter"))
	var resolved resolvedMsg
	for _, msg := range runAll(cmd) {
		if r, ok := msg.(resolvedMsg); ok {
			resolved = r
		}
	}
	m, _ = update(t, m, resolved)
	if m.screen() != liveScreen || m.current.Kind != facts.TargetTenant || len(m.checks) != 1 || m.checks[0].ID != "scope.urls" {
		t.Fatalf("tenant run: screen %s, target %+v, %d checks", m.screen(), m.current, len(m.checks))
	}
	if len(m.recent) != 0 {
		t.Fatalf("the tenant went into the recent targets: %v", m.recent)
	}
}

// BenchmarkFirstFrame is the TUI's share of start-up: building the root model and drawing the first
// frame at 80x24 (the CLI's own start-up and the terminal are not included).
func BenchmarkFirstFrame(b *testing.B) {
	for b.Loop() {
		m := New(context.Background(), Options{Backend: newTestBackend()})
		next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = next.View()
	}
}

// TestHeaderNamesTenantOperatorCloud: the header says, once signed in, which tenant (display name and
// default domain, as the backend reads them), which operator and which cloud, and which tenant a
// target lives in after each target (the demo has several); at 80 columns the version and then the
// screen name give way before any of them.
func TestHeaderNamesTenantOperatorCloud(t *testing.T) {
	m := rootModel(t, Options{Demo: true, Version: "0.1.0"})
	if h := ansi.Strip(m.header()); !strings.Contains(h, "DEMO tenants") || !strings.Contains(h, "public") {
		t.Fatalf("before sign-in: %q", h)
	}
	m, _ = update(t, m, startSignInMsg{})
	m, cmd := update(t, m, signInDoneMsg{id: m.signInID})
	m, _ = update(t, m, runAll(cmd)...)
	h := ansi.Strip(m.header())
	if want := "mdmdoctor 0.1.0 · DEMO Contoso (contoso.com) · admin@contoso.com · public Target"; strings.Join(strings.Fields(h), " ") != want {
		t.Fatalf("once signed in: %q, want %q", h, want)
	}
	fab := facts.Target{Kind: facts.TargetUser, User: "fred@fabrikam.com", Domains: []string{"fabrikam.com"}}
	m, cmd = update(t, m, resolvedMsg{input: "fred@fabrikam.com", target: fab})
	var named []tea.Msg
	for _, msg := range runAll(cmd) {
		if n, ok := msg.(whereMsg); ok {
			named = append(named, n)
		}
	}
	if len(named) != 1 {
		t.Fatal("the target's tenant was not asked for")
	}
	m, _ = update(t, m, named...)
	if h := ansi.Strip(m.header()); !strings.HasPrefix(h, "mdmdoctor 0.1.0 · DEMO Fabrikam (fabrikam.com) · admin@fabrikam.com · public") {
		t.Fatalf("after a target in another tenant: %q", h)
	}
	m, _ = update(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
	// The version, then the screen name, then the operator give way; tenant and cloud stay.
	if h := ansi.Strip(m.header()); h != "mdmdoctor · DEMO Fabrikam (fabrikam.com) · public" {
		t.Fatalf("at 60 columns: %q", h)
	}
}

// TestExportSweepAfterTenantWalkthrough: the device sweep a tenant run hands back is written from the
// report screen as CSV, privately; without a finished sweep the screen says why and writes nothing.
func TestExportSweepAfterTenantWalkthrough(t *testing.T) {
	tenant := facts.Target{Kind: facts.TargetTenant, TenantID: "11111111-1111-4111-8111-111111111111"}
	f := facts.New("public", tenant, fixedNow)
	for _, src := range []facts.Source{facts.SrcAllDevices, facts.SrcAllManagedDevices} {
		f.Apply(facts.Delta{Source: src, Apply: func(f *facts.Facts) {}})
	}
	f.Apply(facts.Delta{Source: facts.SrcAllDevices, Apply: func(f *facts.Facts) {
		f.AllDevices = []facts.EntraDevice{
			{ID: "o1", DeviceID: "d1", DisplayName: "CAROL-LT", TrustType: "AzureAd", OperatingSystem: "Windows", ApproximateLastSignInDateTime: fixedNow.AddDate(0, 0, -1)},
			{ID: "o2", DeviceID: "d2", DisplayName: "CAROL-LT", TrustType: "Workplace", OperatingSystem: "Windows", ApproximateLastSignInDateTime: fixedNow.AddDate(0, -6, 0)},
		}
	}})
	sw := checks.TenantSweep(f)

	m := rootModel(t, Options{Backend: tenantBackend{newTestBackend()}})
	m, _ = update(t, m, resolvedMsg{target: tenant})
	m, _ = update(t, m, runner.DoneMsg{ID: m.runID, Sweep: &sw}, tuitest.Press("enter"), tuitest.Press("w"))
	if v := ansi.Strip(m.frame()); !strings.Contains(v, "Export the device sweep as CSV") {
		t.Fatalf("no export offered after the walkthrough:\n%s", v)
	}
	path := filepath.Join(t.TempDir(), "devices.csv")
	m, cmd := update(t, m, report.SaveMsg{Path: path, Sweep: true})
	msgs := runAll(cmd)
	m, _ = update(t, m, msgs...)
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "CAROL-LT") {
		t.Fatalf("export: %v\n%s\n%s", err, b, ansi.Strip(m.frame()))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode %o, want 600", fi.Mode().Perm())
	}

	// A walkthrough whose device reads failed exports nothing and says why.
	m, _ = update(t, m, resolvedMsg{target: tenant})
	m, _ = update(t, m, runner.DoneMsg{ID: m.runID, SweepErr: "the device sweep did not finish (allDevices failed: 403)"}, tuitest.Press("enter"), tuitest.Press("w"))
	m, _ = update(t, m, report.SaveMsg{Path: filepath.Join(t.TempDir(), "x.csv"), Sweep: true})
	if v := ansi.Strip(m.frame()); !strings.Contains(v, "no export written: the device sweep did not finish") {
		t.Fatalf("no reason given:\n%s", v)
	}
}

// TestFixFromStepsFreshensEveryScreen: a fix opened from the step-through returns there, and the
// step-through, the results screen and the report all show the re-checked result: the root's one store
// of results is handed to each of them.
func TestFixFromStepsFreshensEveryScreen(t *testing.T) {
	m := withResults(t, rootModel(t, Options{}))
	r, _ := m.results.Selected()
	m, _ = update(t, m, results.StepsMsg{Result: r}, tuitest.Press("f"))
	if m.screen() != fixScreen {
		t.Fatalf("f on a step led to %s", m.screen())
	}
	fresh := checks.Result{ID: "license.intune", Subject: "bob@contoso.com", Status: checks.Pass, Summary: "SPE_E5 now assigned"}
	m, _ = update(t, m, fixflow.DoneMsg{User: "bob@contoso.com", Rechecked: []checks.Result{fresh}})
	if m.screen() != stepsScreen {
		t.Fatalf("after the fix: %s, want the step-through it was opened from", m.screen())
	}
	if cur, _ := m.steps.Current(); cur.Status != checks.Pass || !strings.Contains(ansi.Strip(m.frame()), "SPE_E5 now assigned") {
		t.Fatalf("the step-through shows a stale result:\n%s", ansi.Strip(m.frame()))
	}
	m, _ = update(t, m, tuitest.Press("esc"))
	if sel, _ := m.results.Selected(); m.screen() != resultsScreen || sel.Status != checks.Pass {
		t.Fatalf("results after the fix: on %s, selected %+v", m.screen(), sel)
	}
	if rep := m.reportData(); rep.Summary.Fail != 0 || rep.Summary.Pass != 2 {
		t.Fatalf("the report counts %+v", rep.Summary)
	}
}
