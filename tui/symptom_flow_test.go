package tui

import (
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/mdmdoctor/mdmdoctor/checks"
)

// TestErrorToCauses walks the call that starts with what the user read: the message pasted onto the
// target screen, the user typed, the checks run, and the results open on the message's documented
// causes ranked for the user (Bob's licence check fails: confirmed); esc shows the results, e the
// causes again; the saved report carries the ranked symptom. At 80x24 throughout, with NO_COLOR, the
// causes' frame held against its golden file.
func TestErrorToCauses(t *testing.T) {
	o := triageOptions(newTestBackend())
	o.Environ = []string{"TERM=xterm-256color", "TTY_FORCE=1", "NO_COLOR=1"}
	s := startSession(t, o, 80, 24)
	s.WaitFor("Who has the problem?", "alice@contoso.com")

	s.Send(tea.PasteMsg{Content: "Something went wrong.\rThis account is not allowed on this phone. Make sure the information you provided is correct\r"})
	s.WaitFor("✓ Error: This account is not allowed on this phone")
	s.Type("bob@contoso.com")
	s.Press("enter")
	s.WaitFor("Finished:")
	s.Press("enter")
	s.requireGolden("causes-80x24", s.WaitFor("The error: This account is not allowed on this phone",
		"✗ CONFIRMED license.intune", "Found: No provisioned Intune plan"))

	s.Press("esc")
	s.WaitFor("✗ Failures (2)", "› ✗ FAIL  license.intune")
	s.Press("e")
	s.WaitFor("The error: This account is not allowed on this phone")
	s.Press("esc")
	s.WaitFor("✗ Failures (2)")

	rep := s.saveJSONReport(filepath.Join(t.TempDir(), "bob.json"), "mdmdoctor-bob@contoso.com")
	if rep.Symptom == nil || len(rep.Symptom.Causes) == 0 || rep.Symptom.Causes[0].Check != "license.intune" || rep.Symptom.Causes[0].Verdict != checks.Confirmed {
		t.Fatalf("report symptom %+v", rep.Symptom)
	}
}
