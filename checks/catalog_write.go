package checks

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
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
	cat := Catalog()
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
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTEP\tQUESTION\tSOURCE")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.ID, e.Step, e.Question, e.Source)
	}
	return tw.Flush()
}
