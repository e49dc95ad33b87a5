package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// SweepSchema names the export format; fields may be added within v1, never renamed.
const SweepSchema = "mdmdoctor.sweep/v1"

// sweepExport is the JSON export: the sweep's findings with every record they concern.
type sweepExport struct {
	Schema      string                `json:"schema"`
	GeneratedAt time.Time             `json:"generatedAt"`
	TenantID    string                `json:"tenantId"`
	Counts      map[string]int        `json:"counts"`
	ScopeJudged bool                  `json:"scopeJudged"`
	Findings    []checks.SweepFinding `json:"findings"`
}

// WriteSweepJSON writes the sweep for cleanup work as one JSON document.
func WriteSweepJSON(w io.Writer, s checks.Sweep, t facts.Target, now time.Time) error {
	findings := s.Findings
	if findings == nil {
		findings = []checks.SweepFinding{}
	}
	doc := sweepExport{Schema: SweepSchema, GeneratedAt: now.UTC().Truncate(time.Second), TenantID: t.TenantID, ScopeJudged: s.ScopeJudged,
		Counts: map[string]int{"entraRecords": s.EntraRecords, "intuneRecords": s.IntuneRecords, "devices": s.Devices,
			string(checks.SweepDuplicate): s.Count(checks.SweepDuplicate), string(checks.SweepOrphan): s.Count(checks.SweepOrphan), string(checks.SweepNeverEnrolled): s.Count(checks.SweepNeverEnrolled)},
		Findings: findings}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write the JSON export: %w", err)
	}
	return nil
}

// sweepColumns are the CSV export's columns: one row per record, rows of one device together under
// the same finding number.
var sweepColumns = []string{"finding", "kind", "status", "device", "summary", "directory", "objectId", "deviceId", "name",
	"serialNumber", "joinType", "operatingSystem", "user", "lastActivity", "note", "action"}

// WriteSweepCSV writes the sweep for cleanup work as CSV (RFC 4180), one row per record.
func WriteSweepCSV(w io.Writer, s checks.Sweep) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(sweepColumns); err != nil {
		return fmt.Errorf("write the CSV export: %w", err)
	}
	for i, d := range s.Findings {
		for _, r := range d.Records {
			last := ""
			if !r.LastActivity.IsZero() {
				last = r.LastActivity.UTC().Format(time.RFC3339)
			}
			row := []string{strconv.Itoa(i + 1), string(d.Kind), d.Status.String(), d.Device, d.Summary, r.Directory, r.ObjectID, r.DeviceID, r.Name,
				r.SerialNumber, r.JoinType, r.OperatingSystem, r.User, last, r.Note, r.Action}
			for j := range row {
				row[j] = cellSafe(row[j])
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write the CSV export: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write the CSV export: %w", err)
	}
	return nil
}

// cellSafe makes a cell printable and keeps a spreadsheet from reading it as a formula: device and
// user names come from the tenant's users, and a name such as "=HYPERLINK(...)" would run when the
// export is opened, also behind leading blanks or line breaks, which spreadsheets skip.
func cellSafe(s string) string {
	s = checks.Printable(s)
	t := strings.TrimLeft(s, " \t\r\n")
	if s != "" && (s != t || strings.ContainsAny(t[:min(1, len(t))], "=+-@")) {
		return "'" + s
	}
	return s
}
