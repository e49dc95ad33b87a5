package report

import (
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Schema is the JSON report's schema name; field names never change within v1.
const Schema = "mdmdoctor.report/v1"

// Report is the whole output of a run, as the JSON report contract describes it.
type Report struct {
	Schema      string          `json:"schema"`
	Tool        Tool            `json:"tool"`
	GeneratedAt time.Time       `json:"generatedAt"`
	Cloud       string          `json:"cloud"`
	Target      facts.Target    `json:"target"`
	Results     []checks.Result `json:"results"`
	Summary     Summary         `json:"summary"`
	// Symptom is set by check --error: the error's documented causes ranked for this user.
	Symptom *checks.Symptom `json:"symptom,omitempty"`
	// Path names the enrollment path the user checks judged; absent for tenant and DNS runs.
	Path *checks.PathReport `json:"path,omitempty"`
	// Reach are the flags that reach the same tenant again (--demo, --tenant-id, --cloud, --graph-url),
	// for the commands the text report suggests; not part of the JSON.
	Reach []string `json:"-"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Summary counts results by status.
type Summary struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Skip  int `json:"skip"`
	Error int `json:"error"`
}

// Exit codes of the CLI contract.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitUsage   = 2
	ExitErrored = 3
)

// New assembles a report and counts its summary; it makes every result's text printable and its
// lists non-nil, as the JSON contract wants arrays, never null.
func New(version, cloud string, target facts.Target, results []checks.Result, at time.Time) Report {
	if results == nil {
		results = []checks.Result{}
	}
	for i := range results {
		results[i].Normalize()
	}
	return Report{
		Schema:      Schema,
		Tool:        Tool{Name: "mdmdoctor", Version: version},
		GeneratedAt: at.UTC(),
		Cloud:       cloud,
		Target:      target,
		Results:     results,
		Summary:     Count(results),
	}
}

// Count tallies results by status.
func Count(results []checks.Result) Summary {
	var s Summary
	for _, r := range results {
		switch r.Status {
		case checks.Pass:
			s.Pass++
		case checks.Warn:
			s.Warn++
		case checks.Fail:
			s.Fail++
		case checks.Skip:
			s.Skip++
		case checks.Error:
			s.Error++
		}
	}
	return s
}

// ExitCode is the CLI's exit code for this report: 1 when any check failed, else 3 when any ended in
// error, else 0. A failure outranks an error because it is a finding the operator can act on.
func (r Report) ExitCode() int {
	switch {
	case r.Summary.Fail > 0:
		return ExitFailed
	case r.Summary.Error > 0:
		return ExitErrored
	}
	return ExitOK
}
