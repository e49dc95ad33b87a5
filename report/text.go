package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// WriteText writes the report for a person at a terminal, failures first, wrapped to width columns.
// Status is spelled out in words and symbols, never carried by colour alone.
func WriteText(w io.Writer, r Report, width int) error {
	if width < 40 {
		width = 40
	}
	var b strings.Builder
	fmt.Fprintf(&b, "mdmdoctor %s: %s (%s cloud)\n\n", r.Tool.Version, targetLine(r), r.Cloud)
	if r.Path != nil {
		para(&b, "Judged: ", r.Path.Words(), width)
		b.WriteString("\n")
	}
	if r.Symptom != nil {
		writeSymptomText(&b, *r.Symptom, width)
		b.WriteString("\n")
	}
	for _, res := range BySeverity(r.Results) {
		fmt.Fprintf(&b, "%s %-5s %s  %s\n", res.Status.Symbol(), strings.ToUpper(res.Status.String()), res.ID,
			res.Subject)
		para(&b, "", res.Summary, width)
		if res.Status == checks.Pass || res.Status == checks.Skip {
			continue
		}
		para(&b, "Why: ", res.Explanation, width)
		para(&b, "Do: ", res.Remediation, width)
		for _, e := range res.Evidence {
			para(&b, "- ", e.Source+": "+e.Detail, width)
		}
		if res.Table != nil {
			for i := range res.Table.Rows {
				para(&b, "| ", res.Table.RowText(i), width)
			}
		}
		for _, fx := range res.Fixes {
			para(&b, "Fix: ", fmt.Sprintf("%s (%s)", fx.Title, fixCommand(r, fx.ID)), width)
		}
		para(&b, "Docs: ", res.Docs, width)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nSummary: %s\n", summaryLine(r.Summary))
	_, err := io.WriteString(w, b.String())
	return err
}

// para writes one indented, wrapped paragraph; nothing when text is empty.
func para(b *strings.Builder, label, text string, width int) {
	if text == "" {
		return
	}
	const indent = "        "
	for _, line := range strings.Split(label+text, "\n") {
		for _, l := range wrapWords(line, width-len(indent)) {
			b.WriteString(indent + l + "\n")
		}
	}
}

// wrapWords fills lines of at most width columns, breaking only at spaces: a URL, GUID, check or fix ID, or
// command is never split, so it can still be copied or clicked. A word wider than width stands alone on its
// line.
func wrapWords(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	for _, word := range strings.Fields(text) {
		w := ansi.StringWidth(word)
		if curW > 0 && curW+1+w > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		if curW > 0 {
			cur.WriteByte(' ')
			curW++
		}
		cur.WriteString(word)
		curW += w
	}
	return append(lines, cur.String())
}

// fixCommand is the command that applies a fix offered in r, complete: the user of a triage, and the
// flags that reach the same tenant.
func fixCommand(r Report, id string) string {
	words := []string{"mdmdoctor", "fix", id}
	if r.Target.Kind == facts.TargetUser && r.Target.User != "" {
		words = append(words, "--user", r.Target.User)
	}
	return checks.Printable(strings.Join(append(words, r.Reach...), " "))
}
