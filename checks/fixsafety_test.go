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
