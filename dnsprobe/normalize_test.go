package dnsprobe

import (
	"strings"
	"testing"
)

func TestNormalizeDomain(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	for in, want := range map[string]string{
		"contoso.com":                                     "contoso.com",
		"  Contoso.COM.  ":                                "contoso.com",
		"alice@contoso.com":                               "contoso.com",
		"Alice.Smith@Sub.Contoso.com":                     "sub.contoso.com",
		`"odd@name"@contoso.com`:                          "contoso.com",
		"bücher.example":                                  "xn--bcher-kva.example",
		"BÜCHER.EXAMPLE.":                                 "xn--bcher-kva.example",
		"XN--BCHER-KVA.example":                           "xn--bcher-kva.example",
		"münchen。de":                                      "xn--mnchen-3ya.de",
		"例え.テスト":                                          "xn--r8jz45g.xn--zckzah",
		"EnterpriseEnrollment.contoso.com":                "contoso.com",
		"enterpriseregistration.contoso.com.":             "contoso.com",
		"enterpriseenrollment.com":                        "enterpriseenrollment.com",
		long63 + ".com":                                   long63 + ".com",
		"a-b.c0.example":                                  "a-b.c0.example",
		"contoso.onmicrosoft.com":                         "contoso.onmicrosoft.com",
		"EnterpriseEnrollment.EnterpriseEnrollment.x.com": "x.com",
	} {
		got, err := NormalizeDomain(in)
		if err != nil || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeDomainRefuses(t *testing.T) {
	long := strings.Repeat(strings.Repeat("a", 60)+".", 5) + "com" // 308 octets
	for in, says := range map[string]string{
		"":                               "empty domain",
		"   ":                            "empty domain",
		"alice@":                         "nothing after the @",
		"contoso..com":                   "empty label",
		".contoso.com":                   "empty label",
		"contoso.com..":                  "empty label",
		"contoso":                        "single label",
		"contoso.":                       "single label",
		strings.Repeat("a", 64) + ".com": "over the DNS limit of 63",
		long:                             "over the DNS limit of 253",
		"con toso.com":                   "space",
		"contoso_dev.com":                "contains '_'",
		"-contoso.com":                   "hyphen",
		"contoso-.com":                   "hyphen",
		"https://contoso.com/":           "URL",
		"contoso.com:443":                "URL or address",
		"192.168.1.10":                   "IP address",
		"2001:db8::1":                    "URL or address",
		"xn--zz.com":                     "not a valid internationalised name",
		"☃\u200d.com":                    "not a valid internationalised name",
	} {
		got, err := NormalizeDomain(in)
		if err == nil {
			t.Errorf("NormalizeDomain(%q) = %q, want an error", in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, says) {
			t.Errorf("NormalizeDomain(%q): %q, want it to say %q", in, msg, says)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("NormalizeDomain(%q): error spans lines: %q", in, msg)
		}
		if !strings.Contains(msg, "contoso.com") {
			t.Errorf("NormalizeDomain(%q): %q, want an example of what to type", in, msg)
		}
	}
}

// FuzzNormalizeDomain checks that whatever an operator types, NormalizeDomain either refuses it or
// returns a name that DNS accepts and that normalises to itself.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"contoso.com", "alice@Contoso.com.", "bücher.example", "a..b", "EnterpriseEnrollment.x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := NormalizeDomain(in)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error for %q: %q", in, err)
			}
			return
		}
		if len(out) == 0 || len(out) > maxName || strings.HasSuffix(out, ".") {
			t.Fatalf("NormalizeDomain(%q) = %q: bad length or trailing dot", in, out)
		}
		labels := strings.Split(out, ".")
		if len(labels) < 2 {
			t.Fatalf("NormalizeDomain(%q) = %q: single label", in, out)
		}
		for _, l := range labels {
			if err := checkLDH(l); err != nil || l == "" {
				t.Fatalf("NormalizeDomain(%q) = %q: label %q: %v", in, out, l, err)
			}
		}
		again, err := NormalizeDomain(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
	})
}
