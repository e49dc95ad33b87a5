package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bin is the mdmdoctor binary built once for these tests: the CLI is tested as a user runs it.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mdmdoctor-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "mdmdoctor")
	// Listing tests and fuzz workers run no test that needs the binary: building it there would
	// spend a fuzz run's few seconds on the linker.
	flag.Parse()
	if !flagSet("test.list") && !flagSet("test.fuzzworker") {
		args := []string{"build", "-o", bin, "."}
		if raceBuild {
			args = []string{"build", "-race", "-o", bin, "."}
			// A race-enabled binary waits a second before it exits (GORACE's atexit_sleep_ms), for
			// goroutines still running to report; the tests run it dozens of times.
			os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
		}
		build := exec.Command("go", args...)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			os.RemoveAll(dir)
			panic("building mdmdoctor: " + err.Error())
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// flagSet reports whether a test flag was given a value other than its default.
func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != f.DefValue
}

type runResult struct {
	stdout, stderr string
	code           int
}

// runBinary runs the built binary with the state directory under state, NO_COLOR, and extra
// environment: the smoke tests of the binary as a user runs it, and the runs that need a process of
// their own (an HTTP proxy, a signal, a terminal).
func runBinary(t *testing.T, state string, env []string, stdin string, args ...string) runResult {
	t.Helper()
	// A bound far above any of these runs: it tells a hang from a slow run.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(append(os.Environ(), "XDG_STATE_HOME="+state, "NO_COLOR=1", "MDMDOCTOR_ACCESS_TOKEN="), env...)
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%v did not return: %v", args, ctx.Err())
	}
	return runResult{out.String(), errb.String(), code}
}

// decodeReport decodes a JSON report and indexes results by id (the first result of each id).
func decodeReport(t *testing.T, out string) (map[string]any, map[string]map[string]any) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not a JSON report: %v\n%s", err, out)
	}
	byID := map[string]map[string]any{}
	for _, r := range doc["results"].([]any) {
		m := r.(map[string]any)
		if _, ok := byID[m["id"].(string)]; !ok {
			byID[m["id"].(string)] = m
		}
	}
	return doc, byID
}

func TestBadInputIsOneLineAndExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--user", "not-an-upn", "--demo"},
		{"check", "--user", "a@bad..domain", "--demo"},
		{"check", "--demo"},
		{"check", "--user", "alice@contoso.com", "--format", "yaml"},
		{"check", "--user", "alice@contoso.com", "--only", "scope.nope"},
		{"check", "--user", "alice@contoso.com", "--cloud", "mars"},
		{"check", "--bogus"},
		{"dns", "--demo"},
		{"dns", "--demo", "exa mple.com"},
		{"frobnicate"},
		{"check", "--demo", "--user", "alice@contoso.com", "--dsregcmd", "/nonexistent/file"},
	} {
		r := runCLI(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "mdmdoctor: ") || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: want one line of error, got %q", args, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%v: bad input wrote to stdout: %q", args, r.stdout)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	if r := runCLI(t, "", "version"); r.code != 0 || !strings.Contains(r.stdout, "mdmdoctor ") {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"dns", "-h"}} {
		r := runCLI(t, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	r := runCLI(t, "", "checks")
	for _, id := range []string{"scope.mdm", "license.intune", "mfa.registration"} {
		if !strings.Contains(r.stdout, id) {
			t.Errorf("checks does not list %s", id)
		}
	}
}

func TestDemoHealthyUserPasses(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "alice@contoso.com", "--format", "json")
	doc, byID := decodeReport(t, r.stdout)
	if doc["schema"] != "mdmdoctor.report/v1" {
		t.Fatalf("schema %v", doc["schema"])
	}
	for id, res := range byID {
		st := res["status"]
		if st != "pass" && !(strings.HasPrefix(id, "device.") && st == "skip") {
			t.Errorf("alice: %s is %v: %v", id, st, res["summary"])
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d, want 0; stderr %s", r.code, r.stderr)
	}
}

func TestDemoBobFails(t *testing.T) {
	// Bob's laptop joins Entra in Windows setup: every path but co-management needs the Intune licence.
	r := runCLI(t, "", "check", "--demo", "--user", "bob@contoso.com", "--path", "join", "--format", "json")
	_, byID := decodeReport(t, r.stdout)
	for _, id := range []string{"scope.mdm", "license.intune", "license.entra-premium"} {
		if byID[id]["status"] != "fail" {
			t.Errorf("bob: %s is %v, want fail: %v", id, byID[id]["status"], byID[id]["summary"])
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
}

func TestDemoOnlySkipsTheRest(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "bob@contoso.com", "--format", "json", "--only", "scope.mdm")
	_, byID := decodeReport(t, r.stdout)
	for id, res := range byID {
		want := "skip"
		if id == "scope.mdm" {
			want = "fail"
		}
		if res["status"] != want {
			t.Errorf("%s is %v, want %s", id, res["status"], want)
		}
	}
}

func TestDemoDNS(t *testing.T) {
	r := runCLI(t, "", "dns", "--demo", "contoso.com", "TAILSPIN.com.", "--format", "json")
	doc, _ := decodeReport(t, r.stdout)
	got := map[string]string{}
	for _, x := range doc["results"].([]any) {
		m := x.(map[string]any)
		got[m["id"].(string)+" "+m["subject"].(string)] = m["status"].(string)
	}
	want := map[string]string{
		"dns.enrollment-cname contoso.com": "pass", "dns.registration-cname contoso.com": "pass",
		"dns.enrollment-cname tailspin.com": "fail", "dns.registration-cname tailspin.com": "fail",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %s (all: %v)", k, got[k], v, got)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
}

func TestDemoTextAndMarkdown(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "grace@fabrikam.com")
	if !strings.Contains(r.stdout, "FAIL  scope.mam-conflict") || !strings.Contains(r.stdout, "Summary:") {
		t.Errorf("text report:\n%s", r.stdout)
	}
	r = runCLI(t, "", "check", "--demo", "--user", "grace@fabrikam.com", "--format", "markdown")
	if !strings.HasPrefix(r.stdout, "# mdmdoctor report") || !strings.Contains(r.stdout, "`mfa.registration`") {
		t.Errorf("markdown report:\n%s", r.stdout)
	}
}

// TestDemoDsregcmdMatchesDuplicatePair pastes (on stdin) the dsregcmd output of carol's laptop, whose
// DeviceId is the joined record of the demo's duplicate pair: the device's view explains the pair.
func TestDemoDsregcmdMatchesDuplicatePair(t *testing.T) {
	paste, err := os.ReadFile(filepath.Join("..", "..", "testdata", "dsregcmd", "demo-carol-duplicate.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, string(paste), "check", "--demo", "--user", "carol@contoso.com", "--dsregcmd", "-", "--format", "json")
	doc, byID := decodeReport(t, r.stdout)
	want := map[string]string{"device.join-state": "fail", "device.tenant": "pass", "device.record": "warn",
		"device.mdm-urls": "pass", "device.prt": "pass", "device.auth-status": "pass", "devices.duplicates": "warn"}
	for id, st := range want {
		if byID[id]["status"] != st {
			t.Errorf("%s is %v, want %s: %v", id, byID[id]["status"], st, byID[id]["summary"])
		}
	}
	if tid := doc["target"].(map[string]any)["tenantId"]; tid != "11111111-1111-4111-8111-111111111111" {
		t.Errorf("target.tenantId = %v, want Contoso's", tid)
	}
	// The paste holds device and user identifiers: nothing of it beyond the quoted evidence lines may
	// reach the report, and none of it stderr.
	if strings.Contains(r.stderr, "1a3e96c1") {
		t.Errorf("stderr repeats the paste: %s", r.stderr)
	}
}
