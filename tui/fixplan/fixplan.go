// Package fixplan shows the fixes planned for a result, read-only: for each, whether it can be undone,
// the permissions it needs and the exact Graph requests it would send. Applying fixes from the TUI
// (preview, confirm, apply, re-check) belongs to the fixes work and is not offered here yet.
package fixplan

import (
	"bytes"
	"encoding/json"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/nav"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Model is the fix plan screen.
type Model struct {
	styles *theme.Styles
	keys   *keys.KeyMap
	width  int
	height int

	result checks.Result
	body   []string
	scroll int
}

// New returns an empty fix plan screen.
func New(st *theme.Styles, km *keys.KeyMap) Model {
	return Model{styles: st, keys: km}
}

// Set shows the fixes of r.
func (m Model) Set(r checks.Result) Model {
	m.result = r
	m.render()
	return m
}

// SetSize sets the area the screen draws in.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update scrolls the plan and copies it.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd, tea.Msg) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil, nil
	}
	h := m.bodyHeight()
	last := max(len(m.body)-h, 0)
	switch {
	case key.Matches(kp, m.keys.Down):
		m.scroll = min(m.scroll+1, last)
	case key.Matches(kp, m.keys.Up):
		m.scroll = max(m.scroll-1, 0)
	case key.Matches(kp, m.keys.PageDown):
		m.scroll = min(m.scroll+max(h-1, 1), last)
	case key.Matches(kp, m.keys.PageUp):
		m.scroll = max(m.scroll-max(h-1, 1), 0)
	case key.Matches(kp, m.keys.Copy):
		return m, nil, nav.Copy{Text: Plain(m.result), What: "the fix plan"}
	case key.Matches(kp, m.keys.Back):
		return m, nil, nav.Back{}
	}
	return m, nil, nil
}

// Help is the screen's key help.
func (m Model) Help() keys.Help {
	cp := keys.Rename(m.keys.Copy, "copy plan")
	back := keys.Rename(m.keys.Back, "back")
	return keys.Help{
		Short: []key.Binding{m.keys.Down, m.keys.Up, cp, back},
		Full:  [][]key.Binding{{m.keys.Up, m.keys.Down, m.keys.PageUp, m.keys.PageDown}, {cp, back}},
	}
}

// readOnly says plainly that this screen applies nothing.
const readOnly = "Read-only: applying fixes from the TUI comes with the guided fixes. Nothing below has been sent."

// bodyHeight is the rows left under the heading, which takes up to four lines on a narrow screen.
func (m Model) bodyHeight() int { return max(m.height-4, 1) }

// Plain is the plan as plain text, for the clipboard.
func Plain(r checks.Result) string {
	var b strings.Builder
	for _, fx := range r.Fixes {
		b.WriteString("# " + fx.ID + ": " + fx.Title + "\n")
		if fx.Guidance != "" {
			b.WriteString(fx.Guidance + "\n")
		}
		for _, rq := range fx.Requests {
			b.WriteString(rq.Method + " " + rq.URL + "\n")
			if body := indentJSON(rq.Body); body != "" {
				b.WriteString(body + "\n")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func indentJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

func (m *Model) render() {
	m.scroll = 0
	if m.width <= 0 {
		return
	}
	s := m.styles
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	for i, fx := range m.result.Fixes {
		if i > 0 {
			add("")
		}
		add(layout.Wrap(s.Strong.Render(fx.ID)+": "+fx.Title, m.width, "")...)
		undo := "reversible"
		if !fx.Reversible {
			undo = "not reversible: it cannot be undone automatically"
		}
		add(s.Subtle.Render("  " + undo))
		if len(fx.Permissions) > 0 {
			add(layout.Wrap("needs: "+strings.Join(fx.Permissions, ", "), m.width, "  ")...)
		}
		if fx.Guidance != "" {
			add(s.Label.Render("  Steps"))
			for _, l := range strings.Split(fx.Guidance, "\n") {
				add(layout.Wrap(l, m.width, "    ")...)
			}
		}
		if len(fx.Requests) > 0 {
			add(s.Label.Render("  Requests"))
		}
		for _, rq := range fx.Requests {
			add(layout.Hang(s.Code.Render(rq.Method)+" "+rq.URL, m.width, "    ", "      ")...)
			for _, l := range strings.Split(indentJSON(rq.Body), "\n") {
				if l != "" {
					add(layout.Wrap(l, m.width, "      ")...)
				}
			}
		}
	}
	for i, l := range out {
		out[i] = layout.Truncate(l, m.width)
	}
	m.body = out
}

// View draws the screen.
func (m Model) View() string {
	s := m.styles
	head := append([]string{layout.Truncate(s.Title.Render("Fix plan: "+m.result.ID)+s.Subtle.Render(" · "+m.result.Subject), m.width)},
		strings.Split(layout.Para(s.Subtle, readOnly, m.width, ""), "\n")...)
	head = append(head, "")
	return strings.Join(head, "\n") + "\n" + layout.Scroll(m.body, m.scroll, max(m.height-len(head), 1), s.Subtle)
}
