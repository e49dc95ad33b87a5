package dnsprobe

import (
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

const zonesDir = "../testdata/zones"

// serve starts a loopback DNS server over the test zones (or the given ones) for the test's lifetime.
func serve(t *testing.T, opts dnstest.Options) *dnstest.Server {
	t.Helper()
	if opts.Zones == nil {
		opts.Zones = os.DirFS(zonesDir)
	}
	s, err := dnstest.Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// proberFor asks s as the only resolver and, through the NS records (all 127.0.0.1), as the
// authoritative server too.
func proberFor(s *dnstest.Server) *Prober {
	return &Prober{Resolvers: []string{s.Addr()}, AuthPort: s.Port(), QueryTimeout: time.Second}
}

// probe returns the probe of one record of one domain.
func probe(t *testing.T, p *Prober, domain, record string) facts.DNSProbe {
	t.Helper()
	for _, pr := range p.Probe(t.Context(), []string{domain}) {
		if pr.Record == record {
			return pr
		}
	}
	t.Fatalf("no %s probe for %s", record, domain)
	return facts.DNSProbe{}
}

// byKind returns the vantages of one kind.
func byKind(pr facts.DNSProbe, kind string) []facts.DNSVantage {
	var out []facts.DNSVantage
	for _, v := range pr.Vantages {
		if v.Kind == kind {
			out = append(out, v)
		}
	}
	return out
}

// one returns the single vantage of a kind, failing the test when there is not exactly one.
func one(t *testing.T, pr facts.DNSProbe, kind string) facts.DNSVantage {
	t.Helper()
	vs := byKind(pr, kind)
	if len(vs) != 1 {
		t.Fatalf("%s: %d %s vantages, want 1: %+v", pr.Name, len(vs), kind, pr.Vantages)
	}
	return vs[0]
}

// chain renders a chain as "TYPE value" steps for compact comparison.
func chain(v facts.DNSVantage) string {
	var s []string
	for _, r := range v.Chain {
		s = append(s, r.Type+" "+strings.ToLower(r.Value))
	}
	return strings.Join(s, " > ")
}

func TestProbeChains(t *testing.T) {
	s := serve(t, dnstest.Options{})
	p := proberFor(s)
	auth := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port()))
	for _, tc := range []struct {
		domain, record string
		resolver       string // chain seen by the resolver
		authoritative  string // chain seen by the zone's server, which stops where the chain leaves its zone
		rcode          string // resolver's last rcode
		loop, tooLong  bool
	}{
		{"correct.example", facts.RecordEnrollment,
			"CNAME enterpriseenrollment-s.manage.microsoft.com. > A 192.0.2.10",
			"CNAME enterpriseenrollment-s.manage.microsoft.com.", "NOERROR", false, false},
		{"correct.example", facts.RecordRegistration,
			"CNAME enterpriseregistration.windows.net. > A 192.0.2.30",
			"CNAME enterpriseregistration.windows.net.", "NOERROR", false, false},
		{"alias.example", facts.RecordEnrollment,
			"CNAME mdm.alias.example. > CNAME enterpriseenrollment-s.manage.microsoft.com. > A 192.0.2.10",
			"CNAME mdm.alias.example. > CNAME enterpriseenrollment-s.manage.microsoft.com.", "NOERROR", false, false},
		{"missing.example", facts.RecordEnrollment, "", "", "NXDOMAIN", false, false},
		{"missing.example", facts.RecordRegistration, "", "", "NOERROR", false, false},
		{"arecord.example", facts.RecordEnrollment, "A 203.0.113.10", "A 203.0.113.10", "NOERROR", false, false},
		{"arecord.example", facts.RecordRegistration, "AAAA 2001:db8::10", "AAAA 2001:db8::10", "NOERROR", false, false},
		{"slip.example", facts.RecordEnrollment,
			"CNAME enterpriseenrollment-s.manage.microsoft.com.slip.example.",
			"CNAME enterpriseenrollment-s.manage.microsoft.com.slip.example.", "NXDOMAIN", false, false},
		{"loop.example", facts.RecordEnrollment,
			"CNAME a.loop.example. > CNAME b.loop.example. > CNAME enterpriseenrollment.loop.example.",
			"CNAME a.loop.example. > CNAME b.loop.example. > CNAME enterpriseenrollment.loop.example.", "NOERROR", true, false},
		{"loop.example", facts.RecordRegistration,
			"CNAME enterpriseregistration.loop.example.", "CNAME enterpriseregistration.loop.example.", "NOERROR", true, false},
		{"long.example", facts.RecordEnrollment,
			"CNAME hop1.long.example. > CNAME hop2.long.example. > CNAME hop3.long.example. > CNAME hop4.long.example. > CNAME hop5.long.example. > CNAME enterpriseenrollment-s.manage.microsoft.com. > A 192.0.2.10",
			"CNAME hop1.long.example. > CNAME hop2.long.example. > CNAME hop3.long.example. > CNAME hop4.long.example. > CNAME hop5.long.example. > CNAME enterpriseenrollment-s.manage.microsoft.com.", "NOERROR", false, false},
		{"long.example", facts.RecordRegistration,
			"CNAME r1.long.example. > CNAME r2.long.example. > CNAME r3.long.example. > CNAME r4.long.example. > CNAME r5.long.example. > CNAME r6.long.example. > CNAME r7.long.example. > CNAME r8.long.example.",
			"CNAME r1.long.example. > CNAME r2.long.example. > CNAME r3.long.example. > CNAME r4.long.example. > CNAME r5.long.example. > CNAME r6.long.example. > CNAME r7.long.example. > CNAME r8.long.example.", "NOERROR", false, true},
		// dept.correct.example has no NS records: the zone's servers are found one level up.
		{"dept.correct.example", facts.RecordEnrollment,
			"CNAME enterpriseenrollment-s.manage.microsoft.com. > A 192.0.2.10",
			"CNAME enterpriseenrollment-s.manage.microsoft.com.", "NOERROR", false, false},
	} {
		t.Run(tc.domain+"/"+tc.record, func(t *testing.T) {
			pr := probe(t, p, tc.domain, tc.record)
			if pr.Name != tc.record+"."+tc.domain+"." || pr.Domain != tc.domain {
				t.Errorf("probe names %q in %q", pr.Name, pr.Domain)
			}
			r := one(t, pr, facts.VantageResolver)
			a := one(t, pr, facts.VantageAuthoritative)
			if r.Err != "" || a.Err != "" {
				t.Fatalf("errors: resolver %q, authoritative %q", r.Err, a.Err)
			}
			if got := chain(r); got != tc.resolver {
				t.Errorf("resolver chain\n got %s\nwant %s", got, tc.resolver)
			}
			if got := chain(a); got != tc.authoritative {
				t.Errorf("authoritative chain\n got %s\nwant %s", got, tc.authoritative)
			}
			if r.Rcode != tc.rcode {
				t.Errorf("resolver rcode %s, want %s", r.Rcode, tc.rcode)
			}
			for _, v := range []facts.DNSVantage{r, a} {
				if v.Loop != tc.loop || v.TooLong != tc.tooLong {
					t.Errorf("%s: loop %v tooLong %v, want %v %v", v.Kind, v.Loop, v.TooLong, tc.loop, tc.tooLong)
				}
				if v.TCP || v.Duration <= 0 {
					t.Errorf("%s: tcp %v duration %s, want UDP and a measured duration", v.Kind, v.TCP, v.Duration)
				}
			}
			if r.Server != s.Addr() || r.Authoritative {
				t.Errorf("resolver vantage %s aa=%v, want %s without AA", r.Server, r.Authoritative, s.Addr())
			}
			if a.Server != auth || !a.Authoritative {
				t.Errorf("authoritative vantage %s aa=%v, want %s with AA", a.Server, a.Authoritative, auth)
			}
		})
	}
}

func TestProbeKeepsTTLs(t *testing.T) {
	s := serve(t, dnstest.Options{})
	pr := probe(t, proberFor(s), "correct.example", facts.RecordEnrollment)
	r := one(t, pr, facts.VantageResolver)
	if len(r.Chain) != 2 || r.Chain[0].TTL != 3600 || r.Chain[0].Name != "EnterpriseEnrollment.correct.example." {
		t.Fatalf("chain %+v, want the CNAME with its owner name and 3600s TTL first", r.Chain)
	}
}

func TestProbeFallsBackToTCPOnTruncation(t *testing.T) {
	s := serve(t, dnstest.Options{Truncate: []string{"EnterpriseEnrollment.big.example."}})
	pr := probe(t, proberFor(s), "big.example", facts.RecordEnrollment)
	for _, v := range pr.Vantages {
		if v.Err != "" || !v.TCP || !strings.HasPrefix(chain(v), "CNAME enterpriseenrollment-s.manage.microsoft.com.") {
			t.Errorf("%s %s: err %q tcp %v chain %s, want the full chain over TCP", v.Kind, v.Server, v.Err, v.TCP, chain(v))
		}
	}
	if s.Stats().TCP == 0 {
		t.Fatal("the server saw no TCP query")
	}
}

func TestProbeSplitHorizon(t *testing.T) {
	public := serve(t, dnstest.Options{})
	internal := serve(t, dnstest.Options{Zones: os.DirFS(filepath.Join(zonesDir, "internal")), Role: dnstest.RoleRecursive})
	// The office resolver holds the internal view; its NS records lead to the public server.
	p := &Prober{Resolvers: []string{internal.Addr()}, AuthPort: public.Port(), QueryTimeout: time.Second}
	probes := p.Probe(t.Context(), []string{"split.example"})
	if len(probes) != 2 {
		t.Fatalf("%d probes, want 2", len(probes))
	}
	enr, reg := probes[0], probes[1]
	if got := chain(one(t, enr, facts.VantageResolver)); got != "CNAME enterpriseenrollment.manage.microsoft.com." {
		t.Errorf("internal view of enrollment: %s", got)
	}
	if got := chain(one(t, enr, facts.VantageAuthoritative)); got != "CNAME enterpriseenrollment-s.manage.microsoft.com." {
		t.Errorf("public view of enrollment: %s", got)
	}
	if r := one(t, reg, facts.VantageResolver); r.Rcode != "NXDOMAIN" || len(r.Chain) != 0 {
		t.Errorf("internal view of registration: %s %s, want NXDOMAIN", r.Rcode, chain(r))
	}
	if got := chain(one(t, reg, facts.VantageAuthoritative)); got != "CNAME enterpriseregistration.windows.net." {
		t.Errorf("public view of registration: %s", got)
	}
}

func TestProbeResolverThatNeverAnswers(t *testing.T) {
	good := serve(t, dnstest.Options{})
	dead := serve(t, dnstest.Options{Blackhole: true})
	p := &Prober{Resolvers: []string{dead.Addr(), good.Addr()}, AuthPort: good.Port(), QueryTimeout: 200 * time.Millisecond}
	pr := probe(t, p, "correct.example", facts.RecordEnrollment)
	rs := byKind(pr, facts.VantageResolver)
	if len(rs) != 2 {
		t.Fatalf("%d resolver vantages, want 2", len(rs))
	}
	if rs[0].Server != dead.Addr() || !strings.Contains(rs[0].Err, "timeout") || len(rs[0].Chain) != 0 {
		t.Errorf("silent resolver: %+v, want a timeout error and no chain", rs[0])
	}
	if rs[1].Err != "" || chain(rs[1]) == "" {
		t.Errorf("working resolver: err %q chain %q", rs[1].Err, chain(rs[1]))
	}
	// The NS lookup still succeeded through the working resolver.
	if a := one(t, pr, facts.VantageAuthoritative); a.Err != "" {
		t.Errorf("authoritative: %q", a.Err)
	}
}

func TestProbeOnlySilentResolvers(t *testing.T) {
	dead := serve(t, dnstest.Options{Blackhole: true})
	p := &Prober{Resolvers: []string{dead.Addr()}, QueryTimeout: 100 * time.Millisecond}
	for _, pr := range p.Probe(t.Context(), []string{"correct.example"}) {
		for _, v := range pr.Vantages {
			if v.Err == "" {
				t.Errorf("%s %s: no error, want every vantage failed", pr.Name, v.Kind)
			}
		}
		if a := one(t, pr, facts.VantageAuthoritative); !strings.Contains(a.Err, "NS lookup") || a.Server != "" {
			t.Errorf("authoritative: %+v, want the failed NS lookup explained", a)
		}
	}
}

func TestProbeWholeBound(t *testing.T) {
	dead := serve(t, dnstest.Options{Blackhole: true})
	// The per-query timeout is far longer than the whole probe's bound: the bound wins.
	p := &Prober{Resolvers: []string{dead.Addr()}, QueryTimeout: time.Hour, Timeout: 150 * time.Millisecond}
	pr := probe(t, p, "correct.example", facts.RecordEnrollment)
	if r := one(t, pr, facts.VantageResolver); !strings.Contains(r.Err, "timeout") {
		t.Fatalf("resolver: %q, want a timeout", r.Err)
	}
}

func TestProbeServFail(t *testing.T) {
	s := serve(t, dnstest.Options{ServFail: true})
	pr := probe(t, &Prober{Resolvers: []string{s.Addr()}, AuthPort: s.Port()}, "correct.example", facts.RecordEnrollment)
	r := one(t, pr, facts.VantageResolver)
	if r.Rcode != "SERVFAIL" || !strings.HasPrefix(r.Err, "SERVFAIL") {
		t.Fatalf("resolver: rcode %s err %q, want SERVFAIL as an error", r.Rcode, r.Err)
	}
}

func TestProbeUnreachableResolver(t *testing.T) {
	// A port nobody listens on: bind, note it, free it.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	pr := probe(t, &Prober{Resolvers: []string{addr}, QueryTimeout: time.Second}, "correct.example", facts.RecordEnrollment)
	if r := one(t, pr, facts.VantageResolver); !strings.Contains(r.Err, "refused") {
		t.Fatalf("resolver: %q, want connection refused", r.Err)
	}
}

func TestProbeLameAuthoritative(t *testing.T) {
	resolver := serve(t, dnstest.Options{})
	// A resolver-only server holding no zone for correct.example answers without AA: lame.
	lame := serve(t, dnstest.Options{Zones: os.DirFS(filepath.Join(zonesDir, "internal")), Role: dnstest.RoleRecursive})
	refusing := serve(t, dnstest.Options{Zones: os.DirFS(filepath.Join(zonesDir, "internal")), Role: dnstest.RoleAuthoritative})
	p := &Prober{Resolvers: []string{resolver.Addr()}, AuthAddrs: []string{lame.Addr(), refusing.Addr()}, QueryTimeout: time.Second}
	pr := probe(t, p, "correct.example", facts.RecordEnrollment)
	as := byKind(pr, facts.VantageAuthoritative)
	if len(as) != 2 {
		t.Fatalf("%d authoritative vantages, want the 2 given", len(as))
	}
	if !strings.Contains(as[0].Err, "without the AA flag") {
		t.Errorf("%s: %q, want the missing AA flag named", as[0].Server, as[0].Err)
	}
	if !strings.HasPrefix(as[1].Err, "REFUSED") || !strings.Contains(as[1].Err, "lame delegation") {
		t.Errorf("%s: %q, want REFUSED as a lame delegation", as[1].Server, as[1].Err)
	}
}

func TestProbeUndelegatedDomain(t *testing.T) {
	s := serve(t, dnstest.Options{Zones: os.DirFS("../testdata/demo/zones")})
	pr := probe(t, proberFor(s), "contoso.local", facts.RecordEnrollment)
	if r := one(t, pr, facts.VantageResolver); r.Err != "" || r.Rcode != "NXDOMAIN" {
		t.Errorf("resolver: rcode %s err %q, want NXDOMAIN", r.Rcode, r.Err)
	}
	if a := one(t, pr, facts.VantageAuthoritative); !strings.Contains(a.Err, "no zone") {
		t.Errorf("authoritative: %q, want no zone found", a.Err)
	}
}

func TestProbeOrderAndMissingResolvConf(t *testing.T) {
	p := &Prober{ResolvConf: filepath.Join(t.TempDir(), "resolv.conf")}
	probes := p.Probe(t.Context(), []string{"b.example", "a.example"})
	var got []string
	for _, pr := range probes {
		got = append(got, pr.Name)
		for _, v := range pr.Vantages {
			if !strings.Contains(v.Err, "--resolver") {
				t.Errorf("%s %s: %q, want advice to pass --resolver", pr.Name, v.Kind, v.Err)
			}
		}
	}
	want := []string{"EnterpriseEnrollment.b.example.", "EnterpriseRegistration.b.example.", "EnterpriseEnrollment.a.example.", "EnterpriseRegistration.a.example."}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestResolversFromResolvConf(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resolv.conf")
	conf := "# test\nnameserver 127.0.0.1\nnameserver ::1\nsearch example\noptions timeout:1\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := (&Prober{ResolvConf: path}).resolvers()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"127.0.0.1:53", "[::1]:53"}; !slices.Equal(got, want) {
		t.Fatalf("resolvers %v, want %v", got, want)
	}
	empty := filepath.Join(t.TempDir(), "empty.conf")
	if err := os.WriteFile(empty, []byte("search example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Prober{ResolvConf: empty}).resolvers(); err == nil || !strings.Contains(err.Error(), "--resolver") {
		t.Fatalf("no nameserver: err %v, want advice to pass --resolver", err)
	}
}

func TestResolverAddr(t *testing.T) {
	for in, want := range map[string]string{
		"9.9.9.9":            "9.9.9.9:53",
		" 10.0.0.53:5353 ":   "10.0.0.53:5353",
		"2620:fe::fe":        "[2620:fe::fe]:53",
		"[2620:fe::fe]":      "[2620:fe::fe]:53",
		"[2620:fe::fe]:5353": "[2620:fe::fe]:5353",
		"dns.example":        "dns.example:53",
	} {
		got, err := ResolverAddr(in)
		if err != nil || got != want {
			t.Errorf("ResolverAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "10.0.0.1:0", "10.0.0.1:dns", ":53", "10.0.0.1:70000"} {
		if got, err := ResolverAddr(in); err == nil {
			t.Errorf("ResolverAddr(%q) = %q, want an error", in, got)
		}
	}
}

func TestReadSendsOneDelta(t *testing.T) {
	s := serve(t, dnstest.Options{})
	p := proberFor(s)
	for _, tc := range []struct {
		name    string
		target  facts.Target
		domains []string
		skip    bool
		err     bool
	}{
		{"domains, IDN, case, dot, duplicate", facts.Target{Kind: facts.TargetDNS, Domains: []string{"BÜCHER.example.", "correct.example", "Correct.Example"}},
			[]string{"xn--bcher-kva.example", "correct.example"}, false, false},
		{"user's UPN domain", facts.Target{Kind: facts.TargetUser, User: "alice@Correct.Example"}, []string{"correct.example"}, false, false},
		{"nothing to probe", facts.Target{Kind: facts.TargetTenant}, nil, true, false},
		{"invalid domain", facts.Target{Kind: facts.TargetDNS, Domains: []string{"contoso..com"}}, nil, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := make(chan facts.Delta, 2)
			p.Read(t.Context(), tc.target, out)
			close(out)
			var ds []facts.Delta
			for d := range out {
				ds = append(ds, d)
			}
			if len(ds) != 1 || ds[0].Source != facts.SrcDNS {
				t.Fatalf("deltas %+v, want one for %s", ds, facts.SrcDNS)
			}
			f := facts.New("public", tc.target, time.Now())
			f.Apply(ds[0])
			st := f.Status(facts.SrcDNS)
			switch {
			case tc.err:
				if st.State != facts.Failed || !strings.Contains(st.Reason, "contoso..com") {
					t.Fatalf("status %+v, want failed naming the bad input", st)
				}
				return
			case tc.skip:
				if st.State != facts.Skipped {
					t.Fatalf("status %+v, want skipped", st)
				}
				return
			}
			if st.State != facts.Loaded || !strings.Contains(st.Endpoint, s.Addr()) {
				t.Fatalf("status %+v, want loaded with the resolver in the endpoint", st)
			}
			var got []string
			for _, pr := range f.DNS {
				got = append(got, pr.Domain+"/"+pr.Record)
				if r := one(t, pr, facts.VantageResolver); r.Err != "" || !strings.HasPrefix(chain(r), "CNAME enterprise") {
					t.Errorf("%s: err %q chain %s", pr.Name, r.Err, chain(r))
				}
			}
			var want []string
			for _, d := range tc.domains {
				want = append(want, d+"/"+facts.RecordEnrollment, d+"/"+facts.RecordRegistration)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("probes %v, want %v", got, want)
			}
		})
	}
}

func TestProbeLogsEveryQuery(t *testing.T) {
	s := serve(t, dnstest.Options{})
	var buf strings.Builder
	p := proberFor(s)
	p.Log = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p.Probe(t.Context(), []string{"correct.example"})
	out := buf.String()
	for _, want := range []string{"name=EnterpriseEnrollment.correct.example.", "type=NS", "rd=false", "rcode=NOERROR"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
