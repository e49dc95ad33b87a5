package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// runInProcess runs the CLI through run(), as main does, without building the binary.
func runInProcess(stdin string, args ...string) runResult {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return runResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func TestExplainEveryForm(t *testing.T) {
	for _, in := range []string{"0x80180014", "80180014", "2149056532", "-2145910764",
		"There was a problem. Your organization does not support this version of Windows. (0x80180014)"} {
		r := runInProcess("", "explain", in)
		if r.code != 0 || !strings.Contains(r.stdout, "0x80180014 MENROLL_E_DEVICENOTSUPPORTED") || !strings.Contains(r.stdout, "enrollment.restrictions") {
			t.Errorf("%q: exit %d\n%s%s", in, r.code, r.stdout, r.stderr)
		}
	}
}

func TestExplainReadsAnEventFromStandardInput(t *testing.T) {
	event := "Log Name: Microsoft-Windows-DeviceManagement-Enterprise-Diagnostics-Provider/Admin\nSource: DeviceManagement-Enterprise-Diagnostics-Provider\nEvent ID: 76\nLevel: Error\nDescription: Auto MDM Enroll: Failed (Unknown Win32 Error code: 0x80180002b)\n"
	r := runInProcess(event, "explain", "-", "--format", "json")
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
		r := runInProcess("", "explain", in)
		if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "paste") && in != "" {
			t.Errorf("%q: exit %d, stderr %q", in, r.code, r.stderr)
		}
	}
}

// The built binary explains offline: no sign-in and no network are needed.
func TestExplainBinary(t *testing.T) {
	r := runBin(t, "", "explain", "--format", "markdown", "This account is not allowed on this phone.")
	if r.code != 0 || !strings.Contains(r.stdout, "## Error This account is not allowed on this phone") || !strings.Contains(r.stdout, "`license.intune`") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
