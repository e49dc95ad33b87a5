package tui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// readyModel is the root model that says once when the target screen waits for typing, so that keys
// written to the program's input reach that screen and not the sign-in before it.
type readyModel struct {
	Model
	ready chan struct{}
	once  *sync.Once
}

func (r readyModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := r.Model.Update(msg)
	r.Model = m.(Model)
	if r.screen() == targetScreen && r.target.Typing() {
		r.once.Do(func() { close(r.ready) })
	}
	return r, cmd
}

// typedPaste runs the real program at 80x24 and types text into the paste area byte by byte through
// its input, as a terminal without bracketed paste does, then the keys in end, and quits.
func typedPaste(tb testing.TB, text, end string) Model {
	tb.Helper()
	pr, pw := io.Pipe()
	o := triageOptions(newTestBackend())
	o.Environ = []string{"TERM=xterm-256color", "NO_COLOR=1"}
	o.Input, o.Output = pr, io.Discard
	o = o.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := readyModel{Model: New(ctx, o), ready: make(chan struct{}), once: &sync.Once{}}
	p := tea.NewProgram(r, append(ProgramOptions(o), tea.WithContext(ctx), tea.WithWindowSize(80, 24))...)
	go func() {
		<-r.ready
		// tab to the list, G to its end, k k up to the paste item, enter opens the area; ctrl+c quits.
		_, _ = io.WriteString(pw, "\tGkk\r"+text+end+"\x03")
	}()
	final, err := p.Run()
	_ = pw.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return final.(readyModel).Model
}

func dsregcmdFixture(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "dsregcmd", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestTypedPasteWithCRLF types a dsregcmd output with Windows line ends: each CRLF is one line end
// (CR is enter, LF is ctrl+j), so the device view reads as the same output pasted at once.
func TestTypedPasteWithCRLF(t *testing.T) {
	lf := strings.ReplaceAll(dsregcmdFixture(t, "joined.txt"), "\r\n", "\n")
	m := typedPaste(t, strings.ReplaceAll(lf, "\n", "\r\n"), "")
	if got := m.target.PastedSoFar(); got != lf {
		t.Fatalf("the paste area holds %d lines, want %d", strings.Count(got, "\n"), strings.Count(lf, "\n"))
	}
	// ctrl+s reads it as the device view.
	m = typedPaste(t, strings.ReplaceAll(lf, "\n", "\r\n"), "\x13")
	if d := m.target.Device(); d == nil || d.Value("Device Name") == "" {
		t.Fatalf("the typed paste was not read as a device view: %+v; status %q", d, m.status)
	}
}

// BenchmarkTypedPaste types a 5 KB dsregcmd output key by key through the real program at 80x24, each
// line ended by CRLF: the cost of a paste from a terminal without bracketed paste. Target: under a
// second per paste.
func BenchmarkTypedPaste(b *testing.B) {
	text := dsregcmdFixture(b, "joined.txt")
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if m := typedPaste(b, text, "\x13"); m.target.Device() == nil {
			b.Fatal("the typed paste was not read")
		}
	}
}
