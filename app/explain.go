package app

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/report"
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

// maxPaste bounds what Explain reads from standard input: an event or a dsregcmd output is a few KiB.
const maxPaste = 1 << 20

// Explain writes the meaning and documented causes of an enrollment error code, event or message (the
// words of args, or in when they are "-") to w, offline; text wraps as TextWidth says.
func Explain(w io.Writer, in io.Reader, args []string, f report.Format) error {
	text := strings.Join(args, " ")
	if text == "-" {
		raw, err := io.ReadAll(io.LimitReader(in, maxPaste))
		if err != nil {
			return fmt.Errorf("could not read standard input: %w", err)
		}
		text = string(raw)
	}
	if strings.TrimSpace(text) == "" {
		return errors.New("name the error: mdmdoctor explain 0x80180014, or paste the message or event text in quotes " +
			"(or - to read it from standard input)")
	}
	symptom, err := FindSymptom(text)
	if err != nil {
		return err
	}
	if err := report.WriteSymptom(w, symptom, f, TextWidth(w)); err != nil {
		return fmt.Errorf("could not write the explanation: %w", err)
	}
	return nil
}
