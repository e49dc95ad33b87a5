package dnsprobe_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/report"
)

// TestDemoZones runs what `mdmdoctor dns` does on the demo: the real prober against one loopback
// server playing resolver and authoritative server over testdata/demo/zones, judged by the real
// checks, and expects what docs/demo-tenants.md promises.
func TestDemoZones(t *testing.T) {
	s, err := dnstest.Start(t.Context(), dnstest.Options{Zones: os.DirFS("../testdata/demo/zones")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := &dnsprobe.Prober{Resolvers: []string{s.Addr()}, AuthPort: s.Port(), QueryTimeout: time.Second}
	target := facts.Target{Kind: facts.TargetDNS, Domains: []string{"contoso.com", "fabrikam.com", "tailspin.com", "contoso.local"}}
	f := facts.New("public", target, time.Now())
	results := checks.Run(t.Context(), f, facts.Gather(t.Context(), target, p), checks.Options{}, nil)

	want := map[string]checks.Status{
		"dns.enrollment-cname contoso.com":     checks.Pass,
		"dns.registration-cname contoso.com":   checks.Pass,
		"dns.enrollment-cname fabrikam.com":    checks.Warn,
		"dns.registration-cname fabrikam.com":  checks.Warn,
		"dns.enrollment-cname tailspin.com":    checks.Fail,
		"dns.registration-cname tailspin.com":  checks.Fail,
		"dns.enrollment-cname contoso.local":   checks.Warn,
		"dns.registration-cname contoso.local": checks.Warn,
	}
	got := map[string]checks.Result{}
	for _, r := range results {
		if strings.HasPrefix(r.ID, "dns.") {
			got[r.ID+" "+r.Subject] = r
		}
	}
	for k, st := range want {
		r, ok := got[k]
		if !ok {
			t.Errorf("%s: no result", k)
			continue
		}
		if r.Status != st {
			t.Errorf("%s: %s (%s), want %s", k, r.Status, r.Summary, st)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d DNS results, want %d", len(got), len(want))
	}
	slip := got["dns.enrollment-cname tailspin.com"]
	if !strings.Contains(slip.Summary, "trailing dot") || slip.Fixes[0].Guidance != "EnterpriseEnrollment.tailspin.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com." {
		t.Errorf("tailspin.com enrollment: %q, fixes %+v: want the trailing-dot slip and the line to paste", slip.Summary, slip.Fixes)
	}
	if a := got["dns.registration-cname tailspin.com"]; !strings.Contains(a.Summary, "203.0.113.10") {
		t.Errorf("tailspin.com registration: %q, want the A record named", a.Summary)
	}
	if testing.Verbose() {
		var b strings.Builder
		rep := report.New("test", "public", target, results, time.Now())
		if err := report.WriteText(&b, rep, 100); err != nil {
			t.Fatal(err)
		}
		t.Log("\n" + b.String())
	}
}
