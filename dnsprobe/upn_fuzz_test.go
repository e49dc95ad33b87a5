package dnsprobe

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalizeUPN checks that whatever an operator types as --user, NormalizeUPN either refuses it
// with one line saying what to type, or returns one name@domain whose domain DNS accepts, whose name
// is what was typed, and which normalises to itself.
func FuzzNormalizeUPN(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeUPN(in)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("NormalizeUPN(%q): %q, want a one-line error", in, err)
			}
			return
		}
		local, domain, ok := strings.Cut(out, "@")
		if !ok || local == "" || strings.Contains(domain, "@") {
			t.Fatalf("NormalizeUPN(%q) = %q: want one name@domain", in, out)
		}
		if !utf8.ValidString(local) || strings.IndexFunc(local, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
			t.Fatalf("NormalizeUPN(%q) = %q: the name holds a control or space character", in, out)
		}
		if !strings.HasPrefix(strings.TrimSpace(in), local+"@") {
			t.Fatalf("NormalizeUPN(%q) = %q: the name is not what was typed", in, out)
		}
		if d, err := NormalizeDomain(domain); err != nil || d != domain {
			t.Fatalf("NormalizeUPN(%q) = %q: domain normalises to %q, %v", in, out, d, err)
		}
		if again, err := NormalizeUPN(out); err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}
