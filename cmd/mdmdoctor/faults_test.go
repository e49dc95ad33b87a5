package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// checkAlice triages alice through the binary against the fakes, with extra flags, and returns the
// report's results by id (the first of each id) and the run.
func checkAlice(t *testing.T, fk fakes, resolver string, extra ...string) (map[string]map[string]any, outputs) {
	t.Helper()
	args := append([]string{"check", "--user", "alice@contoso.com", "--graph-url", fk.graph.URL(), "--resolver", resolver,
		"--format", "json"}, extra...)
	o := runEnv(t, []string{"MDMDOCTOR_ACCESS_TOKEN=" + fk.graph.Token()}, "", false, args...)
	_, byID := decodeReport(t, o.stdout)
	return byID, o
}

// wantGraphErrorDNSPass checks that every result that waits on Graph ended in error saying says,
// that the DNS checks and the operator's permissions (read from the token's claims) passed, and that
// the exit code says some checks ended in error.
func wantGraphErrorDNSPass(t *testing.T, byID map[string]map[string]any, o outputs, says string) {
	t.Helper()
	for id, r := range byID {
		switch {
		case strings.HasPrefix(id, "device."):
		case strings.HasPrefix(id, "dns."), id == "operator.permissions":
			if r["status"] != "pass" {
				t.Errorf("%s: %v %v, want pass: it does not wait on Graph", id, r["status"], r["summary"])
			}
		case r["status"] != "error" || !strings.Contains(r["error"].(string), says):
			t.Errorf("%s: %v %q, want error saying %q", id, r["status"], r["error"], says)
		}
	}
	if o.code != 3 {
		t.Errorf("exit %d, want 3 (checks in error); stderr %q", o.code, o.stderr)
	}
}

// TestGraphSlowerThanTimeout: Graph answers long after --timeout. The run ends at its bound, the
// Graph checks end in error saying to raise --timeout, and the DNS checks reach their verdict.
func TestGraphSlowerThanTimeout(t *testing.T) {
	fk := startFakes(t)
	fk.graph.Inject(graphtest.Fault{Path: "/*/$batch", Delay: time.Minute})
	byID, o := checkAlice(t, fk, fk.dns.Addr(), "--timeout", "3s")
	wantGraphErrorDNSPass(t, byID, o, "raise --timeout")
}

// TestTokenRefused: Graph refuses the token (expired, revoked): the Graph checks end in error
// telling the operator to sign in again; DNS is judged.
func TestTokenRefused(t *testing.T) {
	fk := startFakes(t)
	fk.graph.Inject(graphtest.Fault{Path: "/*/$batch", Status: 401})
	byID, o := checkAlice(t, fk, fk.dns.Addr())
	for id, r := range byID {
		if id == "operator.permissions" || strings.HasPrefix(id, "dns.") || strings.HasPrefix(id, "device.") {
			continue // the operator comes from the token's claims, DNS from the resolvers
		}
		if r["status"] != "error" || !strings.Contains(r["error"].(string), "sign in again") {
			t.Errorf("%s: %v %q, want error telling to sign in again", id, r["status"], r["error"])
		}
	}
	if o.code != 3 {
		t.Errorf("exit %d, want 3", o.code)
	}
}

// TestResolverSilent: the only resolver never answers. The DNS checks end in error naming
// --dns-timeout and --resolver once the queries time out; the Graph checks reach their verdicts.
func TestResolverSilent(t *testing.T) {
	fk := startFakes(t)
	dead, err := dnstest.Start(t.Context(), dnstest.Options{Zones: os.DirFS("../../testdata/demo/zones"), Blackhole: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dead.Close)
	byID, o := checkAlice(t, fk, dead.Addr(), "--dns-timeout", "200ms")
	for id, r := range byID {
		switch {
		case strings.HasPrefix(id, "dns."):
			if r["status"] != "error" || !strings.Contains(r["error"].(string), "timeout") ||
				!strings.Contains(r["remediation"].(string), "--dns-timeout") {
				t.Errorf("%s: %v %q (%v), want a timeout naming --dns-timeout", id, r["status"], r["error"], r["remediation"])
			}
		case strings.HasPrefix(id, "device."):
		case r["status"] != "pass":
			t.Errorf("%s: %v %v, want pass: Graph does not wait on DNS", id, r["status"], r["summary"])
		}
	}
	if o.code != 3 {
		t.Errorf("exit %d, want 3", o.code)
	}
}
