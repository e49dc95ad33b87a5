package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
