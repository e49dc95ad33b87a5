// Package layout fits rendered text to the terminal: no line wider than the screen, no frame taller,
// and scroll windows that keep a cursor in view. It is pure string work, shared by every screen.
package layout

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Ellipsis marks text cut at the right edge.
const Ellipsis = "…"

// Truncate cuts one line to width cells, marking the cut.
func Truncate(line string, width int) string {
	if width <= 0 {
		return ""
	}
	// Fast paths, as every line of every frame passes here: no character takes more cells than bytes,
	// and plain ASCII takes one cell a byte.
	if len(line) <= width {
		return line
	}
	if plainASCII(line) {
		return line[:width-1] + Ellipsis
	}
	if ansi.StringWidth(line) <= width {
		return line
	}
	return ansi.Truncate(line, width, Ellipsis)
}

// plainASCII reports whether s is printable ASCII only: no escape sequences, no wide characters.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Fit makes s exactly height lines, each at most width cells: long lines are cut, missing lines blank.
func Fit(s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = Truncate(l, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Wrap breaks text into lines of at most width cells, each starting with indent. It breaks at spaces
// only, never at hyphens, so that names like enterpriseenrollment-s.manage.microsoft.com stay whole
// when they fit; a word longer than a line is split after a slash where it has one (URLs, Graph paths).
func Wrap(text string, width int, indent string) []string {
	return Hang(text, width, indent, indent)
}

// Hang wraps like Wrap with first before the first line and rest before the others, for bullets.
func Hang(text string, width int, first, rest string) []string {
	w := max(width-max(ansi.StringWidth(first), ansi.StringWidth(rest)), 10)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		for _, l := range wrapWords(para, w) {
			prefix := rest
			if len(out) == 0 {
				prefix = first
			}
			out = append(out, prefix+l)
		}
	}
	return out
}

// wrapWords fills lines of at most w cells with the space-separated words of s.
func wrapWords(s string, w int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for _, word := range strings.Fields(s) {
		ww := ansi.StringWidth(word)
		if curW > 0 && curW+1+ww <= w {
			cur.WriteString(" " + word)
			curW += 1 + ww
			continue
		}
		if curW > 0 {
			flush()
		}
		for ww > w {
			head := splitLong(word, w)
			lines = append(lines, head)
			word = ansi.Cut(word, ansi.StringWidth(head), ww)
			ww = ansi.StringWidth(word)
		}
		cur.WriteString(word)
		curW = ww
	}
	if curW > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// splitLong returns the head of a word too long for a line of w cells: up to its last slash that
// fits, or exactly w cells when there is none.
func splitLong(word string, w int) string {
	head := ansi.Truncate(word, w, "")
	if i := strings.LastIndex(head, "/"); i > 0 && i+1 < len(head) {
		return head[:i+1]
	}
	return head
}

// Window returns the first visible row for a list of n rows shown height at a time, so that cursor
// stays in view and the window moves as little as possible from offset.
func Window(cursor, offset, height, n int) int {
	if height <= 0 || n <= height {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+height {
		offset = cursor - height + 1
	}
	return Clamp(offset, 0, n-height)
}

// Clamp bounds v to [lo, hi]; hi below lo yields lo.
func Clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// Para wraps text to width and styles each line, so a style never spans a line break.
func Para(style lipgloss.Style, text string, width int, indent string) string {
	lines := Wrap(text, width, indent)
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return strings.Join(lines, "\n")
}

// Width is the number of cells s takes on screen.
func Width(s string) int { return ansi.StringWidth(s) }

// Memo keeps one rendered string and the key it was rendered for, so that a part of the frame that
// changes with the size or the screen, not with each key, is rendered once per change. Screens hold it
// by pointer, so every copy of a model shares it; the key decides, so no copy ever sees a stale one.
type Memo struct{ key, val string }

// Get returns what render returned for key, calling it only when key differs from the last one.
func (c *Memo) Get(key string, render func() string) string {
	if c.key != key || c.val == "" {
		c.key, c.val = key, render()
	}
	return c.val
}

// Position sums up a window on a list of n rows for the line beside it: the cursor's place ("3/20",
// left out when cursor is negative) and how many rows lie outside the rows [offset, offset+rows) in
// view ("↑ 2 more", "↓ 15 more"), so that nothing is ever out of sight without a sign.
func Position(cursor, offset, rows, n int) string {
	var parts []string
	if cursor >= 0 && n > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d", cursor+1, n))
	}
	if offset > 0 {
		parts = append(parts, fmt.Sprintf("↑ %d more", offset))
	}
	if below := n - offset - rows; below > 0 {
		parts = append(parts, fmt.Sprintf("↓ %d more", below))
	}
	return strings.Join(parts, " · ")
}

// Link shows a URL in at most width cells without ever splitting or cutting it: whole when it fits,
// and otherwise a label that says it is shortened ("learn.microsoft.com/…/windows-enroll"). Either way
// it is a terminal hyperlink (OSC 8) to the whole URL, which terminals that know them open on a click.
func Link(url string, width int) string {
	text := url
	if Width(text) > width {
		host, path, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://"), "/")
		last := path[strings.LastIndex(path, "/")+1:]
		text = host + "/…/" + last
		if Width(text) > width {
			text = host + "/…"
		}
	}
	return ansi.SetHyperlink(url) + text + ansi.ResetHyperlink()
}
