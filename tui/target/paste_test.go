package target

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "dsregcmd", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBracketedPasteAttachesTheDeviceView(t *testing.T) {
	m, _, _ := newScreen(false).Update(tea.PasteMsg{Content: fixture(t, "demo-carol-duplicate.txt")})
	if m.Device() == nil {
		t.Fatalf("a pasted dsregcmd output was not attached:\n%s", tuitest.Plain(m.View()))
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "Device view: CAROL-LT") || !strings.Contains(v, "AzureAdJoined YES") {
		t.Fatalf("the attached device is not shown:\n%s", v)
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
	if m.input.Value() != "" {
		t.Errorf("the paste leaked into the UPN field: %q", m.input.Value())
	}
	m, _, req := m.Update(tuitest.Press("ctrl+x"))
	if m.Device() != nil {
		t.Fatal("ctrl+x did not remove the device view")
	}
	if st, ok := req.(nav.Status); !ok || !strings.Contains(st.Text, "removed") {
		t.Errorf("removal not confirmed: %#v", req)
	}
}

func TestPasteOfSomethingElseIsRefused(t *testing.T) {
	m, _, _ := newScreen(false).Update(tea.PasteMsg{Content: "hello\nthis is not it\n"})
	if m.Device() != nil {
		t.Fatal("prose attached as a device view")
	}
	if v := tuitest.Plain(m.View()); !strings.Contains(v, "dsregcmd /status") {
		t.Fatalf("no explanation of what to paste:\n%s", v)
	}
	// Terminals turn a paste's line ends into CR.
	cr := strings.ReplaceAll(fixture(t, "joined.txt"), "\n", "\r")
	if m, _, _ := newScreen(false).Update(tea.PasteMsg{Content: cr}); m.Device() == nil {
		t.Fatal("a paste with CR line ends was not attached")
	}
	// A single line is a UPN being pasted, not a device view.
	m, _, _ = newScreen(false).Update(tea.PasteMsg{Content: "alice@contoso.com"})
	if m.input.Value() != "alice@contoso.com" || m.Device() != nil {
		t.Fatalf("one-line paste: input %q, device %v", m.input.Value(), m.Device())
	}
}

// TestPasteArea covers terminals without bracketed paste: the paste area takes the output line by line
// (enter is a new line there, not a submission) until ctrl+s.
func TestPasteArea(t *testing.T) {
	m, _, _ := newScreen(false).Update(tuitest.Press("tab"))
	m, _, _ = m.Update(tuitest.Press("G"))
	m, _, _ = m.Update(tuitest.Press("k")) // the paste item sits above the tenant walkthrough and the journal
	m, _, _ = m.Update(tuitest.Press("k"))
	m, _, _ = m.Update(tuitest.Press("enter"))
	if !m.pasting || !m.Typing() {
		t.Fatalf("the paste area did not open:\n%s", tuitest.Plain(m.View()))
	}
	tuitest.RequireFits(t, m.View(), 80, 20)
	// A few lines are enough to be read as dsregcmd output; typing a whole one key by key is slow.
	lines := strings.Split(fixture(t, "joined.txt"), "\n")
	for _, line := range lines[:12] {
		m = typeIn(m, strings.TrimRight(line, "\r"))
		var req tea.Msg
		m, _, req = m.Update(tuitest.Press("enter"))
		if req != nil {
			t.Fatalf("enter in the paste area sent %#v", req)
		}
	}
	m, _, _ = m.Update(tuitest.Press("ctrl+s"))
	if m.pasting || m.Device() == nil {
		t.Fatalf("ctrl+s did not read the paste:\n%s", tuitest.Plain(m.View()))
	}
	// esc leaves the area without touching what was attached.
	m, _ = m.openPaste(false)
	m = typeIn(m, "garbage")
	m, _, _ = m.Update(tuitest.Press("esc"))
	if m.pasting || m.Device() == nil {
		t.Fatal("esc lost the attached device view or kept the area open")
	}
}
