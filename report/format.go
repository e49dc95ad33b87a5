package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// Format is a report output format.
type Format string

// Report formats accepted by --format.
const (
	FormatText     Format = "text"
	FormatJSON     Format = "json"
	FormatMarkdown Format = "markdown"
)

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatText, FormatJSON, FormatMarkdown:
		return Format(s), nil
	}
	return "", fmt.Errorf("unknown format %q: use text, json or markdown", s)
}

// Write writes the report in the given format.
func Write(w io.Writer, r Report, f Format) error {
	switch f {
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatMarkdown:
		return WriteMarkdown(w, r)
	}
	return WriteText(w, r, 80)
}

// WriteJSON writes the report as the mdmdoctor.report/v1 JSON document.
func WriteJSON(w io.Writer, r Report) error {
	return writeJSON(w, r)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// BySeverity returns the results ordered failures first, then errors, warnings, passes and skips,
// keeping catalog order within a status.
func BySeverity(results []checks.Result) []checks.Result {
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b checks.Result) int { return a.Status.Severity() - b.Status.Severity() })
	return out
}

func summaryLine(s Summary) string {
	return fmt.Sprintf("%d fail, %d error, %d warn, %d pass, %d skip", s.Fail, s.Error, s.Warn, s.Pass, s.Skip)
}

func targetLine(r Report) string { return checks.Printable(targetWords(r)) }

// targetWords names the report's target as read: a UPN or tenant id from the command line or Graph.
func targetWords(r Report) string {
	switch r.Target.Kind {
	case "user":
		return "user " + r.Target.User
	case "tenant":
		if r.Target.TenantID != "" {
			return "tenant " + r.Target.TenantID
		}
		return "whole tenant"
	}
	return fmt.Sprintf("DNS for %v", r.Target.Domains)
}
