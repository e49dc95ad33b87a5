// Package theme declares every Lip Gloss style of the TUI once. Screens render with these styles and
// never build their own, so colour choices live in one place and the NO_COLOR and low-colour profiles
// (applied by Bubble Tea's renderer to whatever is drawn) degrade them uniformly. Status is always
// carried by a symbol and a word as well as a colour.
package theme

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Styles is the palette and the styles built from it.
type Styles struct {
	// Header is the top bar; HeaderAccent the product name in it.
	Header       lipgloss.Style
	HeaderAccent lipgloss.Style
	// Footer holds the short help; StatusLine the transient message above it.
	Footer     lipgloss.Style
	StatusLine lipgloss.Style

	// Plain is text with no decoration, for paragraphs that only need wrapping.
	Plain   lipgloss.Style
	Title   lipgloss.Style
	Heading lipgloss.Style
	Label   lipgloss.Style
	Subtle  lipgloss.Style
	Strong  lipgloss.Style
	Error   lipgloss.Style
	Good    lipgloss.Style
	URL     lipgloss.Style
	Code    lipgloss.Style
	// CodeBox frames the device code on the sign-in screen.
	CodeBox lipgloss.Style
	// Selected marks the cursor row (reverse video plus the Cursor marker, so it reads without colour).
	Selected lipgloss.Style
	// Panel draws the border around the detail pane.
	Panel lipgloss.Style
	// Bar is the filled part of the progress bar; BarEmpty the rest.
	Bar      lipgloss.Style
	BarEmpty lipgloss.Style

	status map[checks.Status]lipgloss.Style
}

// Marks that carry meaning without colour.
const (
	Cursor   = "›"
	NoCursor = " "
	Bullet   = "•"
)

// New builds the styles for a dark or light terminal background.
func New(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	var (
		accent = c("#5A3FC0", "#A48CFF")
		subtle = c("#6B6B6B", "#8A8A8A")
		text   = c("#1A1A1A", "#E6E6E6")
		red    = c("#B3261E", "#FF6B6B")
		yellow = c("#8A6100", "#F2C94C")
		green  = c("#1E7A34", "#5FD38D")
		blue   = c("#1558B0", "#6FB3FF")
		purple = c("#8E2C8E", "#E08CE0")
		barBg  = c("#D0D0D0", "#3A3A3A")
	)
	codeBox := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 3).MarginLeft(4)
	s := &Styles{
		Header:       lipgloss.NewStyle().Bold(true).Foreground(text),
		HeaderAccent: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Footer:       lipgloss.NewStyle().Foreground(subtle),
		StatusLine:   lipgloss.NewStyle().Foreground(blue),
		Plain:        lipgloss.NewStyle(),
		Title:        lipgloss.NewStyle().Bold(true).Foreground(accent),
		Heading:      lipgloss.NewStyle().Bold(true).Foreground(text),
		Label:        lipgloss.NewStyle().Bold(true).Foreground(subtle),
		Subtle:       lipgloss.NewStyle().Foreground(subtle),
		Strong:       lipgloss.NewStyle().Bold(true),
		Error:        lipgloss.NewStyle().Foreground(red),
		Good:         lipgloss.NewStyle().Foreground(green),
		URL:          lipgloss.NewStyle().Underline(true).Foreground(blue),
		Code:         lipgloss.NewStyle().Bold(true).Foreground(accent),
		CodeBox:      codeBox,
		Selected:     lipgloss.NewStyle().Reverse(true),
		Panel:        lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(subtle),
		Bar:          lipgloss.NewStyle().Foreground(accent),
		BarEmpty:     lipgloss.NewStyle().Foreground(barBg),
		status: map[checks.Status]lipgloss.Style{
			checks.Pass:  lipgloss.NewStyle().Foreground(green),
			checks.Warn:  lipgloss.NewStyle().Foreground(yellow),
			checks.Fail:  lipgloss.NewStyle().Bold(true).Foreground(red),
			checks.Error: lipgloss.NewStyle().Foreground(purple),
			checks.Skip:  lipgloss.NewStyle().Foreground(subtle),
		},
	}
	return s
}

// Status styles text in the colour of a status.
func (s *Styles) Status(st checks.Status, text string) string {
	return s.status[st].Render(text)
}

// Badge is a status as symbol and upper-case word, padded to one width so columns line up:
// "✗ FAIL ", "✓ PASS ". It reads the same with colour stripped.
func (s *Styles) Badge(st checks.Status) string {
	return s.status[st].Render(st.Symbol() + " " + padRight(strings.ToUpper(st.String()), 5))
}

// Progress draws a bar of width cells, filled to done/total, with block characters that need no colour.
func (s *Styles) Progress(done, total, width int) string {
	if width < 1 {
		return ""
	}
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	return s.Bar.Render(strings.Repeat("█", filled)) + s.BarEmpty.Render(strings.Repeat("░", width-filled))
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}
