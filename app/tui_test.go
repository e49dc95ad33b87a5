package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
	"github.com/mdmdoctor/mdmdoctor/tui/tuitest"
)

// TestTUIDemoTriage drives the real Bubble Tea program over the real demo application: the fake Graph
// and the DNS server on loopback, the graph client and the prober, as `mdmdoctor --demo` runs them.
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
	paste, err := os.ReadFile(filepath.Join("..", "testdata", "dsregcmd", "demo-carol-duplicate.txt"))
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
	s := program(t, open(t, demoConfig(t)), TUIOptions{}, 80, 24)
	s.WaitFor("bob@contoso.com") // the target screen lists the demo users
	if paste != "" {
		s.Send(tea.PasteMsg{Content: paste})
		s.WaitFor("Device view")
	}
	s.Type(user)
	s.Press("enter")
	s.WaitFor("Finished")
	s.Press("enter") // to the results
	s.WaitFor("Failures")
	return finalScreen(t, s, 80)
}

// TestResolveTargetByDevice finds a user from a device name or serial number, over the demo Graph.
func TestResolveTargetByDevice(t *testing.T) {
	ctx := context.Background()
	b := open(t, demoConfig(t)).Backend()
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

// Issue 13 item 10: an unknown UPN is refused once, before the run, on the TUI's target screen with the
// message the CLI prints.
func TestUnknownUserIsRefusedOnce(t *testing.T) {
	const want = "no user nobody@contoso.com in tenant Contoso (11111111-1111-4111-8111-111111111111)"
	ctx := context.Background()
	b := open(t, demoConfig(t)).Backend()
	if _, err := b.ResolveTarget(ctx, "nobody@contoso.com"); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("target screen: %v", err)
	}
	if tgt, err := b.ResolveTarget(ctx, "alice@contoso.com"); err != nil || tgt.User != "alice@contoso.com" {
		t.Fatalf("alice: %+v, %v", tgt, err)
	}
}

// TestTUIDemoTenantWalkthrough chooses the whole-tenant walkthrough on the target screen of the real
// program over the demo application, and finds the walkthrough's results on the results screen.
func TestTUIDemoTenantWalkthrough(t *testing.T) {
	s := program(t, open(t, demoConfig(t)), TUIOptions{}, 100, 30)
	s.WaitFor("Whole tenant walkthrough")
	s.Press("tab", "end", "k", "enter")
	s.WaitFor("Finished")
	s.Press("enter")
	s.WaitFor("Failures")
	screen := finalScreen(t, s, 100)
	for _, want := range []string{"devices.duplicates", "FRANK-LT1"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the results screen lacks %q:\n%s", want, screen)
		}
	}
}

// logMarks are what a debug record looks like, in the JSON the log is written in and in slog's text
// form: none may reach the screen.
var logMarks = []string{"graph request", "dns query", `"level"`, "level=DEBUG", `"msg"`}

// TestDebugLogNeverOnTheTUIScreen runs the real Bubble Tea program over the demo application with a
// debug log: the records land in the file, never in what the program drew. The recent targets it
// remembers are private to the operator.
func TestDebugLogNeverOnTheTUIScreen(t *testing.T) {
	c := demoConfig(t)
	c.Debug = filepath.Join(t.TempDir(), "debug.jsonl")
	a, err := New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s := program(t, a, TUIOptions{}, 80, 24)
	s.WaitFor("bob@contoso.com")
	s.Type("bob@contoso.com")
	s.Press("enter")
	s.WaitFor("Finished")
	s.Press("enter")
	s.WaitFor("Failures")
	last := finalScreen(t, s, 80)
	for where, text := range map[string]string{"the TUI's output": ansi.Strip(string(s.Output())), "the TUI's last screen": last} {
		for _, m := range logMarks {
			if strings.Contains(text, m) {
				t.Errorf("%s holds debug output (%q)", where, m)
			}
		}
	}
	a.Close() // flushes and closes the debug log
	b, err := os.ReadFile(c.Debug)
	if err != nil {
		t.Fatal(err)
	}
	var batches, queries int
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("debug log line %d is not JSON: %v: %q", i+1, err, line)
		}
		if u, _ := r["url"].(string); r["msg"] == "graph request" && strings.Contains(u, "/$batch") && r["status"] == float64(200) {
			batches++
		}
		if n, _ := r["name"].(string); r["msg"] == "dns query" && strings.HasPrefix(strings.ToLower(n), "enterpriseenrollment.") {
			queries++
		}
	}
	if batches == 0 || queries == 0 {
		t.Errorf("the debug log holds %d Graph batches and %d DNS queries of the run, want both", batches, queries)
	}
	recent := a.recentFile()
	for path, want := range map[string]os.FileMode{recent: 0o600, filepath.Dir(recent): 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("the TUI did not remember the target: %v", err)
			continue
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}

// tenantApp is an application on a fake tenant (fake Graph and DNS on loopback, signed in with the
// tenant's token).
func tenantApp(t *testing.T, f apptest.Fake, readOnly bool) *App {
	t.Helper()
	return signedIn(t, Config{Version: "test", Cloud: "public", GraphURL: f.Graph.URL(), Auth: graph.AuthToken,
		Secrets: Secrets{AccessToken: f.Graph.Token()}, Resolvers: []string{f.DNS.Addr()}, DNSTimeout: 300 * time.Millisecond,
		Timeout: 30 * time.Second, ReadOnly: readOnly, StateDir: t.TempDir(), Environ: testEnviron})
}

// TestTUIGuidedFix: from bob's failing licence check, the fix screen plans the licence, shows the exact
// request, takes the typed yes, applies it with the journal and shows the re-checked status; back on
// the results the check has turned.
func TestTUIGuidedFix(t *testing.T) {
	f, a, s := onLicenceFailure(t, false)
	f.Graph.ResetRequests()
	s.Press("f")
	s.WaitFor("Nothing has been sent. Press enter to apply", "/assignLicense", `"removeLicenses": []`)
	s.Press("enter")
	s.WaitFor("Type yes and press enter to send this request")
	s.Press("n", "o", "enter")
	s.WaitFor("Type the word yes to send")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Journal entry", "license.entra-premium: Holds")
	s.Press("esc")
	s.WaitFor("Re-checked after the fix: license.entra-premium ✓ pass", "✓ PASS  license.intune")
	s.Press("q")
	s.Final()
	apptest.MatchWrites(t, apptest.SentWrites(f.Graph), []string{`POST /v1.0/users/d91731c4-e2fb-4ee9-a119-b64659a0b445/assignLicense {"addLicenses":[{"disabledPlans":[],"skuId":"06ebc4ee-1bb5-47dd-8120-11324bc54e06"}],"removeLicenses":[]}`})
	runs := apptest.Journal(t, a.cfg.StateDir)
	if len(runs) != 1 || runs[0].Begin.Operator != "admin@contoso.com" || apptest.Outcomes(runs[0]) != "applied / applied" {
		t.Errorf("journal %+v", runs)
	}
}

// TestTUIQuitWhileApplying: q while the write is in flight does not abandon it: the program quits once
// Graph has answered and the answer is journaled.
func TestTUIQuitWhileApplying(t *testing.T) {
	f := apptest.FakeTenant(t, "contoso", nil)
	f.Graph.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/users/*/assignLicense", Delay: 1500 * time.Millisecond})
	a := tenantApp(t, f, false)
	s := program(t, a, TUIOptions{Target: "bob@contoso.com"}, 80, 24)
	s.WaitFor("Finished")
	s.Press("enter")
	s.WaitFor("› ✗ FAIL  license.entra-premium")
	s.Press("f")
	s.WaitFor("Nothing has been sent")
	s.Press("enter")
	s.WaitFor("Type yes")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("Applying")
	s.Press("q")
	s.WaitFor("Quitting once")
	s.Final()
	runs := apptest.Journal(t, a.cfg.StateDir)
	if len(runs) != 1 || apptest.Outcomes(runs[0]) != "applied / applied" {
		t.Fatalf("the write in flight was not seen through: %+v", runs)
	}
	if w := apptest.SentWrites(f.Graph); len(w) != 1 {
		t.Errorf("writes %v", w)
	}
}

// TestTUIReadOnlyFixIsADryRun: with --read-only the plan shows and nothing can be sent.
func TestTUIReadOnlyFixIsADryRun(t *testing.T) {
	f := apptest.FakeTenant(t, "contoso", nil)
	s := program(t, tenantApp(t, f, true), TUIOptions{Target: "bob@contoso.com"}, 80, 24)
	s.WaitFor("Finished")
	s.Press("enter")
	s.WaitFor("› ✗ FAIL  license.entra-premium")
	s.Press("f")
	s.WaitFor("Dry run (--read-only)")
	f.Graph.ResetRequests()
	s.Press("enter", "y", "e", "s", "enter", "esc")
	s.WaitFor("› ✗ FAIL  license.entra-premium")
	s.Press("q")
	s.Final()
	if w := apptest.SentWrites(f.Graph); len(w) != 0 {
		t.Errorf("a read-only session sent %v", w)
	}
}

// onLicenceFailure runs bob on a fake tenant in the TUI at 80x24, up to his failing licence check on the
// results screen.
func onLicenceFailure(t *testing.T, readOnly bool) (apptest.Fake, *App, *tuitest.Session) {
	t.Helper()
	f := apptest.FakeTenant(t, "contoso", nil)
	a := tenantApp(t, f, readOnly)
	s := program(t, a, TUIOptions{Target: "bob@contoso.com"}, 80, 24)
	s.WaitFor("Finished")
	s.Press("enter")
	s.WaitFor("› ✗ FAIL  license.entra-premium")
	return f, a, s
}

// TestTUIUndoFromTheJournal: a fix applied in the TUI is listed on the journal screen (u), and undone
// from there through the real backend: planned from the journal, previewed, confirmed by typing yes,
// sent to Graph, journaled as the revert of the fix; the journal then says the fix was undone.
func TestTUIUndoFromTheJournal(t *testing.T) {
	f, a, s := onLicenceFailure(t, false)
	s.Press("f")
	s.WaitFor("Nothing has been sent. Press enter to apply")
	s.Press("enter")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Journal entry")
	s.Press("esc")
	s.WaitFor("✓ PASS  license.intune")
	f.Graph.ResetRequests()

	s.Press("u")
	s.WaitFor("Journal of fixes: every run", "license.assign", "bob@contoso.com", "applied", "Undo: yes")
	s.Press("enter")
	s.WaitFor("Undo: ", "· bob@contoso.com", "Nothing has been sent", "/assignLicense", `"removeLicenses"`)
	s.Press("enter")
	s.Type("yes")
	s.Press("enter")
	s.WaitFor("✓ Applied.", "Journal entry")
	s.Press("esc")
	s.WaitFor("revert of", "Undo: no: ")
	s.Press("q")
	s.Final()
	if w := apptest.SentWrites(f.Graph); len(w) != 1 || !strings.Contains(w[0], `"removeLicenses":["06ebc4ee-1bb5-47dd-8120-11324bc54e06"]`) {
		t.Errorf("the undo sent %v", w)
	}
	runs := apptest.Journal(t, a.cfg.StateDir)
	if len(runs) != 2 || runs[1].Begin.Undoes != runs[0].ID || apptest.Outcomes(runs[1]) != "applied / applied" {
		t.Errorf("journal %+v", runs)
	}
}

// TestTUIHeaderNamesTheTenant: signed in to a tenant, the header names it by its organization's display
// name and default domain as Graph gives them, with the operator and the cloud, before any target; in
// the demo it names the demo tenant of the target's domain.
func TestTUIHeaderNamesTheTenant(t *testing.T) {
	f := apptest.FakeTenant(t, "contoso", nil)
	s := program(t, tenantApp(t, f, false), TUIOptions{}, 80, 24)
	s.WaitFor("mdmdoctor test · Contoso (contoso.com) · admin@contoso.com · public", "Who has the problem?")

	d := program(t, open(t, demoConfig(t)), TUIOptions{}, 80, 24)
	d.WaitFor("DEMO Contoso (contoso.com)", "Who has the problem?")
	d.Type("grace@fabrikam.com")
	d.Press("enter")
	d.WaitFor("DEMO Fabrikam (fabrikam.com) · admin@fabrikam.com", "Finished")
}

// TestWhereIsReadOnce: the header's tenant and operator are read from Graph once per client; the TUI
// asks for every target, and a second target sends no request of its own.
func TestWhereIsReadOnce(t *testing.T) {
	f := apptest.FakeTenant(t, "contoso", nil)
	b := tenantApp(t, f, false).Backend()
	f.Graph.ResetRequests()
	for _, upn := range []string{"bob@contoso.com", "alice@contoso.com"} {
		w, err := b.Where(context.Background(), facts.Target{Kind: facts.TargetUser, User: upn})
		if err != nil || w.Tenant == "" || w.Domain != "contoso.com" {
			t.Fatalf("where for %s: %+v, %v", upn, w, err)
		}
	}
	n := 0
	for _, r := range f.Graph.Requests() {
		if r.Path == "/v1.0/organization" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("GET /organization sent %d times for two targets, want once", n)
	}
}
