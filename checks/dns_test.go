package checks

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// dnsFacts returns facts for a DNS run in a cloud with the given probes loaded.
func dnsFacts(cloud string, probes ...facts.DNSProbe) *facts.Facts {
	f := facts.New(cloud, facts.Target{Kind: facts.TargetDNS, Domains: []string{"contoso.com"}}, time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	f.Apply(facts.Delta{Source: facts.SrcDNS, Endpoint: "DNS test", Apply: func(f *facts.Facts) { f.DNS = probes }})
	return f
}

const (
	dnsResolverAddr = "10.0.0.53:53"
	dnsAuthAddr     = "192.0.2.53:53"
)

func dnsCNAME(owner, target string) facts.DNSRecord {
	return facts.DNSRecord{Name: owner, Type: "CNAME", Value: target, TTL: 3600}
}

func dnsAddrRecord(owner, typ, value string) facts.DNSRecord {
	return facts.DNSRecord{Name: owner, Type: typ, Value: value, TTL: 300}
}

// dnsSeenBy returns a resolver and an authoritative vantage that both saw chain with rcode.
func dnsSeenBy(rcode string, chain ...facts.DNSRecord) []facts.DNSVantage {
	return []facts.DNSVantage{
		{Server: dnsResolverAddr, Kind: facts.VantageResolver, Rcode: rcode, Chain: chain, Duration: 12 * time.Millisecond},
		{Server: dnsAuthAddr, Kind: facts.VantageAuthoritative, Rcode: rcode, Chain: chain, Authoritative: true, Duration: 30 * time.Millisecond},
	}
}

func dnsProbe(domain, record string, vs []facts.DNSVantage) facts.DNSProbe {
	return facts.DNSProbe{Domain: domain, Record: record, Name: record + "." + domain + ".", Vantages: vs}
}

const (
	dnsEnr        = "EnterpriseEnrollment.contoso.com."
	dnsReg        = "EnterpriseRegistration.contoso.com."
	dnsEnrollLine = "EnterpriseEnrollment.contoso.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com."
	dnsRegLine    = "EnterpriseRegistration.contoso.com. 3600 IN CNAME EnterpriseRegistration.windows.net."
	dnsGovLine    = "EnterpriseEnrollment.contoso.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.us."
)

func TestDNSChecks(t *testing.T) {
	loop := dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "a.contoso.com."), dnsCNAME("a.contoso.com.", dnsEnr))
	for i := range loop {
		loop[i].Loop = true
	}
	long := dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "h1.contoso.com."), dnsCNAME("h1.contoso.com.", "h2.contoso.com."))
	for i := range long {
		long[i].TooLong = true
	}
	oneFailed := []facts.DNSVantage{
		{Server: dnsResolverAddr, Kind: facts.VantageResolver, Err: "timeout: no answer over udp after 2s"},
		{Server: dnsAuthAddr, Kind: facts.VantageAuthoritative, Rcode: "NOERROR", Chain: []facts.DNSRecord{dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com.")}},
	}
	allFailed := []facts.DNSVantage{
		{Server: dnsResolverAddr, Kind: facts.VantageResolver, Rcode: "SERVFAIL", Err: "SERVFAIL: the server could not resolve the name"},
		{Kind: facts.VantageAuthoritative, Err: "not asked: the NS lookup for contoso.com. failed at every resolver"},
	}
	split := []facts.DNSVantage{
		{Server: dnsResolverAddr, Kind: facts.VantageResolver, Rcode: "NOERROR", Chain: []facts.DNSRecord{dnsCNAME(dnsEnr, "EnterpriseEnrollment.manage.microsoft.com.")}},
		{Server: dnsAuthAddr, Kind: facts.VantageAuthoritative, Rcode: "NOERROR", Authoritative: true, Chain: []facts.DNSRecord{dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com.")}},
	}

	for _, tc := range []struct {
		name    string
		cloud   string
		record  string
		domain  string
		vs      []facts.DNSVantage
		status  Status
		summary []string // substrings the summary must hold
		remedy  []string // substrings the remediation must hold
		fix     string   // the fix's guidance line; "" for no fix
	}{
		{name: "right target", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com."), dnsAddrRecord("EnterpriseEnrollment-s.manage.microsoft.com.", "A", "192.0.2.10")),
			status: Pass, summary: []string{"EnterpriseEnrollment-s.manage.microsoft.com.", "commercial (public)", "both vantage points agree"}},
		{name: "right target through own aliases, other case, no dot", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "mdm.contoso.com."), dnsCNAME("mdm.contoso.com.", "enterpriseenrollment-S.MANAGE.microsoft.com")),
			status: Pass},
		{name: "legacy target without -s", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment.manage.microsoft.com.")),
			status: Warn, summary: []string{"legacy target", "extra prompt"}, remedy: []string{dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "legacy manage.microsoft.com", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "manage.microsoft.com.")),
			status: Warn, summary: []string{"legacy target manage.microsoft.com."}, fix: dnsEnrollLine},
		{name: "missing, NXDOMAIN", record: facts.RecordEnrollment, vs: dnsSeenBy("NXDOMAIN"),
			status: Warn, summary: []string{"no record", "NXDOMAIN", "not required"}, remedy: []string{"Create it in the public DNS zone of contoso.com: " + dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "missing, NODATA", record: facts.RecordRegistration, vs: dnsSeenBy("NOERROR"),
			status: Warn, summary: []string{"NODATA"}, remedy: []string{dnsRegLine}, fix: dnsRegLine},
		{name: "wrong target", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NXDOMAIN", dnsCNAME(dnsEnr, "enroll.hosting.example.")),
			status: Fail, summary: []string{"enroll.hosting.example.", "not the Intune enrollment service"}, remedy: []string{"Replace the record", dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "wrong target behind own alias names the first outside host", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "mdm.contoso.com."), dnsCNAME("mdm.contoso.com.", "portal.hosting.example."), dnsAddrRecord("portal.hosting.example.", "A", "198.51.100.7")),
			status: Fail, summary: []string{"portal.hosting.example."}, fix: dnsEnrollLine},
		{name: "missing trailing dot", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NXDOMAIN", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com.contoso.com.")),
			status: Fail, summary: []string{"EnterpriseEnrollment-s.manage.microsoft.com.contoso.com.", "trailing dot"},
			remedy: []string{"without its final dot", dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "missing trailing dot on registration", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NXDOMAIN", dnsCNAME(dnsReg, "enterpriseregistration.windows.net.contoso.com.")),
			status: Fail, summary: []string{"trailing dot"}, fix: dnsRegLine},
		{name: "A record where a CNAME belongs", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsAddrRecord(dnsEnr, "A", "203.0.113.10")),
			status: Fail, summary: []string{"A 203.0.113.10", "where a CNAME belongs"}, remedy: []string{"Delete the A/AAAA records", dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "AAAA record where a CNAME belongs", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsAddrRecord(dnsReg, "AAAA", "2001:db8::10")),
			status: Fail, summary: []string{"AAAA 2001:db8::10"}, fix: dnsRegLine},
		{name: "loop", record: facts.RecordEnrollment, vs: loop,
			status: Fail, summary: []string{"CNAME loop", "a.contoso.com."}, remedy: []string{dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "chain too long", record: facts.RecordEnrollment, vs: long,
			status: Fail, summary: []string{"cut after 2 records"}, fix: dnsEnrollLine},
		{name: "US Government target in a commercial tenant", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.us.")),
			status: Fail, summary: []string{"US Government", "this tenant is in the commercial (public) cloud"},
			remedy: []string{"--cloud usgov", dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "US Government target in a GCC High tenant", cloud: "usgov", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.us.")),
			status: Pass, summary: []string{"US Government (GCC High)"}},
		{name: "US Government target in a DoD tenant", cloud: "usgovdod", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.us.")),
			status: Pass},
		{name: "commercial target in a GCC High tenant", cloud: "usgov", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com.")),
			status: Fail, summary: []string{"commercial (public) cloud's target"}, remedy: []string{"--cloud public", dnsGovLine}, fix: dnsGovLine},
		{name: "registration target on the enrollment record", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseRegistration.windows.net.")),
			status: Fail, summary: []string{"swapped"}, fix: dnsEnrollLine},
		{name: "enrollment target on the registration record", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "EnterpriseEnrollment-s.manage.microsoft.com.")),
			status: Fail, summary: []string{"swapped"}, fix: dnsRegLine},
		{name: "registration right", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "EnterpriseRegistration.windows.net.")),
			status: Pass, summary: []string{"device registration service"}},
		{name: "registration right in GCC High", cloud: "usgov", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "EnterpriseRegistration.windows.net.")),
			status: Pass},
		// The Intune and Entra pages disagree on the US government registration target: both pass.
		{name: "registration to the Azure Government service in GCC High", cloud: "usgov", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "enterpriseregistration.microsoftonline.us.")),
			status: Pass},
		{name: "registration to the Azure Government service in DoD", cloud: "usgovdod", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "EnterpriseRegistration.microsoftonline.us.")),
			status: Pass},
		{name: "the Azure Government registration service in a commercial tenant", record: facts.RecordRegistration,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsReg, "enterpriseregistration.microsoftonline.us.")),
			status: Fail, summary: []string{"US Government"}, fix: dnsRegLine},
		{name: "split horizon", record: facts.RecordEnrollment, vs: split,
			status: Warn, summary: []string{"disagree", "resolver 10.0.0.53:53 see the legacy target", "authoritative 192.0.2.53:53 see the right target"},
			remedy: []string{"Every view should publish: " + dnsEnrollLine}, fix: dnsEnrollLine},
		{name: "one vantage failed, the rest answered", record: facts.RecordEnrollment, vs: oneFailed,
			status: Pass, summary: []string{"the only one of 2 vantage points that answered"}, remedy: []string{"1 vantage point could not answer"}},
		{name: "every vantage failed", record: facts.RecordEnrollment, vs: allFailed,
			status: Error, summary: []string{"no vantage point answered"}, remedy: []string{"--resolver"}},
		{name: "China: unconfirmed target said so", cloud: "china", record: facts.RecordEnrollment,
			vs:     dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "enterpriseenrollment-s.manage.microsoftonline.cn.")),
			status: Pass, summary: []string{"UNCONFIRMED", "21Vianet"}},
		{name: "China: missing record still gets the line", cloud: "china", record: facts.RecordRegistration, vs: dnsSeenBy("NXDOMAIN"),
			status: Warn, summary: []string{"UNCONFIRMED"},
			fix: "EnterpriseRegistration.contoso.com. 3600 IN CNAME EnterpriseRegistration.partner.microsoftonline.cn."},
		{name: "initial domain without records is not the customer's to fix", record: facts.RecordEnrollment, domain: "contoso.onmicrosoft.com",
			vs: dnsSeenBy("NXDOMAIN"), status: Skip, summary: []string{"initial domain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cloud := tc.cloud
			if cloud == "" {
				cloud = "public"
			}
			domain := tc.domain
			if domain == "" {
				domain = "contoso.com"
			}
			id := "dns.enrollment-cname"
			if tc.record == facts.RecordRegistration {
				id = "dns.registration-cname"
			}
			r := judgeOne(t, id, dnsFacts(cloud, dnsProbe(domain, tc.record, tc.vs)))
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.status, r.Summary)
			}
			if r.Subject != domain {
				t.Errorf("subject %q, want the domain %q", r.Subject, domain)
			}
			for _, s := range tc.summary {
				if !strings.Contains(r.Summary, s) {
					t.Errorf("summary %q lacks %q", r.Summary, s)
				}
			}
			for _, s := range tc.remedy {
				if !strings.Contains(r.Remediation, s) {
					t.Errorf("remediation %q lacks %q", r.Remediation, s)
				}
			}
			if tc.fix != "" && !strings.HasSuffix(r.Remediation, tc.fix) {
				t.Errorf("remediation %q does not end with the line to paste", r.Remediation)
			}
			switch {
			case tc.fix == "" && len(r.Fixes) > 0:
				t.Errorf("fixes %+v, want none", r.Fixes)
			case tc.fix != "":
				if len(r.Fixes) != 1 || r.Fixes[0].ID != "dns.create-record" || r.Fixes[0].Guidance != tc.fix || len(r.Fixes[0].Requests) != 0 {
					t.Errorf("fixes %+v, want dns.create-record with guidance %q and no requests", r.Fixes, tc.fix)
				}
			}
			if len(r.Evidence) != len(tc.vs) {
				t.Errorf("%d evidence items, want one per vantage point (%d)", len(r.Evidence), len(tc.vs))
			}
			if r.Status == Error && r.Error == "" {
				t.Error("error result without its error")
			}
			if r.Status != Skip && r.Explanation == "" {
				t.Error("no explanation")
			}
		})
	}
}

func TestDNSEvidenceReadsLikeDig(t *testing.T) {
	vs := []facts.DNSVantage{
		{Server: dnsResolverAddr, Kind: facts.VantageResolver, Rcode: "NOERROR", AuthenticData: true, TCP: true, Duration: 41 * time.Millisecond,
			Chain: []facts.DNSRecord{dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com."), dnsAddrRecord("EnterpriseEnrollment-s.manage.microsoft.com.", "A", "192.0.2.10")}},
		{Server: dnsAuthAddr, Kind: facts.VantageAuthoritative, Rcode: "NXDOMAIN", Authoritative: true},
		{Kind: facts.VantageAuthoritative, Err: "not asked: no zone with NS records holds contoso.com."},
	}
	r := judgeOne(t, "dns.enrollment-cname", dnsFacts("public", dnsProbe("contoso.com", facts.RecordEnrollment, vs)))
	want := []Evidence{
		{Source: "resolver 10.0.0.53:53", Detail: "EnterpriseEnrollment.contoso.com. 3600 CNAME EnterpriseEnrollment-s.manage.microsoft.com. → " +
			"EnterpriseEnrollment-s.manage.microsoft.com. 300 A 192.0.2.10; NOERROR; flags ad; over TCP after a truncated UDP answer; 41ms"},
		{Source: "authoritative 192.0.2.53:53", Detail: "no records; NXDOMAIN; flags aa; <1ms"},
		{Source: "authoritative servers", Detail: "no answer: not asked: no zone with NS records holds contoso.com."},
	}
	if !slices.Equal(r.Evidence, want) {
		t.Fatalf("evidence\n got %q\nwant %q", r.Evidence, want)
	}
	// The resolver and the authoritative server disagree: a warning, whatever each dnsView means alone.
	if r.Status != Warn || !strings.Contains(r.Summary, "disagree") {
		t.Fatalf("status %s %q, want a disagreement warning", r.Status, r.Summary)
	}
}

func TestDNSOneResultPerDomain(t *testing.T) {
	f := dnsFacts("public",
		dnsProbe("contoso.com", facts.RecordEnrollment, dnsSeenBy("NOERROR", dnsCNAME(dnsEnr, "EnterpriseEnrollment-s.manage.microsoft.com."))),
		dnsProbe("contoso.com", facts.RecordRegistration, dnsSeenBy("NXDOMAIN")),
		dnsProbe("fabrikam.com", facts.RecordEnrollment, dnsSeenBy("NXDOMAIN")),
		dnsProbe("fabrikam.com", facts.RecordRegistration, dnsSeenBy("NXDOMAIN")),
	)
	c, _ := Lookup("dns.enrollment-cname")
	rs := Evaluate(c, f)
	if len(rs) != 2 || rs[0].Subject != "contoso.com" || rs[0].Status != Pass || rs[1].Subject != "fabrikam.com" || rs[1].Status != Warn {
		t.Fatalf("results %+v, want contoso.com pass then fabrikam.com warn", rs)
	}
	if !strings.Contains(rs[1].Fixes[0].Guidance, "EnterpriseEnrollment.fabrikam.com. 3600 IN CNAME") {
		t.Fatalf("fabrikam fix %q, want the line for fabrikam.com", rs[1].Fixes[0].Guidance)
	}
}

func TestDNSWithoutProbesSkips(t *testing.T) {
	r := judgeOne(t, "dns.registration-cname", dnsFacts("public"))
	if r.Status != Skip {
		t.Fatalf("status %s, want skip when no domain was probed", r.Status)
	}
}

func TestDNSSourceFailedIsError(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetDNS, Domains: []string{"contoso..com"}}, time.Now())
	f.Apply(facts.Delta{Source: facts.SrcDNS, Err: dnsErr("\"contoso..com\" has an empty label")})
	r := judgeOne(t, "dns.enrollment-cname", f)
	if r.Status != Error || !strings.Contains(r.Error, "empty label") {
		t.Fatalf("status %s error %q, want error naming the reason", r.Status, r.Error)
	}
}

type dnsErr string

func (e dnsErr) Error() string { return string(e) }

func TestDNSCatalogEntries(t *testing.T) {
	for _, id := range []string{"dns.enrollment-cname", "dns.registration-cname"} {
		c, ok := Lookup(id)
		if !ok {
			t.Fatalf("%s not in the catalog", id)
		}
		for _, k := range []facts.TargetKind{facts.TargetUser, facts.TargetTenant, facts.TargetDNS} {
			if !c.In(k) {
				t.Errorf("%s not in %s runs", id, k)
			}
		}
		if c.Step != StepDNS || !slices.Equal(c.Needs, []facts.Source{facts.SrcDNS}) || !strings.HasPrefix(c.Docs, "https://learn.microsoft.com/") {
			t.Errorf("%s: step %s needs %v docs %q", id, c.Step, c.Needs, c.Docs)
		}
	}
}

// The Intune and Entra pages disagree on the US government registration target: either passes, and the
// result says the pages disagree rather than picking one silently.
func TestDNSUSGovRegistrationSaysThePagesDisagree(t *testing.T) {
	for _, target := range []string{"EnterpriseRegistration.windows.net.", "enterpriseregistration.microsoftonline.us."} {
		r := judgeOne(t, "dns.registration-cname", dnsFacts("usgov", dnsProbe("contoso.com", facts.RecordRegistration,
			dnsSeenBy("NOERROR", dnsCNAME(dnsReg, target)))))
		if r.Status != Pass || !strings.Contains(r.Explanation, "disagree") || !strings.Contains(r.Explanation, "microsoftonline.us") {
			t.Errorf("%s: %s %q, want pass saying the pages disagree", target, r.Status, r.Explanation)
		}
	}
}
