package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/mdmdoctor/mdmdoctor/tui/keys"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
)

// Smallest terminal the screens are laid out for; below it the frame says so rather than garble.
const (
	minWidth  = 60
	minHeight = 16
)

// chrome is the rows the frame takes around a screen's body: header, rule, status line, key help.
const chrome = 4

// resize hands every screen the size of the body area.
func (m *Model) resize() {
	w, h := m.width, max(m.height-chrome, 1)
	m.help.SetWidth(w)
	for _, s := range screens {
		s(m).setSize(w, h)
	}
}

// View draws the frame and the screen on show, exactly the terminal's size and never wider.
func (m Model) View() tea.View {
	v := tea.NewView(m.frame())
	v.AltScreen = true
	v.WindowTitle = "mdmdoctor"
	return v
}

func (m *Model) frame() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("mdmdoctor needs at least %dx%d (80x24 recommended); this terminal is %dx%d. "+
			"Enlarge it, or press ctrl+c to quit.",
			minWidth, minHeight, m.width, m.height)
		return layout.Fit(strings.Join(layout.Wrap(msg, m.width, ""), "\n"), m.width, m.height)
	}
	bodyH := m.height - chrome
	var body string
	if m.showHelp {
		body = m.styles.Title.Render("Keys") + "\n\n" + m.fullHelp(m.screenHelp().FullHelp())
	} else {
		body = m.active().view()
	}
	status := ""
	if m.status != "" {
		status = layout.Truncate(m.styles.StatusLine.Render(m.status), m.width)
	}
	// Each part is one line that fits but the body, fitted to its rows: the frame is the terminal's size.
	parts := []string{
		m.cache.header.Get(m.headerKey(), m.header),
		m.cache.rule.Get(strconv.Itoa(m.width), func() string {
			return m.styles.Subtle.Render(strings.Repeat("─", m.width))
		}),
		layout.Fit(body, m.width, bodyH),
		status,
		m.shortHelp(),
	}
	return strings.Join(parts, "\n")
}

// frameCache keeps the frame's header, rule and key help between frames: they change with the screen
// and the size, not with each key, and a terminal that types a paste out draws one frame per character.
type frameCache struct{ header, rule, help layout.Memo }

func (m *Model) headerKey() string {
	return strconv.Itoa(m.width) + " " + strconv.Itoa(int(m.screen())) + " " + strconv.FormatBool(m.showHelp) + " " +
		m.tenantName + " " + m.seen.Domain + " " + m.seen.TenantID + " " + m.seen.Operator
}

// shortHelp is the footer: the screen's keys in their order of importance, as many as fit the width,
// and always "? help", which lists every key. It is rendered once per change of its bindings.
func (m *Model) shortHelp() string {
	bs := m.screenHelp().ShortHelp()
	var k strings.Builder
	k.WriteString(strconv.Itoa(m.width))
	for _, b := range bs {
		k.WriteString("\x00" + b.Help().Key + "\x01" + b.Help().Desc + "\x01" + strconv.FormatBool(b.Enabled()))
	}
	return m.cache.help.Get(k.String(), func() string { return m.fitHelp(bs) })
}

// fitHelp renders the leading bindings of bs that fit the width, followed by the help key when bs
// holds it.
func (m *Model) fitHelp(bs []key.Binding) string {
	wide := m.help
	wide.SetWidth(0)
	var tail []key.Binding
	rest := slices.DeleteFunc(slices.Clone(bs), func(b key.Binding) bool {
		if slices.Equal(b.Keys(), m.keys.Help.Keys()) {
			tail = []key.Binding{b}
			return true
		}
		return false
	})
	n := 0
	for n < len(rest) && lipgloss.Width(wide.ShortHelpView(append(slices.Clone(rest[:n+1]), tail...))) <= m.width {
		n++
	}
	return layout.Truncate(wide.ShortHelpView(append(slices.Clone(rest[:n]), tail...)), m.width)
}

// header names where the operator is: the tool, the tenant (display name and default domain; in the
// demo, which demo tenant), the operator and the cloud, with the screen on the right. What does not fit
// goes in this order: the version, the screen name, the operator; the tenant and the cloud stay.
func (m *Model) header() string {
	s := m.styles
	tenant := m.tenantName
	switch {
	case tenant != "" && m.seen.Domain != "":
		tenant += " (" + m.seen.Domain + ")"
	case tenant == "" && m.seen.Domain != "":
		tenant = m.seen.Domain
	case tenant == "" && m.seen.TenantID != "":
		tenant = "tenant " + m.seen.TenantID
	case tenant == "" && m.opts.Demo:
		tenant = "tenants"
	case tenant == "":
		tenant = "tenant not read yet"
	}
	if m.opts.Demo {
		tenant = "DEMO " + tenant
	}
	operator := m.seen.Operator
	right := m.screen().String()
	if m.showHelp {
		right = "Help"
	}
	version := m.opts.Version
	for {
		left := s.HeaderAccent.Render("mdmdoctor")
		if version != "" {
			left += s.Header.Render(" " + version)
		}
		left += s.Subtle.Render(" · ") + s.Strong.Render(tenant)
		if operator != "" {
			left += s.Subtle.Render(" · " + operator)
		}
		left += s.Subtle.Render(" · " + m.cloud)
		gap := m.width - layout.Width(left) - layout.Width(right)
		switch {
		case gap >= 1 && right != "":
			return left + strings.Repeat(" ", gap) + s.Header.Render(right)
		case layout.Width(left) <= m.width && right == "":
			return left
		case version != "":
			version = ""
		case right != "":
			right = ""
		case operator != "":
			operator = ""
		default:
			return layout.Truncate(left, m.width)
		}
	}
}

// fullHelp lays the help's columns out side by side as far as the width allows, then in further rows,
// so that every key is shown at 80 columns too (the help bubble drops the columns that do not fit).
func (m *Model) fullHelp(groups [][]key.Binding) string {
	wide := m.help
	wide.SetWidth(0)
	var rows []string
	for start := 0; start < len(groups); {
		end := start + 1
		for end < len(groups) && lipgloss.Width(wide.FullHelpView(groups[start:end+1])) <= m.width {
			end++
		}
		rows = append(rows, wide.FullHelpView(groups[start:end]))
		start = end
	}
	return strings.Join(rows, "\n\n")
}

// screenHelp is the screen's key help plus the keys every screen shares.
func (m *Model) screenHelp() keys.Help {
	h := m.active().help()
	if m.typing() {
		return h
	}
	return m.keys.WithGlobal(h)
}
