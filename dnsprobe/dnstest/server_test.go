package dnstest

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/miekg/dns"
)

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Zones == nil {
		opts.Zones = os.DirFS("../../testdata/zones")
	}
	s, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func ask(t *testing.T, network, addr, name string, qtype uint16, rd bool) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = rd
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s: %v", network, name, err)
	}
	return r
}

func answerText(r *dns.Msg) string {
	var b []string
	for _, rr := range r.Answer {
		b = append(b, strings.ReplaceAll(rr.String(), "\t", " "))
	}
	return strings.Join(b, " | ")
}

func TestAuthoritativeAnswersInsideTheZoneOnly(t *testing.T) {
	s := start(t, Options{Role: RoleAuthoritative})
	r := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.alias.example", dns.TypeA, false)
	if !r.Authoritative || r.RecursionAvailable || r.Rcode != dns.RcodeSuccess {
		t.Fatalf("flags aa=%v ra=%v rcode=%s, want aa, no ra, NOERROR", r.Authoritative, r.RecursionAvailable, dns.RcodeToString[r.Rcode])
	}
	// The in-zone alias is followed; the Microsoft target lies in another zone and is left out.
	if len(r.Answer) != 2 || !strings.Contains(answerText(r), "mdm.alias.example.") {
		t.Fatalf("answer %s, want the two in-zone CNAMEs", answerText(r))
	}
	if r := ask(t, "udp", s.Addr(), "nowhere.invalid", dns.TypeA, false); r.Rcode != dns.RcodeRefused {
		t.Fatalf("outside every zone: rcode %s, want REFUSED", dns.RcodeToString[r.Rcode])
	}
}

func TestRecursiveFollowsAcrossZones(t *testing.T) {
	s := start(t, Options{Role: RoleRecursive})
	r := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.alias.example", dns.TypeA, true)
	if r.Authoritative || !r.RecursionAvailable {
		t.Fatalf("flags aa=%v ra=%v, want a recursive answer", r.Authoritative, r.RecursionAvailable)
	}
	got := answerText(r)
	if len(r.Answer) != 3 || !strings.Contains(got, "192.0.2.10") {
		t.Fatalf("answer %s, want two CNAMEs and Microsoft's stand-in address", got)
	}
	// A target outside every zone: NXDOMAIN for the end of the chain (RFC 6604), CNAME kept.
	r = ask(t, "udp", s.Addr(), "EnterpriseEnrollment.wrong.example", dns.TypeA, true)
	if r.Rcode != dns.RcodeNameError || len(r.Answer) != 1 {
		t.Fatalf("rcode %s answer %s, want NXDOMAIN with the CNAME", dns.RcodeToString[r.Rcode], answerText(r))
	}
}

func TestRoleByRD(t *testing.T) {
	s := start(t, Options{})
	if r := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.correct.example", dns.TypeA, true); r.Authoritative || len(r.Answer) != 2 {
		t.Fatalf("RD=1: aa=%v answer %s, want a recursive answer down to the address", r.Authoritative, answerText(r))
	}
	if r := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.correct.example", dns.TypeA, false); !r.Authoritative || len(r.Answer) != 1 {
		t.Fatalf("RD=0: aa=%v answer %s, want the authoritative CNAME alone", r.Authoritative, answerText(r))
	}
}

func TestNegativeAnswers(t *testing.T) {
	s := start(t, Options{Role: RoleAuthoritative})
	for _, tc := range []struct {
		name  string
		rcode int
	}{
		{"EnterpriseEnrollment.missing.example", dns.RcodeNameError},
		{"EnterpriseRegistration.missing.example", dns.RcodeSuccess}, // TXT only: NODATA
		{"dept.correct.example", dns.RcodeSuccess},                   // empty non-terminal: NODATA
	} {
		r := ask(t, "udp", s.Addr(), tc.name, dns.TypeA, false)
		if r.Rcode != tc.rcode || len(r.Answer) != 0 || len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA {
			t.Errorf("%s: rcode %s, %d answers, authority %v; want %s with the SOA", tc.name, dns.RcodeToString[r.Rcode], len(r.Answer), r.Ns, dns.RcodeToString[tc.rcode])
		}
	}
}

func TestNSAnswerCarriesGlue(t *testing.T) {
	s := start(t, Options{})
	r := ask(t, "udp", s.Addr(), "correct.example", dns.TypeNS, true)
	if len(r.Answer) != 1 || len(r.Extra) != 1 || !strings.Contains(r.Extra[0].String(), "127.0.0.1") {
		t.Fatalf("answer %s extra %v, want one NS with its 127.0.0.1 glue", answerText(r), r.Extra)
	}
}

func TestTruncateForcesTCP(t *testing.T) {
	s := start(t, Options{Truncate: []string{"EnterpriseEnrollment.big.example."}})
	udp := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.big.example", dns.TypeA, true)
	if !udp.Truncated || len(udp.Answer) != 0 {
		t.Fatalf("udp: tc=%v answer %s, want an empty truncated answer", udp.Truncated, answerText(udp))
	}
	tcp := ask(t, "tcp", s.Addr(), "EnterpriseEnrollment.big.example", dns.TypeA, true)
	if tcp.Truncated || len(tcp.Answer) != 2 {
		t.Fatalf("tcp: tc=%v answer %s, want the full answer", tcp.Truncated, answerText(tcp))
	}
	if st := s.Stats(); st.UDP != 1 || st.TCP != 1 {
		t.Fatalf("stats %+v, want one query on each transport", st)
	}
}

func TestServFail(t *testing.T) {
	s := start(t, Options{ServFail: true})
	if r := ask(t, "udp", s.Addr(), "EnterpriseEnrollment.correct.example", dns.TypeA, true); r.Rcode != dns.RcodeServerFailure {
		t.Fatalf("rcode %s, want SERVFAIL", dns.RcodeToString[r.Rcode])
	}
}

func TestBlackholeNeverAnswers(t *testing.T) {
	s := start(t, Options{Blackhole: true})
	m := new(dns.Msg)
	m.SetQuestion("EnterpriseEnrollment.correct.example.", dns.TypeA)
	c := &dns.Client{Timeout: 200 * time.Millisecond}
	_, _, err := c.Exchange(m, s.Addr())
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err %v, want a timeout", err)
	}
	if s.Stats().UDP != 1 {
		t.Fatalf("stats %+v, want the query received", s.Stats())
	}
}

func TestLatencyDelaysAnswers(t *testing.T) {
	s := start(t, Options{Latency: 50 * time.Millisecond})
	m := new(dns.Msg)
	m.SetQuestion("EnterpriseEnrollment.correct.example.", dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second}
	_, rtt, err := c.Exchange(m, s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	// A floor, not a timing bound: the answer cannot come before the injected delay.
	if rtt < 50*time.Millisecond {
		t.Fatalf("answered after %s, before the 50ms latency", rtt)
	}
}

func TestCloseIsIdempotentAndFrees(t *testing.T) {
	s, err := Start(t.Context(), Options{Zones: os.DirFS("../../testdata/demo/zones"), Latency: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		m := new(dns.Msg)
		m.SetQuestion("contoso.com.", dns.TypeA)
		_, _, _ = (&dns.Client{Timeout: time.Second}).Exchange(m, s.Addr())
	}()
	// Close must not wait out the hour of latency of a query in flight.
	s.Close()
	s.Close()
}

func TestLoadErrors(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no zone files": {"README": {Data: []byte("x")}},
		"no SOA":        {"a.example.zone": {Data: []byte("www IN A 192.0.2.1\n")}},
		"syntax":        {"a.example.zone": {Data: []byte("@ IN SOA ns1 host 1 2 3 4 5\nwww IN A not-an-address\n")}},
	} {
		if _, err := Start(t.Context(), Options{Zones: fsys}); err == nil {
			t.Errorf("%s: Start succeeded, want an error", name)
		}
	}
	if _, err := Start(t.Context(), Options{}); err == nil {
		t.Error("no zones: Start succeeded, want an error")
	}
}

func TestZoneFromMemoryWithOrigin(t *testing.T) {
	fsys := fstest.MapFS{"anything.zone": {Data: []byte("$ORIGIN example.org.\n@ IN SOA ns1 host 1 2 3 4 5\nwww IN A 192.0.2.7\n")}}
	s := start(t, Options{Zones: fsys, Role: RoleAuthoritative})
	if r := ask(t, "tcp", s.Addr(), "WWW.example.org", dns.TypeA, false); len(r.Answer) != 1 {
		t.Fatalf("answer %s, want www.example.org's address", answerText(r))
	}
}
