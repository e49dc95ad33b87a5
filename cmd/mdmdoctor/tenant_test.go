package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// tenantResults decodes a JSON report into "id subject" -> status, and the target.
func tenantResults(t *testing.T, out string) (map[string]string, map[string]any) {
	t.Helper()
	doc, _ := decodeReport(t, out)
	got := map[string]string{}
	for _, x := range doc["results"].([]any) {
		m := x.(map[string]any)
		got[m["id"].(string)+" "+m["subject"].(string)] = m["status"].(string)
	}
	return got, doc["target"].(map[string]any)
}

func TestDemoTenantWalkthrough(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--tenant", "--format", "json")
	got, target := tenantResults(t, r.stdout)
	const contoso = "11111111-1111-4111-8111-111111111111"
	if target["kind"] != "tenant" || target["tenantId"] != contoso || !slices.Equal(toStrings(target["domains"]), []string{"contoso.com"}) {
		t.Errorf("target %v, want Contoso with its verified domain and not contoso.onmicrosoft.com", target)
	}
	want := map[string]string{
		"operator.permissions " + contoso: "pass", "license.entra-premium " + contoso: "pass", "license.intune " + contoso: "pass",
		"tenant.mdm-authority " + contoso: "pass",
		"scope.mdm " + contoso:            "pass", "scope.urls " + contoso: "pass", "scope.mam-conflict " + contoso: "pass", "mfa.registration " + contoso: "pass",
		"dns.enrollment-cname contoso.com": "pass", "dns.registration-cname contoso.com": "pass",
		"enrollment.restrictions Block personal Windows": "warn", "enrollment.restrictions All users and all devices": "pass",
		"devices.duplicates CAROL-LT": "warn", "devices.duplicates FRANK-LT1": "fail", "devices.duplicates FRANK-LT2": "fail",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d results, want %d: %v", len(got), len(want), got)
	}
	if r.code != 1 || r.stderr != "" {
		t.Errorf("exit %d, stderr %q; want 1 and no progress on a stderr that is no terminal", r.code, r.stderr)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestDemoTenantPickedByTenantID: --tenant-id picks the Fabrikam demo by name, id or domain, and its
// misconfigured settings show.
func TestDemoTenantPickedByTenantID(t *testing.T) {
	const fabrikam = "22222222-2222-4222-8222-222222222222"
	for _, id := range []string{"fabrikam", fabrikam, "TAILSPIN.com"} {
		r := runCLI(t, "", "check", "--demo", "--tenant", "--tenant-id", id, "--format", "json")
		got, target := tenantResults(t, r.stdout)
		if target["tenantId"] != fabrikam || !slices.Equal(toStrings(target["domains"]), []string{"fabrikam.com", "tailspin.com"}) {
			t.Errorf("--tenant-id %s: target %v", id, target)
		}
		for k, v := range map[string]string{"scope.urls " + fabrikam: "fail", "scope.mam-conflict " + fabrikam: "fail",
			"mfa.registration " + fabrikam: "fail", "operator.permissions " + fabrikam: "warn", "dns.enrollment-cname tailspin.com": "fail",
			"dns.registration-cname fabrikam.com": "warn", "devices.duplicates " + fabrikam: "pass"} {
			if got[k] != v {
				t.Errorf("--tenant-id %s: %s is %q, want %s", id, k, got[k], v)
			}
		}
	}
	r := runCLI(t, "", "check", "--demo", "--tenant", "--format", "json", "--tenant-id", "fabrikam")
	doc, byID := decodeReport(t, r.stdout)
	var inBoth []string
	for _, e := range byID["scope.mam-conflict"]["evidence"].([]any) {
		if u, ok := strings.CutPrefix(e.(map[string]any)["detail"].(string), "in both scopes: "); ok {
			inBoth = append(inBoth, u)
		}
	}
	if !slices.Equal(inBoth, []string{"grace@fabrikam.com"}) || doc["summary"].(map[string]any)["fail"].(float64) < 5 {
		t.Errorf("users in both scopes %v", inBoth)
	}
}

func TestDemoTenantExports(t *testing.T) {
	dir := t.TempDir()
	csvFile, jsonFile := filepath.Join(dir, "sweep.csv"), filepath.Join(dir, "sweep.JSON")
	r := runCLI(t, "", "check", "--demo", "--tenant", "--export", csvFile)
	if r.code != 1 || !strings.Contains(r.stderr, "wrote 3 devices to clean up (3 recorded twice, 0 left in Intune, 0 never enrolled)") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	f, err := os.Open(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, _ := f.Stat(); st.Mode().Perm() != 0o600 {
		t.Errorf("export mode %v, want 0600", st.Mode().Perm())
	}
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// CAROL-LT's stale registered record is still enabled: disabling it is the step planned first.
	disabled := 0
	for _, row := range rows[1:] {
		if row[15] == "disable" {
			disabled++
			if row[3] != "CAROL-LT" || row[5] != "entra" || row[6] != "bddbcba3-9d08-444c-8520-91153c0b5749" {
				t.Errorf("planned disabling %v, want CAROL-LT's stale registered record", row)
			}
		}
	}
	if rows[0][0] != "finding" || len(rows) != 9 || disabled != 1 {
		t.Errorf("%d rows (want a header and 8 records), %d records to disable", len(rows), disabled)
	}

	r = runCLI(t, "", "check", "--demo", "--tenant", "--export", jsonFile, "--only", "devices.duplicates")
	b, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatalf("%v (stderr %q)", err, r.stderr)
	}
	var doc struct {
		Schema   string         `json:"schema"`
		TenantID string         `json:"tenantId"`
		Counts   map[string]int `json:"counts"`
		Findings []struct {
			Kind, Device string
		} `json:"findings"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "mdmdoctor.sweep/v1" || doc.TenantID != "11111111-1111-4111-8111-111111111111" || doc.Counts["duplicate"] != 3 ||
		doc.Counts["devices"] != 9 || len(doc.Findings) != 3 {
		t.Errorf("JSON export %+v", doc)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the directory holds %d files, want the two exports and no leftovers", len(entries))
	}
}

func TestTenantBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--demo", "--tenant", "--export", "devices.txt"},
		{"check", "--demo", "--user", "alice@contoso.com", "--export", "devices.csv"},
		{"check", "--demo", "--tenant", "--tenant-id", "northwind"},
		{"check", "--demo", "--tenant", "--dsregcmd", "-"},
		{"check", "--demo", "--tenant", "--user", "alice@contoso.com"},
	} {
		r := runCLI(t, "", args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.HasPrefix(r.stderr, "mdmdoctor: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, r.code, r.stderr)
		}
	}
}

// TestTenantInterrupted runs the walkthrough against a large, slow tenant and interrupts it with
// SIGINT while the devices stream: the run stops at once, reports what it has, says it was
// interrupted, and writes no export.
func TestTenantInterrupted(t *testing.T) {
	srv, err := graphtest.NewScale(graphtest.ScaleOptions{Devices: 30_000})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.SetLatency(300 * time.Millisecond)
	export := filepath.Join(t.TempDir(), "sweep.csv")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "check", "--tenant", "--graph-url", srv.URL(), "--format", "json", "--export", export)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "NO_COLOR=1", "MDMDOCTOR_ACCESS_TOKEN="+srv.Token())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for srv.Served().Pages["/v1.0/devices"] < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	err = cmd.Wait()
	if took := time.Since(sent); took > 5*time.Second {
		t.Errorf("the walkthrough took %v to stop after SIGINT", took)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("exit %v, want 3 (checks ended in error); stderr %q", err, errb.String())
	}
	_, byID := decodeReport(t, out.String())
	if d := byID["devices.duplicates"]; d["status"] != "error" || !strings.Contains(d["error"].(string), "cancelled") {
		t.Errorf("devices.duplicates: %v %v, want an error saying the run was cancelled", d["status"], d["error"])
	}
	if !strings.Contains(errb.String(), "interrupted") || !strings.Contains(errb.String(), "no export written") {
		t.Errorf("stderr %q should say the run was interrupted and no export written", errb.String())
	}
	if _, err := os.Stat(export); !os.IsNotExist(err) {
		t.Errorf("an export was written after the interrupt: %v", err)
	}
	if pages := srv.Served().Pages["/v1.0/devices"]; pages > 10 {
		t.Errorf("%d pages read: the sweep did not stop", pages)
	}
}
