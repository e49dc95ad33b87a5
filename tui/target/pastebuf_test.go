package target

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// TestPasteBufferLineEnds types the same three lines with each kind of line end a terminal may send
// when it types a paste out: CR (enter), LF (ctrl+j) and CRLF (enter then ctrl+j). Each ends one line.
func TestPasteBufferLineEnds(t *testing.T) {
	for name, end := range map[string][]string{"CR": {"enter"}, "LF": {"ctrl+j"}, "CRLF": {"enter", "ctrl+j"}} {
		var p pasteBuffer
		for _, line := range []string{"AzureAdJoined : YES", "", "DomainJoined : NO"} {
			for _, k := range tuitest.Type(line) {
				p.Key(k)
			}
			for _, k := range end {
				p.Key(tuitest.Press(k))
			}
		}
		if got, want := p.Value(), "AzureAdJoined : YES\n\nDomainJoined : NO\n"; got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
		if p.lines != 3 {
			t.Errorf("%s: counted %d lines, want 3", name, p.lines)
		}
	}
}

func TestPasteBufferBackspaceAndBracketedPaste(t *testing.T) {
	var p pasteBuffer
	p.Paste("a\r\nb\rc\n\x1b]52;c;aGk=\x07d")
	if got := p.Value(); got != "a\nb\nc\nd" {
		t.Fatalf("bracketed paste: %q", got)
	}
	p.Key(tuitest.Press("backspace"))
	p.Key(tuitest.Press("backspace"))
	if got := p.Value(); got != "a\nb\nc" || p.lines != 2 {
		t.Fatalf("after two backspaces: %q, %d lines", got, p.lines)
	}
	if p.Key(tuitest.Press("up")) {
		t.Fatal("an arrow key was taken as text")
	}
}

// TestPasteBufferView draws only the newest lines that fit, each cut to the width, and says how much
// came in; empty, it shows a bracketed placeholder that reads as one without colour.
func TestPasteBufferView(t *testing.T) {
	st, _ := tuitest.Deps()
	p := pasteBuffer{placeholder: "paste the whole output of dsregcmd /status here"}
	if v := tuitest.Plain(p.View(st, 40, 5)); !strings.HasPrefix(v, "[paste the whole output") {
		t.Fatalf("empty view: %q", v)
	}
	for i := range 30 {
		p.Paste(strings.Repeat("x", i) + "\n")
	}
	p.Paste("last\tline")
	v := tuitest.Plain(p.View(st, 20, 5))
	tuitest.RequireFits(t, v, 20, 5)
	lines := strings.Split(v, "\n")
	if len(lines) != 5 || lines[3] != "last line" || !strings.HasPrefix(lines[4], "31 lines") {
		t.Fatalf("view:\n%s", v)
	}
}
