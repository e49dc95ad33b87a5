package pane

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

func lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("line %d", i+1)
	}
	return out
}

// TestPaneSaysWhatIsBelowAndScrolls: a pane shorter than its content says on its last row how many
// lines follow and which key shows them; the shared keys scroll it by line, page and to either end,
// never past its content.
func TestPaneSaysWhatIsBelowAndScrolls(t *testing.T) {
	km := keys.Default()
	p := New(theme.New(true), &km, "pgdn")
	p.SetSize(20, 4)
	p.SetLines(lines(10))
	if got := ansi.Strip(p.View()); got != "line 1\nline 2\nline 3\n↓ 7 more lines (pgdn)" {
		t.Fatalf("top of the pane:\n%s", got)
	}
	if p.Position() != "lines 1-3 of 10" {
		t.Fatalf("position %q", p.Position())
	}
	press := func(code rune, text string) bool { return p.Update(tea.KeyPressMsg{Code: code, Text: text}) }
	if !press('j', "j") || p.Offset() != 1 {
		t.Fatalf("j scrolled to %d", p.Offset())
	}
	press(tea.KeyPgDown, "")
	if p.Offset() != 4 {
		t.Fatalf("pgdn scrolled to %d, want a page less one line further", p.Offset())
	}
	press(tea.KeyEnd, "")
	if got := ansi.Strip(p.View()); !strings.HasSuffix(got, "line 10") || strings.Contains(got, "more lines") {
		t.Fatalf("at the end:\n%s", got)
	}
	if press('x', "x") {
		t.Fatal("x is not a scroll key")
	}
	// New content as the reader reads (progress lines) keeps the place; SetLines goes back to the top.
	p.Refresh(lines(12))
	if p.Offset() != 6 {
		t.Fatalf("refresh moved the view to %d", p.Offset())
	}
	p.SetLines(lines(3))
	if p.Offset() != 0 || p.Scrolls() || p.Position() != "" {
		t.Fatalf("short content: offset %d, scrolls %v, position %q", p.Offset(), p.Scrolls(), p.Position())
	}
}
