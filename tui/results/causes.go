package results

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/errcodes"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// SetError attaches the error the user saw (nil for none): its documented causes are ranked against the
// results, now and after every re-run, and the screen opens on them.
func (m Model) SetError(f *errcodes.Finding) Model {
	m.finding = f
	m.rank()
	m.causes = m.symptom != nil
	m.refresh()
	return m
}

// Symptom is the error's causes ranked against the results shown, or nil without an error.
func (m Model) Symptom() *checks.Symptom { return m.symptom }

// rank ranks the error's causes against the current results.
func (m *Model) rank() {
	m.symptom = nil
	if m.finding == nil {
		return
	}
	if s, ok := checks.RankSymptom(*m.finding, m.results); ok {
		m.symptom = &s
	}
}

// Causes renders the ranked causes of an error as lines of at most width cells: the error, then each
// cause with its verdict, what the check found and where to verify it.
func Causes(s *theme.Styles, sy checks.Symptom, width int) []string {
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	para := func(text string) { add(layout.Wrap(text, width, "    ")...) }
	heading := sy.Title
	if sy.Code != "" {
		heading = sy.Code + " " + sy.Symbol + ": " + sy.Title
	}
	add(s.Heading.Render("The error: " + heading))
	add(layout.Wrap(sy.Meaning, width, "")...)
	for _, a := range sy.Also {
		add(layout.Wrap("Also "+a.Key+": "+a.Title, width, "")...)
	}
	add("", s.Heading.Render("Its causes for this user, most likely first (esc: the results)"))
	for _, c := range sy.Causes {
		where := c.Check
		if where == "" {
			where = "check by hand"
		}
		add("", s.Strong.Render(verdictBadge(c.Verdict)+" "+where))
		para(c.Cause)
		if c.Finding != "" {
			para("Found: " + c.Finding)
		}
		para("Verify: " + c.HowToVerify)
	}
	for i, l := range out {
		out[i] = layout.Truncate(strings.TrimRight(l, " "), width)
	}
	return out
}

// verdictBadge spells a verdict in words with a mark, never by colour alone.
func verdictBadge(v checks.Verdict) string {
	b := v.Symbol() + " " + strings.ToUpper(string(v))
	if v == checks.RuledOut {
		b += " (as of now)"
	}
	return b
}
