package results

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/runner"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

var target = facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com"}

func sample() []checks.Result {
	return []checks.Result{
		{ID: "operator.permissions", Subject: "bob@contoso.com", Title: "Operator permissions", Status: checks.Pass, Summary: "All read scopes"},
		{ID: "license.intune", Subject: "bob@contoso.com", Title: "Intune plan", Status: checks.Fail, Summary: "No Intune plan",
			Explanation: "Without an Intune plan enrollment is refused.", Remediation: "Assign SPE_E5.",
			Evidence: []checks.Evidence{{Source: "GET /v1.0/users/bob@contoso.com/licenseDetails", Detail: "INTUNE_O365 only"}},
			Docs:     "https://learn.microsoft.com/intune/licenses",
			Fixes:    []checks.Fix{{ID: "license.assign", Title: "Assign SPE_E5", Requests: []checks.Request{checks.AssignLicense("", "bob", nil)}}}},
		{ID: "mfa.registration", Subject: "bob@contoso.com", Title: "MFA", Status: checks.Warn, Summary: "No MFA for registration"},
		{ID: "scope.mdm", Subject: "bob@contoso.com", Title: "MDM scope", Status: checks.Fail, Summary: "Not in scope"},
		{ID: "enrollment.failures", Subject: "bob@contoso.com", Title: "Failures", Status: checks.Error, Summary: "Could not run", Error: "403"},
		{ID: "dns.enrollment-cname", Subject: "contoso.com", Title: "DNS", Status: checks.Skip, Summary: "Skipped"},
	}
}

func shown(w, h int, rs []checks.Result) Model {
	m := New(tuitest.Deps())
	m.SetSize(w, h)
	return m.Set(target, rs)
}

func TestGroupedBySeverityFailuresFirst(t *testing.T) {
	m := shown(80, 20, sample())
	var order []string
	for _, r := range m.Results() {
		order = append(order, r.ID)
	}
	want := "license.intune scope.mdm enrollment.failures mfa.registration operator.permissions dns.enrollment-cname"
	if got := strings.Join(order, " "); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
	v := tuitest.Plain(m.View())
	for _, s := range []string{"✗ Failures (2)", "? Could not run (1)", "! Warnings (1)", "› ✗ FAIL  license.intune", "Why it matters", "INTUNE_O365 only"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
	// A DNS result's subject differs from the user and is shown, opening the summary column, which starts
	// in the same column on every row.
	m = shown(200, 40, sample())
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "contoso.com · Skipped") {
		t.Errorf("subject of a DNS result missing:\n%s", v)
	}
	if a, b := columnOf(v, "contoso.com · Skipped"), columnOf(v, "No Intune plan"); a != b || a < 0 {
		t.Errorf("the subject's row starts its summary in column %d, another row in %d:\n%s", a, b, v)
	}
}

// columnOf is the column, in runes, where text first stands on a line of the view; -1 when it is absent.
func columnOf(view, text string) int {
	for _, line := range strings.Split(view, "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return len([]rune(line[:i]))
		}
	}
	return -1
}

func TestMovingSelectsAndActs(t *testing.T) {
	m := shown(80, 24, sample())
	cases := []struct {
		key  string
		want any
	}{
		{"f", FixMsg{}}, {"o", nav.OpenDocs{URL: "https://learn.microsoft.com/intune/licenses"}},
		{"r", RerunMsg{ID: "license.intune"}}, {"R", RerunAllMsg{}}, {"w", ReportMsg{}},
		{"t", NewTargetMsg{}}, {"s", StepsMsg{}},
	}
	for _, c := range cases {
		_, _, req := m.Update(tuitest.Press(c.key))
		got := req
		switch want := c.want.(type) {
		case FixMsg:
			if g, ok := got.(FixMsg); !ok || g.Result.ID != "license.intune" {
				t.Errorf("%s sent %#v", c.key, got)
			}
		case StepsMsg:
			if g, ok := got.(StepsMsg); !ok || g.Result.ID != "license.intune" {
				t.Errorf("%s sent %#v", c.key, got)
			}
		default:
			if got != want {
				t.Errorf("%s sent %#v, want %#v", c.key, got, want)
			}
		}
	}
	m, _, _ = m.Update(tuitest.Press("j"))
	if sel, _ := m.Selected(); sel.ID != "scope.mdm" {
		t.Fatalf("j selected %s", sel.ID)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "Not in scope") || !strings.Contains(v, "› ✗ FAIL  scope.mdm") {
		t.Fatalf("detail did not follow the cursor:\n%s", v)
	}
	// No fix and no docs: the operator is told rather than sent to an empty screen.
	for _, k := range []string{"f", "o"} {
		_, _, req := m.Update(tuitest.Press(k))
		if _, ok := req.(nav.Status); !ok {
			t.Errorf("%s on a result without it did not explain", k)
		}
	}
	m, _, _ = m.Update(tuitest.Press("G"))
	if sel, _ := m.Selected(); sel.ID != "dns.enrollment-cname" {
		t.Fatalf("G selected %s", sel.ID)
	}
	m, _, _ = m.Update(tuitest.Press("g"))
	if sel, _ := m.Selected(); sel.ID != "license.intune" {
		t.Fatalf("g selected %s", sel.ID)
	}
}

func TestZoomAndScrollDetail(t *testing.T) {
	m := shown(80, 12, sample())
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "more lines (pgdn") {
		t.Fatalf("a long detail pane gives no hint:\n%s", v)
	}
	m, _, _ = m.Update(tuitest.Press("enter"))
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "Failures (2)") || !strings.Contains(v, "Intune plan") {
		t.Fatalf("zoom still shows the list:\n%s", v)
	}
	before := v
	m, _, _ = m.Update(tuitest.Press("pgdown"))
	if v := tuitest.Plain(m.View()); v == before {
		t.Fatal("pgdown did not scroll the detail")
	}
	m, _, _ = m.Update(tuitest.Press("esc"))
	if !strings.Contains(tuitest.Plain(m.View()), "Failures (2)") {
		t.Fatal("esc did not leave the zoom")
	}
}

func TestRerunReplacesResults(t *testing.T) {
	m := shown(80, 24, sample())
	m, cmd := m.Rerunning("license.intune")
	if cmd == nil {
		t.Fatal("no spinner for the re-run")
	}
	if _, _, req := m.Update(tuitest.Press("r")); req != nil {
		t.Fatal("a second re-run of the same check while one runs")
	}
	var all []checks.Result
	for _, r := range m.Results() {
		if r.ID == "license.intune" {
			r = checks.Result{ID: "license.intune", Subject: "bob@contoso.com", Status: checks.Pass, Summary: "SPE_E5 now assigned"}
		}
		all = append(all, r)
	}
	m = m.Refresh(all, "license.intune")
	sel, _ := m.Selected()
	if sel.ID != "license.intune" || sel.Status != checks.Pass {
		t.Fatalf("cursor on %s %s after the re-run", sel.ID, sel.Status)
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗ Failures (1)") || !strings.Contains(v, "SPE_E5 now assigned") {
		t.Fatalf("view after re-run:\n%s", v)
	}
}

func TestFitsAt80x24And200x60(t *testing.T) {
	for _, size := range [][2]int{{80, 20}, {200, 56}, {60, 12}} {
		m := shown(size[0], size[1], many(50))
		for range 30 {
			m, _, _ = m.Update(tuitest.Press("j"))
		}
		tuitest.RequireFits(t, m.View(), size[0], size[1])
		if n := strings.Count(m.View(), "\n") + 1; n != size[1] {
			t.Errorf("%dx%d: view is %d lines, want the full height", size[0], size[1], n)
		}
	}
}

func many(n int) []checks.Result {
	statuses := []checks.Status{checks.Pass, checks.Warn, checks.Fail, checks.Skip, checks.Error}
	out := make([]checks.Result, n)
	for i := range out {
		out[i] = checks.Result{
			ID: "devices.duplicates", Subject: fmt.Sprintf("DESKTOP-%04d", i), Title: "No device recorded twice",
			Status: statuses[i%len(statuses)], Summary: fmt.Sprintf("device %d: a Workplace and an AzureAd record of one laptop", i),
			Explanation: "Two records of one device confuse compliance.", Remediation: "Delete the stale Workplace record.",
			Evidence: []checks.Evidence{{Source: "GET /v1.0/devices", Detail: "two records"}},
		}
	}
	return out
}

// BenchmarkResultsView2000 renders the results screen with 2,000 results, moving the cursor between
// frames as an operator would. A frame must stay well under 16 ms.
func BenchmarkResultsView2000(b *testing.B) {
	m := shown(200, 56, many(2000))
	down := tuitest.Press("j")
	b.ReportAllocs()
	for b.Loop() {
		m, _, _ = m.Update(down)
		_ = m.View()
	}
}

// A result's table (enrollment.failures) shows in its detail, one row per line within the width.
func TestDetailShowsTheTable(t *testing.T) {
	r := checks.Result{ID: "enrollment.failures", Subject: "bob@contoso.com", Title: "Failures", Status: checks.Fail, Summary: "1 failure",
		Table: &checks.Table{Columns: []string{"Time", "Category", "Reason", "Correlation ID"},
			Rows: [][]string{{"2026-11-30 09:14 UTC", "deviceNotSupported", "0x80180014 [0x80180014 MENROLL_E_DEVICENOTSUPPORTED: Your organization does not support this version of Windows]", "7c1d6f0e-4b8a-4d61-9a3e-2f5b8c9d0e1f"}}}}
	st, _ := tuitest.Deps()
	lines := Detail(st, r, 60)
	all := tuitest.Plain(strings.Join(lines, "\n"))
	if !strings.Contains(all, "Time · Category · Reason · Correlation ID") || !strings.Contains(all, "MENROLL_E_DEVICENOTSUPPORTED") {
		t.Fatalf("detail:\n%s", all)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Fatalf("line wider than 60: %q", l)
		}
	}
}

// TestNextFailureFilterFocusCopy covers the keys for moving and reading: n and N between failures, /
// to filter and esc to clear it, tab to give the detail the arrows, c to copy, esc back one level.
func TestNextFailureFilterFocusCopy(t *testing.T) {
	m := shown(80, 24, sample())
	sel := func(m Model) string { r, _ := m.Selected(); return r.ID }
	m, _, _ = m.Update(tuitest.Press("n"))
	m, _, _ = m.Update(tuitest.Press("n"))
	if sel(m) != "enrollment.failures" {
		t.Fatalf("n n selected %s, want the error after the two failures", sel(m))
	}
	if _, _, req := m.Update(tuitest.Press("n")); req == nil {
		t.Fatal("n past the last failure said nothing")
	}
	m, _, _ = m.Update(tuitest.Press("N"))
	if sel(m) != "scope.mdm" {
		t.Fatalf("N selected %s", sel(m))
	}

	// The filter matches ids and text, and is typed without q quitting.
	m, _, _ = m.Update(tuitest.Press("/"))
	if !m.Typing() {
		t.Fatal("/ did not give the filter the keys")
	}
	for _, k := range tuitest.Type("dns.") {
		m, _, _ = m.Update(k)
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "1 of 6") || !strings.Contains(v, "dns.enrollment-cname") || strings.Contains(v, "license.intune ") {
		t.Fatalf("filter on a check id:\n%s", v)
	}
	m, _, _ = m.Update(tuitest.Press("enter"))
	if m.Typing() || !strings.Contains(tuitest.Plain(m.View()), "/dns.") {
		t.Fatal("enter did not keep the filter")
	}
	m, _, _ = m.Update(tuitest.Press("esc"))
	// Cleared, every result is back and the cursor stays on the one it was on.
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "6/6 · ↑ 2 more") || strings.Contains(v, "of 6") {
		t.Fatalf("esc did not clear the filter:\n%s", v)
	}
	m, _, _ = m.Update(tuitest.Press("/"))
	for _, k := range tuitest.Type("INTUNE_O365") {
		m, _, _ = m.Update(k)
	}
	if sel(m) != "license.intune" || len(m.shown) != 1 {
		t.Fatalf("filter on evidence text: %d shown, cursor on %s", len(m.shown), sel(m))
	}
	m, _, _ = m.Update(tuitest.Press("esc"))

	// tab: the arrows scroll the detail, line by line, and leave the cursor alone.
	m = shown(80, 14, sample())
	m, _, _ = m.Update(tuitest.Press("tab"))
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "detail has the arrows") {
		t.Fatalf("no sign the detail has focus:\n%s", v)
	}
	m, _, _ = m.Update(tuitest.Press("j"))
	if sel(m) != "license.intune" || m.detail.Offset() != 1 {
		t.Fatalf("j with the detail focused: cursor %s, detail at line %d", sel(m), m.detail.Offset())
	}
	m, _, req := m.Update(tuitest.Press("esc"))
	if req != nil || m.focus {
		t.Fatalf("esc from the detail: %#v, focus %v", req, m.focus)
	}
	if _, _, req := m.Update(tuitest.Press("esc")); req != (nav.Back{}) {
		t.Fatalf("esc on the list sent %#v, want back", req)
	}

	_, _, req = m.Update(tuitest.Press("c"))
	cp, ok := req.(nav.Copy)
	if !ok || !strings.Contains(cp.Text, "No Intune plan") || !strings.Contains(cp.Text, "INTUNE_O365 only") ||
		!strings.Contains(cp.Text, "Assign SPE_E5.") || !strings.Contains(cp.Text, "https://learn.microsoft.com/intune/licenses") {
		t.Fatalf("c sent %#v", req)
	}
}

// TestPositionAndFailuresBelow: the rule under the list says where the cursor is and how many results,
// and failures, lie out of view.
func TestPositionAndFailuresBelow(t *testing.T) {
	m := shown(80, 12, many(20))
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "1/20 · ↓") {
		t.Fatalf("no position:\n%s", v)
	}
	for range 12 {
		m, _, _ = m.Update(tuitest.Press("j"))
	}
	v = tuitest.Plain(m.View())
	if !strings.Contains(v, "13/20 · ↑") || !strings.Contains(v, "↓") {
		t.Fatalf("position in the middle:\n%s", v)
	}
}

// TestDocsLinkNeverCut: a docs URL too long for the pane is a labelled hyperlink to the whole URL,
// never a URL split over lines or cut.
func TestDocsLinkNeverCut(t *testing.T) {
	long := "https://learn.microsoft.com/en-us/entra/identity/devices/troubleshoot-hybrid-join-windows-current"
	r := sample()[1]
	r.Docs = long
	lines := Detail(styles(), r, 80)
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, "\x1b]8;;"+long+"\x07") && !strings.Contains(joined, "\x1b]8;;"+long+"\x1b\\") {
		t.Fatalf("no hyperlink to the whole URL:\n%q", joined)
	}
	plain := tuitest.Plain(joined)
	if !strings.Contains(plain, "learn.microsoft.com/…/troubleshoot-hybrid-join-windows-current") || strings.Contains(plain, "https://learn.microsoft.com/en-us/entra/identity/dev") {
		t.Fatalf("the URL was split or cut rather than labelled:\n%s", plain)
	}
}

func styles() *theme.Styles { st, _ := tuitest.Deps(); return st }

// TestDeviceTableUnderDevicesResults: the devices.* results show the user's devices as a table that
// fits the pane, with the sweep's note under a stale record; other results do not.
func TestDeviceTableUnderDevicesResults(t *testing.T) {
	rows := []runner.DeviceRow{
		{Name: "BOB-LT", Join: "joined", Managed: true, Compliance: "compliant", LastCheckIn: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)},
		{Name: "BOB-LT", Join: "registered", LastSignIn: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Note: "stale: silent for more than 30 days"},
	}
	rs := append(sample(), checks.Result{ID: "devices.duplicates", Subject: "BOB-LT", Status: checks.Warn, Summary: "recorded twice"})
	m := shown(80, 40, rs).SetDevices(rows)
	v := tuitest.Plain(m.View())
	if strings.Contains(v, "Troubleshoot pane") {
		t.Fatalf("the table is under a result that is not about devices:\n%s", v)
	}
	m, _, _ = m.Update(tuitest.Press("/"))
	for _, k := range tuitest.Type("devices.") {
		m, _, _ = m.Update(k)
	}
	m, _, _ = m.Update(tuitest.Press("enter"))
	m, _, _ = m.Update(tuitest.Press("enter"))
	v = tuitest.Plain(m.View())
	tuitest.RequireFits(t, m.View(), 80, 40)
	for _, want := range []string{"Troubleshoot pane", "BOB-LT           joined        managed  compliant      2026-11-25",
		"BOB-LT           registered    no       -              - (sign-in 2026-06-01)", "↳ stale: silent for more than 30 days"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}
