package report

import (
	"errors"
	"strings"
	"testing"

	reports "github.com/mdmdoctor/mdmdoctor/report"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

func opened() Model {
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	return m.Open("mdmdoctor-bob@contoso.com-20261125-1800", false)
}

func TestSaveMarkdownWithDefaultName(t *testing.T) {
	m, _, _ := opened().Update(tuitest.Press("enter"))
	if !m.Typing() || !strings.Contains(tuitest.Plain(m.View()), "File: mdmdoctor-bob@contoso.com-20261125-1800.md") {
		t.Fatalf("no file name field:\n%s", tuitest.Plain(m.View()))
	}
	_, _, req := m.Update(tuitest.Press("enter"))
	want := SaveMsg{Format: reports.FormatMarkdown, Path: "mdmdoctor-bob@contoso.com-20261125-1800.md"}
	if got := req; got != want {
		t.Fatalf("enter sent %#v, want %#v", got, want)
	}
	m = m.Saved("/tmp/x.md", nil)
	if m.Typing() || !strings.Contains(tuitest.Plain(m.View()), "✓ Saved to /tmp/x.md") {
		t.Fatalf("after saving:\n%s", tuitest.Plain(m.View()))
	}
}

func TestSaveJSONToTypedName(t *testing.T) {
	m, _, _ := opened().Update(tuitest.Press("j"))
	m, _, _ = m.Update(tuitest.Press("enter"))
	m, _, _ = m.Update(tuitest.Press("ctrl+u")) // clear the suggested name
	for _, k := range tuitest.Type("/tmp/r.json") {
		m, _, _ = m.Update(k)
	}
	_, _, req := m.Update(tuitest.Press("enter"))
	if got := req; got != (SaveMsg{Format: reports.FormatJSON, Path: "/tmp/r.json"}) {
		t.Fatalf("enter sent %#v", got)
	}
	m = m.Saved("/tmp/r.json", errors.New("/tmp/r.json already exists: type another name"))
	if !strings.Contains(tuitest.Plain(m.View()), "already exists") {
		t.Fatal("save error not shown")
	}
}

func TestEmptyNameAndEscape(t *testing.T) {
	m, _, _ := opened().Update(tuitest.Press("enter"))
	m, _, _ = m.Update(tuitest.Press("ctrl+u"))
	m, _, req := m.Update(tuitest.Press("enter"))
	if req != nil || !strings.Contains(tuitest.Plain(m.View()), "type a file name first") {
		t.Fatal("empty name accepted")
	}
	m, _, _ = m.Update(tuitest.Press("esc"))
	if m.Typing() {
		t.Fatal("esc kept the field")
	}
	_, _, req = m.Update(tuitest.Press("esc"))
	if req != (nav.Back{}) {
		t.Fatal("esc from the choices did not go back")
	}
}

func TestCopyChoice(t *testing.T) {
	m, _, _ := opened().Update(tuitest.Press("down"))
	m, _, _ = m.Update(tuitest.Press("down"))
	m, _, _ = m.Update(tuitest.Press("down")) // stays on the last
	_, _, req := m.Update(tuitest.Press("enter"))
	if req != (CopyMsg{}) {
		t.Fatal("enter on copy did not ask for the clipboard")
	}
}

// TestSweepExportAfterTenantWalkthrough: after a tenant walkthrough the device sweep can be exported as
// CSV or JSON; after a user's triage it is not offered.
func TestSweepExportAfterTenantWalkthrough(t *testing.T) {
	if v := tuitest.Plain(opened().View()); strings.Contains(v, "device sweep") {
		t.Fatalf("a user's report offers the sweep:\n%s", v)
	}
	m := New(tuitest.Deps())
	m.SetSize(80, 20)
	m = m.Open("mdmdoctor-tenant-20261125-1800", true)
	for _, k := range []string{"j", "j", "j", "enter"} {
		m, _, _ = m.Update(tuitest.Press(k))
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "File: mdmdoctor-tenant-20261125-1800-devices.csv") {
		t.Fatalf("no CSV name suggested:\n%s", v)
	}
	_, _, req := m.Update(tuitest.Press("enter"))
	if want := (SaveMsg{Path: "mdmdoctor-tenant-20261125-1800-devices.csv", Sweep: true}); req != want {
		t.Fatalf("enter sent %#v, want %#v", req, want)
	}
}
