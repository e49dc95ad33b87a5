package graph

import (
	"encoding/json"
	"fmt"
	"time"
)

// scanner reads the pages of the device sweep. The sweep decodes 100,000 records per collection and
// more, and neither the SDK's models nor encoding/json into structs (about 75,000 records a second on
// one core, measured) keep up with the paging; this reads the few properties the sweep selects
// straight from the bytes, allocating only the strings it keeps. It follows encoding/json's semantics
// where they matter: exact key names, null as the zero value, escaped and non-ASCII strings decoded by
// encoding/json itself, and the last of duplicate keys winning. A malformed page is an error, never
// a short read.
type scanner struct {
	b   []byte
	i   int
	err error
}

// maxDepth bounds the nesting a skipped value may have, so that a hostile page cannot exhaust the stack.
const maxDepth = 512

func (s *scanner) fail(format string, a ...any) bool {
	if s.err == nil {
		s.err = fmt.Errorf("byte %d: %s", s.i, fmt.Sprintf(format, a...))
	}
	return false
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// enter consumes the opening bracket of an object or array.
func (s *scanner) enter(open byte) bool {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != open {
		return s.fail("expected %q", open)
	}
	s.i++
	return true
}

// next moves to the next member or element of the object or array being read, consuming the comma
// between them; it returns false at the closing bracket (consumed) or on an error. first starts true.
func (s *scanner) next(close byte, first *bool) bool {
	s.space()
	if s.i >= len(s.b) {
		return s.fail("the answer ends inside an object or array")
	}
	if s.b[s.i] == close && *first {
		s.i++
		return false
	}
	if !*first {
		switch s.b[s.i] {
		case close:
			s.i++
			return false
		case ',':
			s.i++
			s.space()
			if s.i < len(s.b) && s.b[s.i] == close {
				return s.fail("trailing comma")
			}
		default:
			return s.fail("expected ',' or %q", close)
		}
	}
	*first = false
	return s.err == nil
}

// key reads a member name and its colon. The bytes alias the page unless the name was escaped.
func (s *scanner) key() ([]byte, bool) {
	k, ok := s.rawString()
	if !ok {
		return nil, false
	}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return nil, s.fail("expected ':'")
	}
	s.i++
	return k, true
}

// rawString reads a string token. Plain ASCII without escapes (what Graph sends for ids, names and
// dates) is returned as a slice of the page; anything else is decoded by encoding/json, so that
// escapes, surrogate pairs and invalid UTF-8 come out exactly as they would there.
func (s *scanner) rawString() ([]byte, bool) {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, s.fail("expected a string")
	}
	start := s.i
	s.i++
	for s.i < len(s.b) && plainByte[s.b[s.i]] {
		s.i++
	}
	switch {
	case s.i >= len(s.b):
		return nil, s.fail("unterminated string")
	case s.b[s.i] == '"':
		s.i++
		return s.b[start+1 : s.i-1], true
	case s.b[s.i] < 0x20:
		return nil, s.fail("control character in a string")
	}
	return s.slowString(start)
}

// plainByte marks the bytes a string can hold as they are: printable ASCII but the quote and the
// backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// slowString finds the end of the string token that starts at start and decodes it with encoding/json.
func (s *scanner) slowString(start int) ([]byte, bool) {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '\\':
			s.i += 2
			continue
		case c == '"':
			s.i++
			var v string
			if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
				s.i = start
				return nil, s.fail("bad string: %v", err)
			}
			return []byte(v), true
		case c < 0x20:
			return nil, s.fail("control character in a string")
		}
		s.i++
	}
	return nil, s.fail("unterminated string")
}

// null consumes a null literal if one comes next.
func (s *scanner) null() bool {
	s.space()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// str reads a string value, null as "".
func (s *scanner) str() (string, bool) {
	if s.null() {
		return "", true
	}
	b, ok := s.rawString()
	return string(b), ok
}

// pageStrings gathers the strings a page's records keep into one allocation, made when the page is
// done: the ids and names of 100,000 records would otherwise be half a million small strings for the
// allocator and the garbage collector. The records must stay where they are until flush.
type pageStrings struct {
	buf   []byte
	refs  []*string
	spans []int32 // end offsets in buf, one per ref
}

// read reads a string value (null as "") into *dst, which is filled in by flush.
func (p *pageStrings) read(s *scanner, dst *string) bool {
	if s.null() {
		*dst = ""
		return true
	}
	b, ok := s.rawString()
	if !ok {
		return false
	}
	p.buf = append(p.buf, b...)
	p.refs = append(p.refs, dst)
	p.spans = append(p.spans, int32(len(p.buf)))
	return true
}

// flush fills in every string read since the last flush.
func (p *pageStrings) flush() {
	all := string(p.buf)
	start := int32(0)
	for i, dst := range p.refs {
		*dst = all[start:p.spans[i]]
		start = p.spans[i]
	}
	p.buf, p.refs, p.spans = p.buf[:0], p.refs[:0], p.spans[:0]
}

// interner keeps one copy of the values that repeat across records (operating systems, join types,
// states), so that 100,000 records do not hold 100,000 copies of "Windows".
type interner map[string]string

// maxInterned bounds an interner: past it, new values are kept as they come.
const maxInterned = 4096

// interned reads a string value, null as "", sharing repeated values through t.
func (s *scanner) interned(t interner) (string, bool) {
	if s.null() {
		return "", true
	}
	b, ok := s.rawString()
	if !ok {
		return "", false
	}
	if v, found := t[string(b)]; found {
		return v, true
	}
	v := string(b)
	if len(t) < maxInterned {
		t[v] = v
	}
	return v, true
}

// boolean reads true, false or null (as false).
func (s *scanner) boolean() (bool, bool) {
	s.space()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		s.i += 4
		return true, true
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		s.i += 5
		return false, true
	case s.null():
		return false, true
	}
	return false, s.fail("expected true, false or null")
}

// timestamp reads an RFC 3339 date-time string, null as the zero time. Graph's usual form
// (2026-11-25T18:00:00Z, with up to nine fractional digits) is parsed in place; any other is given to
// time.Time's own JSON decoding, which encoding/json would use.
func (s *scanner) timestamp() (time.Time, bool) {
	if s.null() {
		return time.Time{}, true
	}
	start := s.i
	b, ok := s.rawString()
	if !ok {
		return time.Time{}, false
	}
	token := s.b[start:s.i]
	if len(b) == len(token)-2 {
		if t, ok := parseUTC(b); ok {
			return t, true
		}
	}
	// time.Time reads the token as written, escapes and all, as encoding/json hands it over.
	var t time.Time
	if err := t.UnmarshalJSON(token); err != nil {
		return time.Time{}, s.fail("bad date-time %q: %v", b, err)
	}
	return t, true
}

// parseUTC parses YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z, rejecting out-of-range fields as time.Parse does.
func parseUTC(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range b[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	if day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	nsec := 0
	switch frac := b[19 : len(b)-1]; {
	case len(frac) == 0:
	case frac[0] != '.' || len(frac) < 2 || len(frac) > 10:
		return time.Time{}, false
	default:
		n, ok := num(20, len(b)-1)
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

// skip consumes any value.
func (s *scanner) skip() bool { return s.skipDepth(0) }

func (s *scanner) skipDepth(depth int) bool {
	if depth > maxDepth {
		return s.fail("nested too deeply")
	}
	s.space()
	if s.i >= len(s.b) {
		return s.fail("expected a value")
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, ok := s.rawString()
		return ok
	case c == '{':
		s.i++
		first := true
		for s.next('}', &first) {
			if _, ok := s.key(); !ok || !s.skipDepth(depth+1) {
				return false
			}
		}
		return s.err == nil
	case c == '[':
		s.i++
		first := true
		for s.next(']', &first) {
			if !s.skipDepth(depth + 1) {
				return false
			}
		}
		return s.err == nil
	case c == 't' || c == 'f':
		_, ok := s.boolean()
		return ok
	case c == 'n':
		if s.null() {
			return true
		}
		return s.fail("expected null")
	}
	return s.number()
}

// number consumes a JSON number, checking its grammar.
func (s *scanner) number() bool {
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case digits() == 0:
		return s.fail("expected a value")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return s.fail("bad number")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return s.fail("bad number")
		}
	}
	return true
}

// page reads one page of a collection: each object of "value" goes to record, which must consume it,
// and the @odata.nextLink comes back ("" on the last page). Anything after the page is an error.
func (s *scanner) page(record func(*scanner) bool) (next string, err error) {
	if !s.enter('{') {
		return "", s.err
	}
	sawValue := false
	first := true
	for s.next('}', &first) {
		k, ok := s.key()
		if !ok {
			break
		}
		switch string(k) {
		case "@odata.nextLink":
			next, ok = s.str()
		case "value":
			sawValue = true
			if s.null() {
				return "", s.failErr("the value array is null")
			}
			if !s.enter('[') {
				return "", s.err
			}
			elem := true
			for s.next(']', &elem) {
				if !record(s) {
					ok = false
					break
				}
			}
			ok = ok && s.err == nil
		default:
			ok = s.skip()
		}
		if !ok {
			break
		}
	}
	if s.err != nil {
		return "", s.err
	}
	s.space()
	if s.i != len(s.b) {
		return "", s.failErr("data after the page")
	}
	if !sawValue {
		return "", s.failErr("the answer holds no value array")
	}
	return next, nil
}

func (s *scanner) failErr(format string, a ...any) error {
	s.fail(format, a...)
	return s.err
}
