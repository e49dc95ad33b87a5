// Package checks judges gathered facts into results.
//
// Every check is a pure function from facts.Facts to results; the engine runs each check as soon as
// the sources it needs have settled, so results stream while slower sources are still being read.
// A result carries its evidence, the Microsoft documentation its rule follows and the fixes that
// would remedy it, as data. This package performs no I/O: package report writes the results out.
package checks

import (
	"encoding/json"
	"fmt"
)

// Status is the verdict of one result.
type Status int

// Statuses, ordered from best to worst for sorting; Skip sits apart as "not applicable".
const (
	Pass Status = iota
	Skip
	Warn
	Error
	Fail
)

var statusNames = [...]string{Pass: "pass", Skip: "skip", Warn: "warn", Error: "error", Fail: "fail"}

func (s Status) String() string {
	if int(s) >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Symbol is the status as a short mark that needs no colour to read.
func (s Status) Symbol() string {
	switch s {
	case Pass:
		return "✓"
	case Warn:
		return "!"
	case Fail:
		return "✗"
	case Skip:
		return "-"
	case Error:
		return "?"
	}
	return " "
}

// Severity orders statuses for display: failures first, then errors, warnings, passes, skips.
func (s Status) Severity() int {
	switch s {
	case Fail:
		return 0
	case Error:
		return 1
	case Warn:
		return 2
	case Pass:
		return 3
	}
	return 4
}

// ParseStatus reads a status name.
func ParseStatus(name string) (Status, error) {
	for i, n := range statusNames {
		if n == name {
			return Status(i), nil
		}
	}
	return 0, fmt.Errorf("unknown status %q: want pass, warn, fail, skip or error", name)
}

// MarshalJSON writes the status as its name.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a status name.
func (s *Status) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseStatus(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}
