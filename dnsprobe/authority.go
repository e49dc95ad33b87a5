package dnsprobe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// answer is one resolver's reply to one question, or why there is none.
type answer struct {
	msg *dns.Msg
	err error
}

// askAll asks every resolver the same question at once.
func (p *Prober) askAll(ctx context.Context, resolvers []string, name string, qtype uint16) []answer {
	out := make([]answer, len(resolvers))
	var wg sync.WaitGroup
	for i, r := range resolvers {
		wg.Go(func() {
			m, _, err := p.exchange(ctx, r, name, qtype, true)
			if err == nil && m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError {
				err = fmt.Errorf("%s from %s", dns.RcodeToString[m.Rcode], r)
			} else if err != nil {
				err = fmt.Errorf("%s: %w", r, err)
			}
			out[i] = answer{msg: m, err: err}
		})
	}
	wg.Wait()
	return out
}

// authorities finds the zone holding domain and its authoritative servers as host:port: the NS
// records of the domain or, when it has none, of the nearest enclosing name that has them (the SOA of
// a negative answer names it directly), then the servers' addresses from the glue or from the
// resolvers. Only IPv6 addresses of servers without IPv4 are used, so that a host without IPv6
// connectivity does not report every server unreachable.
func (p *Prober) authorities(ctx context.Context, resolvers []string, domain string) (string, []string, error) {
	zone := dns.Fqdn(domain)
	if len(p.AuthAddrs) > 0 {
		return zone, p.AuthAddrs, nil
	}
	if len(resolvers) == 0 {
		return "", nil, errors.New("not asked: without a resolver the zone's name servers cannot be found: " +
			"name one with --resolver ADDR[:PORT]")
	}
	hosts, glue, err := p.findNS(ctx, resolvers, zone)
	if err != nil {
		return "", nil, err
	}
	zone = hosts.zone
	port := strconv.Itoa(p.authPort())
	var mu sync.Mutex
	var addrs []string
	var wg sync.WaitGroup
	for _, h := range hosts.names {
		wg.Go(func() {
			ips := glue[h]
			if len(ips) == 0 {
				ips = p.hostAddrs(ctx, resolvers, h)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, ip := range ips {
				addrs = append(addrs, net.JoinHostPort(ip, port))
			}
		})
	}
	wg.Wait()
	if len(addrs) == 0 {
		return "", nil, fmt.Errorf("not asked: no address found for the name servers of %s (%s)", zone,
			strings.Join(hosts.names, ", "))
	}
	slices.Sort(addrs)
	return zone, slices.Compact(addrs), nil
}

// nsSet is the zone found for a domain and the names of its servers.
type nsSet struct {
	zone  string
	names []string
}

// findNS walks up from name to the nearest name that has NS records, never asking for a top-level
// domain's servers: those are the registry's, not the customer's. It returns the server names and the
// IPv4 glue (IPv6 only for servers without IPv4) that came with them.
func (p *Prober) findNS(ctx context.Context, resolvers []string, name string) (nsSet, map[string][]string, error) {
	asked := name
	for dns.CountLabel(name) >= 2 {
		var hosts []string
		v4, v6 := map[string][]string{}, map[string][]string{}
		var soa string
		var errs []string
		for _, a := range p.askAll(ctx, resolvers, name, dns.TypeNS) {
			if a.err != nil {
				errs = append(errs, a.err.Error())
				continue
			}
			for _, rr := range a.msg.Answer {
				if ns, ok := rr.(*dns.NS); ok && dns.CanonicalName(ns.Hdr.Name) == name {
					hosts = append(hosts, dns.CanonicalName(ns.Ns))
				}
			}
			for _, rr := range a.msg.Extra {
				switch x := rr.(type) {
				case *dns.A:
					v4[dns.CanonicalName(x.Hdr.Name)] = append(v4[dns.CanonicalName(x.Hdr.Name)], x.A.String())
				case *dns.AAAA:
					v6[dns.CanonicalName(x.Hdr.Name)] = append(v6[dns.CanonicalName(x.Hdr.Name)], x.AAAA.String())
				}
			}
			for _, rr := range a.msg.Ns {
				if s, ok := rr.(*dns.SOA); ok && soa == "" {
					soa = dns.CanonicalName(s.Hdr.Name)
				}
			}
		}
		if len(errs) == len(resolvers) {
			return nsSet{}, nil, fmt.Errorf("not asked: the NS lookup for %s failed at every resolver: %s", name,
				strings.Join(errs, "; "))
		}
		if len(hosts) > 0 {
			slices.Sort(hosts)
			hosts = slices.Compact(hosts)
			glue := map[string][]string{}
			for _, h := range hosts {
				if len(v4[h]) > 0 {
					glue[h] = v4[h]
				} else {
					glue[h] = v6[h]
				}
			}
			return nsSet{zone: name, names: hosts}, glue, nil
		}
		if soa != "" && soa != name && dns.IsSubDomain(soa, name) && dns.CountLabel(soa) >= 2 {
			name = soa
			continue
		}
		off, end := dns.NextLabel(name, 0)
		if end {
			break
		}
		name = name[off:]
	}
	return nsSet{}, nil,
		fmt.Errorf("not asked: no zone with NS records holds %s: the domain does not seem to be delegated", asked)
}

// hostAddrs looks up a name server's addresses through the resolvers: IPv4, or IPv6 when it has none.
func (p *Prober) hostAddrs(ctx context.Context, resolvers []string, host string) []string {
	for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
		var ips []string
		for _, a := range p.askAll(ctx, resolvers, host, t) {
			if a.err != nil {
				continue
			}
			for _, rr := range a.msg.Answer {
				switch x := rr.(type) {
				case *dns.A:
					ips = append(ips, x.A.String())
				case *dns.AAAA:
					ips = append(ips, x.AAAA.String())
				}
			}
		}
		if len(ips) > 0 {
			slices.Sort(ips)
			return slices.Compact(ips)
		}
	}
	return nil
}
