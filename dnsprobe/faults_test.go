package dnsprobe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

// hangBound is far above any bound these probers are given: it only tells a hang from a slow run.
const hangBound = 30 * time.Second

// judgeDNS runs a DNS target through facts.Gather and checks.Run, as the CLI does, and returns the
// results by check ID. It fails the test when the run does not return.
func judgeDNS(t *testing.T, p *Prober, domain string) map[string]checks.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangBound)
	defer cancel()
	target := facts.Target{Kind: facts.TargetDNS, Domains: []string{domain}}
	done := make(chan []checks.Result, 1)
	go func() {
		f := facts.New("public", target, time.Now())
		done <- checks.Run(ctx, f, facts.Gather(ctx, target, p), checks.Options{}, nil)
	}()
	var rs []checks.Result
	select {
	case rs = <-done:
	case <-time.After(hangBound + 5*time.Second):
		t.Fatal("the run did not return")
	}
	if ctx.Err() != nil {
		t.Fatalf("the run reached the hang bound: %v", ctx.Err())
	}
	out := map[string]checks.Result{}
	for _, r := range rs {
		out[r.ID] = r
	}
	if len(out) != 2 {
		t.Fatalf("results %v, want the two DNS checks", rs)
	}
	return out
}

// TestFaultsEndInErrorWithTheCause runs the DNS checks against resolvers that fail in every way a
// network can: each run returns within its bounds, and each check ends in error saying what the
// servers did and what to do about it.
func TestFaultsEndInErrorWithTheCause(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts dnstest.Options
		says string
	}{
		{"servers time out", dnstest.Options{Blackhole: true}, "timeout: no answer over udp"},
		{"answers are garbage", dnstest.Options{Faults: dnstest.Faults{Garbage: true}}, "not a valid DNS message"},
		{"answers are cut short", dnstest.Options{Faults: dnstest.Faults{CutShort: true}}, "not a valid DNS message"},
		{"truncated, then TCP reset", dnstest.Options{
			Truncate: []string{"EnterpriseEnrollment.correct.example", "EnterpriseRegistration.correct.example", "correct.example"},
			Faults:   dnstest.Faults{Reset: true},
		}, "the server closed the connection over tcp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.opts)
			p := &Prober{Resolvers: []string{s.Addr()}, AuthPort: s.Port(), QueryTimeout: 150 * time.Millisecond, Timeout: 5 * time.Second}
			for id, r := range judgeDNS(t, p, "correct.example") {
				if r.Status != checks.Error || !strings.Contains(r.Error, tc.says) {
					t.Errorf("%s: %s %q, want error saying %q", id, r.Status, r.Error, tc.says)
				}
				if !strings.Contains(r.Remediation, "--resolver") || !strings.Contains(r.Remediation, "--dns-timeout") {
					t.Errorf("%s: remediation %q, want what to do named", id, r.Remediation)
				}
				if len(r.Evidence) == 0 {
					t.Errorf("%s: no evidence of which server failed", id)
				}
			}
		})
	}
}

// TestFaultyResolverBesideGoodOnes shows that one broken vantage point costs its own evidence
// only: the checks judge the record from the servers that answered, and say one could not.
func TestFaultyResolverBesideGoodOnes(t *testing.T) {
	good := serve(t, dnstest.Options{})
	for _, f := range []dnstest.Faults{{Garbage: true}, {CutShort: true}} {
		bad := serve(t, dnstest.Options{Faults: f})
		p := &Prober{Resolvers: []string{bad.Addr(), good.Addr()}, AuthPort: good.Port(), QueryTimeout: 150 * time.Millisecond}
		for id, r := range judgeDNS(t, p, "correct.example") {
			if r.Status != checks.Pass || !strings.Contains(r.Remediation, "could not answer") {
				t.Errorf("%+v: %s: %s %q (remediation %q), want pass noting the broken server", f, id, r.Status, r.Summary, r.Remediation)
			}
		}
	}
}

// TestFaultyAuthoritativeServer: the resolvers answer, the zone's own server sends garbage; the
// verdict stands on the resolvers and the broken server shows in the evidence.
func TestFaultyAuthoritativeServer(t *testing.T) {
	good := serve(t, dnstest.Options{})
	bad := serve(t, dnstest.Options{Faults: dnstest.Faults{Garbage: true}})
	p := &Prober{Resolvers: []string{good.Addr()}, AuthAddrs: []string{bad.Addr()}, QueryTimeout: 150 * time.Millisecond}
	for id, r := range judgeDNS(t, p, "correct.example") {
		if r.Status != checks.Pass {
			t.Errorf("%s: %s %q, want pass from the resolver", id, r.Status, r.Summary)
		}
		found := false
		for _, e := range r.Evidence {
			found = found || (strings.Contains(e.Source, bad.Addr()) && strings.Contains(e.Detail, "not a valid DNS message"))
		}
		if !found {
			t.Errorf("%s: evidence %+v, want the authoritative server's garbage shown", id, r.Evidence)
		}
	}
}
