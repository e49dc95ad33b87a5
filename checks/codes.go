package checks

import (
	"strings"

	"github.com/mdmdoctor/mdmdoctor/errcodes"
)

// catalogEvidence decodes the error codes, events and known messages in texts through the error
// catalog: one evidence line per entry, citing the Microsoft article that describes it.
func catalogEvidence(texts ...string) []Evidence {
	var ev []Evidence
	for _, m := range errcodes.Default().Find(strings.Join(texts, "\n")).Matches {
		ev = append(ev, Evidence{Source: m.Entry.Source, Detail: catalogLine(m.Entry)})
	}
	return ev
}

// catalogLine is one entry in a line: what it is, what it means, and where its causes are listed.
func catalogLine(e errcodes.Entry) string {
	name := e.Title
	arg := e.Code
	if e.Code != "" {
		name = e.Code + " " + e.Symbol + ": " + e.Title
	} else {
		arg = "with the message or event text"
	}
	return name + ". " + e.Meaning + " (mdmdoctor explain " + arg + " lists its documented causes.)"
}

// catalogNote names the catalog entry a text holds, briefly, for a table cell; empty when none.
func catalogNote(text string) string {
	f := errcodes.Default().Find(text)
	m, ok := f.Primary()
	if !ok {
		return ""
	}
	if m.Entry.Code != "" {
		return m.Entry.Code + " " + m.Entry.Symbol + ": " + m.Entry.Title
	}
	return m.Entry.Title
}
