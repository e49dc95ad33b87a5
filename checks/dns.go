package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

const dnsDocs = "https://learn.microsoft.com/intune/intune-service/enrollment/windows-enrollment-create-cname"

// dnsRecordTTL is the TTL Microsoft's instructions give the records: one hour.
const dnsRecordTTL = 3600

func dnsEnrollmentCheck() Check {
	return Check{
		ID: "dns.enrollment-cname", Title: "EnterpriseEnrollment CNAME", Step: StepDNS,
		Question: "Does EnterpriseEnrollment.<domain> point to the cloud's Intune enrollment service?",
		Docs:     dnsDocs, Modes: allModes, Needs: []facts.Source{facts.SrcDNS},
		Judge: func(f *facts.Facts) []Result { return judgeDNS(f, facts.RecordEnrollment) },
	}
}

func dnsRegistrationCheck() Check {
	return Check{
		ID: "dns.registration-cname", Title: "EnterpriseRegistration CNAME", Step: StepDNS,
		Question: "Does EnterpriseRegistration.<domain> point to the device registration service?",
		Docs:     dnsDocs, Modes: allModes, Needs: []facts.Source{facts.SrcDNS},
		Judge: func(f *facts.Facts) []Result { return judgeDNS(f, facts.RecordRegistration) },
	}
}

// expectedDNSTarget is what record should point to in cloud.
func expectedDNSTarget(cloud, record string) clouds.Target {
	if record == facts.RecordRegistration {
		return clouds.Get(cloud).Registration
	}
	return clouds.Get(cloud).Enrollment
}

func dnsCloudLabel(cloud string) string { return clouds.Get(cloud).Label }

// knownDNSTarget says which cloud and record a target belongs to, if it is any cloud's target.
func knownDNSTarget(target string) (cloud, record string, ok bool) {
	for _, rec := range []string{facts.RecordEnrollment, facts.RecordRegistration} {
		for _, c := range clouds.Names() {
			exp := expectedDNSTarget(c, rec)
			for _, t := range slices.Concat([]string{exp.Want}, exp.Legacy, exp.Also) {
				if sameDNSName(t, target) {
					return c, rec, true
				}
			}
		}
	}
	return "", "", false
}

// sameDNSName compares DNS names as DNS does: case-insensitively, with or without the trailing dot.
func sameDNSName(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// dnsOutcome is what one vantage point's answer means for the record.
type dnsOutcome int

const (
	outCorrect dnsOutcome = iota
	outLegacy
	outMissing
	outWrongCloud
	outSwapped
	outSlip
	outWrong
	outAddress
	outLoop
	outTooLong
)

func (o dnsOutcome) status() Status {
	switch o {
	case outCorrect:
		return Pass
	case outLegacy, outMissing:
		return Warn
	}
	return Fail
}

// dnsView is one vantage point's answer, judged.
type dnsView struct {
	out dnsOutcome
	// target is the CNAME target the judgment rests on (the intended target for a slip).
	target string
	// detail is the addresses (outAddress), the rcode (outMissing), the written target (outSlip),
	// the loop (outLoop) or the cloud a target belongs to (outWrongCloud).
	detail string
}

// key identifies views that say the same thing, whatever their TTLs or how far each server followed.
func (v dnsView) key() string {
	return fmt.Sprintf("%d|%s", v.out, strings.ToLower(strings.TrimSuffix(v.target, ".")))
}

// judgeDNSVantage reads one server's chain: the first CNAME target known to any cloud decides (the chain
// may pass through the customer's own aliases first); failing that, the shape of the chain does.
func judgeDNSVantage(v facts.DNSVantage, domain, record, cloud string) dnsView {
	exp := expectedDNSTarget(cloud, record)
	for _, r := range v.Chain {
		if r.Type != "CNAME" {
			continue
		}
		if sameDNSName(r.Value, exp.Want) || slices.ContainsFunc(exp.Also, func(a string) bool { return sameDNSName(r.Value, a) }) {
			return dnsView{out: outCorrect, target: r.Value}
		}
		for _, l := range exp.Legacy {
			if sameDNSName(r.Value, l) {
				return dnsView{out: outLegacy, target: r.Value}
			}
		}
		if c, rec, ok := knownDNSTarget(r.Value); ok {
			if rec != record {
				return dnsView{out: outSwapped, target: r.Value}
			}
			return dnsView{out: outWrongCloud, target: r.Value, detail: c}
		}
	}
	switch {
	case v.Loop:
		return dnsView{out: outLoop, detail: dnsChainNames(v.Chain)}
	case v.TooLong:
		return dnsView{out: outTooLong, detail: fmt.Sprint(len(v.Chain))}
	case len(v.Chain) == 0:
		return dnsView{out: outMissing, detail: v.Rcode}
	case v.Chain[0].Type != "CNAME":
		var addrs []string
		for _, r := range v.Chain {
			addrs = append(addrs, r.Type+" "+r.Value)
		}
		return dnsView{out: outAddress, detail: strings.Join(addrs, ", ")}
	}
	var firstOut, last string
	for _, r := range v.Chain {
		if r.Type != "CNAME" {
			continue
		}
		if intended, ok := dnsSlipped(r.Value, domain); ok {
			return dnsView{out: outSlip, target: intended, detail: r.Value}
		}
		if firstOut == "" && !inDNSDomain(r.Value, domain) {
			firstOut = r.Value
		}
		last = r.Value
	}
	if firstOut == "" {
		firstOut = last
	}
	return dnsView{out: outWrong, target: firstOut}
}

// dnsSlipped recognises the missing trailing dot: a target written as a relative name, so the zone's
// origin was appended ("EnterpriseEnrollment-s.manage.microsoft.com.contoso.com."). It returns what
// was meant when the part before the domain is a Microsoft name, or the domain written twice.
func dnsSlipped(target, domain string) (string, bool) {
	t := strings.ToLower(strings.TrimSuffix(target, "."))
	suffix := "." + strings.ToLower(domain)
	if !strings.HasSuffix(t, suffix) {
		return "", false
	}
	meant := strings.TrimSuffix(t, suffix)
	if _, _, ok := knownDNSTarget(meant); ok {
		return meant + ".", true
	}
	for _, ms := range append(clouds.TargetDomains(), strings.TrimPrefix(suffix, ".")) {
		if strings.HasSuffix(meant, "."+ms) {
			return meant + ".", true
		}
	}
	return "", false
}

func inDNSDomain(name, domain string) bool {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	d := strings.ToLower(domain)
	return n == d || strings.HasSuffix(n, "."+d)
}

func dnsChainNames(chain []facts.DNSRecord) string {
	var names []string
	for i, r := range chain {
		if i == 0 {
			names = append(names, r.Name)
		}
		names = append(names, r.Value)
	}
	return strings.Join(names, " → ")
}

// isInitialDNSDomain reports a tenant's initial domain, whose zone Microsoft hosts: the customer cannot
// create records there.
func isInitialDNSDomain(domain string) bool {
	d := strings.ToLower(domain)
	for _, s := range []string{".onmicrosoft.com", ".onmicrosoft.us", ".partner.onmschina.cn"} {
		if strings.HasSuffix(d, s) {
			return true
		}
	}
	return false
}

func judgeDNS(f *facts.Facts, record string) []Result {
	var out []Result
	for _, p := range f.DNS {
		if p.Record == record {
			out = append(out, judgeDNSProbe(f.Cloud, p))
		}
	}
	if len(out) == 0 {
		out = append(out, Result{Status: Skip, Summary: "Skipped: no domain was probed for " + record})
	}
	return out
}

// judgeDNSProbe turns one name's evidence from every vantage point into one result.
func judgeDNSProbe(cloud string, p facts.DNSProbe) Result {
	name := p.Name
	if name == "" {
		name = p.Record + "." + p.Domain + "."
	}
	exp := expectedDNSTarget(cloud, p.Record)
	d := dnsResult{
		cloud: cloud, probe: p, exp: exp,
		show: strings.TrimSuffix(name, "."),
		line: fmt.Sprintf("%s %d IN CNAME %s", name, dnsRecordTTL, exp.Want),
	}
	r := Result{Subject: p.Domain, Explanation: dnsExplanation(p.Record, p.Domain)}
	for _, v := range p.Vantages {
		r.Evidence = append(r.Evidence, Evidence{Source: dnsVantageSource(v), Detail: dnsVantageDetail(v)})
	}
	if nonRoutableSuffix(p.Domain) {
		// As for any missing record, warn: the failure is the suffix itself (tenant.upn-domain).
		r.Status = Warn
		r.Summary = fmt.Sprintf("%s is not a routable domain, so no record can be published for it "+
			"in public DNS", p.Domain)
		r.Remediation = noDNSForNonRoutable
		return r
	}

	type group struct {
		v       dnsView
		servers []string
	}
	var groups []*group
	var failed []string
	answered := 0
	for _, v := range p.Vantages {
		if v.Err != "" {
			failed = append(failed, dnsVantageSource(v)+": "+v.Err)
			continue
		}
		answered++
		jv := judgeDNSVantage(v, p.Domain, p.Record, cloud)
		found := false
		for _, g := range groups {
			if g.v.key() == jv.key() {
				g.servers, found = append(g.servers, dnsVantageSource(v)), true
				break
			}
		}
		if !found {
			groups = append(groups, &group{v: jv, servers: []string{dnsVantageSource(v)}})
		}
	}

	switch {
	case answered == 0:
		r.Status = Error
		r.Error = "no vantage point answered: " + strings.Join(failed, "; ")
		r.Summary = fmt.Sprintf("Could not check %s: no vantage point answered", d.show)
		r.Remediation = "Check that this machine can reach its resolvers over UDP and TCP port 53, name " +
			"working ones with " +
			"--resolver ADDR[:PORT], or raise --dns-timeout on a slow link. A server that times out or answers " +
			"SERVFAIL says " +
			"nothing about the record itself."
		return r
	case len(groups) == 1:
		g := groups[0]
		r.Status = g.v.out.status()
		r.Summary = d.summary(g.v) + d.coverage(len(g.servers), len(p.Vantages))
		r.Remediation = d.remediation(g.v)
		if g.v.out == outMissing && isInitialDNSDomain(p.Domain) {
			r.Status = Skip
			r.Summary = fmt.Sprintf("Skipped: %s is the tenant's initial domain, whose DNS Microsoft hosts; no "+
				"record can be created there", p.Domain)
			r.Remediation = ""
		}
	default:
		r.Status = Warn
		var parts []string
		for _, g := range groups {
			parts = append(parts, strings.Join(g.servers, ", ")+" "+d.sees(g.v))
		}
		r.Summary = fmt.Sprintf("Vantage points disagree about %s: %s", d.show, strings.Join(parts, "; "))
		r.Explanation += " Different answers from different servers mean a split-horizon zone (an internal copy that " +
			"differs from the public one), a resolver cache still holding an old record until its TTL runs " +
			"out, or a name " +
			"server out of step with the others. A device sees whatever its own resolver says, so the " +
			"outcome depends on " +
			"where the device is."
		r.Remediation = fmt.Sprintf("If only a resolver differs and the authoritative servers are right, "+
			"the old answer "+
			"expires after the TTL shown (or flush that resolver's cache); if the office resolver serves its own "+
			"copy of the "+
			"zone, put the record there too. Every view should publish: %s", d.line)
	}
	if exp.Disagreement != "" {
		r.Explanation += " " + exp.Disagreement
	}
	if exp.Unconfirmed {
		r.Summary += fmt.Sprintf(" (UNCONFIRMED: %s is not in Microsoft's "+
			"documentation for %s)", exp.Want, dnsCloudLabel(cloud))
		r.Explanation += fmt.Sprintf(" The expected target for the %s cloud, %s, comes from third-party practice, not "+
			"from Microsoft's documentation: confirm it with Microsoft support before "+
			"changing DNS.", dnsCloudLabel(cloud), exp.Want)
	}
	if r.Status == Warn || r.Status == Fail {
		r.Fixes = []Fix{{
			ID:       "dns.create-record",
			Title:    fmt.Sprintf("Publish %s as a CNAME for %s", d.show, exp.Want),
			Guidance: d.line,
		}}
	}
	if len(failed) > 0 && r.Status != Error {
		r.Remediation = strings.TrimSpace(fmt.Sprintf("%s could not answer: evidence about %s, not about "+
			"the record. %s",
			dnsCount(len(failed), "vantage point"), dnsPick(len(failed), "that server", "those servers"),
			r.Remediation))
	}
	return r
}

// dnsResult holds what every sentence about one probe needs.
type dnsResult struct {
	cloud string
	probe facts.DNSProbe
	exp   clouds.Target
	show  string // the probed name without the trailing dot
	line  string // the zone-file line to paste
}

func (d dnsResult) service() string {
	if d.probe.Record == facts.RecordRegistration {
		return "device registration service"
	}
	return "Intune enrollment service"
}

// summary is the one line for a dnsView all vantage points share.
func (d dnsResult) summary(v dnsView) string {
	c := dnsCloudLabel(d.cloud)
	switch v.out {
	case outCorrect:
		return fmt.Sprintf("%s points to %s, the %s cloud's %s", d.show, v.target, c, d.service())
	case outLegacy:
		return fmt.Sprintf("%s points to the legacy target %s: enrollment works, but users get an "+
			"extra prompt", d.show, v.target)
	case outMissing:
		return fmt.Sprintf("%s has no record (%s): recommended, not required, for "+
			"automatic enrollment", d.show, dnsMissingWhy(v.detail))
	case outWrongCloud:
		return fmt.Sprintf("%s points to %s, the %s cloud's target, but this tenant is in "+
			"the %s cloud", d.show, v.target, dnsCloudLabel(v.detail), c)
	case outSwapped:
		return fmt.Sprintf("%s points to %s, the target of the other record: the two records "+
			"look swapped", d.show, v.target)
	case outSlip:
		return fmt.Sprintf("%s points to %s: the target lost its trailing dot, so the zone name "+
			"was appended", d.show, v.detail)
	case outWrong:
		return fmt.Sprintf("%s points to %s, which is not the %s", d.show, v.target, d.service())
	case outAddress:
		return fmt.Sprintf("%s holds an address (%s) where a CNAME belongs", d.show, v.detail)
	case outLoop:
		return fmt.Sprintf("%s is a CNAME loop: %s", d.show, v.detail)
	case outTooLong:
		return fmt.Sprintf("%s's CNAME chain was cut after %s records without "+
			"reaching the %s", d.show, v.detail, d.service())
	}
	return d.show
}

// sees is a dnsView in a few words, for the disagreement summary.
func (d dnsResult) sees(v dnsView) string {
	switch v.out {
	case outCorrect:
		return "see the right target " + v.target
	case outLegacy:
		return "see the legacy target " + v.target
	case outMissing:
		return "see no record (" + dnsMissingWhy(v.detail) + ")"
	case outWrongCloud:
		return "see " + v.target + ", the " + dnsCloudLabel(v.detail) + " cloud's target"
	case outSwapped:
		return "see " + v.target + ", the other record's target"
	case outSlip:
		return "see " + v.detail + " (missing trailing dot)"
	case outWrong:
		return "see the wrong target " + v.target
	case outAddress:
		return "see an address (" + v.detail + ") instead of a CNAME"
	case outLoop:
		return "see a CNAME loop"
	case outTooLong:
		return "see a chain cut after " + v.detail + " records"
	}
	return "see something else"
}

func dnsMissingWhy(rcode string) string {
	if rcode == "NXDOMAIN" {
		return "NXDOMAIN: the name does not exist"
	}
	return "NODATA: the name exists but holds no CNAME or address"
}

// remediation says what to do about a dnsView, naming the slip when one is recognisable. The zone-file
// line always comes last, so that it can be copied whole without a full stop stuck to it.
func (d dnsResult) remediation(v dnsView) string {
	zone := fmt.Sprintf("in the public DNS zone of %s", d.probe.Domain)
	switch v.out {
	case outCorrect:
		return ""
	case outLegacy:
		return fmt.Sprintf("The legacy target keeps working meanwhile, and changes can take up to 72 hours to "+
			"reach every "+
			"resolver. Point the name at the current target %s: %s", zone, d.line)
	case outMissing:
		return fmt.Sprintf("Automatic enrollment of Entra-joined devices does not need the record, but enrolling from "+
			"Settings > Accounts > Access work or school finds the server through it. Create it %s: %s", zone, d.line)
	case outWrongCloud:
		return fmt.Sprintf("That is the target of the %s cloud. If the tenant really is in that cloud, run again with "+
			"--cloud %s; otherwise replace the record %s: %s", dnsCloudLabel(v.detail), v.detail, zone, d.line)
	case outSwapped:
		return fmt.Sprintf("The EnterpriseEnrollment and EnterpriseRegistration targets look swapped: check the other "+
			"record too. Replace this one %s: %s", zone, d.line)
	case outSlip:
		return fmt.Sprintf("The target was written without its final dot, so the DNS server read it as a "+
			"name inside %s. "+
			"Web DNS consoles usually add the dot themselves: there, check that the saved target is %s and "+
			"nothing more. "+
			"In a zone file, write it fully qualified, ending "+
			"in a dot: %s", d.probe.Domain, strings.TrimSuffix(d.exp.Want, "."), d.line)
	case outWrong:
		return fmt.Sprintf("Replace the record %s: %s", zone, d.line)
	case outAddress:
		return fmt.Sprintf("With an address there, Windows sends its request to that host instead of "+
			"Microsoft's service. "+
			"Delete the A/AAAA records of %s (a name with a CNAME may hold no other data), "+
			"then create: %s", d.show, d.line)
	case outLoop:
		return fmt.Sprintf("No client can resolve a loop; remove its aliases if nothing else uses them. Point "+
			"%s straight "+
			"at the service: %s", d.show, d.line)
	case outTooLong:
		return fmt.Sprintf("Resolvers give up on long CNAME chains. Point %s straight at "+
			"the service: %s", d.show, d.line)
	}
	return ""
}

// coverage says how many vantage points agree, so a pass from one resolver is not mistaken for more.
func (d dnsResult) coverage(agree, total int) string {
	switch {
	case total == 1:
		return " (the only vantage point)"
	case agree == total && total == 2:
		return " (both vantage points agree)"
	case agree == total:
		return fmt.Sprintf(" (all %d vantage points agree)", total)
	case agree == 1:
		return fmt.Sprintf(" (the only one of %d vantage points that answered)", total)
	}
	return fmt.Sprintf(" (%d of %d vantage points answered, all alike)", agree, total)
}

func dnsCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func dnsPick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func dnsExplanation(record, domain string) string {
	if record == facts.RecordRegistration {
		return fmt.Sprintf("EnterpriseRegistration.%s lets Windows find Microsoft Entra device registration "+
			"for users of "+
			"%s when they register or join a device with their work account. Microsoft recommends this CNAME "+
			"together with "+
			"EnterpriseEnrollment; a record that points elsewhere sends registration requests to the "+
			"wrong place.", domain, domain)
	}
	return fmt.Sprintf("When a user of %s adds a work account to Windows or enrolls with just an email "+
		"address, Windows "+
		"looks up EnterpriseEnrollment.%s and calls "+
		"https://EnterpriseEnrollment.%s/EnrollmentServer/Discovery.svc. The "+
		"CNAME sends that request to Intune's discovery service; without it the user must type the server address. "+
		"Automatic enrollment of Entra-joined devices takes the MDM URLs from Entra ID instead, so the record is "+
		"recommended, not required. A record pointing elsewhere is worse than none: "+
		"Windows follows it.", domain, domain, domain)
}

func dnsVantageSource(v facts.DNSVantage) string {
	if v.Server == "" {
		return v.Kind + " servers"
	}
	return v.Kind + " " + v.Server
}

// dnsVantageDetail writes one server's answer the way dig users read it: the chain with TTLs, the
// rcode, the flags, the transport and the time taken.
func dnsVantageDetail(v facts.DNSVantage) string {
	if v.Err != "" {
		return "no answer: " + v.Err
	}
	var b strings.Builder
	if len(v.Chain) == 0 {
		b.WriteString("no records")
	}
	for i, r := range v.Chain {
		if i > 0 {
			b.WriteString(" → ")
		}
		fmt.Fprintf(&b, "%s %d %s %s", r.Name, r.TTL, r.Type, r.Value)
	}
	switch {
	case v.Loop:
		b.WriteString(" → loop")
	case v.TooLong:
		b.WriteString(" → cut at the chain bound")
	}
	fmt.Fprintf(&b, "; %s", v.Rcode)
	var flags []string
	if v.Authoritative {
		flags = append(flags, "aa")
	}
	if v.AuthenticData {
		flags = append(flags, "ad")
	}
	if len(flags) > 0 {
		fmt.Fprintf(&b, "; flags %s", strings.Join(flags, " "))
	}
	if v.TCP {
		b.WriteString("; over TCP after a truncated UDP answer")
	}
	if v.Duration < time.Millisecond {
		b.WriteString("; <1ms")
	} else {
		fmt.Fprintf(&b, "; %s", v.Duration.Round(time.Millisecond))
	}
	return b.String()
}
