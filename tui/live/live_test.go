package live

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

var target = facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com"}

func runChecks() []checks.Check {
	return []checks.Check{
		{ID: "license.intune", Needs: []facts.Source{facts.SrcLicenseDetails}},
		{ID: "scope.mdm", Needs: []facts.Source{facts.SrcMDMPolicy, facts.SrcMemberOf}},
	}
}

func begun(t *testing.T) Model {
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	m, cmd := m.Begin(target, runChecks())
	if cmd == nil {
		t.Fatal("Begin started no spinner")
	}
	return m
}

func TestChecksAppearWaitingThenSettle(t *testing.T) {
	m := begun(t)
	v := tuitest.Plain(m.View())
	for _, want := range []string{"Checking bob@contoso.com", "0/3 sources", "license.intune", "waiting for licenseDetails", "waiting for mdmPolicy, memberOf"} {
		if !strings.Contains(v, want) {
			t.Fatalf("view lacks %q:\n%s", want, v)
		}
	}
	m = m.Apply([]checks.Event{
		{Kind: checks.SourceSettled, Source: facts.SrcLicenseDetails, Status: facts.SourceStatus{State: facts.Loaded}},
		{Kind: checks.CheckSettled, CheckID: "license.intune", Results: []checks.Result{{ID: "license.intune", Status: checks.Fail, Summary: "No Intune plan"}}},
		{Kind: checks.SourceSettled, Source: facts.SrcMDMPolicy, Status: facts.SourceStatus{State: facts.Loaded}},
	}...)
	v = tuitest.Plain(m.View())
	for _, want := range []string{"2/3 sources", "✗ FAIL  license.intune", "No Intune plan", "waiting for memberOf", "reading: memberOf"} {
		if !strings.Contains(v, want) {
			t.Fatalf("view lacks %q:\n%s", want, v)
		}
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
}

func TestCancelOnlyWhileRunning(t *testing.T) {
	m := begun(t)
	for _, k := range []string{"x", "esc"} {
		_, _, req := m.Update(tuitest.Press(k))
		if _, ok := req.(CancelMsg); !ok {
			t.Fatalf("%s while running did not cancel", k)
		}
	}
	if _, _, req := m.Update(tuitest.Press("enter")); req != nil {
		t.Fatal("enter while running left the screen")
	}
	m = m.Finish([]checks.Result{{ID: "license.intune", Status: checks.Fail}, {ID: "scope.mdm", Status: checks.Error, Summary: "Could not run: cancelled"}}, true)
	if _, _, req := m.Update(tuitest.Press("x")); req != nil {
		t.Fatal("x after the run still cancels")
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Run stopped before every source was read") || !strings.Contains(v, "? ERROR scope.mdm") {
		t.Fatalf("cancelled run view:\n%s", v)
	}
}

func TestFinishedRunKeys(t *testing.T) {
	m := begun(t).Finish([]checks.Result{{ID: "license.intune", Status: checks.Pass}, {ID: "scope.mdm", Status: checks.Warn}}, false)
	if m.Running() {
		t.Fatal("still running after Finish")
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Finished: ✗ 0 fail  ? 0 error  ! 1 warn  ✓ 1 pass  - 0 skip") {
		t.Fatalf("tally missing:\n%s", v)
	}
	for k, want := range map[string]any{"enter": ResultsMsg{}, "s": StepsMsg{}, "R": AgainMsg{}, "esc": nav.Back{}} {
		_, _, req := m.Update(tuitest.Press(k))
		if got := req; got != want {
			t.Errorf("%s sent %#v, want %#v", k, got, want)
		}
	}
}

func TestTenantCheckWithManyResultsShowsWorst(t *testing.T) {
	m := begun(t).Finish([]checks.Result{
		{ID: "scope.mdm", Status: checks.Warn, Summary: "minor"},
		{ID: "scope.mdm", Status: checks.Fail, Summary: "Dave is out of scope"},
	}, false)
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "✗ FAIL  scope.mdm       2 results; worst: Dave is out of scope") {
		t.Fatalf("view:\n%s", v)
	}
	// license.intune ended with no result at all: it no longer spins.
	if !strings.Contains(v, "✓ PASS  license.intune  nothing to report") {
		t.Fatalf("a check with no results still waits:\n%s", v)
	}
}

// TestFailuresBelowTheFoldAreSigned: with more checks than rows, the last line says which checks are
// in view and how many of those out of view failed; scrolling down shows them.
func TestFailuresBelowTheFoldAreSigned(t *testing.T) {
	var cs []checks.Check
	var rs []checks.Result
	for i := range 20 {
		id := fmt.Sprintf("check.%02d", i)
		cs = append(cs, checks.Check{ID: id})
		st := checks.Pass
		if i >= 17 {
			st = checks.Fail
		}
		rs = append(rs, checks.Result{ID: id, Status: st, Summary: "judged"})
	}
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	m, _ = m.Begin(target, cs)
	m = m.Finish(rs, false)
	v := tuitest.Plain(m.View())
	tuitest.RequireFits(t, m.View(), 80, 20)
	if !strings.Contains(v, "checks 1-15 of 20 · ↓ 5 more") || !strings.Contains(v, "✗ 3 not in view failed") {
		t.Fatalf("no sign of the failures below:\n%s", v)
	}
	// n brings the failures below into view; N finds none above them then, and says so.
	m, _, req := m.Update(tuitest.Press("n"))
	if v := tuitest.Plain(m.View()); req != nil || !strings.Contains(v, "✗ FAIL  check.17") ||
		!strings.Contains(v, "↑ 5 more") || strings.Contains(v, "not in view failed") {
		t.Fatalf("n did not bring the next failure into view (request %#v):\n%s", req, v)
	}
	if _, _, req := m.Update(tuitest.Press("N")); req != (nav.Status{Text: "No failure before this one."}) {
		t.Fatalf("N with no failure above asks %#v", req)
	}
	for range 5 {
		m, _, _ = m.Update(tuitest.Press("j"))
	}
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "✗ FAIL  check.19") || strings.Contains(v, "not in view failed") || !strings.Contains(v, "↑ 5 more") {
		t.Fatalf("scrolled to the end:\n%s", v)
	}
}
