package tui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourCodes counts the SGR parameters in out that set a colour (foreground, background or
// underline), as opposed to bold, reverse or a reset.
func colourCodes(out []byte) int {
	n := 0
	for _, m := range sgr.FindAllSubmatch(out, -1) {
		params := strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i < len(params); i++ {
			p, _ := strconv.Atoi(params[i])
			switch {
			case p == 38 || p == 48 || p == 58:
				n++
				i = len(params) // the rest are the colour's own numbers
			case p >= 30 && p <= 37, p >= 40 && p <= 47, p >= 90 && p <= 97, p >= 100 && p <= 107:
				n++
			}
		}
	}
	return n
}

// runToResults starts a session on bob's triage and opens the results.
func runToResults(t *testing.T, environ []string, w, h int) *session {
	o := triageOptions(newTestBackend())
	o.Target = "bob@contoso.com"
	o.Environ = environ
	o.UndoCommand = func(id string) string { return "mdmdoctor undo " + id + " --demo" }
	return openResults(t, o, w, h, "✗ Failures (2)")
}

// openResults starts a session with o, waits for the run to finish and opens the results, which show
// want.
func openResults(t *testing.T, o Options, w, h int, want string) *session {
	s := startSession(t, o, w, h)
	s.WaitFor("Finished:")
	s.Press("enter")
	s.WaitFor(want)
	return s
}

// TestNoColorFramesBeforeResults are the frames before the results at 80x24 with NO_COLOR: the target
// screen (every entry in view, the journal among them) and the finished run.
func TestNoColorFramesBeforeResults(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := startSession(t, o, 80, 24)
	s.requireGolden("target-80x24", s.WaitFor("Who has the problem?", "DEMO Contoso", "Journal of the fixes applied"))
	s.Type("bob@contoso.com")
	s.Press("enter")
	s.requireGolden("live-80x24", s.WaitFor("Finished:"))
}

// TestNoColorFrames runs a triage with NO_COLOR on a 256-colour terminal: the output carries no colour
// at all, status still reads as symbols and words, and the frames match the golden files.
func TestNoColorFrames(t *testing.T) {
	s := runToResults(t, []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}, 80, 24)
	s.requireGolden("results-80x24", s.Frame())
	s.Press("j", "j")
	s.requireGolden("results-error-80x24", s.WaitFor("› ? ERROR enrollment.failures"))
	s.Press("g", "s")
	s.requireGolden("steps-80x24", s.WaitFor("Step 1 of 6: Requirements"))
	s.Press("esc", "f")
	s.requireGolden("fix-preview-80x24", s.WaitFor("Fix: license.assign", "Nothing has been sent"))
	s.Press("enter")
	s.requireGolden("fix-confirm-80x24", s.WaitFor("Type yes and press enter to send this request"))
	s.Type("yes")
	s.Press("enter")
	s.requireGolden("fix-done-80x24", s.WaitFor("✓ Applied.", "Journal entry"))
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")
	s.Press("w")
	s.requireGolden("report-80x24", s.WaitFor("Markdown"))
	s.Press("esc", "?")
	s.requireGolden("help-80x24", s.WaitFor("Keys", "journal / undo"))
	s.Press("?")
	s.Resize(200, 60)
	s.requireGolden("results-200x60", s.WaitFor("✗ Failures (2)", "│"))
	s.quit()
	out := s.Output()
	if n := colourCodes(out); n != 0 {
		t.Fatalf("NO_COLOR output set a colour %d times", n)
	}
	if !strings.Contains(string(out), "FAIL") {
		t.Fatal("the output does not spell the status out")
	}

	// The same run without NO_COLOR is in colour, so the check above is not vacuous.
	c := runToResults(t, []string{"TERM=xterm-256color", "TTY_FORCE=1"}, 80, 24)
	c.quit()
	colour := c.Output()
	if colourCodes(colour) == 0 {
		t.Fatal("a 256-colour terminal got no colour either")
	}
}

// TestNoColorFilterFrame is the results screen at 80x24 with NO_COLOR while / filters them: the
// filter line with its count, and only the matching results.
func TestNoColorFilterFrame(t *testing.T) {
	s := runToResults(t, []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}, 80, 24)
	s.Press("/")
	s.Type("license")
	s.requireGolden("results-filter-80x24", s.WaitFor("/license   1 of 8", "› ✗ FAIL  license.intune"))
	s.Press("esc")
	s.WaitFor("✗ Failures (2)", "! Warnings")
}

// TestNoColorDevicesFrame is a devices result at 80x24 with NO_COLOR for a user with two records of
// one PC: the user's devices as the Troubleshoot pane lists them, under the result.
func TestNoColorDevicesFrame(t *testing.T) {
	o := triageOptions(newTestBackend())
	// As the real devices.duplicates does, the check waits for both device sources, so that the run
	// does not end before the Intune records are in.
	for i, c := range o.Checks {
		if c.ID == "devices.duplicates" {
			o.Checks[i].Needs = []facts.Source{facts.SrcUserDevices, facts.SrcManagedDevices}
		}
	}
	o.Target = "carol@contoso.com"
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := openResults(t, o, 80, 24, "✗ Failures")
	s.Press("j", "j", "j", "j", "j", "j")
	s.WaitFor("› ✓ PASS  devices.duplicates", "Troubleshoot pane")
	s.Press("tab", "pgdown")
	s.requireGolden("results-devices-80x24", s.WaitFor("› ✓ PASS  devices.duplicates", "detail has the arrows",
		"    ↳ stale: "))
}

// TestNoColorSignInFrames are the sign-in screen's frames at 80x24 with NO_COLOR: the device code to
// read out, and the authorization code flow's port forward and address (--auth authcode, served).
func TestNoColorSignInFrames(t *testing.T) {
	const authURL = "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=x&code_challenge=y"
	for _, tc := range []struct {
		name   string
		prompt facts.SignInPrompt
		want   []string
	}{
		{"signin-devicecode-80x24", facts.SignInPrompt{UserCode: "FQK72RMW",
			VerificationURL: "https://microsoft.com/devicelogin", Message: "To sign in, use a web browser."},
			[]string{"FQK72RMW", "https://microsoft.com/devicelogin", "Waiting for you"}},
		{"signin-authcode-80x24", facts.SignInPrompt{VerificationURL: authURL,
			Message: "Sign in through an SSH port forward: on your own machine run\n  ssh -N -L 8400:localhost:8400 " +
				"-p 2222 alice@jump\nthen open this address in your browser there:\n  " + authURL},
			[]string{"ssh -N -L 8400:localhost:8400 -p 2222 alice@jump", "Waiting for you"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newTestBackend()
			b.signIn = func(ctx context.Context, prompt func(facts.SignInPrompt)) error {
				prompt(tc.prompt)
				<-ctx.Done()
				return ctx.Err()
			}
			o := triageOptions(b)
			o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
			s := startSession(t, o, 80, 24)
			// The spinner turns while the frame is taken: its frame is not part of the golden file.
			s.requireGolden(tc.name, spinnerFrame.ReplaceAllString(s.WaitFor(tc.want...), "⠋"))
		})
	}
}

// TestNoColorPasteFrame is the paste area at 80x24 with NO_COLOR, opened from the target screen's list
// with a few lines of dsregcmd /status typed in (a terminal without bracketed paste).
func TestNoColorPasteFrame(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := startSession(t, o, 80, 24)
	s.WaitFor("Who has the problem?", "Paste the device's dsregcmd /status output")
	s.Press("tab", "G", "k", "k", "enter")
	s.Type("| Device State |")
	s.requireGolden("paste-80x24", s.WaitFor("| Device State |", "read the paste"))
}

// spinnerFrame matches a frame of the MiniDot spinner.
var spinnerFrame = regexp.MustCompile("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]")

// TestLowColourTerminal runs on a 16-colour terminal: colours are brought down to the 16 ANSI ones.
func TestLowColourTerminal(t *testing.T) {
	s := runToResults(t, []string{"TERM=xterm", "TTY_FORCE=1"}, 80, 24)
	s.quit()
	out := s.Output()
	if colourCodes(out) == 0 {
		t.Fatal("no colour on a 16-colour terminal")
	}
	if strings.Contains(string(out), "38;5;") || strings.Contains(string(out), "38;2;") {
		t.Fatal("256 or true colour sent to a 16-colour terminal")
	}
}
