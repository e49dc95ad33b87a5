package target

import (
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// openErrorArea moves to the list's Error entry (just above the device paste, which sits above the
// tenant walkthrough) and opens it.
func openErrorArea(t *testing.T) Model {
	t.Helper()
	m, _, _ := newScreen(false).Update(tuitest.Press("tab"))
	for _, k := range []string{"G", "k", "k", "k", "k", "enter"} { // above the paste item and the path question
		m, _, _ = m.Update(tuitest.Press(k))
	}
	if !m.pasting || !m.pastingError {
		t.Fatalf("the error area did not open:\n%s", tuitest.Plain(m.View()))
	}
	return m
}

// The code typed in the error area is attached to the next run and shown under the input; the screen
// still fits 80x24.
func TestErrorTyped(t *testing.T) {
	m := openErrorArea(t)
	tuitest.RequireFits(t, m.View(), 80, 24)
	m = typeIn(m, "80180014")
	m, _, _ = m.Update(tuitest.Press("ctrl+s"))
	if m.pasting || m.Error() == nil || m.Device() != nil {
		t.Fatalf("ctrl+s did not attach the error:\n%s", tuitest.Plain(m.View()))
	}
	v := tuitest.Plain(m.View())
	if !strings.Contains(v, "✓ Error: 0x80180014 MENROLL_E_DEVICENOTSUPPORTED") || !strings.Contains(v, "Replace the error the user saw") {
		t.Fatalf("the attached error is not shown:\n%s", v)
	}
	tuitest.RequireFits(t, m.View(), 80, 24)
	m, _, req := m.Update(tuitest.Press("ctrl+x"))
	if m.Error() != nil || req == nil {
		t.Fatal("ctrl+x did not remove the error")
	}
}

// What the catalog cannot place is refused in one line saying what to paste instead.
func TestErrorUnknown(t *testing.T) {
	m := openErrorArea(t)
	m = typeIn(m, "0x80181234")
	m, _, _ = m.Update(tuitest.Press("ctrl+s"))
	if m.Error() != nil || !strings.Contains(tuitest.Plain(m.View()), "0x80181234 is not in mdmdoctor's catalog") {
		t.Fatalf("an unknown code was taken or not explained:\n%s", tuitest.Plain(m.View()))
	}
}

// A whole event pasted onto the screen, as the dsregcmd output is, is taken as the error.
func TestEventPastedOntoTheScreen(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/realworld/events/auto-mdm-enroll-failed-76.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, _, _ := newScreen(false).Update(tea.PasteMsg{Content: strings.ReplaceAll(string(raw), "\n", "\r")})
	if m.Error() == nil || m.Device() != nil || m.Error().Matches[0].Entry.Code != "0x8018002b" {
		t.Fatalf("the pasted event was not taken as the error:\n%s", tuitest.Plain(m.View()))
	}
	// dsregcmd output pasted the same way is still the device view.
	m, _, _ = m.Update(tea.PasteMsg{Content: fixture(t, "joined.txt")})
	if m.Device() == nil || m.Error() == nil {
		t.Fatal("a dsregcmd paste after the event lost one of them")
	}
}
