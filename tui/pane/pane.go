// Package pane is the TUI's one scrolling text pane, on bubbles/viewport: lines laid out once per
// change by the screen that owns it, scrolled by line, page or to either end with the shared keys, and
// a last line that says how much lies below and how to get there, so nothing is cut off unseen.
package pane

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Model is a pane of lines, each already at most its width.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	vp     viewport.Model
	// Hint names the key that scrolls, in the "more lines" line ("pgdn", "tab, then ↓").
	Hint string
}

// New returns an empty pane.
func New(st *theme.Styles, km *keys.KeyMap, hint string) Model {
	vp := viewport.New()
	vp.FillHeight = true
	return Model{styles: st, keys: km, vp: vp, Hint: hint}
}

// SetSize sets the pane's size in cells, keeping the scroll position where it still fits.
func (p *Model) SetSize(w, h int) {
	p.vp.SetWidth(max(w, 0))
	p.vp.SetHeight(max(h, 0))
	p.vp.SetYOffset(p.vp.YOffset())
}

// SetLines replaces the content and scrolls back to its top.
func (p *Model) SetLines(lines []string) {
	p.vp.SetContentLines(lines)
	p.vp.GotoTop()
}

// Refresh replaces the content as it changes under the reader (progress lines added, the width
// changed), keeping the scroll position where it still fits.
func (p *Model) Refresh(lines []string) {
	p.vp.SetContentLines(lines)
	p.vp.SetYOffset(p.vp.YOffset())
}

// ScrollBy moves the view n lines down (up when n is negative), within the content.
func (p *Model) ScrollBy(n int) { p.vp.SetYOffset(p.vp.YOffset() + n) }

// Offset is the first line in view.
func (p Model) Offset() int { return p.vp.YOffset() }

// Scrolls reports whether the content is taller than the pane.
func (p Model) Scrolls() bool { return p.vp.TotalLineCount() > p.vp.Height() }

// Update scrolls on the shared keys: up/down a line, page up/down, home/end. It reports whether the
// key was one of them.
func (p *Model) Update(msg tea.KeyPressMsg) bool {
	page := max(p.vp.Height()-1, 1)
	switch {
	case key.Matches(msg, p.keys.Up):
		p.ScrollBy(-1)
	case key.Matches(msg, p.keys.Down):
		p.ScrollBy(1)
	case key.Matches(msg, p.keys.PageUp):
		p.ScrollBy(-page)
	case key.Matches(msg, p.keys.PageDown):
		p.ScrollBy(page)
	case key.Matches(msg, p.keys.Top):
		p.vp.GotoTop()
	case key.Matches(msg, p.keys.Bottom):
		p.vp.GotoBottom()
	default:
		return false
	}
	return true
}

// Position says which lines are in view, e.g. "lines 5-16 of 40"; empty when all of them are.
func (p Model) Position() string {
	if !p.Scrolls() {
		return ""
	}
	first := p.vp.YOffset() + 1
	last := min(p.vp.YOffset()+p.vp.Height(), p.vp.TotalLineCount())
	if last < p.vp.TotalLineCount() && p.vp.Height() >= 2 {
		last-- // the last row says how many more lines follow
	}
	return fmt.Sprintf("lines %d-%d of %d", first, last, p.vp.TotalLineCount())
}

// View draws exactly the pane's height; when more lines follow, the last row says how many.
func (p Model) View() string {
	h := p.vp.Height()
	if h <= 0 || p.vp.Width() <= 0 {
		return ""
	}
	// The viewport pads every line to its width; frames carry no trailing blanks.
	lines := strings.Split(p.vp.View(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	below := p.vp.TotalLineCount() - p.vp.YOffset() - h
	if below <= 0 || h < 2 {
		return strings.Join(lines, "\n")
	}
	more := fmt.Sprintf("↓ %d more lines", below+1)
	if p.Hint != "" {
		more += " (" + p.Hint + ")"
	}
	lines[len(lines)-1] = p.styles.Subtle.Render(more)
	return strings.Join(lines, "\n")
}
