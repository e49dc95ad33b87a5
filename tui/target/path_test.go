package target

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// The target screen asks how the device enrolls: enter on the question steps through the paths and
// back to "not sure", and the screen still fits 80x24.
func TestPathQuestion(t *testing.T) {
	m := newScreen(false)
	m.SetSize(80, 24)
	m, _, _ = m.Update(tuitest.Press("tab"))
	m, _, _ = m.Update(tuitest.Press("G"))
	for range 3 { // the question sits above the paste item, in the Device section
		m, _, _ = m.Update(tuitest.Press("k"))
	}
	if m.Path() != facts.PathUnknown {
		t.Fatalf("path %q before any choice", m.Path())
	}
	for _, want := range append(facts.EnrollmentPaths(), facts.PathUnknown) {
		m, _, _ = m.Update(tuitest.Press("enter"))
		if m.Path() != want {
			t.Fatalf("path %q, want %q", m.Path(), want)
		}
	}
	m, _, _ = m.Update(tuitest.Press("enter"))
	tuitest.RequireFits(t, m.View(), 80, 24)
	if got := tuitest.Plain(m.View()); !strings.Contains(got, "How it enrolls: join, Microsoft Entra join") {
		t.Errorf("the chosen path is not shown:\n%s", got)
	}
}
