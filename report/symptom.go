package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// WriteSymptom writes a symptom alone, as mdmdoctor explain prints it; text wraps to width columns (at
// least 40).
func WriteSymptom(w io.Writer, s checks.Symptom, f Format, width int) error {
	var b strings.Builder
	switch f {
	case FormatJSON:
		return writeJSON(w, s)
	case FormatMarkdown:
		writeSymptomMarkdown(&b, s)
	default:
		writeSymptomText(&b, s, max(width, 40))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// symptomHeading names the symptom: its code and symbol, or the event or message it is.
func symptomHeading(s checks.Symptom) string {
	if s.Code != "" {
		return fmt.Sprintf("%s %s: %s", s.Code, s.Symbol, s.Title)
	}
	return s.Title
}

func writeSymptomText(b *strings.Builder, s checks.Symptom, width int) {
	fmt.Fprintf(b, "Error %s\n", symptomHeading(s))
	para(b, "", s.Meaning, width)
	para(b, "Source: ", s.Source, width)
	for _, a := range s.Also {
		para(b, "Also: ", a.Key+": "+a.Title+". "+a.Meaning, width)
	}
	for _, u := range s.UnknownCodes {
		para(b, "Not in the catalog: ", u+" (look it up in the event's or dsregcmd's own text)", width)
	}
	ranked := len(s.Causes) > 0 && s.Causes[0].Verdict != ""
	switch {
	case len(s.Causes) == 0:
		b.WriteString("\nNo cause to look for: this is not a failure.\n")
	case ranked:
		b.WriteString("\nCauses, most likely first:\n")
	default:
		b.WriteString("\nDocumented causes:\n")
	}
	for _, c := range s.Causes {
		where := c.Check
		if where == "" {
			where = "check by hand"
		}
		if ranked {
			fmt.Fprintf(b, "%s %-10s %s\n", c.Verdict.Symbol(), strings.ToUpper(string(c.Verdict)), where)
		} else {
			fmt.Fprintf(b, "- %s\n", where)
		}
		para(b, "", c.Cause, width)
		para(b, "Found: ", c.Finding, width)
		para(b, "Verify: ", c.HowToVerify, width)
		para(b, "Source: ", c.Source, width)
	}
}

func writeSymptomMarkdown(b *strings.Builder, s checks.Symptom) {
	fmt.Fprintf(b, "## Error %s\n\n%s\n\nSource: <%s>\n\n", mdEscape(symptomHeading(s)), mdEscape(s.Meaning), s.Source)
	for _, a := range s.Also {
		fmt.Fprintf(b, "Also: %s: %s. %s\n\n", mdEscape(a.Key), mdEscape(a.Title), mdEscape(a.Meaning))
	}
	for _, u := range s.UnknownCodes {
		fmt.Fprintf(b, "Not in the catalog: %s\n\n", u)
	}
	if len(s.Causes) == 0 {
		b.WriteString("No cause to look for: this is not a failure.\n\n")
		return
	}
	b.WriteString("| Verdict | Cause | Check | How to verify |\n|---|---|---|---|\n")
	for _, c := range s.Causes {
		verdict := "documented"
		if c.Verdict != "" {
			verdict = c.Verdict.Symbol() + " " + string(c.Verdict)
		}
		check := "check by hand"
		if c.Check != "" {
			check = "`" + c.Check + "`"
		}
		cause := mdEscape(c.Cause)
		if c.Finding != "" {
			cause += " Found: " + mdEscape(c.Finding)
		}
		fmt.Fprintf(b, "| %s | %s ([source](%s)) "+
			"| %s | %s |\n", verdict, cause, c.Source, check, mdEscape(c.HowToVerify))
	}
	b.WriteString("\n")
}
