package target

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in      string
		kind    Kind
		wantErr string
	}{
		{"", Empty, ""},
		{"alice@contoso.com", UPN, ""},
		{"  alice@contoso.com ", UPN, ""},
		{"o'brien@sub.contoso.co.uk", UPN, ""},
		{"alice@contoso", UPN, "needs a dot"},
		{"@contoso.com", UPN, "name before the @"},
		{"alice@", UPN, "domain after the @"},
		{"a@b@contoso.com", UPN, "exactly one @"},
		{"alice@contoso..com", UPN, "empty part"},
		{"alice@con_toso.com", UPN, "letters, digits, hyphens"},
		{"DESKTOP-4F2K9", Device, ""},
		{"5CG1234XYZ", Device, ""},
		{"alice smith", Empty, "no spaces"},
		{"laptop#1", Device, "letters, digits"},
		{strings.Repeat("x", 65), Device, "at most 64"},
	}
	for _, tt := range tests {
		kind, err := Classify(tt.in)
		if kind != tt.kind {
			t.Errorf("Classify(%q) kind %d, want %d", tt.in, kind, tt.kind)
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("Classify(%q): %v", tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Classify(%q) error %v, want %q", tt.in, err, tt.wantErr)
		}
	}
}

func newScreen(tenant bool) Model {
	m := New(tuitest.Deps()).SetRecent([]string{"carol@contoso.com"}).SetDemo([]string{"alice@contoso.com", "bob@contoso.com"}).SetTenant(tenant)
	m.SetSize(80, 20)
	return m
}

func typeIn(m Model, s string) Model {
	for _, k := range tuitest.Type(s) {
		m, _, _ = m.Update(k)
	}
	return m
}

func TestValidatedAsTyped(t *testing.T) {
	m := typeIn(newScreen(false), "alice@contoso")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗ the domain needs a dot") {
		t.Fatalf("half-typed UPN shows no hint:\n%s", v)
	}
	m = typeIn(m, ".com")
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✓ a user (UPN)") {
		t.Fatalf("UPN not recognised:\n%s", v)
	}
	if !m.Typing() {
		t.Fatal("q would quit while typing")
	}
	m2 := typeIn(newScreen(false), "DESKTOP-4F2K9")
	if v := tuitest.Plain(m2.View()); !strings.Contains(v, "device name or serial") {
		t.Fatalf("device name not recognised:\n%s", v)
	}
}

func TestEnterSubmitsOnlyValidInput(t *testing.T) {
	m, _, req := newScreen(false).Update(tuitest.Press("enter"))
	if req != nil || !strings.Contains(tuitest.Plain(m.View()), "type a UPN or a device name first") {
		t.Fatalf("empty input submitted or no hint:\n%s", tuitest.Plain(m.View()))
	}
	m, _, req = typeIn(newScreen(false), "bob@contoso").Update(tuitest.Press("enter"))
	if req != nil {
		t.Fatalf("invalid input submitted: %#v", req)
	}
	_, _, req = typeIn(m, ".com").Update(tuitest.Press("enter"))
	if got, ok := req.(SubmitMsg); !ok || got.Input != "bob@contoso.com" {
		t.Fatalf("enter sent %#v", got)
	}
}

func TestListPicksRecentAndDemo(t *testing.T) {
	m, _, _ := newScreen(false).Update(tuitest.Press("tab"))
	if m.Typing() {
		t.Fatal("tab did not leave the input")
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "› carol@contoso.com") || !strings.Contains(v, "Demo users") {
		t.Fatalf("list view:\n%s", v)
	}
	_, _, req := m.Update(tuitest.Press("enter"))
	if got, _ := req.(SubmitMsg); got.Input != "carol@contoso.com" {
		t.Fatalf("enter on the recent target sent %#v", got)
	}
	m, _, _ = m.Update(tuitest.Press("j"))
	m, _, _ = m.Update(tuitest.Press("j"))
	_, _, req = m.Update(tuitest.Press("enter"))
	if got, _ := req.(SubmitMsg); got.Input != "bob@contoso.com" {
		t.Fatalf("enter on the second demo user sent %#v", got)
	}
	// k from the top of the list goes back to typing, and q is a letter again.
	m, _, _ = newScreen(false).Update(tuitest.Press("tab"))
	m, _, _ = m.Update(tuitest.Press("k"))
	if !m.Typing() {
		t.Fatal("up from the first item did not return to the input")
	}
}

func TestTenantComingSoonUnlessBackendCan(t *testing.T) {
	for _, available := range []bool{false, true} {
		m, _, _ := newScreen(available).Update(tuitest.Press("tab"))
		m, _, _ = m.Update(tuitest.Press("G"))
		m, _, _ = m.Update(tuitest.Press("k")) // above the journal
		view := tuitest.Plain(m.View())
		_, _, req := m.Update(tuitest.Press("enter"))
		msg := req
		if available {
			if _, ok := msg.(TenantMsg); !ok {
				t.Fatalf("tenant available: enter sent %#v", msg)
			}
			continue
		}
		if !strings.Contains(view, "coming soon") {
			t.Fatalf("unavailable tenant walkthrough not labelled:\n%s", view)
		}
		if st, ok := msg.(nav.Status); !ok || !strings.Contains(st.Text, "not available yet") {
			t.Fatalf("tenant unavailable: enter sent %#v", msg)
		}
	}
}

func TestResolvingAndFailure(t *testing.T) {
	m, cmd := typeIn(newScreen(false), "x@nowhere.example").Resolving("x@nowhere.example")
	if cmd == nil || !strings.Contains(tuitest.Plain(m.View()), "Looking up x@nowhere.example") {
		t.Fatal("resolving shows no spinner")
	}
	if _, _, req := m.Update(tuitest.Press("enter")); req != nil {
		t.Fatal("a second submission while resolving")
	}
	m = m.Failed(errTest("no user x@nowhere.example in this tenant"))
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "✗ no user x@nowhere.example") || !m.Typing() {
		t.Fatalf("failure not shown or input not focused:\n%s", v)
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
}

type errTest string

func (e errTest) Error() string { return string(e) }

// TestFixedEntriesInViewWithFullLists: with every recent slot taken and ten demo users, the tenant
// walkthrough, the device paste and the error are still on screen at 80x24 (a body of 20 rows), and
// the targets that do not fit are signed; moving down the list keeps the cursor in view.
func TestFixedEntriesInViewWithFullLists(t *testing.T) {
	var recent, demo []string
	for i := range 8 {
		recent = append(recent, fmt.Sprintf("user%d@contoso.com", i))
	}
	for i := range 10 {
		demo = append(demo, fmt.Sprintf("demo%d@fabrikam.com", i))
	}
	m := New(tuitest.Deps()).SetRecent(recent).SetDemo(demo).SetTenant(true)
	m.SetSize(80, 20)
	v := tuitest.Plain(m.View())
	tuitest.RequireFits(t, m.View(), 80, 20)
	for _, want := range []string{"Whole tenant walkthrough", "dsregcmd /status output", "The error the user saw", "↓ ", "more (recent and demo)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	m, _, _ = m.Update(tuitest.Press("tab"))
	for range 12 {
		m, _, _ = m.Update(tuitest.Press("j"))
	}
	v = tuitest.Plain(m.View())
	tuitest.RequireFits(t, m.View(), 80, 20)
	if !strings.Contains(v, "› demo4@fabrikam.com") || !strings.Contains(v, "13/18 · ↑") || !strings.Contains(v, "Whole tenant walkthrough") {
		t.Fatalf("cursor out of view or no position:\n%s", v)
	}
}

// TestJournalFromTheList: the journal of fixes is the list's last entry, and enter asks the root to open it.
func TestJournalFromTheList(t *testing.T) {
	m, _, _ := newScreen(true).Update(tuitest.Press("tab"))
	m, _, _ = m.Update(tuitest.Press("G"))
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "› Journal of the fixes applied, and undo") {
		t.Fatalf("the journal is not the last entry:\n%s", v)
	}
	if _, _, req := m.Update(tuitest.Press("enter")); req != (nav.OpenJournal{}) {
		t.Fatalf("enter asks %#v", req)
	}
}
