package dnstest

import "github.com/miekg/dns"

// maxChase bounds how many CNAMEs the server follows for one answer, as real resolvers do; it is
// above the prober's default bound so that the prober's own bound is what tests exercise.
const maxChase = 16

// answer fills reply for the question q. As a recursive resolver it follows CNAMEs across every zone
// it holds; as an authoritative server it follows them only inside the zone that holds the question,
// leaving the rest to the client, and refuses names outside its zones.
func (zs zoneSet) answer(reply *dns.Msg, q dns.Question, recursive bool) {
	qname := dns.CanonicalName(q.Name)
	first := zs.find(qname)
	if first == nil {
		if recursive {
			reply.Rcode = dns.RcodeNameError
		} else {
			reply.Rcode = dns.RcodeRefused
		}
		return
	}
	reply.Authoritative = !recursive
	reply.RecursionAvailable = recursive

	seen := map[string]bool{qname: true}
	cur := qname
	for range maxChase {
		z := zs.find(cur)
		switch {
		case !recursive && z != first:
			// The chain left the zone: the client asks the target's own servers.
			return
		case z == nil:
			// The chain left every zone the resolver knows: in its small world the name does not exist.
			reply.Rcode = dns.RcodeNameError
			return
		}
		if c := z.cname(cur); c != nil && q.Qtype != dns.TypeCNAME {
			reply.Answer = append(reply.Answer, c)
			next := dns.CanonicalName(c.Target)
			if seen[next] {
				return
			}
			seen[next] = true
			cur = next
			continue
		}
		rrs := z.records(cur, q.Qtype)
		if len(rrs) == 0 {
			if !z.exists(cur) {
				reply.Rcode = dns.RcodeNameError
			}
			reply.Ns = append(reply.Ns, dns.Copy(z.soa))
			return
		}
		reply.Answer = append(reply.Answer, rrs...)
		if q.Qtype == dns.TypeNS {
			reply.Extra = append(reply.Extra, zs.glue(rrs, z, recursive)...)
		}
		return
	}
}

// glue returns the addresses of the name servers in ns that the server holds: inside their zone for
// an authoritative answer, anywhere for a recursive one.
func (zs zoneSet) glue(ns []dns.RR, in *zone, recursive bool) []dns.RR {
	var out []dns.RR
	for _, rr := range ns {
		n, ok := rr.(*dns.NS)
		if !ok {
			continue
		}
		host := dns.CanonicalName(n.Ns)
		z := zs.find(host)
		if z == nil || (!recursive && z != in) {
			continue
		}
		out = append(out, z.records(host, dns.TypeA)...)
		out = append(out, z.records(host, dns.TypeAAAA)...)
	}
	return out
}
