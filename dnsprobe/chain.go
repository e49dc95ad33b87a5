package dnsprobe

import (
	"context"
	"fmt"
	"time"

	"github.com/miekg/dns"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// vantage is one server to ask.
type vantage struct {
	addr string
	kind string // facts.VantageResolver or facts.VantageAuthoritative
	// zone is, for an authoritative server, the zone it serves: the chain is followed there only while
	// it stays inside that zone.
	zone string
}

// follow asks one server about name and follows the CNAME chain record by record: every CNAME whose
// owner is the name reached so far is taken from the answer, and when an answer ends on a CNAME
// without the target's own records, the target is asked next. It stops at the addresses, at a
// negative answer, at a loop, at MaxChain CNAMEs, or (authoritative servers) where the chain leaves
// the zone. A failed query ends it with Err set.
func (p *Prober) follow(ctx context.Context, v vantage, name string) (out facts.DNSVantage) {
	start := time.Now()
	out = facts.DNSVantage{Server: v.addr, Kind: v.kind}
	defer func() { out.Duration = time.Since(start) }()

	// cur is asked as written (DNS ignores case, people reading the log do not); key compares.
	cur := dns.Fqdn(name)
	key := dns.CanonicalName(cur)
	seen := map[string]bool{key: true}
	cnames := 0
	for {
		r, tcp, err := p.exchange(ctx, v.addr, cur, dns.TypeA, v.kind == facts.VantageResolver)
		out.TCP = out.TCP || tcp
		if err != nil {
			out.Err = err.Error()
			return out
		}
		out.Rcode = dns.RcodeToString[r.Rcode]
		out.Authoritative, out.AuthenticData = r.Authoritative, r.AuthenticatedData
		if err := p.usable(v, r); err != nil {
			out.Err = err.Error()
			return out
		}
		if t := emptyRecord(r.Answer); t != "" {
			out.Err = fmt.Sprintf("the answer holds a %s record without data (a zero-length record): a broken server",
				t)
			return out
		}

		advanced := false
		for {
			c := findCNAME(r.Answer, key)
			if c == nil {
				break
			}
			if cnames == p.maxChain() {
				out.TooLong = true
				return out
			}
			out.Chain = append(out.Chain, record(c))
			cnames++
			cur, key = c.Target, dns.CanonicalName(c.Target)
			if seen[key] {
				out.Loop = true
				return out
			}
			seen[key], advanced = true, true
			if v.kind == facts.VantageAuthoritative && !dns.IsSubDomain(v.zone, key) {
				return out // the target is another zone's business; its own servers answer for it
			}
		}

		if addrs := findType(r.Answer, key, dns.TypeA); len(addrs) > 0 {
			out.Chain = append(out.Chain, addrs...)
			return out
		}
		switch {
		case advanced && r.Rcode == dns.RcodeSuccess:
			continue // the answer stopped at a CNAME: ask for its target
		case !advanced && len(out.Chain) == 0 && r.Rcode == dns.RcodeSuccess:
			// The name exists without A records: an AAAA record where a CNAME belongs is as wrong as an
			// A record, so look for one.
			p.addAAAA(ctx, v, cur, &out)
		}
		return out
	}
}

// addAAAA adds name's AAAA records to the chain, if it has any. A failure here changes nothing: the
// A answer already told that the name holds no CNAME.
func (p *Prober) addAAAA(ctx context.Context, v vantage, name string, out *facts.DNSVantage) {
	r, tcp, err := p.exchange(ctx, v.addr, name, dns.TypeAAAA, v.kind == facts.VantageResolver)
	if err != nil || p.usable(v, r) != nil || emptyRecord(r.Answer) != "" {
		return
	}
	out.TCP = out.TCP || tcp
	out.Chain = append(out.Chain, findType(r.Answer, dns.CanonicalName(name), dns.TypeAAAA)...)
}

// usable says why an answer cannot be taken as the server's view of the name, if it cannot.
func (p *Prober) usable(v vantage, r *dns.Msg) error {
	switch r.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	case dns.RcodeServerFailure:
		return fmt.Errorf("SERVFAIL: the server could not resolve the name (broken upstream, lame " +
			"delegation or DNSSEC failure)")
	case dns.RcodeRefused:
		if v.kind == facts.VantageAuthoritative {
			return fmt.Errorf("REFUSED: the server does not serve the zone %s (lame delegation)", v.zone)
		}
		return fmt.Errorf("REFUSED: the resolver declined to answer (recursion not allowed for this client?)")
	default:
		return fmt.Errorf("%s: the server could not answer", dns.RcodeToString[r.Rcode])
	}
	if v.kind == facts.VantageAuthoritative && !r.Authoritative {
		return fmt.Errorf("answered without the AA flag: the server is not authoritative for %s (lame delegation)",
			v.zone)
	}
	return nil
}

// emptyRecord returns the type of the first CNAME, A or AAAA record in rrs that holds no data, if
// any: a zero-length record decodes without error, and would read as a chain to nowhere.
func emptyRecord(rrs []dns.RR) string {
	for _, rr := range rrs {
		switch x := rr.(type) {
		case *dns.CNAME:
			if x.Target == "" {
				return "CNAME"
			}
		case *dns.A:
			if x.A == nil {
				return "A"
			}
		case *dns.AAAA:
			if x.AAAA == nil {
				return "AAAA"
			}
		}
	}
	return ""
}

// findCNAME returns the CNAME owned by name (canonical) in rrs, if any.
func findCNAME(rrs []dns.RR, name string) *dns.CNAME {
	for _, rr := range rrs {
		if c, ok := rr.(*dns.CNAME); ok && dns.CanonicalName(c.Hdr.Name) == name {
			return c
		}
	}
	return nil
}

// findType returns the records of type t owned by name (canonical) in rrs, as chain records.
func findType(rrs []dns.RR, name string, t uint16) []facts.DNSRecord {
	var out []facts.DNSRecord
	for _, rr := range rrs {
		if rr.Header().Rrtype == t && dns.CanonicalName(rr.Header().Name) == name {
			out = append(out, record(rr))
		}
	}
	return out
}

// record turns a resource record into evidence.
func record(rr dns.RR) facts.DNSRecord {
	h := rr.Header()
	rec := facts.DNSRecord{Name: h.Name, Type: dns.TypeToString[h.Rrtype], TTL: h.Ttl}
	switch x := rr.(type) {
	case *dns.CNAME:
		rec.Value = x.Target
	case *dns.A:
		rec.Value = x.A.String()
	case *dns.AAAA:
		rec.Value = x.AAAA.String()
	default:
		rec.Value = rr.String()
	}
	return rec
}
