// Package dsregcmd reads the output of `dsregcmd /status`, pasted by the operator, into facts.Dsregcmd.
//
// The output is a series of sections, each a `| Title |` line between `+----+` rules, followed by
// right-aligned `Key : Value` lines. Parse keeps every section and key it finds, known or not, with the
// line number of each field so that checks can quote the exact lines they rely on. Pastes are often
// fragments (one section, or its lines without the title), were taken in the old layout (`Key: Value`),
// wrapped by the console, quoted in Markdown, or flattened onto one line by a web page: Parse reads all
// of those. The paste can hold device and user identifiers: nothing here logs it, and errors never
// quote it.
package dsregcmd

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// ErrNotDsregcmd is returned when the input holds none of the keys `dsregcmd /status` always prints.
var ErrNotDsregcmd = errors.New("this does not look like dsregcmd /status output: paste the whole output of " +
	"`dsregcmd /status` run in the user's session")

// maxKey bounds a key's length: the longest dsregcmd key is under 40 characters, so a longer "key" is
// a sentence that happens to contain a colon.
const maxKey = 64

// wrapWidth is the shortest line a console wraps: consoles are at least 80 columns wide by default
// (the legacy console) and usually 120, so a shorter line followed by a line at column 0 was not wrapped.
const wrapWidth = 64

// Parse reads a whole `dsregcmd /status` output: at most MaxSize bytes, UTF-8 (with or without a
// byte-order mark) or UTF-16, CRLF or LF line ends. It returns ErrTooLarge for larger input and
// ErrNotDsregcmd when no line carries a key that dsregcmd prints.
func Parse(r io.Reader) (*facts.Dsregcmd, error) {
	b, err := ReadAll(r)
	if err != nil {
		return nil, err
	}
	return parse(b)
}

// parser collects sections and fields; cur is the index of the section fields go to, -1 until a
// title or an untitled field appears.
type parser struct {
	d          *facts.Dsregcmd
	cur        int
	recognised bool
}

func (p *parser) title(name string) {
	if name = clean(name); name != "" {
		p.d.Sections = append(p.d.Sections, facts.DsregSection{Name: name})
		p.cur = len(p.d.Sections) - 1
	}
}

func (p *parser) add(f facts.DsregField) {
	if p.cur < 0 {
		// Fields above the first title: a fragment, or a paste that lost its header. Keep them.
		p.d.Sections = append(p.d.Sections, facts.DsregSection{})
		p.cur = 0
	}
	s := &p.d.Sections[p.cur]
	s.Fields = append(s.Fields, f)
	if recognisable(f.Key) {
		p.recognised = true
	}
}

func parse(b []byte) (*facts.Dsregcmd, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ErrNotDsregcmd
	}
	p := parser{d: &facts.Dsregcmd{}, cur: -1}
	lines := splitLines(decode(b))
	for i := 0; i < len(lines); i++ {
		raw := unquote(lines[i])
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || isRule(line):
		case line[0] == '|':
			p.title(strings.Trim(line, "| \t"))
		case p.flattened(line, i+1):
		default:
			key, value, ok := field(line)
			if !ok {
				continue
			}
			f := facts.DsregField{Key: key, Value: value, Line: i + 1, Raw: collapse(line)}
			var rest strings.Builder
			for wrapped(raw) && i+1 < len(lines) && continuation(unquote(lines[i+1])) {
				// The console broke the value at its width: the next line goes on where this one stops.
				i++
				raw = unquote(lines[i])
				rest.WriteString(clean(raw))
				f.Last = i + 1
			}
			if rest.Len() > 0 {
				f.Value += rest.String()
				f.Raw += rest.String()
			}
			p.add(f)
		}
	}
	if !p.recognised {
		return nil, ErrNotDsregcmd
	}
	return p.d, nil
}

// splitLines splits at LF, CRLF and a lone CR, as editors do, so that line numbers in evidence match
// what the operator sees when opening the saved output.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
}

// unquote drops the `> ` markers of a Markdown quote (a paste quoted in a forum reply or an issue):
// no dsregcmd line starts with `>`.
func unquote(line string) string {
	t := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(t, ">") {
		return line
	}
	// One space after each marker belongs to the quote; the rest is the line's own indentation, which
	// tells a wrapped line's rest (at column 0) from the next field.
	for strings.HasPrefix(t, ">") {
		t = strings.TrimPrefix(t[1:], " ")
	}
	return t
}

// isRule reports whether a trimmed line is a `+-----+` section rule.
func isRule(line string) bool {
	return strings.Trim(line, "+-=") == "" && strings.Contains(line, "-")
}

// wrapped reports whether a line is long enough to have been broken by the console.
func wrapped(raw string) bool {
	return utf8.RuneCountInString(strings.TrimRight(raw, " \t")) >= wrapWidth
}

// continuation reports whether a line goes on with the value above it: the console starts the rest of
// a wrapped line at column 0, while dsregcmd indents its keys (those at column 0 in the old layout
// are whole `Key: Value` lines) and separates sections with rules.
func continuation(raw string) bool {
	if raw == "" || raw[0] == ' ' || raw[0] == '\t' {
		return false
	}
	line := strings.TrimSpace(raw)
	if line == "" || line[0] == '|' || isRule(line) {
		return false
	}
	if k, _, found := strings.Cut(line, " : "); found && validKey(clean(k)) {
		return false
	}
	if k, _, found := strings.Cut(line, ":"); found && dsregKey(clean(k)) {
		return false
	}
	return true
}

// field splits a trimmed `Key : Value` line at its first colon: keys never hold one, while values
// (URLs, timestamps, error descriptions) often do.
func field(line string) (key, value string, ok bool) {
	k, v, found := strings.Cut(line, ":")
	if !found {
		return "", "", false
	}
	key, value = clean(k), clean(v)
	if !validKey(key) || strings.HasPrefix(value, `\`) {
		// A value starting with a backslash follows a drive letter: a prompt such as `C:\Users\x>`.
		return "", "", false
	}
	return key, value, true
}

// validKey accepts what dsregcmd keys look like ("AzureAdPrt", "Previous Prt Attempt",
// "Fallback to Sync-Join", "Auto Detect PAC Status") and rejects prose and prompts.
func validKey(key string) bool {
	if len(key) < 2 || len(key) > maxKey {
		return false
	}
	for i, r := range key {
		switch {
		case unicode.IsLetter(r):
		case i == 0:
			return false
		case unicode.IsDigit(r), r == ' ', r == '-', r == '_', r == '.', r == '(', r == ')', r == '/':
		default:
			return false
		}
	}
	return true
}

// clean trims a key or value and drops control characters, so that a paste cannot carry terminal
// escape sequences into the report or the TUI; tabs become spaces.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// collapse is a line as evidence quotes it: cleaned, with each run of spaces made one.
func collapse(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}
