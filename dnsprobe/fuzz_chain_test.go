package dnsprobe

import (
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// rawServer answers every UDP query on loopback with bytes the test sets: whatever a hostile or
// broken server could send. Its replies carry the query's ID, so that the client reads them instead
// of dropping them as strays; with sameQuestion they carry the query's question as well, so that
// they pass for answers and what follows (flags, counts, records) reaches the chain code.
type rawServer struct {
	pc net.PacketConn

	mu           sync.Mutex
	reply        []byte
	sameQuestion bool
}

func startRaw(tb testing.TB) *rawServer {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &rawServer{pc: pc}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil || n < 12 {
				continue
			}
			_, _ = pc.WriteTo(s.answer(buf[:n]), from)
		}
	}()
	tb.Cleanup(func() {
		pc.Close()
		<-done
	})
	return s
}

func (s *rawServer) set(reply []byte, sameQuestion bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply, s.sameQuestion = reply, sameQuestion
}

// answer builds the reply to query q.
func (s *rawServer) answer(q []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reply
	if !s.sameQuestion {
		out := append([]byte{}, q[:2]...)
		if len(r) > 2 {
			out = append(out, r[2:]...)
		}
		return out
	}
	// The query's ID, the reply's flags and counts (one question), the query's question, the
	// reply's records.
	hdr := make([]byte, 12)
	copy(hdr, r)
	copy(hdr[:2], q[:2])
	hdr[4], hdr[5] = 0, 1
	end := questionEnd(q)
	out := append(hdr, q[12:end]...)
	if len(r) > 12 {
		out = append(out, r[12:]...)
	}
	return out
}

// questionEnd is the offset just past the first question of a well-formed query.
func questionEnd(q []byte) int {
	i := 12
	for i < len(q) && q[i] != 0 {
		i += int(q[i]) + 1
	}
	return min(i+5, len(q))
}

// FuzzChain sends whatever bytes the fuzzer makes as a resolver's and an authoritative server's
// answers, through the real prober over loopback, and judges the evidence with the DNS checks. The
// prober must not panic or hang, its evidence must hold together, and the checks must give a
// verdict or an error that says why.
func FuzzChain(f *testing.F) {
	srv := startRaw(f)
	addr := srv.pc.LocalAddr().String()
	f.Fuzz(func(t *testing.T, reply []byte, sameQuestion bool) {
		srv.set(reply, sameQuestion)
		p := &Prober{Resolvers: []string{addr}, AuthAddrs: []string{addr}, QueryTimeout: 100 * time.Millisecond, Timeout: 3 * time.Second}
		start := time.Now()
		probes := p.Probe(t.Context(), []string{"fuzz.example"})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Probe took %v, past its 3s bound", d)
		}
		if len(probes) != 2 {
			t.Fatalf("%d probes, want 2", len(probes))
		}
		for _, pr := range probes {
			if len(pr.Vantages) != 2 {
				t.Fatalf("%s: %d vantages, want 2", pr.Name, len(pr.Vantages))
			}
			for _, v := range pr.Vantages {
				checkVantage(t, pr, v, p.maxChain())
			}
		}
		fs := facts.New("public", facts.Target{Kind: facts.TargetDNS, Domains: []string{"fuzz.example"}}, time.Now())
		fs.Apply(facts.Delta{Source: facts.SrcDNS, Apply: func(f *facts.Facts) { f.DNS = probes }})
		for _, c := range checks.ForKind(facts.TargetDNS) {
			for _, r := range checks.Evaluate(c, fs) {
				if r.Status == checks.Error && r.Error == "" {
					t.Errorf("%s: error without a cause: %+v", r.ID, r)
				}
				if r.Summary == "" || strings.Contains(r.Summary, "\n") {
					t.Errorf("%s: summary %q, want one line", r.ID, r.Summary)
				}
			}
		}
	})
}

// checkVantage holds one vantage's evidence to what follow promises.
func checkVantage(t *testing.T, pr facts.DNSProbe, v facts.DNSVantage, maxChain int) {
	t.Helper()
	if strings.Contains(v.Err, "\n") {
		t.Errorf("%s: error spans lines: %q", pr.Name, v.Err)
	}
	if v.Err == "" && v.Rcode == "" {
		t.Errorf("%s: neither an error nor an rcode: %+v", pr.Name, v)
	}
	cnames := 0
	for i, rec := range v.Chain {
		if rec.Name == "" || rec.Type == "" || rec.Value == "" {
			t.Errorf("%s: chain record %d incomplete: %+v", pr.Name, i, rec)
		}
		switch rec.Type {
		case "CNAME":
			cnames++
			if i > 0 && v.Chain[i-1].Type != "CNAME" {
				t.Errorf("%s: a CNAME after an address record: %+v", pr.Name, v.Chain)
			}
		case "A", "AAAA":
		default:
			t.Errorf("%s: chain holds a %s record: %+v", pr.Name, rec.Type, v.Chain)
		}
	}
	if cnames > maxChain {
		t.Errorf("%s: %d CNAMEs, past the bound of %d", pr.Name, cnames, maxChain)
	}
	if len(v.Chain) > 0 && !strings.EqualFold(dns.Fqdn(v.Chain[0].Name), pr.Name) {
		t.Errorf("%s: the chain starts at %s", pr.Name, v.Chain[0].Name)
	}
	if (v.Loop || v.TooLong) && (len(v.Chain) == 0 || v.Chain[len(v.Chain)-1].Type != "CNAME") {
		t.Errorf("%s: loop %v too long %v, but the chain ends %+v", pr.Name, v.Loop, v.TooLong, v.Chain)
	}
}

// TestEchoedQueryIsNoAnswer: a server (or middlebox) that sends the query back has the query's ID
// and question; the DNS library takes it as an answer with no records, which would read as a
// missing record. The prober must see that it is no answer.
func TestEchoedQueryIsNoAnswer(t *testing.T) {
	srv := startRaw(t)
	q := new(dns.Msg)
	q.SetQuestion("x.", dns.TypeA)
	b, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	srv.set(b, true)
	addr := srv.pc.LocalAddr().String()
	p := &Prober{Resolvers: []string{addr}, AuthAddrs: []string{addr}, QueryTimeout: time.Second}
	for _, pr := range p.Probe(t.Context(), []string{"echo.example"}) {
		for _, v := range pr.Vantages {
			if !strings.Contains(v.Err, "not an answer") || len(v.Chain) != 0 {
				t.Errorf("%s from %s: err %q chain %v, want no answer", pr.Name, v.Kind, v.Err, v.Chain)
			}
		}
	}
}

// TestAnswerToAnotherQuestion: an answer whose question is not the one asked is not evidence
// about the name asked.
func TestAnswerToAnotherQuestion(t *testing.T) {
	srv := startRaw(t)
	r := new(dns.Msg)
	r.SetQuestion("elsewhere.example.", dns.TypeA)
	r.Response = true
	a, _ := dns.NewRR("elsewhere.example. 60 IN A 192.0.2.1")
	r.Answer = append(r.Answer, a)
	b, err := r.Pack()
	if err != nil {
		t.Fatal(err)
	}
	srv.set(b, false)
	addr := srv.pc.LocalAddr().String()
	p := &Prober{Resolvers: []string{addr}, AuthAddrs: []string{addr}, QueryTimeout: time.Second}
	for _, pr := range p.Probe(t.Context(), []string{"asked.example"}) {
		for _, v := range pr.Vantages {
			if !strings.Contains(v.Err, "answers another question") {
				t.Errorf("%s from %s: err %q, want the other question named", pr.Name, v.Kind, v.Err)
			}
		}
	}
}
