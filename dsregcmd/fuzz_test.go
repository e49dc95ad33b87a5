package dsregcmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// render writes parsed output back in dsregcmd's layout, for the round-trip property of FuzzParse.
func render(d *facts.Dsregcmd) string {
	var b strings.Builder
	for _, s := range d.Sections {
		if s.Name != "" {
			b.WriteString("+----------+\n| " + s.Name + " |\n+----------+\n\n")
		}
		for _, f := range s.Fields {
			b.WriteString("    " + f.Key + " : " + f.Value + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// FuzzParse checks that Parse never panics, that whatever it accepts is well formed (trimmed keys,
// values and raw lines without control characters, lines inside the input and in order), and that rendering
// what it read and parsing that again gives the same sections and fields.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(fixtures, "*.txt"))
	published, err2 := filepath.Glob(filepath.Join(realworld, "*.txt"))
	if err != nil || err2 != nil || len(files) == 0 || len(published) == 0 {
		f.Fatalf("no seed fixtures in %s and %s: %v %v", fixtures, realworld, err, err2)
	}
	files = append(files, published...)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := Parse(bytes.NewReader(in))
		if err != nil {
			if d != nil {
				t.Fatal("non-nil result with an error")
			}
			return
		}
		lines := len(splitLines(decode(in)))
		last := 0
		for _, s := range d.Sections {
			checkText(t, "section", s.Name)
			for _, fl := range s.Fields {
				if !validKey(fl.Key) {
					t.Fatalf("invalid key %q", fl.Key)
				}
				checkText(t, "key", fl.Key)
				checkText(t, "value", fl.Value)
				checkText(t, "raw line", fl.Raw)
				// Fields of a flattened line share its number; a wrapped field ends on a later line.
				if fl.Line < last || fl.Line > lines || fl.Last != 0 && (fl.Last <= fl.Line || fl.Last > lines) {
					t.Fatalf("lines %d-%d after %d in %d lines", fl.Line, fl.Last, last, lines)
				}
				last = max(fl.Line, fl.Last)
			}
		}
		again, err := Parse(strings.NewReader(render(d)))
		if err != nil {
			t.Fatalf("re-parsing the rendered output: %v", err)
		}
		if !sameContent(d, again) {
			t.Fatalf("round trip changed the content:\n%+v\n%+v", d.Sections, again.Sections)
		}
	})
}

func checkText(t *testing.T, what, s string) {
	t.Helper()
	if s != strings.TrimSpace(s) {
		t.Fatalf("%s %q is not trimmed", what, s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		t.Fatalf("%s %q holds a control character", what, s)
	}
}

func sameContent(a, b *facts.Dsregcmd) bool {
	if len(a.Sections) != len(b.Sections) {
		return false
	}
	for i, s := range a.Sections {
		o := b.Sections[i]
		if s.Name != o.Name || len(s.Fields) != len(o.Fields) {
			return false
		}
		for j, f := range s.Fields {
			if f.Key != o.Fields[j].Key || f.Value != o.Fields[j].Value {
				return false
			}
		}
	}
	return true
}
