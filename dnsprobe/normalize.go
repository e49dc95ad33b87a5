package dnsprobe

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// DNS length limits (RFC 1035 section 2.3.4), counted on the punycode form.
const (
	maxLabel = 63
	maxName  = 253 // without the trailing dot: 255 octets on the wire
)

// example ends every refusal, so the operator always sees the shape of a good answer.
const example = "type a domain such as contoso.com or a UPN such as alice@contoso.com"

// NormalizeDomain turns what an operator typed into the domain to probe: lower case, punycode, no
// trailing dot. It accepts a UPN (the part after the last @) and a record name typed in full
// (EnterpriseEnrollment.contoso.com gives contoso.com). It refuses what cannot be a domain with a
// one-line error that says what is wrong and what to type instead.
func NormalizeDomain(s string) (string, error) {
	in := strings.TrimSpace(s)
	if !utf8.ValidString(in) {
		return "", fmt.Errorf("%q is not valid UTF-8 text (pasted from a binary source?): %s", s, example)
	}
	if in == "" {
		return "", fmt.Errorf("empty domain: %s", example)
	}
	if i := strings.LastIndexByte(in, '@'); i >= 0 {
		if i == len(in)-1 {
			return "", fmt.Errorf("%q has nothing after the @: %s", s, example)
		}
		in = in[i+1:]
	}
	if strings.Contains(in, "://") || strings.ContainsAny(in, "/:?#") {
		return "", fmt.Errorf("%q looks like a URL or address, not a domain: %s", s, example)
	}
	if strings.ContainsFunc(in, isSpace) {
		return "", fmt.Errorf("%q contains a space: %s", s, example)
	}
	if _, err := netip.ParseAddr(in); err == nil {
		return "", fmt.Errorf("%q is an IP address, not a domain: %s", s, example)
	}
	// The ideographic and full-width full stops separate labels too (UTS #46 maps them to '.').
	in = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".").Replace(in)
	in = strings.TrimSuffix(in, ".")

	labels := strings.Split(in, ".")
	for i, l := range labels {
		if l == "" {
			return "", fmt.Errorf("%q has an empty label (a leading dot or two dots in a row): %s", s, example)
		}
		a, err := asciiLabel(l)
		if err != nil {
			return "", fmt.Errorf("%q: %v: %s", s, err, example)
		}
		labels[i] = a
	}
	if len(labels) < 2 {
		return "", fmt.Errorf("%q is a single label, not a full domain: %s", s, example)
	}
	for len(labels) > 2 && (labels[0] == "enterpriseenrollment" || labels[0] == "enterpriseregistration") {
		labels = labels[1:]
	}
	out := strings.Join(labels, ".")
	if len(out) > maxName {
		return "", fmt.Errorf("%q is %d octets long, over the DNS limit of %d (check for a pasted duplicate): %s",
			shorten(out), len(out), maxName, example)
	}
	return out, nil
}

// asciiLabel returns one label in its lower-case ASCII (punycode) form, or why it cannot be one.
func asciiLabel(l string) (string, error) {
	lower := strings.ToLower(l)
	if isASCII(lower) && !strings.HasPrefix(lower, "xn--") {
		if err := checkLDH(lower); err != nil {
			return "", err
		}
		return lower, nil
	}
	a, err := idna.Lookup.ToASCII(l)
	if err != nil {
		return "", fmt.Errorf("label %q is not a valid internationalised name (%v)", l, err)
	}
	if a == "" || strings.Contains(a, ".") {
		return "", fmt.Errorf("label %q does not map to one DNS label", l)
	}
	a = strings.ToLower(a)
	if err := checkLDH(a); err != nil {
		return "", err
	}
	// The punycode form must itself be accepted, so that normalising twice gives the same name.
	if again, err := idna.Lookup.ToASCII(a); err != nil || again != a {
		return "", fmt.Errorf("label %q has no stable internationalised form", l)
	}
	return a, nil
}

// checkLDH applies the host name rules (letters, digits, hyphen; no hyphen at either end) and the
// label length limit to an ASCII label.
func checkLDH(l string) error {
	if len(l) > maxLabel {
		return fmt.Errorf("label %q is %d octets long, over the DNS limit of %d", shorten(l), len(l), maxLabel)
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("label %q contains %q, which a host name cannot hold", l, r)
		}
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return fmt.Errorf("label %q starts or ends with a hyphen", l)
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000'
}

// shorten keeps an over-long label readable in a one-line error.
func shorten(l string) string {
	if len(l) <= 24 {
		return l
	}
	return l[:20] + "..."
}
