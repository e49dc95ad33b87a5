package fixflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/stream"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

const (
	bob   = "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	kiosk = "322c06b4-50f6-48be-bbea-1c9c6ab2e285"
	iu    = "e0a64e87-b7a6-4106-bc6b-b28d7584456e"
	w, h  = 80, 20
)

// bobFacts are the facts of a user outside the MDM scope who is in the group Kiosk, and the
// catalog's scope.mdm result judged on them (with its three fixes).
func bobFacts(t *testing.T) (*facts.Facts, []checks.Result) {
	t.Helper()
	target := facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com"}
	f := facts.New("public", target, time.Now())
	f.Apply(facts.Delta{Source: facts.SrcMDMPolicy, Apply: func(f *facts.Facts) {
		f.MDMPolicy = &facts.MobilityPolicy{ID: "0000000a-0000-0000-c000-000000000000", AppliesTo: "selected", Present: true,
			IncludedGroups: []facts.Group{{ID: iu, DisplayName: "Intune Users", Kind: "group"}}}
	}})
	f.Apply(facts.Delta{Source: facts.SrcMemberOf, Apply: func(f *facts.Facts) {
		f.MemberOf = []facts.Group{{ID: kiosk, DisplayName: "Kiosk", Kind: "group"}}
	}})
	f.Apply(facts.Delta{Source: facts.SrcUser, Apply: func(f *facts.Facts) {
		f.User = &facts.User{ID: bob, UserPrincipalName: "bob@contoso.com", UsageLocation: "US"}
	}})
	f.Apply(facts.Delta{Source: facts.SrcScopeNesting, Apply: func(f *facts.Facts) {
		f.ScopeNesting = &facts.ScopeNesting{Direct: []string{kiosk}}
	}})
	for _, c := range checks.Catalog() {
		if c.ID == "scope.mdm" {
			rs := checks.Evaluate(c, f)
			if len(rs) != 1 || len(rs[0].Fixes) != 3 {
				t.Fatalf("scope.mdm on bob's facts: %+v", rs)
			}
			return f, rs
		}
	}
	t.Fatal("no scope.mdm in the catalog")
	return nil, nil
}

// fakeFixer drafts with the real fix package on fixed facts and records what it is asked to apply;
// apply blocks until release is closed, when set.
type fakeFixer struct {
	f        *facts.Facts
	results  []checks.Result
	readOnly bool
	draftErr error
	release  chan struct{}
	applied  []*fix.Plan
	// confirm is the name an undo plan asks to be typed; undone the runs undone.
	confirm string
	undone  []string
}

func (x *fakeFixer) DraftFix(_ context.Context, _ facts.Target, id string) (*fix.Draft, error) {
	if x.draftErr != nil {
		return nil, x.draftErr
	}
	return fix.NewDraft(x.f, x.results, id)
}

func (x *fakeFixer) ApplyFix(_ context.Context, _ facts.Target, p *fix.Plan, prompt func(facts.SignInPrompt), progress func(fix.Event)) (*fix.Outcome, error) {
	x.applied = append(x.applied, p)
	prompt(facts.SignInPrompt{UserCode: "ABCD1234", VerificationURL: "https://microsoft.com/devicelogin", Message: "To sign in, use a web browser."})
	progress(fix.Event{Step: 1, Of: 1, Request: p.Requests[0]})
	if x.release != nil {
		<-x.release
	}
	progress(fix.Event{Step: 1, Of: 1, Request: p.Requests[0], Sent: true, Outcome: fix.Applied})
	return &fix.Outcome{JournalID: "20261125-180000-abcdef", Result: fix.Applied,
		Rechecked: []checks.Result{{ID: "scope.mdm", Status: checks.Pass, Summary: "The MDM user scope includes the user."}}}, nil
}

func (x *fakeFixer) ReadOnly() bool { return x.readOnly }

// DraftUndo plans the undo of a run as the fix package plans the fix itself, marked as its undo.
func (x *fakeFixer) DraftUndo(_ context.Context, id string) (*fix.Plan, error) {
	d, err := fix.NewDraft(x.f, x.results, "scope.mdm.add-user-to-group")
	if err != nil {
		return nil, err
	}
	p, err := d.Plan(fix.Choices{Group: iu})
	if err != nil {
		return nil, err
	}
	p.Undoes, p.Confirm = id, x.confirm
	return p, nil
}

func (x *fakeFixer) ApplyUndo(_ context.Context, id string, p *fix.Plan, _ func(facts.SignInPrompt), progress func(fix.Event)) (*fix.Outcome, error) {
	x.undone = append(x.undone, id)
	progress(fix.Event{Step: 1, Of: 1, Request: p.Requests[0], Sent: true, Outcome: fix.Applied})
	return &fix.Outcome{JournalID: "20261125-190000-undo01", Result: fix.Applied,
		Rechecked: []checks.Result{{ID: "scope.mdm", Status: checks.Fail, Summary: "The user is outside the MDM user scope again."}}}, nil
}

// TestUndoFromTheJournal: the undo of a journal run is planned by the backend, previewed, confirmed by
// typing the device's name where the plan asks for it (yes is not enough then), applied through
// ApplyUndo with the run's ID, and ends with the re-checked results of the plan's user.
func TestUndoFromTheJournal(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results, confirm: "CAROL-LT"}
	st, km := tuitest.Deps()
	m := New(st, km, x)
	m.SetSize(w, h)
	m, cmd := m.StartUndo(context.Background(), "20261125-180000-abcdef")
	view(t, m, "Undo: 20261125-180000-abcdef", "Planning the undo from the journal")
	m, _ = drain(t, m, cmd)
	view(t, m, "Undo: 20261125-180000-abcdef · bob@contoso.com", "Nothing has been sent", "1. POST")
	m, _ = press(m, t, "enter")
	view(t, m, "Type the device's name (CAROL-LT)")
	m, _ = press(m, t, "y", "e", "s", "enter")
	view(t, m, "That is not the device's name: type CAROL-LT")
	if len(x.undone) != 0 {
		t.Fatal("yes stood in for the device's name")
	}
	m, _ = press(m, t, "c", "a", "r", "o", "l", "-", "l", "t")
	m, cmd, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m, _ = drain(t, m, cmd)
	view(t, m, "✓ Applied.", "Journal entry 20261125-190000-undo01")
	if len(x.undone) != 1 || x.undone[0] != "20261125-180000-abcdef" || len(x.applied) != 0 {
		t.Fatalf("undone %v, applied %v", x.undone, x.applied)
	}
	_, req := press(m, t, "enter")
	if done, ok := req.(DoneMsg); !ok || done.User != "bob@contoso.com" || len(done.Rechecked) != 1 {
		t.Fatalf("leaving asks %#v", req)
	}
}

// TestUndoPreviewEscGoesBack: esc on an undo's preview leaves the screen for the journal (an undo has
// no choices to go back to), as it does while the undo is still being planned; it once panicked there.
func TestUndoPreviewEscGoesBack(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results}
	st, km := tuitest.Deps()
	m := New(st, km, x)
	m.SetSize(w, h)
	planning, _ := m.StartUndo(context.Background(), "20261125-180000-abcdef")
	if _, req := press(planning, t, "esc"); req != (nav.Back{}) {
		t.Fatalf("esc while planning the undo asks %#v, want nav.Back", req)
	}
	m, cmd := m.StartUndo(context.Background(), "20261125-180000-abcdef")
	m, _ = drain(t, m, cmd)
	view(t, m, "Undo: 20261125-180000-abcdef · bob@contoso.com", "Nothing has been sent")
	if _, req := press(m, t, "esc"); req != (nav.Back{}) {
		t.Fatalf("esc on the undo's preview asks %#v, want nav.Back", req)
	}
	if len(x.undone) != 0 {
		t.Fatalf("esc undid %v", x.undone)
	}
}

func start(t *testing.T, x *fakeFixer) Model {
	t.Helper()
	st, km := tuitest.Deps()
	m := New(st, km, x).SetUndoCommand(func(id string) string { return "mdmdoctor undo " + id + " --demo" })
	m.SetSize(w, h)
	var cmd tea.Cmd
	m, cmd = m.Start(context.Background(), facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com"}, x.results[0])
	m, _ = drain(t, m, cmd)
	return m
}

// drain runs commands and feeds their messages back until none is left but spinner ticks; it
// returns the last request the screen made of the root.
func drain(t *testing.T, m Model, cmd tea.Cmd) (Model, tea.Msg) {
	t.Helper()
	var req tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case stream.Batch:
			for _, one := range msg.Msgs {
				queue = append(queue, func() tea.Msg { return one })
			}
			queue = append(queue, msg.Next())
		case spinner.TickMsg, nil:
		case tea.QuitMsg:
			return m, msg
		default:
			var next tea.Cmd
			var r tea.Msg
			m, next, r = m.Update(msg)
			if r != nil {
				req = r
			}
			queue = append(queue, next)
		}
	}
	return m, req
}

func press(m Model, t *testing.T, ks ...string) (Model, tea.Msg) {
	t.Helper()
	var req tea.Msg
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		var cmd tea.Cmd
		var r tea.Msg
		m, cmd, r = m.Update(msg)
		var r2 tea.Msg
		m, r2 = drain(t, m, cmd)
		req = r
		if r2 != nil {
			req = r2
		}
	}
	return m, req
}

func view(t *testing.T, m Model, want ...string) string {
	t.Helper()
	v := m.View()
	tuitest.RequireFits(t, v, w, h)
	plain := tuitest.Plain(v)
	for _, s := range want {
		if !strings.Contains(plain, s) {
			t.Errorf("the screen lacks %q:\n%s", s, plain)
		}
	}
	return plain
}

// TestGuidedFixFromChoiceToOutcome walks the whole flow: pick the fix, pick the group from a list,
// read the request, refuse a wrong confirmation, type yes, see the consent code and the progress,
// then the journal ID and the re-check, and hand the fresh result back to the root.
func TestGuidedFixFromChoiceToOutcome(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results}
	m := start(t, x)
	view(t, m, "Choose a fix", "› scope.mdm.add-user-to-group", "scope.mdm.add-group", "scope.mdm.all")
	m, _ = press(m, t, "down", "enter")
	view(t, m, "Choose a group that holds the user", "› "+kiosk+"  Kiosk")
	m, _ = press(m, t, "enter")
	view(t, m, "Nothing has been sent", "1. POST", "/includedGroups/$ref", "groups('"+kiosk+"')", "Policy.ReadWrite.MobilityManagement")
	m, _ = press(m, t, "enter")
	if !m.Typing() {
		t.Fatal("enter on the plan does not ask for confirmation")
	}
	view(t, m, "Type yes and press enter to send this request")
	m, _ = press(m, t, "n", "o", "enter")
	view(t, m, "Type the word yes")
	if len(x.applied) != 0 {
		t.Fatal("a wrong word sent the fix")
	}
	x.release = make(chan struct{})
	m, _ = press(m, t, "y", "e", "s", "x", "backspace")
	var cmd tea.Cmd
	m, cmd, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !m.Applying() {
		t.Fatal("not applying after yes")
	}
	// The first messages arrive while the fake holds the write in flight.
	m, cmd = readUntil(t, m, cmd, "includedGroups/$ref …")
	view(t, m, "Applying", "ABCD1234", "https://microsoft.com/devicelogin", "[1/1] POST")
	close(x.release)
	m, _ = drain(t, m, cmd)
	view(t, m, "✓ Applied.", "[1/1] POST", "applied", "20261125-180000-abcdef", "Undo it from the journal (u), or: mdmdoctor undo 20261125-180000-abcdef --demo", "✓ PASS scope.mdm: The MDM user scope includes the user.")
	if len(x.applied) != 1 || !strings.Contains(string(x.applied[0].Requests[0].Body), kiosk) {
		t.Errorf("applied %+v", x.applied)
	}
	_, req := press(m, t, "esc")
	done, ok := req.(DoneMsg)
	if !ok || len(done.Rechecked) != 1 || done.Rechecked[0].Status != checks.Pass {
		t.Errorf("leaving asks %#v", req)
	}
}

// readUntil reads the apply's stream, batch by batch as the root would, until the screen shows want;
// it returns the command that reads on.
func readUntil(t *testing.T, m Model, cmd tea.Cmd, want string) (Model, tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case stream.Batch:
			for _, one := range msg.Msgs {
				m, _, _ = m.Update(one)
			}
			if strings.Contains(ansi.Strip(m.View()), want) {
				return m, msg.Next()
			}
			queue = append(queue, msg.Next())
		}
	}
	t.Fatalf("the stream ended before the screen showed %q", want)
	return m, nil
}

func TestReadOnlyIsADryRun(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results, readOnly: true}
	m := start(t, x)
	m, _ = press(m, t, "enter")
	view(t, m, "Dry run (--read-only)", "1. POST", iu+"/members/$ref")
	m, _ = press(m, t, "enter", "y", "e", "s", "enter")
	if m.Typing() || m.Applying() || len(x.applied) != 0 {
		t.Fatal("a read-only session went on to confirm or apply")
	}
	if h := m.Help(); strings.Contains(helpText(h), "apply") {
		t.Errorf("read-only help offers apply: %s", helpText(h))
	}
	// esc goes back to the list of fixes, and from there leaves the screen.
	m, _ = press(m, t, "esc")
	view(t, m, "Choose a fix")
	_, req := press(m, t, "esc")
	if _, ok := req.(nav.Back); !ok {
		t.Errorf("esc asks %#v", req)
	}
}

func helpText(h keys.Help) string {
	var parts []string
	for _, b := range h.ShortHelp() {
		parts = append(parts, b.Help().Desc)
	}
	return strings.Join(parts, " ")
}

// TestQuitWaitsForTheWriteInFlight: asked to quit while applying, the screen quits only once the
// apply has ended.
func TestQuitWaitsForTheWriteInFlight(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results, release: make(chan struct{})}
	m := start(t, x)
	m, _ = press(m, t, "enter", "enter", "y", "e", "s")
	var cmd tea.Cmd
	m, cmd, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m = m.QuitWhenDone()
	m, cmd = readUntil(t, m, cmd, "[1/1] POST") // the consent code and the request sent
	view(t, m, "Quitting once the request in flight is answered and journaled")
	close(x.release)
	m, req := drain(t, m, cmd)
	if _, ok := req.(tea.QuitMsg); !ok {
		t.Fatalf("after the apply the screen asks %#v, want to quit", req)
	}
	if m.Applying() {
		t.Error("still applying")
	}
}

func TestDraftFailureIsShown(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results, draftErr: errors.New("the tenant changed since the check: re-check")}
	m := start(t, x)
	m, _ = press(m, t, "enter")
	view(t, m, "Not applied: the tenant changed since the check")
	_, req := press(m, t, "esc")
	if _, ok := req.(nav.Back); !ok {
		t.Errorf("esc asks %#v", req)
	}
}

// TestDeviceFromTheResult: two devices each have a stale record; opened from one device's result, the
// screen plans that device's deletion without asking which device is meant.
func TestDeviceFromTheResult(t *testing.T) {
	now := time.Now()
	target := facts.Target{Kind: facts.TargetUser, User: "carol@contoso.com"}
	f := facts.New("public", target, now)
	pair := func(name, live, stale, did string) []facts.EntraDevice {
		return []facts.EntraDevice{
			{ID: live, DeviceID: did, DisplayName: name, TrustType: "AzureAd", IsManaged: true, AccountEnabled: true, OperatingSystem: "Windows",
				ApproximateLastSignInDateTime: now.Add(-24 * time.Hour), RegistrationDateTime: now.Add(-400 * 24 * time.Hour)},
			// Disabled already: the delete is the step offered (an enabled one is offered disable-stale first).
			{ID: stale, DeviceID: stale + "-d", DisplayName: name, TrustType: "Workplace", AccountEnabled: false, OperatingSystem: "Windows",
				ApproximateLastSignInDateTime: now.Add(-150 * 24 * time.Hour), RegistrationDateTime: now.Add(-500 * 24 * time.Hour)},
		}
	}
	f.Apply(facts.Delta{Source: facts.SrcUserDevices, Apply: func(f *facts.Facts) {
		f.UserDevices = append(pair("CAROL-LT", "a1", "a2", "d1"), pair("CAROL-PC", "b1", "b2", "d2")...)
	}})
	f.Apply(facts.Delta{Source: facts.SrcManagedDevices, Apply: func(f *facts.Facts) {}})
	var results []checks.Result
	for _, c := range checks.Catalog() {
		if c.ID == "devices.duplicates" {
			results = checks.Evaluate(c, f)
		}
	}
	var pc checks.Result
	for _, r := range results {
		if r.Subject == "CAROL-PC" {
			pc = r
		}
	}
	if len(results) != 2 || len(pc.Fixes) != 1 {
		t.Fatalf("devices.duplicates on two devices: %+v", results)
	}
	x := &fakeFixer{f: f, results: results}
	st, km := tuitest.Deps()
	m := New(st, km, x)
	m.SetSize(w, h)
	var cmd tea.Cmd
	m, cmd = m.Start(context.Background(), target, pc)
	m, _ = drain(t, m, cmd)
	view(t, m, "Nothing has been sent", "reversible: NO", "DELETE https://graph.microsoft.com/v1.0/devices/b2")
}

// TestEscGoesBackOneLevel: esc from the preview returns to the choice it was planned with, from that
// choice to the list of fixes, and only from the list leaves the screen.
func TestEscGoesBackOneLevel(t *testing.T) {
	f, results := bobFacts(t)
	x := &fakeFixer{f: f, results: results}
	m := start(t, x)
	m, _ = press(m, t, "down", "enter", "enter")
	view(t, m, "Nothing has been sent")
	m, req := press(m, t, "esc")
	if req != nil {
		t.Fatalf("esc on the preview left the screen: %#v", req)
	}
	view(t, m, "Choose a group that holds the user")
	m, req = press(m, t, "esc")
	if req != nil {
		t.Fatalf("esc on the first choice left the screen: %#v", req)
	}
	view(t, m, "Choose a fix", "scope.mdm.add-group")
	if _, req = press(m, t, "esc"); req != (nav.Back{}) {
		t.Fatalf("esc on the list of fixes asked %#v, want back", req)
	}
}

// TestLongChoiceListSaysWhereItIs: a choice among more options than fit shows a window that keeps the
// cursor in view and a position line under it.
func TestLongChoiceListSaysWhereItIs(t *testing.T) {
	f, results := bobFacts(t)
	for i := range 40 {
		f.MemberOf = append(f.MemberOf, facts.Group{ID: fmt.Sprintf("00000000-0000-4000-8000-0000000000%02d", i), DisplayName: fmt.Sprintf("Group %02d", i), Kind: "group"})
	}
	x := &fakeFixer{f: f, results: results}
	m := start(t, x)
	m, _ = press(m, t, "down", "enter")
	view(t, m, "Choose a group that holds the user", "1/41 · ↓")
	for range 30 {
		m, _ = press(m, t, "down")
	}
	view(t, m, "› ", "31/41 · ↑", "Group 29")
}
