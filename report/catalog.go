package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/mdmdoctor/mdmdoctor/checks"
)

// CatalogEntry is one check as `mdmdoctor checks` lists it: what it asks and where its rule comes from.
type CatalogEntry struct {
	ID       string   `json:"id"`
	Step     string   `json:"step"`
	Title    string   `json:"title"`
	Question string   `json:"question"`
	Modes    []string `json:"modes"`
	// Source is the URL of the Microsoft documentation the rule follows.
	Source string `json:"source"`
	Docs   string `json:"docs"`
}

// CatalogEntries lists the catalog, in order.
func CatalogEntries() []CatalogEntry {
	cat := checks.Catalog()
	out := make([]CatalogEntry, len(cat))
	for i, c := range cat {
		modes := make([]string, len(c.Modes))
		for j, m := range c.Modes {
			modes[j] = string(m)
		}
		out[i] = CatalogEntry{ID: c.ID, Step: c.Step.String(), Title: c.Title, Question: c.Question, Modes: modes, Source: c.RuleSource(), Docs: c.Docs}
	}
	return out
}

// WriteCatalog writes the catalog as a table (text, Markdown) or a JSON array.
func WriteCatalog(w io.Writer, f Format) error {
	entries := CatalogEntries()
	switch f {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case FormatMarkdown:
		var b strings.Builder
		b.WriteString("| id | step | question | source |\n|---|---|---|---|\n")
		for _, e := range entries {
			fmt.Fprintf(&b, "| `%s` | %s | %s | <%s> |\n", e.ID, mdEscape(e.Step), mdEscape(e.Question), e.Source)
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	// A block per check rather than a table: the questions and URLs are too long for one line of 80.
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s  (%s)\n", e.ID, e.Step)
		for _, line := range strings.Split(ansi.Wrap(e.Question, 76, " "), "\n") {
			b.WriteString("  " + line + "\n")
		}
		// The URL stays whole, to be copied.
		fmt.Fprintf(&b, "  SOURCE %s\n\n", e.Source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
