package dnsprobe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeUPN checks that a user principal name has a local part and a domain DNS can probe, and
// normalises the domain as NormalizeDomain does. It refuses anything else with one line saying what
// is wrong and what to type.
func NormalizeUPN(s string) (string, error) {
	s = strings.TrimSpace(s)
	at := strings.LastIndex(s, "@")
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%q is not a user principal name: write it as name@domain, e.g. alice@contoso.com", s)
	}
	local := s[:at]
	if strings.Contains(local, "@") {
		return "", fmt.Errorf("%q is not a user principal name: it holds more than one @; write it as "+
			"name@domain, e.g. alice@contoso.com", s)
	}
	// Control characters would reach Graph and the terminal as they are; invalid UTF-8 names no user.
	if !utf8.ValidString(local) || strings.IndexFunc(local, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 ||
		strings.ContainsAny(local, "\"<>,;") {
		return "", fmt.Errorf("%q is not a user principal name: the part before @ holds a space, a control "+
			"character or one of \"<>,;", s)
	}
	d, err := NormalizeDomain(s[at+1:])
	if err != nil {
		return "", err
	}
	return local + "@" + d, nil
}
