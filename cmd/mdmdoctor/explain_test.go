package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplainEveryForm(t *testing.T) {
	for _, in := range []string{"0x80180014", "80180014", "2149056532", "-2145910764",
		"There was a problem. Your organization does not support this version of Windows. (0x80180014)"} {
		r := runCLI(t, "", "explain", in)
		if r.code != 0 || !strings.Contains(r.stdout, "0x80180014 MENROLL_E_DEVICENOTSUPPORTED") || !strings.Contains(r.stdout, "enrollment.restrictions") {
			t.Errorf("%q: exit %d\n%s%s", in, r.code, r.stdout, r.stderr)
		}
	}
}

func TestExplainReadsAnEventFromStandardInput(t *testing.T) {
	event := "Log Name: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin\nSource: DeviceManagement-Enterprise-Diagnostics-Provider\nEvent ID: 76\nLevel: Error\nDescription: Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)\n"
	r := runCLI(t, event, "explain", "-", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var s struct {
		Code   string `json:"code"`
		Symbol string `json:"symbol"`
		Also   []struct {
			Key string `json:"key"`
		} `json:"also"`
		Causes []struct {
			Check string `json:"check"`
		} `json:"causes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{}
	for _, c := range s.Causes {
		checks[c.Check] = true
	}
	if s.Code != "0x8018002b" || s.Symbol != "MENROLL_E_MDM_NOT_CONFIGURED" || len(s.Also) != 1 || !checks["scope.mdm"] || !checks["tenant.upn-domain"] {
		t.Fatalf("%+v", s)
	}
}

func TestExplainUnknownIsOneLineAndExitTwo(t *testing.T) {
	for in, want := range map[string]string{
		"0x80181234":     "0x80181234 is not in mdmdoctor's catalog",
		"event 76":       "event 76 means something only in its log",
		"it just failed": "no enrollment error code",
		"":               "name the error",
	} {
		r := runCLI(t, "", "explain", in)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "paste") && in != "" {
			t.Errorf("%q: exit %d, stderr %q", in, r.code, r.stderr)
		}
	}
}

// The built binary explains offline: no sign-in and no network are needed.
func TestExplainBinary(t *testing.T) {
	r := runCLI(t, "", "explain", "--format", "markdown", "This account is not allowed on this phone.")
	if r.code != 0 || !strings.Contains(r.stdout, "## Error This account is not allowed on this phone") || !strings.Contains(r.stdout, "`license.intune`") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// check --error ranks the code's causes for the user: Erin's UPN suffix is .local, the documented
// first cause of 0x8018002b, so it is confirmed; her MDM scope is fine, so that cause is ruled out.
func TestCheckErrorRanksCauses(t *testing.T) {
	r := runCLI(t, "", "check", "--demo", "--user", "erin@contoso.local", "--error", "Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)", "--format", "json")
	doc, _ := decodeReport(t, r.stdout)
	s, ok := doc["symptom"].(map[string]any)
	if !ok {
		t.Fatalf("no symptom in the report: %s", r.stderr)
	}
	verdicts := map[string]string{}
	for _, c := range s["causes"].([]any) {
		m := c.(map[string]any)
		if m["check"] != "" {
			verdicts[m["check"].(string)] = m["verdict"].(string)
		}
	}
	if s["code"] != "0x8018002b" || verdicts["tenant.upn-domain"] != "confirmed" || verdicts["scope.mdm"] != "ruled-out" || verdicts["device.prt"] != "unknown" {
		t.Fatalf("symptom %v", s)
	}
	text := runCLI(t, "", "check", "--demo", "--user", "erin@contoso.local", "--error", "0x8018002b")
	if i := strings.Index(text.stdout, "CONFIRMED  tenant.upn-domain"); i < 0 || i > strings.Index(text.stdout, "FAIL  tenant.upn-domain") {
		t.Fatalf("the text report must show the ranked causes first:\n%s", text.stdout)
	}
	md := runCLI(t, "", "check", "--demo", "--user", "erin@contoso.local", "--error", "0x8018002b", "--format", "markdown")
	if i := strings.Index(md.stdout, "## Error 0x8018002b"); i < 0 || i > strings.Index(md.stdout, "| Status | Check |") {
		t.Fatalf("the Markdown report must show the symptom first:\n%s", md.stdout)
	}
}

// A bad --error stops before any sign-in, in one line with exit 2.
func TestCheckErrorBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--demo", "--user", "erin@contoso.local", "--error", "0x80181234"},
		{"check", "--demo", "--tenant", "--error", "0x8018002b"},
	} {
		r := runCLI(t, "", args...)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
