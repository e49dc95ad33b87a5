package checks

import (
	"slices"

	"github.com/mdmdoctor/mdmdoctor/errcodes"
)

// Verdict ranks one documented cause of an error against a run's results.
type Verdict string

// Verdicts, from most to least likely to be the cause now.
const (
	// Confirmed: the cause's check fails for this user.
	Confirmed Verdict = "confirmed"
	// Possible: the check warns, or depends on something unknown such as the enrollment path.
	Possible Verdict = "possible"
	// Unknown: not visible from Graph in this run; HowToVerify says where to look.
	Unknown Verdict = "unknown"
	// RuledOut: the check passes as of now; the setting may have been different when the error happened.
	RuledOut Verdict = "ruled-out"
)

func (v Verdict) rank() int {
	switch v {
	case Confirmed:
		return 0
	case Possible:
		return 1
	case Unknown:
		return 2
	case RuledOut:
		return 3
	}
	return 4
}

// Symptom is what the user met (a code, an event, a message) with its documented causes; ranked
// against a run's results by RankSymptom, or listed unranked by ExplainSymptom. It is the JSON
// report's top-level "symptom" object.
type Symptom struct {
	// Input is the text the operator gave, made printable.
	Input string `json:"input"`
	// Code is the error code (0x and 8 hex digits); empty when the input is an event or message without one.
	Code   string `json:"code"`
	Symbol string `json:"symbol"`
	// Title is the error as the user or the event log shows it.
	Title   string `json:"title"`
	Meaning string `json:"meaning"`
	// Source is the Microsoft article describing the code.
	Source string `json:"source"`
	// Also are the other entries the input named: the event that carried the code, a sub-error.
	Also []SymptomEntry `json:"also"`
	// UnknownCodes are codes in the input that the catalog does not hold.
	UnknownCodes []string       `json:"unknownCodes"`
	Causes       []SymptomCause `json:"causes"`
}

// SymptomEntry is one further catalog entry named by the input.
type SymptomEntry struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Meaning string `json:"meaning"`
	Source  string `json:"source"`
}

// SymptomCause is one documented cause with its verdict for this user.
type SymptomCause struct {
	Cause string `json:"cause"`
	// Check is the check that tests the cause; empty when only the device can tell.
	Check string `json:"check"`
	// Verdict is empty when the causes are listed without a run (mdmdoctor explain).
	Verdict Verdict `json:"verdict,omitempty"`
	// Finding is what the check found, as of this run.
	Finding     string `json:"finding,omitempty"`
	Source      string `json:"source"`
	HowToVerify string `json:"howToVerify"`
	// From is the catalog entry the cause belongs to (its code, event or message).
	From string `json:"from"`
}

// ExplainSymptom lists a finding's documented causes without judging them: mdmdoctor explain.
// ok is false when the finding names no catalog entry.
func ExplainSymptom(f errcodes.Finding) (Symptom, bool) {
	return buildSymptom(f, func(e errcodes.Entry, c errcodes.Cause) SymptomCause {
		sc := SymptomCause{HowToVerify: c.Verify}
		if c.Check != "" {
			arg := "with this text"
			if e.Code != "" {
				arg = e.Code
			}
			how := "Test it live: mdmdoctor check --user UPN --error " + arg + " runs " + c.Check + "."
			sc.HowToVerify = joinSentences(how, c.Verify)
		}
		return sc
	})
}

// RankSymptom ranks a finding's documented causes against a run's results: confirmed when the cause's
// check fails, possible when it warns, ruled-out (as of now) when it passes, unknown when the check
// did not run, could not read its facts, or Graph cannot see the cause at all.
func RankSymptom(f errcodes.Finding, results []Result) (Symptom, bool) {
	return buildSymptom(f, func(_ errcodes.Entry, c errcodes.Cause) SymptomCause {
		if c.Check == "" {
			return SymptomCause{Verdict: Unknown, HowToVerify: joinSentences("Not visible from "+
				"Microsoft Graph.", c.Verify)}
		}
		worst, found := Pass, false
		var summary string
		for _, r := range results {
			if r.ID != c.Check {
				continue
			}
			if !found || r.Status.Severity() < worst.Severity() {
				worst, summary = r.Status, r.Summary
			}
			found = true
		}
		switch {
		case !found:
			return SymptomCause{Verdict: Unknown, HowToVerify: joinSentences(c.Check+" did not run: run the check "+
				"without --only, or with "+c.Check+" in it.", c.Verify)}
		case worst == Fail:
			return SymptomCause{Verdict: Confirmed, Finding: summary,
				HowToVerify: joinSentences("See "+c.Check+" in the results for the evidence and the fix.", c.Verify)}
		case worst == Warn:
			return SymptomCause{Verdict: Possible, Finding: summary,
				HowToVerify: joinSentences("See "+c.Check+" in the results: it depends on something mdmdoctor could "+
					"not settle.", c.Verify)}
		case worst == Pass:
			return SymptomCause{Verdict: RuledOut, Finding: "As of now: " + summary,
				HowToVerify: joinSentences("The check passes now. If the error is older than a recent change to this "+
					"setting, it may have been the cause then: mdmdoctor does not read the audit log.", c.Verify)}
		case worst == Skip:
			return SymptomCause{Verdict: Unknown, Finding: summary, HowToVerify: joinSentences(c.Check+" was skipped "+
				"in this run.", c.Verify)}
		}
		return SymptomCause{Verdict: Unknown, Finding: summary, HowToVerify: joinSentences(c.Check+" could not read "+
			"what it needs (see its error).", c.Verify)}
	})
}

func buildSymptom(f errcodes.Finding, judge func(errcodes.Entry, errcodes.Cause) SymptomCause) (Symptom, bool) {
	primary, ok := f.Primary()
	if !ok {
		return Symptom{}, false
	}
	e := primary.Entry
	s := Symptom{Input: Printable(f.Input), Code: e.Code, Symbol: e.Symbol, Title: e.Title, Meaning: e.Meaning, Source: e.Source,
		Also: []SymptomEntry{}, UnknownCodes: append([]string{}, f.Unknown...), Causes: []SymptomCause{}}
	seen := map[string]bool{}
	for i, m := range f.Matches {
		if i > 0 {
			s.Also = append(s.Also, SymptomEntry{Key: m.Entry.Key(), Title: m.Entry.Title, Meaning: m.Entry.Meaning, Source: m.Entry.Source})
		}
		for _, c := range m.Entry.Causes {
			if seen[c.Check+"\x00"+c.Cause] {
				continue
			}
			seen[c.Check+"\x00"+c.Cause] = true
			sc := judge(m.Entry, c)
			sc.Cause, sc.Check, sc.Source, sc.From = c.Cause, c.Check, c.Source, m.Entry.Key()
			sc.Finding = Printable(sc.Finding)
			s.Causes = append(s.Causes, sc)
		}
	}
	sortCauses(s.Causes)
	return s, true
}

// sortCauses orders causes most likely first, keeping the catalog's order within a verdict.
func sortCauses(cs []SymptomCause) {
	slices.SortStableFunc(cs, func(a, b SymptomCause) int { return a.Verdict.rank() - b.Verdict.rank() })
}

func joinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// Symbol is the verdict as a mark that needs no colour to read.
func (v Verdict) Symbol() string {
	switch v {
	case Confirmed:
		return Fail.Symbol()
	case Possible:
		return Warn.Symbol()
	case RuledOut:
		return Pass.Symbol()
	}
	return Error.Symbol()
}
