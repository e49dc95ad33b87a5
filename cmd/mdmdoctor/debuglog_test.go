package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// logMarks are what a debug record looks like, in the JSON the log is written in and in slog's
// text form: none may reach the screen.
var logMarks = []string{"graph request", "dns query", `"level"`, "level=DEBUG", `"msg"`}

// record is one line of the debug log.
type record map[string]any

// readLog reads a debug log, every line of which must be one JSON record with a time, a level and
// a message.
func readLog(t *testing.T, path string) []record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("debug log line %d is not JSON: %v: %q", i+1, err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := r[k]; !ok {
				t.Errorf("debug log line %d has no %q: %q", i+1, k, line)
			}
		}
		out = append(out, r)
	}
	return out
}

// wantRecords checks that the log holds the Graph requests and the DNS queries of a run.
func wantRecords(t *testing.T, recs []record, graph bool) {
	t.Helper()
	var batches, queries int
	for _, r := range recs {
		switch r["msg"] {
		case "graph request":
			if u, _ := r["url"].(string); strings.Contains(u, "/$batch") && r["method"] == "POST" && r["status"] == float64(200) {
				batches++
			}
		case "dns query":
			if n, _ := r["name"].(string); strings.HasPrefix(strings.ToLower(n), "enterpriseenrollment.") && r["server"] != "" {
				queries++
			}
		}
	}
	if graph && batches == 0 {
		t.Errorf("no Graph $batch request in the debug log (%d records)", len(recs))
	}
	if queries == 0 {
		t.Errorf("no DNS query for EnterpriseEnrollment in the debug log (%d records)", len(recs))
	}
}

func wantNoMarks(t *testing.T, where, text string) {
	t.Helper()
	for _, m := range logMarks {
		if strings.Contains(text, m) {
			t.Errorf("%s holds debug output (%q)", where, m)
		}
	}
}

// TestDebugLogGoesToItsFile: with --debug FILE the binary writes structured JSON records of its
// Graph requests and DNS queries to FILE, and none to stdout or stderr; without it, nothing at all.
func TestDebugLogGoesToItsFile(t *testing.T) {
	fk := startFakes(t)
	env := []string{"MDMDOCTOR_ACCESS_TOKEN=" + fk.graph.Token()}
	args := []string{"check", "--user", "alice@contoso.com", "--graph-url", fk.graph.URL(), "--resolver", fk.dns.Addr()}
	o := runEnv(t, env, "", true, args...)
	if o.code != 0 {
		t.Fatalf("exit %d: %s", o.code, o.stderr)
	}
	log := filepath.Join(t.TempDir(), "again.jsonl")
	if err := os.WriteFile(log, []byte(o.debug), 0o600); err != nil {
		t.Fatal(err)
	}
	wantRecords(t, readLog(t, log), true)
	wantNoMarks(t, "stdout", o.stdout)
	wantNoMarks(t, "stderr", o.stderr)
	if o.stderr != "" {
		t.Errorf("stderr of a clean run: %q", o.stderr)
	}
	quiet := runEnv(t, env, "", false, args...)
	if quiet.stderr != "" {
		t.Errorf("without --debug, stderr: %q", quiet.stderr)
	}
	wantNoMarks(t, "stdout without --debug", quiet.stdout)
}

// TestDebugLogNeverOnTheTUIScreen runs the real Bubble Tea program over the demo env with --debug:
// the records land in the file, never in what the program drew. The recent targets it remembers
// are private to the operator.
func TestDebugLogNeverOnTheTUIScreen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := filepath.Join(t.TempDir(), "debug.jsonl")
	state := t.TempDir()
	e, err := openEnv(ctx, Config{Command: "tui", Demo: true, Cloud: "public", DNSTimeout: 2 * time.Second, Debug: log}, streams{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	recent := filepath.Join(state, "mdmdoctor", "recent.json")
	o := tui.Options{Backend: &tuiBackend{env: e}, Version: "test", Demo: true, DemoUsers: e.demoUsers(),
		Timeout: 30 * time.Second, RecentFile: recent, Environ: []string{"TERM=xterm-256color", "NO_COLOR=1"}}
	tm := teatest.NewTestModel(t, tui.New(ctx, o), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithEnvironment(o.Environ)))
	// drawn is everything the program wrote to its terminal.
	var drawn bytes.Buffer
	waitText := func(want string) {
		t.Helper()
		var seen []byte
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			seen = b
			return strings.Contains(ansi.Strip(string(b)), want)
		}, teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		drawn.Write(seen)
	}
	waitText("bob@contoso.com")
	tm.Type("bob@contoso.com")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitText("Finished")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitText("Failures")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	wantNoMarks(t, "the TUI's output", ansi.Strip(drawn.String()))
	wantNoMarks(t, "the TUI's last screen", ansi.Strip(final.View().Content))
	e.Close() // flushes and closes the debug log
	wantRecords(t, readLog(t, log), true)
	for path, dir := range map[string]bool{recent: false, filepath.Dir(recent): true} {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("the TUI did not remember the target: %v", err)
			continue
		}
		wantPrivate(t, path, dir)
	}
}
