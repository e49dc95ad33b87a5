package tui

import (
	"context"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

func triageOptions(b Backend) Options {
	return Options{Backend: b, Demo: true, DemoUsers: []string{"alice@contoso.com", "bob@contoso.com"}, Checks: testChecks()}
}

// TestFullTriage walks what a helpdesk person does: sign in with a device code, type the user, watch
// the checks settle, read the failure, open its fix plan, step through, save the report, quit.
func TestFullTriage(t *testing.T) {
	b := newTestBackend()
	signedIn := make(chan struct{})
	b.signIn = func(ctx context.Context, prompt func(facts.SignInPrompt)) error {
		prompt(facts.SignInPrompt{UserCode: "FQK72RMW", VerificationURL: "https://microsoft.com/devicelogin", Message: "To sign in, use a web browser."})
		select {
		case <-signedIn:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	b.hold(facts.SrcLicenseDetails)
	recentFile := filepath.Join(t.TempDir(), "state", "recent.json")
	o := triageOptions(b)
	o.RecentFile = recentFile
	s := startSession(t, o, 80, 24)

	s.WaitFor("Sign in to Microsoft Graph", "FQK72RMW", "https://microsoft.com/devicelogin", "Waiting for you")
	close(signedIn)
	s.WaitFor("Who has the problem?", "alice@contoso.com", "coming soon")

	s.Type("bob@contoso")
	s.WaitFor("✗ the domain needs a dot")
	s.Type(".com")
	s.WaitFor("✓ a user (UPN)")
	s.Press("enter")

	// Checks settle as their sources arrive; the one whose source is held back keeps waiting.
	s.WaitFor("Checking bob@contoso.com", "✓ PASS  operator.permissions", "✗ FAIL  scope.mdm", "waiting for licenseDetails", "7/8 sources")
	// The source held back says how far it has read, as the device sweep does page by page.
	s.WaitFor("reading: licenseDetails (1,998 records)")
	b.release(facts.SrcLicenseDetails)
	s.WaitFor("✗ FAIL  license.intune", "Finished: ✗ 2 fail  ? 1 error  ! 1 warn  ✓ 3 pass  - 1 skip")

	s.Press("enter")
	s.WaitFor("✗ Failures (2)", "› ✗ FAIL  license.intune", "What to do", "Assign a licence that carries INTUNE_A")

	s.Press("f")
	s.WaitFor("Fix: license.assign", "Nothing has been sent", "/assignLicense")
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")

	s.Press("s")
	s.WaitFor("Step 1 of 6: Requirements", "Does the user hold an Intune plan that is provisioned?")
	s.Press("n")
	s.WaitFor("Step 2 of 6: MDM user scope", "Is the user inside the MDM user scope?")
	s.Press("esc")

	path := filepath.Join(t.TempDir(), "bob.json")
	rep := s.saveJSONReport(path, "mdmdoctor-bob@contoso.com-20261125-1800.json")
	if rep.Schema != report.Schema || rep.Target.User != "bob@contoso.com" || rep.Summary.Fail != 2 || rep.Summary.Error != 1 || rep.Tool.Version != "0.1.0-test" {
		t.Fatalf("report = %+v", rep)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("report mode %o, want 600", fi.Mode().Perm())
	}
	recent, err := os.ReadFile(recentFile)
	if err != nil || !strings.Contains(string(recent), "bob@contoso.com") {
		t.Fatalf("recent targets not remembered: %s, %v", recent, err)
	}
}

// TestQuitDuringRun quits while a source is still being read: the run's context must be cancelled so
// the reader stops, and the program must end at once.
func TestQuitDuringRun(t *testing.T) {
	b := newTestBackend()
	b.hold(facts.SrcDNS)
	o := triageOptions(b)
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 80, 24)
	s.WaitFor("waiting for dns")
	// The screen lists what it waits for before the run's command has started the readers; quit only
	// once a reader is really blocked, or there would be nothing to cancel.
	select {
	case <-b.holding:
	case <-time.After(tuitest.Wait):
		t.Fatal("the held reader never started")
	}
	s.quit()
	select {
	case <-b.cancelled:
	case <-time.After(tuitest.Wait):
		t.Fatal("the reader still held back was never cancelled")
	}
}

// TestCancelRunKeepsWhatSettled cancels a run with x: what settled stays, the rest is marked as not run.
func TestCancelRunKeepsWhatSettled(t *testing.T) {
	b := newTestBackend()
	b.hold(facts.SrcDNS)
	o := triageOptions(b)
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 80, 24)
	s.WaitFor("waiting for dns", "✗ FAIL  license.intune")
	s.Press("x")
	s.WaitFor("Run stopped before every source was read", "? ERROR dns.enrollment-cname", "✗ FAIL  license.intune")
	select {
	case <-b.cancelled:
	case <-time.After(tuitest.Wait):
		t.Fatal("the reader was never cancelled")
	}
}

// TestResizeReflows runs to the results and resizes to 80x24 and 200x60: every frame fits.
func TestResizeReflows(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 100, 30)
	s.WaitFor("Finished:")
	s.Press("enter")
	s.WaitFor("✗ Failures (2)")
	s.Resize(80, 24)
	narrow := s.WaitFor("✗ Failures (2)", "────────")
	s.Resize(200, 60)
	wide := s.WaitFor("✗ Failures (2)", "│")
	if narrow == wide {
		t.Fatal("the frame did not change with the size")
	}
	// On a wide terminal the detail pane sits beside the list: one line holds both.
	if !strings.Contains(wide, "license.intune") || !lineWith(wide, "› ✗ FAIL  license.intune", "│") {
		t.Fatalf("wide layout:\n%s", wide)
	}
	s.Resize(40, 10)
	s.WaitFor("needs at least 60x16")
}

func lineWith(frame string, parts ...string) bool {
	for _, l := range strings.Split(frame, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestRerunOneCheck re-runs the selected check from the results: it is read again and replaced.
func TestRerunOneCheck(t *testing.T) {
	b := newTestBackend()
	o := triageOptions(b)
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 80, 24)
	s.WaitFor("Finished:")
	s.Press("enter")
	s.WaitFor("› ✗ FAIL  license.intune")
	b.hold(facts.SrcLicenseDetails)
	s.Press("r")
	s.WaitFor("Re-running license.intune")
	b.release(facts.SrcLicenseDetails)
	s.WaitFor("Re-ran license.intune: ✗ fail")
	s.quit()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.reads != 2 {
		t.Fatalf("readers built %d times, want 2 (the run and the re-run)", b.reads)
	}
}

// TestSignInFailureThenRetry shows a failed sign-in and signs in again on enter.
func TestSignInFailureThenRetry(t *testing.T) {
	b := newTestBackend()
	attempts := 0
	b.signIn = func(ctx context.Context, prompt func(facts.SignInPrompt)) error {
		attempts++
		if attempts == 1 {
			return errString("AADSTS50076: the code expired")
		}
		return nil
	}
	s := startSession(t, triageOptions(b), 80, 24)
	s.WaitFor("✗ Sign-in failed.", "AADSTS50076", "Press enter to try again")
	s.Press("enter")
	s.WaitFor("Who has the problem?")
}

// TestSignInCancel cancels while waiting for the operator and says so.
func TestSignInCancel(t *testing.T) {
	b := newTestBackend()
	b.signIn = func(ctx context.Context, prompt func(facts.SignInPrompt)) error {
		prompt(facts.SignInPrompt{UserCode: "ABCD1234", VerificationURL: "https://microsoft.com/devicelogin"})
		<-ctx.Done()
		return ctx.Err()
	}
	s := startSession(t, triageOptions(b), 80, 24)
	s.WaitFor("ABCD1234")
	s.Press("esc")
	s.WaitFor("Sign-in cancelled.", "Nothing was read or changed")
}

// TestUnknownUserStaysOnTarget shows the backend's words when the input does not resolve.
func TestUnknownUserStaysOnTarget(t *testing.T) {
	s := startSession(t, triageOptions(newTestBackend()), 80, 24)
	s.WaitFor("Who has the problem?")
	s.Type("x@nowhere.example")
	s.Press("enter")
	s.WaitFor("✗ no user x@nowhere.example in this tenant: check the spelling")
	// Still typing: q is a letter, not quit.
	s.Type("q")
	s.WaitFor("x@nowhere.exampleq")
}

// TestHelpToggles opens the full help with ? and closes it again.
func TestHelpToggles(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 80, 24)
	s.WaitFor("Finished:")
	s.Press("enter")
	s.WaitFor("✗ Failures (2)")
	s.Press("?")
	s.WaitFor("Keys", "re-run all", "save report", "new target")
	s.Press("?")
	s.WaitFor("✗ Failures (2)")
}

type errString string

func (e errString) Error() string { return string(e) }

// TestMovingAndReading drives the results the way the help bar offers: n to the next failure, / to
// filter and esc to clear, tab to scroll the detail line by line, c to copy, esc back one level at a
// time down to the target screen.
func TestMovingAndReading(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Target = "bob@contoso.com"
	s := startSession(t, o, 80, 24)
	s.WaitFor("Finished:")
	s.Press("enter")
	s.WaitFor("› ✗ FAIL  license.intune", "── 1/8 · ↓ 4 more", "n next fail", "? help")
	s.Press("n")
	s.WaitFor("› ✗ FAIL  scope.mdm", "── 2/8")
	s.Press("n")
	s.WaitFor("› ? ERROR enrollment.failures")
	s.Press("/")
	// q is a letter in the filter, not quit.
	s.Type("zq")
	s.WaitFor("/zq", "0 of 8", "No result matches")
	s.Press("esc")
	s.WaitFor("› ? ERROR enrollment.failures", "3/8")
	s.Press("g", "tab")
	s.WaitFor("detail has the arrows", "lines 1-11 of 19")
	s.Press("j", "j")
	s.WaitFor("lines 3-13 of 19", "› ✗ FAIL  license.intune")
	s.Press("c")
	s.WaitFor("Copied the result of license.intune")
	s.Press("esc", "esc")
	s.WaitFor("Checking bob@contoso.com", "Finished:")
	s.Press("esc")
	s.WaitFor("Who has the problem?")
}
