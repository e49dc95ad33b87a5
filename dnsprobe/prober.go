// Package dnsprobe is the only code in mdmdoctor that talks DNS. It asks several vantage points at
// once (the system or given resolvers, and the zone's authoritative servers) for the
// EnterpriseEnrollment and EnterpriseRegistration names of each domain, follows each CNAME chain
// record by record, and keeps everything a network engineer would want as evidence: which server
// answered, the chain with its TTLs, the rcode, the AA and AD flags, the transport and the time taken.
//
// It judges nothing: the checks package turns the evidence into verdicts.
package dnsprobe

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// Defaults for the zero values of Prober's fields.
const (
	DefaultQueryTimeout = 2 * time.Second
	DefaultTimeout      = 20 * time.Second
	DefaultAuthPort     = 53
	DefaultMaxChain     = 8
	DefaultResolvConf   = "/etc/resolv.conf"
)

// Prober probes enrollment DNS names from several vantage points. The zero value is ready to use:
// it reads the system resolvers from /etc/resolv.conf and asks the zone's name servers on port 53.
type Prober struct {
	// Resolvers are the recursive resolvers to ask, as host or host:port (port 53 when omitted).
	// When empty, the name servers in ResolvConf are used.
	Resolvers []string
	// ResolvConf is the resolver configuration read when Resolvers is empty; DefaultResolvConf when "".
	ResolvConf string
	// QueryTimeout bounds each query (and, separately, its TCP retry); DefaultQueryTimeout when zero.
	QueryTimeout time.Duration
	// Timeout bounds a whole Probe, every domain and vantage point included; DefaultTimeout when zero.
	Timeout time.Duration
	// AuthPort is the port the zone's name servers are asked on; DefaultAuthPort when zero. Tests and
	// the demo point it at a loopback server.
	AuthPort int
	// AuthAddrs, when set, are the authoritative servers to ask (host:port), instead of finding them
	// through NS lookups.
	AuthAddrs []string
	// MaxChain is how many CNAME records a chain may hold before it is cut; DefaultMaxChain when zero.
	MaxChain int
	// Log, when set, receives one debug record per query.
	Log *slog.Logger
}

// probedRecords are the names probed for each domain, in the order Probe returns them.
var probedRecords = [...]string{facts.RecordEnrollment, facts.RecordRegistration}

// Read implements facts.Reader: it probes the target's domains (or the user's UPN domain when the
// target names no domain) and sends one facts.SrcDNS delta holding every probe.
func (p *Prober) Read(ctx context.Context, t facts.Target, out chan<- facts.Delta) {
	d := facts.Delta{Source: facts.SrcDNS}
	domains, err := targetDomains(t)
	switch {
	case err != nil:
		d.Err = err
	case len(domains) == 0:
		d.Skip = "no domain to probe: give a domain, a user principal name, or a tenant with verified domains"
	default:
		probes := p.Probe(ctx, domains)
		d.Endpoint = p.endpoint(domains)
		d.Apply = func(f *facts.Facts) { f.DNS = probes }
	}
	select {
	case out <- d:
	case <-ctx.Done():
	}
}

// targetDomains lists the normalised, distinct domains a target asks about.
func targetDomains(t facts.Target) ([]string, error) {
	in := t.Domains
	if len(in) == 0 && t.Kind == facts.TargetUser && t.User != "" {
		in = []string{t.User}
	}
	var out []string
	for _, s := range in {
		d, err := NormalizeDomain(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (p *Prober) endpoint(domains []string) string {
	via := "the system resolvers"
	if len(p.Resolvers) > 0 {
		via = strings.Join(p.Resolvers, ", ")
	}
	return fmt.Sprintf("DNS %s and %s of %s via %s and the zone's name servers",
		facts.RecordEnrollment, facts.RecordRegistration, strings.Join(domains, ", "), via)
}

// Probe asks every vantage point about both enrollment names of every domain, all at once, and
// returns one probe per domain and record, in the order given (EnterpriseEnrollment first). Domains
// should come from NormalizeDomain. A vantage point that fails is recorded with its error; Probe
// itself never fails, and returns within Timeout.
func (p *Prober) Probe(ctx context.Context, domains []string) []facts.DNSProbe {
	ctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	resolvers, rerr := p.resolvers()
	per := make([][]facts.DNSProbe, len(domains))
	var wg sync.WaitGroup
	for i, d := range domains {
		wg.Go(func() { per[i] = p.probeDomain(ctx, resolvers, rerr, d) })
	}
	wg.Wait()
	return slices.Concat(per...)
}

// probeDomain probes both names of one domain: the resolvers straight away, the authoritative servers
// as soon as they are found.
func (p *Prober) probeDomain(ctx context.Context, resolvers []string, rerr error, domain string) []facts.DNSProbe {
	probes := make([]facts.DNSProbe, len(probedRecords))
	byResolver := make([][]facts.DNSVantage, len(probedRecords))
	byAuthority := make([][]facts.DNSVantage, len(probedRecords))
	var wg sync.WaitGroup
	for ri, rec := range probedRecords {
		name := dns.Fqdn(rec + "." + domain)
		probes[ri] = facts.DNSProbe{Domain: domain, Record: rec, Name: name}
		if rerr != nil {
			byResolver[ri] = []facts.DNSVantage{{Kind: facts.VantageResolver, Err: rerr.Error()}}
			continue
		}
		byResolver[ri] = make([]facts.DNSVantage, len(resolvers))
		for vi, r := range resolvers {
			wg.Go(func() {
				byResolver[ri][vi] = p.follow(ctx, vantage{addr: r, kind: facts.VantageResolver}, name)
			})
		}
	}
	wg.Go(func() {
		zone, auths, err := p.authorities(ctx, resolvers, domain)
		if err != nil {
			for ri := range probedRecords {
				byAuthority[ri] = []facts.DNSVantage{{Kind: facts.VantageAuthoritative, Err: err.Error()}}
			}
			return
		}
		var inner sync.WaitGroup
		for ri := range probedRecords {
			byAuthority[ri] = make([]facts.DNSVantage, len(auths))
			for ai, a := range auths {
				inner.Go(func() {
					v := vantage{addr: a, kind: facts.VantageAuthoritative, zone: zone}
					byAuthority[ri][ai] = p.follow(ctx, v, probes[ri].Name)
				})
			}
		}
		inner.Wait()
	})
	wg.Wait()
	for ri := range probes {
		probes[ri].Vantages = slices.Concat(byResolver[ri], byAuthority[ri])
	}
	return probes
}

// resolvers returns the recursive resolvers to ask, as host:port.
func (p *Prober) resolvers() ([]string, error) {
	if len(p.Resolvers) > 0 {
		out := make([]string, 0, len(p.Resolvers))
		for _, r := range p.Resolvers {
			a, err := ResolverAddr(r)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	}
	path := p.ResolvConf
	if path == "" {
		path = DefaultResolvConf
	}
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("could not read the system resolvers from %s (%v): name a resolver with --resolver "+
			"ADDR[:PORT]", path, err)
	}
	if len(cc.Servers) == 0 {
		return nil, fmt.Errorf("%s names no nameserver: name a resolver with --resolver ADDR[:PORT]", path)
	}
	out := make([]string, 0, len(cc.Servers))
	for _, s := range cc.Servers {
		out = append(out, net.JoinHostPort(strings.Trim(s, "[]"), cc.Port))
	}
	return out, nil
}

// ResolverAddr turns a --resolver value (an IPv4 or IPv6 address or host name, with or without a
// port) into host:port, port 53 by default.
func ResolverAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty resolver address: give one such as 9.9.9.9, 10.0.0.53:5353 or [2620:fe::fe]:53")
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if n, perr := strconv.Atoi(port); perr != nil || n < 1 || n > 65535 || host == "" {
			return "", fmt.Errorf("resolver %q: the port must be a number from 1 to 65535 after a host, as in "+
				"10.0.0.53:5353", s)
		}
		return net.JoinHostPort(host, port), nil
	}
	return net.JoinHostPort(strings.Trim(s, "[]"), "53"), nil
}

func (p *Prober) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultTimeout
}

func (p *Prober) queryTimeout() time.Duration {
	if p.QueryTimeout > 0 {
		return p.QueryTimeout
	}
	return DefaultQueryTimeout
}

func (p *Prober) authPort() int {
	if p.AuthPort > 0 {
		return p.AuthPort
	}
	return DefaultAuthPort
}

func (p *Prober) maxChain() int {
	if p.MaxChain > 0 {
		return p.MaxChain
	}
	return DefaultMaxChain
}
