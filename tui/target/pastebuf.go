package target

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// pasteBuffer collects a dsregcmd /status output, whether the terminal sends it as one bracketed paste
// or types it out key by key. It only appends (and takes back with backspace): a paste is read, not
// edited, so each key costs the same however long the output grows, and the view draws only the tail.
type pasteBuffer struct {
	text  []byte
	lines int
	// afterCR is set by a CR: an LF right after it ends the same line (a CRLF typed out is enter then
	// ctrl+j), so Windows line ends do not double the lines.
	afterCR bool
	full    bool
	// placeholder says what to paste while nothing is; shown in brackets.
	placeholder string
}

// Value is the text collected so far, with line ends as LF.
func (p *pasteBuffer) Value() string { return string(p.text) }

// Reset empties the buffer.
func (p *pasteBuffer) Reset() { *p = pasteBuffer{text: p.text[:0], placeholder: p.placeholder} }

// Key takes one key press; it reports false for keys that are not text.
func (p *pasteBuffer) Key(k tea.KeyPressMsg) bool {
	switch {
	case k.Code == tea.KeyEnter && k.Mod == 0, k.Code == 'm' && k.Mod == tea.ModCtrl:
		p.newline()
		p.afterCR = true
		return true
	case k.Code == 'j' && k.Mod == tea.ModCtrl:
		if !p.afterCR {
			p.newline()
		}
		p.afterCR = false
		return true
	case k.Code == tea.KeyBackspace:
		p.afterCR = false
		p.backspace()
		return true
	case k.Code == tea.KeyTab && k.Mod == 0:
		p.afterCR = false
		p.add("\t")
		return true
	case k.Text != "":
		p.afterCR = false
		p.add(k.Text)
		return true
	}
	return false
}

// Paste takes a bracketed paste, its line ends (CR, LF or CRLF) made LF.
func (p *pasteBuffer) Paste(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	p.afterCR = false
	// Pasted text is data: escape sequences and controls are dropped before it can reach the terminal.
	p.add(ansi.Strip(strings.ReplaceAll(s, "\r", "\n")))
}

func (p *pasteBuffer) newline() { p.add("\n") }

func (p *pasteBuffer) add(s string) {
	if len(p.text)+len(s) > dsregcmd.MaxSize {
		p.full = true
		return
	}
	p.text = append(p.text, s...)
	p.lines += strings.Count(s, "\n")
}

func (p *pasteBuffer) backspace() {
	if len(p.text) == 0 {
		return
	}
	_, n := utf8.DecodeLastRune(p.text)
	if p.text[len(p.text)-n] == '\n' {
		p.lines--
	}
	p.text = p.text[:len(p.text)-n]
	p.full = false
}

// tail returns the last n lines, the one being typed last.
func (p *pasteBuffer) tail(n int) []string {
	end := len(p.text)
	var out []string
	for len(out) < n {
		start := bytes.LastIndexByte(p.text[:end], '\n') + 1
		out = append(out, string(p.text[start:end]))
		if start == 0 {
			break
		}
		end = start - 1
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// View draws the last lines that fit in width x height, a count of what came in, and, while empty, a
// placeholder in brackets so that it reads as one without colour or italics too.
func (p *pasteBuffer) View(s *theme.Styles, width, height int) string {
	if len(p.text) == 0 {
		return s.Subtle.Render(layout.Truncate("["+p.placeholder+"]", width))
	}
	var b strings.Builder
	rows := max(height-1, 1)
	for _, l := range p.tail(rows) {
		b.WriteString(layout.Truncate(strings.ReplaceAll(l, "\t", " "), width) + "\n")
	}
	count := strconv.Itoa(p.lines+1) + " lines, " + strconv.Itoa(len(p.text)) + " bytes so far"
	if p.full {
		count += "; stopped at the size limit of a dsregcmd output"
	}
	b.WriteString(s.Subtle.Render(layout.Truncate(count, width)))
	return b.String()
}
