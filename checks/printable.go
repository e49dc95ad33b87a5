package checks

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable writes out, as visible escapes (\x1b, \u202e), the characters of s that would drive a
// terminal or disguise text: C0 and C1 controls but newline and tab, DEL, and the bidirectional
// overrides and isolates. Tenant data reaches results as it was read (a personal device names
// itself), and results reach terminals, Markdown viewers and the TUI; an escape there could retitle
// the window, write the clipboard or redraw the screen. Invalid UTF-8 becomes U+FFFD.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unsafeRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case !unsafeRune(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// makePrintable applies Printable to every text of a result.
func (r *Result) makePrintable() {
	for _, p := range []*string{&r.Subject, &r.Title, &r.Summary, &r.Explanation, &r.Remediation, &r.Docs, &r.Error} {
		*p = Printable(*p)
	}
	for i := range r.Evidence {
		r.Evidence[i].Source, r.Evidence[i].Detail = Printable(r.Evidence[i].Source), Printable(r.Evidence[i].Detail)
	}
	if r.Table != nil {
		r.Table.makePrintable()
	}
	for i := range r.Fixes {
		fx := &r.Fixes[i]
		// A request's URL is printable as built: every name in it is path-escaped (Request.URL).
		fx.Title, fx.Guidance = Printable(fx.Title), Printable(fx.Guidance)
	}
}
