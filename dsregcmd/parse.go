// Package dsregcmd reads the output of `dsregcmd /status`, pasted by the operator, into facts.Dsregcmd.
//
// The output is a series of sections, each a `| Title |` line between `+----+` rules, followed by
// right-aligned `Key : Value` lines. Parse keeps every section and key it finds, known or not, with the
// line number of each field so that checks can quote the exact lines they rely on. The paste can hold
// device and user identifiers: nothing here logs it, and errors never quote it.
package dsregcmd

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// ErrNotDsregcmd is returned when the input holds none of the keys `dsregcmd /status` always prints.
var ErrNotDsregcmd = errors.New("this does not look like dsregcmd /status output: paste the whole output of `dsregcmd /status` run in the user's session")

// maxKey bounds a key's length: the longest dsregcmd key is under 40 characters, so a longer "key" is
// a sentence that happens to contain a colon.
const maxKey = 64

// knownKey reports whether a key is one that dsregcmd /status prints in every build and few other
// texts would hold; finding one is what makes the input recognisable.
func knownKey(key string) bool {
	switch strings.ToLower(key) {
	case "azureadjoined", "enterprisejoined", "domainjoined", "workplacejoined",
		"deviceid", "workplacedeviceid", "tenantid", "workplacetenantid",
		"deviceauthstatus", "azureadprt", "mdmurl", "workplacemdmurl",
		"ngcset", "wamdefaultset", "keysigntest", "aadrecoveryenabled",
		"joinsrvurl", "isdevicejoined":
		return true
	}
	return false
}

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

func parse(b []byte) (*facts.Dsregcmd, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ErrNotDsregcmd
	}
	text := decode(b)
	d := &facts.Dsregcmd{}
	recognised := false
	// cur is the index of the section fields go to; -1 until a title or an untitled field appears.
	cur := -1
	for i, raw := range splitLines(text) {
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || isRule(line):
		case line[0] == '|':
			name := clean(strings.Trim(line, "| \t"))
			if name == "" {
				continue
			}
			d.Sections = append(d.Sections, facts.DsregSection{Name: name})
			cur = len(d.Sections) - 1
		default:
			key, value, ok := field(line)
			if !ok {
				continue
			}
			if cur < 0 {
				// Fields above the first title: a paste that lost its header. Keep them.
				d.Sections = append(d.Sections, facts.DsregSection{})
				cur = 0
			}
			s := &d.Sections[cur]
			s.Fields = append(s.Fields, facts.DsregField{Key: key, Value: value, Line: i + 1})
			if knownKey(key) {
				recognised = true
			}
		}
	}
	if !recognised {
		return nil, ErrNotDsregcmd
	}
	return d, nil
}

// splitLines splits at LF, CRLF and a lone CR, as editors do, so that line numbers in evidence match
// what the operator sees when opening the saved output.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
}

// isRule reports whether a trimmed line is a `+-----+` section rule.
func isRule(line string) bool {
	return strings.Trim(line, "+-=") == "" && strings.Contains(line, "-")
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
