package steps

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/results"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

func catalog() []checks.Check {
	return []checks.Check{
		{ID: "dns.enrollment-cname", Step: checks.StepDNS, Question: "Does EnterpriseEnrollment point to Intune?"},
		{ID: "license.intune", Step: checks.StepRequirements, Question: "Does the user hold an Intune plan?"},
		{ID: "scope.mdm", Step: checks.StepScope, Question: "Is the user in the MDM scope?"},
		{ID: "operator.permissions", Step: checks.StepRequirements, Question: "Can the operator read it all?"},
	}
}

func stepResults() []checks.Result {
	return []checks.Result{
		{ID: "scope.mdm", Subject: "bob@contoso.com", Status: checks.Fail, Summary: "Not in scope", Remediation: "Add bob to Intune Users.",
			Evidence: []checks.Evidence{{Source: "GET /beta/policies/mobileDeviceManagementPolicies", Detail: "appliesTo selected"}},
			Fixes:    []checks.Fix{{ID: "scope.mdm.add-user-to-group", Title: "Add bob to Intune Users"}}, Docs: "https://learn.microsoft.com/scope"},
		{ID: "dns.enrollment-cname", Subject: "contoso.com", Status: checks.Pass, Summary: "CNAME right"},
		{ID: "license.intune", Subject: "bob@contoso.com", Status: checks.Pass, Summary: "INTUNE_A provisioned"},
		{ID: "operator.permissions", Subject: "bob@contoso.com", Status: checks.Warn, Summary: "Some scopes missing"},
		{ID: "custom.unknown", Subject: "bob@contoso.com", Title: "A check not in the list", Status: checks.Skip, Summary: "Skipped"},
	}
}

func open(t *testing.T, at checks.Result) Model {
	t.Helper()
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	return m.Set(catalog(), stepResults(), at)
}

func walk(t *testing.T, m Model) []string {
	t.Helper()
	var ids []string
	for {
		cur, _ := m.Current()
		ids = append(ids, cur.ID)
		next, _, _ := m.Update(tuitest.Press("right"))
		if c, _ := next.Current(); c.ID == cur.ID {
			return ids
		}
		m = next
	}
}

func TestSeedProcedureOrder(t *testing.T) {
	m := open(t, checks.Result{})
	got := strings.Join(walk(t, m), " ")
	want := "license.intune operator.permissions scope.mdm dns.enrollment-cname custom.unknown"
	if got != want {
		t.Fatalf("steps in order %s, want %s", got, want)
	}
	v := tuitest.Plain(m.View())
	for _, s := range []string{"Step 1 of 4: Requirements", "screen 1 of 5", "Question", "Does the user hold an Intune plan?", "Verdict", "✓ PASS  INTUNE_A provisioned", "nothing to fix"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
}

func TestOpensAtResultAndMovesBothWays(t *testing.T) {
	m := open(t, stepResults()[0])
	v := tuitest.Plain(m.View())
	for _, s := range []string{"Step 2 of 4: MDM user scope", "✗ FAIL  Not in scope", "Add bob to Intune Users.", "appliesTo selected", "scope.mdm.add-user-to-group"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
	m, _, _ = m.Update(tuitest.Press("p"))
	if c, _ := m.Current(); c.ID != "operator.permissions" {
		t.Fatalf("p went to %s", c.ID)
	}
	m, _, _ = m.Update(tuitest.Press("right"))
	m, _, _ = m.Update(tuitest.Press("right"))
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Step 3 of 4: DNS") {
		t.Fatalf("two steps on:\n%s", v)
	}
	// The first page has no previous one.
	first := open(t, checks.Result{})
	if again, _, _ := first.Update(tuitest.Press("p")); again.index != 0 {
		t.Fatal("p moved before the first page")
	}
}

func TestKeysAskTheRoot(t *testing.T) {
	m := open(t, stepResults()[0])
	_, _, req := m.Update(tuitest.Press("f"))
	if got, ok := req.(results.FixMsg); !ok || got.Result.ID != "scope.mdm" {
		t.Fatalf("f sent %#v", got)
	}
	_, _, req = m.Update(tuitest.Press("o"))
	if got := req; got != (nav.OpenDocs{URL: "https://learn.microsoft.com/scope"}) {
		t.Fatalf("o sent %#v", got)
	}
	_, _, req = m.Update(tuitest.Press("esc"))
	if got := req; got != (nav.Back{}) {
		t.Fatalf("esc sent %#v", got)
	}
	plain := open(t, checks.Result{})
	_, _, req = plain.Update(tuitest.Press("f"))
	if _, ok := req.(nav.Status); !ok {
		t.Fatal("f without a fix did not explain")
	}
}

func TestLongStepScrolls(t *testing.T) {
	long := stepResults()[0]
	for range 30 {
		long.Evidence = append(long.Evidence, checks.Evidence{Source: "GET /v1.0/groups", Detail: "another group the user is not in"})
	}
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	m = m.Set(catalog(), []checks.Result{long}, long)
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "more lines (↓/pgdn)") {
		t.Fatalf("no hint that the step goes on:\n%s", v)
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
	for range 40 {
		m, _, _ = m.Update(tuitest.Press("j"))
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "learn.microsoft.com/scope") || strings.Contains(v, "more lines") {
		t.Fatalf("scrolling did not reach the end:\n%s", v)
	}
}

// TestNextFailure: n and N open the next and previous page that failed or could not run, skipping the
// rest, and say so at either end; c copies the page's result.
func TestNextFailure(t *testing.T) {
	m := open(t, checks.Result{})
	m, _, _ = m.Update(tuitest.Press("n"))
	if c, _ := m.Current(); c.ID != "scope.mdm" {
		t.Fatalf("n went to %s, want the failing scope.mdm", c.ID)
	}
	_, _, req := m.Update(tuitest.Press("n"))
	if _, ok := req.(nav.Status); !ok {
		t.Fatalf("n past the last failure sent %#v", req)
	}
	_, _, req = m.Update(tuitest.Press("c"))
	if cp, ok := req.(nav.Copy); !ok || !strings.Contains(cp.Text, "scope.mdm") || !strings.Contains(cp.Text, "Docs: https://learn.microsoft.com/scope") {
		t.Fatalf("c sent %#v", req)
	}
	back, _, _ := m.Update(tuitest.Press("N"))
	if back.index != m.index {
		t.Fatalf("N moved to page %d with no failure before it", back.index)
	}
}

// TestEnterGoesOn: enter goes on to the next step, as it goes on everywhere; on the last it says how
// to leave.
func TestEnterGoesOn(t *testing.T) {
	m := open(t, checks.Result{})
	m, _, _ = m.Update(tuitest.Press("enter"))
	if m.index != 1 {
		t.Fatalf("enter left the page at %d", m.index)
	}
	m.index = len(m.pages) - 1
	if _, _, req := m.Update(tuitest.Press("enter")); req != (nav.Status{Text: "This is the last step: esc goes back to the results."}) {
		t.Fatalf("enter on the last step asks %#v", req)
	}
}
