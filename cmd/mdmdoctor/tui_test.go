package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mdmdoctor/mdmdoctor/tui"
)

// TestTUIDemoTriage drives the real Bubble Tea program over the real demo env: the fake Graph and the
// DNS server on loopback, the graph client and the prober, as `mdmdoctor --demo` runs them.
func TestTUIDemoTriage(t *testing.T) {
	screen := triage(t, "bob@contoso.com", "")
	for _, want := range []string{"FAIL", "scope.mdm", "license.intune"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the results screen lacks %q:\n%s", want, screen)
		}
	}
}

// TestTUIDemoDevicePaste pastes carol's dsregcmd output on the target screen (a bracketed paste): the
// device checks judge it against the demo tenant.
func TestTUIDemoDevicePaste(t *testing.T) {
	paste, err := os.ReadFile(filepath.Join("..", "..", "testdata", "dsregcmd", "demo-carol-duplicate.txt"))
	if err != nil {
		t.Fatal(err)
	}
	screen := triage(t, "carol@contoso.com", string(paste))
	if !strings.Contains(screen, "device.join-state") {
		t.Errorf("the pasted device view was not judged:\n%s", screen)
	}
}

// triage runs one user through the TUI at 80x24 and returns the results screen.
func triage(t *testing.T, user, paste string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	e, err := openEnv(ctx, Config{Command: "tui", Demo: true, Cloud: "public", DNSTimeout: 2 * time.Second}, streams{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	o := tui.Options{Backend: &tuiBackend{env: e}, Version: "test", Demo: true, DemoUsers: e.demoUsers(),
		Timeout: 30 * time.Second, Environ: []string{"TERM=xterm-256color", "NO_COLOR=1"}}
	tm := teatest.NewTestModel(t, tui.New(ctx, o), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithEnvironment(o.Environ)))

	waitText := func(want string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains([]byte(ansi.Strip(string(b))), []byte(want)) },
			teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	waitText("bob@contoso.com") // the target screen lists the demo users
	if paste != "" {
		tm.Send(tea.PasteMsg{Content: paste})
		waitText("Device view")
	}
	tm.Type(user)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitText("Finished")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter}) // to the results
	waitText("Failures")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	screen := ansi.Strip(final.View().Content)
	for i, line := range strings.Split(screen, "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("line %d is %d cells wide at 80x24: %q", i+1, w, line)
		}
	}
	return screen
}

// TestResolveTargetByDevice finds a user from a device name or serial number, over the demo Graph.
func TestResolveTargetByDevice(t *testing.T) {
	ctx := context.Background()
	e, err := openEnv(ctx, Config{Command: "tui", Demo: true, Cloud: "public", DNSTimeout: 2 * time.Second}, streams{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	b := &tuiBackend{env: e}
	tgt, err := b.ResolveTarget(ctx, "CAROL-LT")
	if err != nil || tgt.User != "carol@contoso.com" {
		t.Errorf("CAROL-LT: %+v, %v", tgt, err)
	}
	if _, err := b.ResolveTarget(ctx, "NO-SUCH-PC"); err == nil || !strings.Contains(err.Error(), "UPN") {
		t.Errorf("an unknown device must say to type the UPN, got %v", err)
	}
	if tgt, err := b.ResolveTarget(ctx, " alice@CONTOSO.com "); err != nil || tgt.User != "alice@contoso.com" {
		t.Errorf("UPN: %+v, %v", tgt, err)
	}
}
