package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// sampleSweep has a duplicate whose Entra record carries a formula-like name, and an orphaned Intune record.
func sampleSweep() checks.Sweep {
	seen := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	return checks.Sweep{EntraRecords: 2, IntuneRecords: 2, Devices: 2, ScopeJudged: true, Findings: []checks.SweepFinding{
		{Kind: checks.SweepDuplicate, Status: checks.Warn, Device: "CAROL-LT", Summary: "CAROL-LT has two Entra records",
			Records: []checks.SweepRecord{
				{Directory: "entra", ObjectID: "obj-1", DeviceID: "dev-1", Name: "CAROL-LT", JoinType: "AzureAd", LastActivity: seen, Action: "keep"},
				{Directory: "entra", ObjectID: "obj-2", DeviceID: "dev-2", Name: "=HYPERLINK(\"http://x\")", JoinType: "Workplace",
					Note: "stale registered twin", Action: "disable"},
			}},
		{Kind: checks.SweepOrphan, Status: checks.Fail, Device: "OLD-PC", Summary: "OLD-PC's Entra device is gone",
			Records: []checks.SweepRecord{{Directory: "intune", ObjectID: "md-gone", DeviceID: "dev-9", Name: "OLD-PC", Action: "delete"}}},
	}}
}

func TestSweepCSV(t *testing.T) {
	s := sampleSweep()
	var buf bytes.Buffer
	if err := WriteSweepCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], sweepColumns) {
		t.Errorf("header %v", rows[0])
	}
	if len(rows)-1 != 3 {
		t.Errorf("%d rows, want one per record: 3", len(rows)-1)
	}
	formula := 0
	for _, row := range rows[1:] {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("a cell starts a formula: %q", cell)
			}
			if strings.HasPrefix(cell, "'=HYPERLINK") {
				formula++
			}
		}
	}
	if formula != 1 {
		t.Errorf("the formula-like device name is in the export %d times, want once, made inert", formula)
	}
	want := []string{"2", "intune-orphan", "fail", "OLD-PC", "OLD-PC's Entra device is gone", "intune", "md-gone", "dev-9", "OLD-PC",
		"", "", "", "", "", "", "delete"}
	if !slices.Equal(rows[3], want) {
		t.Errorf("OLD-PC row %q, want %q", rows[3], want)
	}
	if rows[1][13] != "2026-11-20T09:00:00Z" {
		t.Errorf("lastActivity %q, want RFC 3339 in UTC", rows[1][13])
	}
}

func TestSweepJSON(t *testing.T) {
	var buf bytes.Buffer
	at := time.Date(2026, 11, 25, 18, 0, 0, 5e8, time.UTC)
	if err := WriteSweepJSON(&buf, sampleSweep(), facts.Target{Kind: facts.TargetTenant, TenantID: "t-1"}, at); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema      string         `json:"schema"`
		GeneratedAt string         `json:"generatedAt"`
		TenantID    string         `json:"tenantId"`
		Counts      map[string]int `json:"counts"`
		ScopeJudged bool           `json:"scopeJudged"`
		Findings    []struct {
			Kind    string `json:"kind"`
			Status  string `json:"status"`
			Device  string `json:"device"`
			Records []struct {
				Directory, ObjectID, Action string
			} `json:"records"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != SweepSchema || doc.GeneratedAt != "2026-11-25T18:00:00Z" || doc.TenantID != "t-1" || !doc.ScopeJudged {
		t.Errorf("JSON export header: %+v", doc)
	}
	wantCounts := map[string]int{"entraRecords": 2, "intuneRecords": 2, "devices": 2, "duplicate": 1, "intune-orphan": 1, "never-enrolled": 0}
	for k, v := range wantCounts {
		if doc.Counts[k] != v {
			t.Errorf("counts[%s] = %d, want %d", k, doc.Counts[k], v)
		}
	}
	if len(doc.Findings) != 2 || doc.Findings[1].Status != "fail" || doc.Findings[1].Records[0].ObjectID != "md-gone" ||
		doc.Findings[1].Records[0].Action != "delete" {
		t.Errorf("findings %+v", doc.Findings)
	}

	buf.Reset()
	if err := WriteSweepJSON(&buf, checks.Sweep{}, facts.Target{}, at); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"findings": []`) {
		t.Errorf("an empty sweep must list no findings as [], not null:\n%s", buf.String())
	}
}

// TestCSVCellsArePrintableAndInert: names reach the export as data: controls escaped, and no
// formula behind leading blanks or line breaks.
func TestCSVCellsArePrintableAndInert(t *testing.T) {
	for in, want := range map[string]string{
		"CAROL-LT":               "CAROL-LT",
		"=HYPERLINK(\"x\")":      "'=HYPERLINK(\"x\")",
		" =1+1":                  "' =1+1",
		"\n@SUM(A1)":             "'\n@SUM(A1)",
		"\r+1":                   `\x0d+1`,
		"\t-2":                   "'\t-2",
		"evil\x1b]52;c;eA==\x07": `evil\x1b]52;c;eA==\x07`,
		"\u202edoc.exe":          `\u202edoc.exe`,
	} {
		if got := cellSafe(in); got != want {
			t.Errorf("cellSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
