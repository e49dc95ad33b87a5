package main

import (
	"strings"
	"testing"
)

// Issue 13 item 10: an unknown UPN ran every check (nine errors and a pass). It is now refused once,
// before the run: exit 2 with one line in the CLI, the same message on the TUI's target screen.
func TestUnknownUserIsRefusedOnce(t *testing.T) {
	const want = "no user nobody@contoso.com in tenant Contoso (11111111-1111-4111-8111-111111111111)"
	r := runCLI(t, "", "check", "--demo", "--user", "nobody@contoso.com")
	if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}

}
