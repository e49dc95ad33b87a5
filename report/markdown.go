package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// WriteMarkdown writes the report as a Markdown document for a ticket or a customer.
func WriteMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# mdmdoctor report: %s\n\n", mdEscape(targetLine(r)))
	fmt.Fprintf(&b, "Generated %s by mdmdoctor %s, "+
		"%s cloud.\n\n", r.GeneratedAt.Format("2006-01-02 15:04 MST"), r.Tool.Version, r.Cloud)
	if r.Path != nil {
		fmt.Fprintf(&b, "**Judged:** %s\n\n", mdEscape(r.Path.Words()))
	}
	fmt.Fprintf(&b, "**Summary:** %s\n\n", summaryLine(r.Summary))
	if r.Symptom != nil {
		writeSymptomMarkdown(&b, *r.Symptom)
	}
	b.WriteString("| Status | Check | Subject | Summary |\n|---|---|---|---|\n")
	ordered := BySeverity(r.Results)
	for _, res := range ordered {
		fmt.Fprintf(&b, "| %s %s | `%s` "+
			"| %s | %s |\n", res.Status.Symbol(), res.Status, res.ID, mdEscape(res.Subject), mdEscape(res.Summary))
	}
	for _, res := range ordered {
		if res.Status == checks.Pass || res.Status == checks.Skip {
			continue
		}
		fmt.Fprintf(&b, "\n## %s %s: %s (%s)\n\n", res.Status.Symbol(), res.Status, mdEscape(res.Title),
			mdEscape(res.Subject))
		fmt.Fprintf(&b, "%s\n\n", mdEscape(res.Summary))
		if res.Explanation != "" {
			fmt.Fprintf(&b, "**Why it matters:** %s\n\n", mdEscape(res.Explanation))
		}
		if res.Remediation != "" {
			fmt.Fprintf(&b, "**What to do:** %s\n\n", mdEscape(res.Remediation))
		}
		if res.Error != "" {
			fmt.Fprintf(&b, "**Error:** %s\n\n", mdEscape(res.Error))
		}
		if len(res.Evidence) > 0 {
			b.WriteString("**Evidence:**\n\n")
			for _, e := range res.Evidence {
				fmt.Fprintf(&b, "- `%s`: %s\n", strings.ReplaceAll(e.Source, "`", "'"), mdEscape(e.Detail))
			}
			b.WriteString("\n")
		}
		if res.Table != nil {
			writeTableMarkdown(&b, *res.Table)
		}
		for _, fx := range res.Fixes {
			fmt.Fprintf(&b, "**Fix `%s`:** %s\n\n", fx.ID, mdEscape(fx.Title))
			if fx.Guidance != "" {
				fmt.Fprintf(&b, "```\n%s\n```\n\n", fx.Guidance)
			}
			for _, rq := range fx.Requests {
				fmt.Fprintf(&b, "    %s %s\n", rq.Method(), rq.URL())
				if len(rq.Body) > 0 {
					fmt.Fprintf(&b, "    %s\n", rq.Body)
				}
			}
			if len(fx.Requests) > 0 {
				b.WriteString("\n")
			}
		}
		if res.Docs != "" {
			fmt.Fprintf(&b, "Docs: <%s>\n", res.Docs)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps outside text (display names, error messages) from breaking tables or injecting markup.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

func writeTableMarkdown(b *strings.Builder, t checks.Table) {
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(t.Columns, " | "), strings.Repeat("---|", len(t.Columns)))
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = mdEscape(c)
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}
