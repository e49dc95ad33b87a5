package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
)

// FindSymptom looks an enrollment error code, event or message up in the catalog (offline); what it
// cannot place is an error saying what to give instead.
func FindSymptom(text string) (checks.Symptom, error) {
	f := errcodes.Default().Find(text)
	if s, ok := checks.ExplainSymptom(f); ok {
		return s, nil
	}
	if len(f.Unknown)+len(f.Unplaced) == 0 {
		return checks.Symptom{}, fmt.Errorf("%q: %s", clip(text, 60), f.Problem())
	}
	return checks.Symptom{}, errors.New(f.Problem())
}

// clip shortens a pasted text for a one-line error.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

// RankError ranks the causes of the error given with --error against a run's results; nil without one.
func RankError(text string, results []checks.Result) *checks.Symptom {
	if text == "" {
		return nil
	}
	s, ok := checks.RankSymptom(errcodes.Default().Find(text), results)
	if !ok {
		return nil
	}
	return &s
}
