package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// TestNonRoutableSuffixGetsNoDNSAdvice: a UPN suffix public DNS can never hold gets no record to
// publish, only the advice to add a routable suffix and change the UPN.
func TestNonRoutableSuffixGetsNoDNSAdvice(t *testing.T) {
	f := dnsFacts("public", dnsProbe("contoso.local", facts.RecordEnrollment, dnsSeenBy("NXDOMAIN")))
	c, _ := Lookup("dns.enrollment-cname")
	rs := Evaluate(c, f)
	if len(rs) != 1 || rs[0].Status != Warn || len(rs[0].Fixes) != 0 || strings.Contains(rs[0].Remediation, "CNAME") ||
		!strings.Contains(rs[0].Remediation, "Add a routable UPN suffix") || !strings.Contains(rs[0].Remediation, "on premises") {
		t.Fatalf("results %+v", rs)
	}
}

// TestCSVCellsArePrintableAndInert: names reach the export as data: controls escaped, and no
// formula behind leading blanks or line breaks.
func TestCSVCellsArePrintableAndInert(t *testing.T) {
	for in, want := range map[string]string{
		"CAROL-LT":               "CAROL-LT",
		"=HYPERLINK(\"x\")":      "'=HYPERLINK(\"x\")",
		" =1+1":                  "' =1+1",
		"\n@SUM(A1)":             "'\n@SUM(A1)",
		"\r+1":                   `\x0d+1`,
		"\t-2":                   "'\t-2",
		"evil\x1b]52;c;eA==\x07": `evil\x1b]52;c;eA==\x07`,
		"\u202edoc.exe":          `\u202edoc.exe`,
	} {
		if got := cellSafe(in); got != want {
			t.Errorf("cellSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
