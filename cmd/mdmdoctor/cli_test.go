package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMistypedFlagIsOneLine (issue 19): a mistyped flag gets one line naming the nearest flag and the
// --help to run, exit 2, and nothing on stdout; a single-dash long flag is told it takes two.
func TestMistypedFlagIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--usr", "alice@contoso.com"}, "unknown flag --usr: did you mean --user? Or run 'mdmdoctor check --help'"},
		{[]string{"check", "--tenant-i", "x"}, "did you mean --tenant-id?"},
		{[]string{"fix", "--dry", "scope.mdm.all"}, "did you mean --dry-run? Or run 'mdmdoctor fix --help'"},
		{[]string{"check", "-demo"}, "unknown flag -demo: long flags take two dashes, --demo; run 'mdmdoctor check --help'"},
		{[]string{"--bogus"}, "unknown flag --bogus: run 'mdmdoctor --help' for the flags"},
		{[]string{"check", "--timeout", "soon"}, "run 'mdmdoctor check --help' for the flags"},
		{[]string{"chek"}, `unknown command "chek": did you mean check? Run 'mdmdoctor --help'`},
		{[]string{"version", "extra"}, `unexpected argument "extra": mdmdoctor version takes none`},
		{[]string{"checks", "extra"}, `unexpected argument "extra": mdmdoctor checks takes none`},
		{[]string{"check", "alice@contoso.com"}, `unexpected argument "alice@contoso.com": mdmdoctor check takes none`},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, no stdout, one line with %q", tc.args, r.code, r.stdout,
				r.stderr, tc.want)
		}
	}
}

// TestVersionAndTUIAlias: version and --version print the same line; "tui" names the default command.
func TestVersionAndTUIAlias(t *testing.T) {
	v := runCLI(t, "", "version")
	if v.code != 0 || !strings.HasPrefix(v.stdout, "mdmdoctor ") || !strings.Contains(v.stdout, "(commit ") {
		t.Fatalf("version: %d %q %q", v.code, v.stdout, v.stderr)
	}
	for _, args := range [][]string{{"--version"}, {"tui", "--version"}} {
		if r := runCLI(t, "", args...); r.code != 0 || r.stdout != v.stdout {
			t.Errorf("%v: %d %q, want %q", args, r.code, r.stdout, v.stdout)
		}
	}
	if r := runCLI(t, "", "tui", "--cloud", "mars"); r.code != 2 || !strings.Contains(r.stderr, `unknown cloud "mars"`) {
		t.Errorf("tui --cloud mars: %d %q", r.code, r.stderr)
	}
}

// TestCompletion (issue 19): the shells' scripts, and what they complete: sub-commands, flags, check IDs
// after a comma, fix IDs, clouds, enrollment paths.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := runCLI(t, "", "completion", shell); r.code != 0 || !strings.Contains(r.stdout, "mdmdoctor") || len(r.stdout) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes: %s", shell, r.code, len(r.stdout), r.stderr)
		}
	}
	// A shell without a script is bad input; cobra alone would print its help and exit 0.
	if r := runCLI(t, "", "completion", "tcsh"); r.code != 2 || r.stdout != "" ||
		!strings.Contains(r.stderr, `no completion script for "tcsh": name one of bash, fish, powershell, zsh`) {
		t.Errorf("completion tcsh: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, tc := range []struct {
		args       []string
		want, none []string
	}{
		{[]string{""}, []string{"check", "dns", "fix", "undo", "explain", "checks", "version", "completion"}, nil},
		{[]string{"check", "--"}, []string{"--user", "--tenant", "--dsregcmd", "--only", "--cloud", "--export"}, []string{"--yes"}},
		{[]string{"check", "--only", "scope.mdm,lic"}, []string{"scope.mdm,license.intune", "scope.mdm,license.entra-premium"}, nil},
		{[]string{"check", "--cloud", ""}, []string{"public", "usgov", "usgovdod", "china"}, nil},
		{[]string{"check", "--path", ""}, []string{"join", "autopilot"}, nil},
		{[]string{"fix", ""}, []string{"scope.mdm.add-user-to-group", "license.assign", "dns.create-record"}, nil},
		{[]string{"fix", "license.assign", ""}, nil, []string{"scope.mdm.all"}},
		{[]string{"dns", "--format", ""}, []string{"text", "json", "markdown"}, nil},
	} {
		r := runCLI(t, "", append([]string{"__complete"}, tc.args...)...)
		lines := strings.Split(r.stdout, "\n")
		for _, w := range tc.want {
			if !containsPrefix(lines, w) {
				t.Errorf("completing %q: no %s in\n%s", tc.args, w, r.stdout)
			}
		}
		for _, w := range tc.none {
			if containsPrefix(lines, w) {
				t.Errorf("completing %q offers %s", tc.args, w)
			}
		}
	}
}

// containsPrefix reports whether a completion line is w (cobra adds a tab and the description).
func containsPrefix(lines []string, w string) bool {
	for _, l := range lines {
		if l == w || strings.HasPrefix(l, w+"\t") {
			return true
		}
	}
	return false
}

// TestChecksFormatJSON (issue 19): the catalog as JSON, one entry per check.
func TestChecksFormatJSON(t *testing.T) {
	r := runCLI(t, "", "checks", "--format", "json")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || r.code != 0 || len(entries) < 20 {
		t.Fatalf("exit %d, %d entries, %v: %s", r.code, len(entries), err, r.stderr)
	}
}

// TestBinarySmoke runs the built binary as a user does: the version, a demo triage, bad input.
func TestBinarySmoke(t *testing.T) {
	if r := runBinary(t, t.TempDir(), nil, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "mdmdoctor ") {
		t.Errorf("version: %d %q %q", r.code, r.stdout, r.stderr)
	}
	r := runBinary(t, t.TempDir(), nil, "", "check", "--demo", "--user", "bob@contoso.com", "--format", "json")
	if _, byID := decodeReport(t, r.stdout); r.code != 1 || byID["scope.mdm"]["status"] != "fail" {
		t.Errorf("bob on the demo: exit %d, scope.mdm %v", r.code, byID["scope.mdm"]["status"])
	}
	if r := runBinary(t, t.TempDir(), nil, "", "check", "--bogus"); r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("--bogus: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestDsregcmdNothingPasted (issue 19): --dsregcmd - with nothing on standard input, or an empty file,
// is an error saying what to give, before anything is checked.
func TestDsregcmdNothingPasted(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "dsregcmd.txt")
	if err := os.WriteFile(empty, []byte("\r\n \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"check", "--demo", "--user", "carol@contoso.com", "--dsregcmd", "-"}, "standard input was empty: pipe the output of dsregcmd /status in"},
		{" \n", []string{"fix", "devices.duplicates.disable-stale", "--demo", "--user", "carol@contoso.com", "--dsregcmd", "-"}, "Ctrl-Z then Enter"},
		{"", []string{"check", "--demo", "--user", "carol@contoso.com", "--dsregcmd", empty}, "dsregcmd.txt is empty"},
	} {
		r := runCLI(t, tc.stdin, tc.args...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
		}
	}
}

// TestExportPathCheckedFirst (issue 19): --export is refused before the sweep (which can take 15 minutes)
// when its directory does not exist or the file does without --force; --force replaces it.
func TestExportPathCheckedFirst(t *testing.T) {
	srv, flags, env := fakeTenant(t, "contoso", nil)
	dir := t.TempDir()
	existing := filepath.Join(dir, "sweep.csv")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ export, want string }{
		{filepath.Join(dir, "nowhere", "sweep.csv"), "does not exist: create it"},
		{existing, "exists: add --force to replace it"},
		{filepath.Join(dir, "folder.csv"), "is not a file"},
	} {
		srv.ResetRequests()
		r := runWith(t, t.TempDir(), env, "", append([]string{"check", "--tenant", "--export", tc.export}, flags...)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("--export %s: exit %d, stderr %q; want one line with %q", tc.export, r.code, r.stderr, tc.want)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("--export %s: %d requests reached Graph before the refusal", tc.export, n)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file was changed: %q", b)
	}
	r := runWith(t, t.TempDir(), env, "", append([]string{"check", "--tenant", "--export", existing, "--force"}, flags...)...)
	if b, _ := os.ReadFile(existing); r.code != 1 || !strings.HasPrefix(string(b), "finding,") {
		t.Errorf("--force: exit %d, stderr %q, file %.40q", r.code, r.stderr, b)
	}
}

// TestSuggestedCommandsAreComplete (issue 19): the commands mdmdoctor tells the operator to run next carry
// the user, the demo or tenant, and the choices made, quoted for the shell.
func TestSuggestedCommandsAreComplete(t *testing.T) {
	r := runCLI(t, "", "fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--demo", "--group", "Intune Users")
	for _, want := range []string{"mdmdoctor fix scope.mdm.add-user-to-group --user bob@contoso.com --group 'Intune Users' --dry-run --demo",
		"mdmdoctor fix scope.mdm.add-user-to-group --user bob@contoso.com --group 'Intune Users' --yes --demo"} {
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("without a terminal: exit %d, stderr %q; want %q", r.code, r.stderr, want)
		}
	}
	r = runCLI(t, "", "check", "--user", "bob@contoso.com", "--demo", "--tenant-id", "contoso")
	if want := "(mdmdoctor fix license.assign --user bob@contoso.com --demo --tenant-id contoso)"; !strings.Contains(r.stdout, want) {
		t.Errorf("the report's fix lacks %q:\n%s", want, r.stdout)
	}
	r = runCLI(t, "", "fix", "dns.create-record", "--user", "judy@tailspin.com", "--demo")
	if want := "mdmdoctor fix dns.create-record --user judy@tailspin.com --wait --demo"; !strings.Contains(r.stdout, want) {
		t.Errorf("DNS guidance lacks %q:\n%s", want, r.stdout)
	}
	r = runCLI(t, "", "fix", "dns.create-record", "--user", "judy@tailspin.com", "--demo", "--wait", "--timeout", "1s")
	if want := "mdmdoctor fix dns.create-record --user judy@tailspin.com --wait --timeout 2s --demo"; !strings.Contains(r.stdout, want) {
		t.Errorf("DNS wait lacks %q:\n%s", want, r.stdout)
	}
}

// TestTextReportUnwrappedWhenPiped (issue 19): piped, the text report and explain's text keep each
// paragraph on one line, for the program or the wider window that reads it.
func TestTextReportUnwrappedWhenPiped(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "bob@contoso.com")
	why := ""
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Why: Automatic MDM enrollment needs the user to hold Microsoft Entra ID P1") {
			why = l
		}
	}
	if r.code != 1 || len(why) < 200 || !strings.HasSuffix(why, ".") {
		t.Errorf("exit %d; the licence's explanation is not one whole line: %q\n%s", r.code, why, r.stdout)
	}
	e := runCLI(t, "", "explain", "0x80180014")
	longest := 0
	for _, l := range strings.Split(e.stdout, "\n") {
		longest = max(longest, len(l))
	}
	if e.code != 0 || longest <= 120 {
		t.Errorf("explain piped: exit %d, longest line %d: still wrapped\n%s", e.code, longest, e.stdout)
	}
}
