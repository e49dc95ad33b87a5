package results

import (
	"fmt"
	"strings"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/tui/layout"
	"github.com/mdmdoctor/mdmdoctor/tui/theme"
)

// Detail renders everything about one result as lines of at most width cells, most useful first for
// someone with a user on the phone: verdict, what to do, error, evidence, why it matters, fixes, docs.
func Detail(s *theme.Styles, r checks.Result, width int) []string {
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	para := func(text string) { add(layout.Wrap(text, width, "  ")...) }
	bullet := func(text string) { add(layout.Hang(text, width, "  "+theme.Bullet+" ", "    ")...) }
	section := func(title string) { add("", s.Heading.Render(title)) }

	add(layout.Truncate(s.Badge(r.Status)+" "+s.Strong.Render(r.Title), width))
	add(layout.Truncate(s.Subtle.Render(r.ID+" · "+r.Subject), width))
	add(layout.Wrap(r.Summary, width, "")...)
	if r.Remediation != "" {
		section("What to do")
		para(r.Remediation)
	}
	if r.Error != "" {
		section("Error")
		para(r.Error)
	}
	if len(r.Evidence) > 0 {
		section("Evidence")
		for _, e := range r.Evidence {
			bullet(e.Source + ": " + e.Detail)
		}
	}
	if r.Table != nil {
		section(strings.Join(r.Table.Columns, " · "))
		for i := range r.Table.Rows {
			bullet(r.Table.RowText(i))
		}
	}
	if r.Explanation != "" {
		section("Why it matters")
		para(r.Explanation)
	}
	if len(r.Fixes) > 0 {
		section("Fixes (f shows the exact requests)")
		for _, fx := range r.Fixes {
			bullet(fx.ID + ": " + fx.Title)
		}
	}
	for i, l := range out {
		out[i] = layout.Truncate(strings.TrimRight(l, " "), width)
	}
	if r.Docs != "" {
		// Added after the cut above: the link is never cut, and shortened only as a labelled link.
		out = append(out, "", s.Heading.Render("Docs (o opens it, c copies the result with it)"),
			"  "+s.URL.Render(layout.Link(r.Docs, width-2)))
	}
	return out
}

// CopyText is a result as plain text for the clipboard: verdict, summary, what to do, evidence, and
// the docs link whole.
func CopyText(r checks.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s (%s)\n%s\n",
		r.Status.Symbol(), strings.ToUpper(r.Status.String()), r.ID, r.Subject, r.Summary)
	if r.Remediation != "" {
		b.WriteString("\nWhat to do: " + r.Remediation + "\n")
	}
	if r.Error != "" {
		b.WriteString("\nError: " + r.Error + "\n")
	}
	if len(r.Evidence) > 0 {
		b.WriteString("\nEvidence:\n")
		for _, e := range r.Evidence {
			b.WriteString("- " + e.Source + ": " + e.Detail + "\n")
		}
	}
	if r.Docs != "" {
		b.WriteString("\nDocs: " + r.Docs + "\n")
	}
	return b.String()
}
