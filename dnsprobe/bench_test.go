package dnsprobe

import (
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/miekg/dns"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// benchLatency is the delay the server adds to every answer: far above loopback noise, so that the
// ratio below measures concurrency rather than scheduling.
const benchLatency = 50 * time.Millisecond

// BenchmarkProbe50Domains probes 50 domains (both records, a resolver and an authoritative server
// each: 200 chains) against a server that answers every query after benchLatency. It reports
// wall/slowest-query, the probe's wall time over the slowest single query: close to 1 means
// everything ran at once. With NS discovery, finding the servers and then asking them are two
// dependent round trips, so wall/critical-path divides by two slowest queries instead.
func BenchmarkProbe50Domains(b *testing.B) {
	zones := fstest.MapFS{"manage.microsoft.com.zone": {Data: []byte(
		"@ IN SOA ns1 host 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\nEnterpriseEnrollment-s IN A 192.0.2.10\n")},
		"windows.net.zone": {Data: []byte(
			"@ IN SOA ns1 host 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\nEnterpriseRegistration IN A 192.0.2.30\n")},
	}
	var domains []string
	for i := range 50 {
		d := fmt.Sprintf("tenant%02d.example", i)
		domains = append(domains, d)
		zones[d+".zone"] = &fstest.MapFile{Data: []byte(
			"@ IN SOA ns1 host 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n" +
				"EnterpriseEnrollment IN CNAME EnterpriseEnrollment-s.manage.microsoft.com.\n" +
				"EnterpriseRegistration IN CNAME EnterpriseRegistration.windows.net.\n")}
	}
	s, err := dnstest.Start(b.Context(), dnstest.Options{Zones: zones, Latency: benchLatency})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	slowest := slowestQuery(b, s.Addr())

	for _, bc := range []struct {
		name   string
		prober Prober
		depth  int // dependent round trips on the longest path
	}{
		{"fixed-vantages", Prober{Resolvers: []string{s.Addr()}, AuthAddrs: []string{s.Addr()}}, 1},
		{"ns-discovery", Prober{Resolvers: []string{s.Addr()}, AuthPort: s.Port()}, 2},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var wall time.Duration
			for b.Loop() {
				start := time.Now()
				probes := bc.prober.Probe(b.Context(), domains)
				wall += time.Since(start)
				checkBenchProbes(b, probes)
			}
			per := wall / time.Duration(b.N)
			b.ReportMetric(float64(per)/float64(slowest), "wall/slowest-query")
			if bc.depth > 1 {
				b.ReportMetric(float64(per)/float64(slowest*time.Duration(bc.depth)), "wall/critical-path")
			}
		})
	}
}

// slowestQuery measures the slowest of a few single queries to the server, one at a time.
func slowestQuery(b *testing.B, addr string) time.Duration {
	b.Helper()
	var slowest time.Duration
	c := &dns.Client{Timeout: 2 * time.Second}
	for range 5 {
		m := new(dns.Msg)
		m.SetQuestion("EnterpriseEnrollment.tenant00.example.", dns.TypeA)
		m.SetEdns0(ednsSize, false)
		_, rtt, err := c.Exchange(m, addr)
		if err != nil {
			b.Fatal(err)
		}
		slowest = max(slowest, rtt)
	}
	return slowest
}

// checkBenchProbes makes sure the benchmark measured real answers, not a fast failure.
func checkBenchProbes(b *testing.B, probes []facts.DNSProbe) {
	b.Helper()
	if len(probes) != 100 {
		b.Fatalf("%d probes, want 100", len(probes))
	}
	for _, pr := range probes {
		for _, v := range pr.Vantages {
			if v.Err != "" || len(v.Chain) == 0 {
				b.Fatalf("%s at %s %s: err %q, chain %v", pr.Name, v.Kind, v.Server, v.Err, v.Chain)
			}
		}
	}
}
