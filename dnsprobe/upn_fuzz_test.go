package main

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
)

// FuzzNormalizeUPN checks that whatever an operator types as --user, normalizeUPN either refuses it
// with one line saying what to type, or returns one name@domain whose domain DNS accepts, whose name
// is what was typed, and which normalises to itself.
func FuzzNormalizeUPN(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		out, err := normalizeUPN(in)
		if err != nil {
			var ue usageError
			if !errors.As(err, &ue) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("normalizeUPN(%q): %q, want a one-line usage error", in, err)
			}
			return
		}
		local, domain, ok := strings.Cut(out, "@")
		if !ok || local == "" || strings.Contains(domain, "@") {
			t.Fatalf("normalizeUPN(%q) = %q: want one name@domain", in, out)
		}
		if !utf8.ValidString(local) || strings.IndexFunc(local, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
			t.Fatalf("normalizeUPN(%q) = %q: the name holds a control or space character", in, out)
		}
		if !strings.HasPrefix(strings.TrimSpace(in), local+"@") {
			t.Fatalf("normalizeUPN(%q) = %q: the name is not what was typed", in, out)
		}
		if d, err := dnsprobe.NormalizeDomain(domain); err != nil || d != domain {
			t.Fatalf("normalizeUPN(%q) = %q: domain normalises to %q, %v", in, out, d, err)
		}
		if again, err := normalizeUPN(out); err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}
