package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/internal/golden"
)

// sampleReport has one result of every status, with evidence, a fix and text that needs escaping.
func sampleReport() Report {
	results := []checks.Result{
		{ID: "scope.mdm", Subject: "bob@contoso.com", Title: "MDM user scope", Status: checks.Fail,
			Summary:     "The MDM user scope is Some and the user is in none of its groups (\"Intune Users\").",
			Explanation: "Automatic enrollment only happens for users inside the MDM user scope.",
			Remediation: "Add the user to one of the included groups.",
			Evidence:    []checks.Evidence{{Source: "GET /beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000", Detail: "appliesTo=selected; included groups: \"Intune Users\""}},
			Docs:        "https://learn.microsoft.com/en-us/intune/intune-service/enrollment/windows-enroll",
			Fixes: []checks.Fix{{ID: "scope.mdm.add-user-to-group", Title: "Add the user to \"Intune Users\"", Reversible: true,
				Permissions: []string{"GroupMember.ReadWrite.All"},
				Requests:    []checks.Request{checks.AddMember("https://graph.microsoft.com", "g1", "u1")}}}},
		{ID: "license.intune", Subject: "bob@contoso.com", Title: "Intune licence", Status: checks.Error, Summary: "Could not run: 403", Error: "could not read licenseDetails: 403 | needs <LicenseAssignment.Read.All>"},
		{ID: "mfa.registration", Subject: "bob@contoso.com", Title: "MFA to register or join devices", Status: checks.Warn, Summary: "Nothing requires MFA to register or join devices for this user."},
		{ID: "tenant.upn-domain", Subject: "bob@contoso.com", Title: "UPN suffix is a verified domain", Status: checks.Pass, Summary: "The UPN suffix contoso.com is a verified domain."},
		{ID: "device.prt", Subject: "bob@contoso.com", Title: "Primary refresh token", Status: checks.Skip, Summary: "Skipped: no dsregcmd /status output was given"},
	}
	at := time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)
	return New("0.1.0", "public", facts.Target{Kind: facts.TargetUser, User: "bob@contoso.com", Domains: []string{"contoso.com"}}, results, at)
}

func requireGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Require(t, filepath.Join("testdata", "golden", name), got)
}

func TestWriters(t *testing.T) {
	for _, tc := range []struct {
		format Format
		file   string
	}{{FormatText, "report.txt"}, {FormatJSON, "report.json"}, {FormatMarkdown, "report.md"}} {
		var b bytes.Buffer
		if err := Write(&b, sampleReport(), tc.format); err != nil {
			t.Fatal(err)
		}
		requireGolden(t, tc.file, b.Bytes())
	}
}

func TestTextFitsEightyColumns(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sampleReport(), 80); err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(b.Bytes(), []byte("\n")) {
		// Only a single word that cannot be broken (a URL, an ID) may stand wider than the page.
		if n := len([]rune(string(line))); n > 80 && len(bytes.Fields(line)) > 1 {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
}

// TestTextNeverSplitsAWord: URLs, GUIDs, IDs and commands reach the reader whole, to be clicked or copied.
func TestTextNeverSplitsAWord(t *testing.T) {
	for _, w := range []int{40, 80} {
		var b bytes.Buffer
		if err := WriteText(&b, sampleReport(), w); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, r := range sampleReport().Results {
			for _, word := range append(strings.Fields(r.Docs), strings.Fields(r.Summary)...) {
				if !strings.Contains(out, word) {
					t.Errorf("width %d: %q was split across lines", w, word)
				}
			}
			for _, e := range r.Evidence {
				for _, word := range strings.Fields(e.Source) {
					if !strings.Contains(out, word) {
						t.Errorf("width %d: %q was split across lines", w, word)
					}
				}
			}
		}
	}
}

func TestJSONContract(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != "mdmdoctor.report/v1" {
		t.Errorf("schema = %v", doc["schema"])
	}
	for _, k := range []string{"tool", "generatedAt", "cloud", "target", "results", "summary"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("top-level field %q missing", k)
		}
	}
	res := doc["results"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "subject", "title", "status", "summary", "explanation", "remediation", "evidence", "docs", "fixes", "error", "durationMs"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result field %q missing", k)
		}
	}
	sum := doc["summary"].(map[string]any)
	for k, want := range map[string]float64{"pass": 1, "warn": 1, "fail": 1, "skip": 1, "error": 1} {
		if sum[k] != want {
			t.Errorf("summary.%s = %v, want %v", k, sum[k], want)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		statuses []checks.Status
		want     int
	}{
		{[]checks.Status{checks.Pass, checks.Warn, checks.Skip}, ExitOK},
		{[]checks.Status{checks.Pass, checks.Error}, ExitErrored},
		{[]checks.Status{checks.Error, checks.Fail}, ExitFailed},
		{nil, ExitOK},
	} {
		var rs []checks.Result
		for _, s := range tc.statuses {
			rs = append(rs, checks.Result{Status: s})
		}
		if got := New("v", "public", facts.Target{}, rs, time.Now()).ExitCode(); got != tc.want {
			t.Errorf("%v: exit %d, want %d", tc.statuses, got, tc.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, ok := range []string{"text", "json", "markdown"} {
		if _, err := ParseFormat(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("yaml must be refused")
	}
}

// TestTableInReports: a result's table reaches the text report a row per line and Markdown as a table.
func TestTableInReports(t *testing.T) {
	r := checks.Result{ID: "enrollment.failures", Subject: "carol@contoso.com", Status: checks.Fail, Summary: "3 failures",
		Table: &checks.Table{Columns: []string{"Time", "Category", "Reason", "Correlation ID"}, Rows: [][]string{
			{"2026-11-24 18:00 UTC", "deviceNotSupported", "There was a problem. (0x80180014)", "corr-e-new"},
			{"2026-11-23 18:00 UTC", "clientDisconnected", "Timed | out", ""},
		}}}
	rep := New("test", "public", facts.Target{Kind: facts.TargetUser, User: "carol@contoso.com"}, []checks.Result{r}, time.Now())
	var text, md bytes.Buffer
	if err := WriteText(&text, rep, 80); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "| 2026-11-24 18:00 UTC · deviceNotSupported · There was a problem.") ||
		!strings.Contains(text.String(), "Timed | out · -\n") {
		t.Errorf("the text report lacks the table:\n%s", text.String())
	}
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| Time | Category | Reason | Correlation ID |\n|---|---|---|---|\n") ||
		!strings.Contains(md.String(), `| Timed \| out |  |`) {
		t.Errorf("the Markdown report lacks the table:\n%s", md.String())
	}
}
