package errcodes

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Match is one catalog entry found in a text.
type Match struct {
	Entry Entry
	// Found is the text that matched: the code as written, the event's id, or the phrase.
	Found string
}

// Finding is what a text holds: the catalog entries it names, codes first in order of appearance,
// then events, then messages; and the error codes it names that the catalog does not know.
type Finding struct {
	Input   string
	Matches []Match
	// Unknown are codes (canonical form) found in the text but absent from the catalog.
	Unknown []string
	// Unplaced are event ids found without the name of their log, so no entry could be chosen.
	Unplaced []int
}

// Primary is the match a symptom is named after: the first code, else the first event, else the
// first message.
func (f Finding) Primary() (Match, bool) {
	if len(f.Matches) == 0 {
		return Match{}, false
	}
	return f.Matches[0], true
}

// eventID finds "Event ID: 76", "Event 76", "event id 7016".
var eventID = regexp.MustCompile(`(?i)\bevent(?:\s*id)?\s*[:#]?\s*(\d{1,5})\b`)

// Find reads every form a person meets a code in: 0x80180014, 80180014, the decimal 2149056532, the
// negative int32 -2145910764, any of them inside a sentence, an event's text or a dsregcmd paste, the
// documentation's typo 0x80180002b; event ids with their log's name; and code-less messages.
func (c Catalog) Find(text string) Finding {
	f := Finding{Input: text}
	seen := map[string]bool{}
	add := func(e Entry, found string) {
		if !seen[e.Key()] {
			seen[e.Key()] = true
			f.Matches = append(f.Matches, Match{Entry: e, Found: found})
		}
	}
	for _, tok := range tokens(text) {
		if e, ok := c.alias(tok); ok {
			add(e, tok)
			continue
		}
		v, ok := parseCode(tok)
		if !ok {
			continue
		}
		if e, ok := c.Code(v); ok {
			add(e, tok)
		} else if k := FormatCode(v); !slices.Contains(f.Unknown, k) {
			f.Unknown = append(f.Unknown, k)
		}
	}
	lower := normalize(text)
	for _, m := range eventID.FindAllStringSubmatch(text, -1) {
		id, _ := strconv.Atoi(m[1])
		placed := false
		for _, e := range c.entries {
			if e.Event != nil && e.Event.ID == id && namesLog(lower, e) {
				add(e, m[0])
				placed = true
			}
		}
		if !placed && !slices.Contains(f.Unplaced, id) {
			f.Unplaced = append(f.Unplaced, id)
		}
	}
	for _, kind := range []Kind{KindEvent, KindMessage, KindCode} {
		for _, e := range c.entries {
			if e.Kind() != kind {
				continue
			}
			for _, p := range e.Phrases {
				if strings.Contains(lower, p) {
					add(e, p)
					break
				}
			}
		}
	}
	// An event placed by its phrase alone leaves its id unplaced no more.
	f.Unplaced = slices.DeleteFunc(f.Unplaced, func(id int) bool {
		return slices.ContainsFunc(f.Matches, func(m Match) bool { return m.Entry.Event != nil && m.Entry.Event.ID == id })
	})
	slices.SortStableFunc(f.Matches, func(a, b Match) int { return kindRank(a.Entry.Kind()) - kindRank(b.Entry.Kind()) })
	return f
}

func kindRank(k Kind) int {
	switch k {
	case KindCode:
		return 0
	case KindEvent:
		return 1
	}
	return 2
}

func namesLog(lower string, e Entry) bool {
	if strings.Contains(lower, strings.ToLower(e.Event.Log)) {
		return true
	}
	for _, a := range e.LogAliases {
		if strings.Contains(lower, strings.ToLower(a)) {
			return true
		}
	}
	return false
}

// normalize lower-cases a text and folds runs of white space to one space, so a message wrapped
// across lines still matches its phrase.
func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// tokens splits a text into runs of letters, digits and hyphens: a GUID or a date stays one token and
// is never mistaken for a code, while "(0x801c001d/-2145648611)" gives two.
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '-' || r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	})
}

func (c Catalog) alias(tok string) (Entry, bool) {
	t := strings.ToLower(tok)
	for _, e := range c.entries {
		if slices.Contains(e.Aliases, t) {
			return e, true
		}
	}
	return Entry{}, false
}

// parseCode reads one token as an error code. Only failure codes (the severity bit set) count: a
// success code or an ordinary number in the text is not an error the user met.
func parseCode(tok string) (uint32, bool) {
	var v uint64
	var err error
	switch {
	case len(tok) > 2 && (tok[:2] == "0x" || tok[:2] == "0X"):
		if len(tok) > 10 {
			return 0, false
		}
		v, err = strconv.ParseUint(tok[2:], 16, 32)
	case len(tok) == 8 && isHex(tok):
		v, err = strconv.ParseUint(tok, 16, 32)
	case len(tok) == 10 && isDigits(tok):
		v, err = strconv.ParseUint(tok, 10, 32)
	case (len(tok) == 10 || len(tok) == 11) && tok[0] == '-' && isDigits(tok[1:]):
		var n int64
		n, err = strconv.ParseInt(tok, 10, 32)
		v = uint64(uint32(int32(n)))
	default:
		return 0, false
	}
	if err != nil || v&0x80000000 == 0 {
		return 0, false
	}
	return uint32(v), true
}

func isHex(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789abcdefABCDEF", r) }) < 0
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// Problem says in one line why a text named no catalog entry and what to give instead; empty when it
// named one.
func (f Finding) Problem() string {
	const paste = "paste the whole message or event (its Log Name, Event ID and Description)"
	switch {
	case len(f.Matches) > 0:
		return ""
	case len(f.Unknown) > 0:
		return strings.Join(f.Unknown, ", ") + " is not in mdmdoctor's catalog of " +
			"enrollment errors: " + paste + ", or look the code up in Microsoft's Windows enrollment " +
			"troubleshooting articles"
	case len(f.Unplaced) > 0:
		return "event " + strconv.Itoa(f.Unplaced[0]) + " means something only in its log: " + paste
	}
	return "no enrollment error code, event or known message found: give the code as shown (0x80180014, 80180014, " +
		"2149056532 or -2145910764), or " + paste
}
