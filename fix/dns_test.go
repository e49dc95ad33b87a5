package fix_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// zonesWith copies the demo zones to a directory, with tailspin.com's zone replaced when given.
func zonesWith(t *testing.T, tailspin string) string {
	t.Helper()
	dir := t.TempDir()
	src := "../testdata/demo/zones"
	names, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(src, n.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if n.Name() == "tailspin.com.zone" && tailspin != "" {
			data = []byte(tailspin)
		}
		if err := os.WriteFile(filepath.Join(dir, n.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const fixedTailspin = `$TTL 3600
@       IN SOA  ns1 hostmaster 2026112502 7200 3600 1209600 300
@       IN NS   ns1
ns1     IN A    127.0.0.1
EnterpriseEnrollment.tailspin.com.   3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com.
EnterpriseRegistration.tailspin.com. 3600 IN CNAME EnterpriseRegistration.windows.net.
`

// TestDNSGuidanceWaitsUntilTheRecordResolves: the DNS fix is the records to publish; waiting
// re-probes until the published records resolve (here the zone is fixed while the wait runs).
func TestDNSGuidanceWaitsUntilTheRecordResolves(t *testing.T) {
	ctx := context.Background()
	srv, err := dnstest.Start(ctx, dnstest.Options{Zones: os.DirFS(zonesWith(t, ""))})
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	defer func() {
		if srv != nil {
			srv.Close()
		}
	}()
	prober := &dnsprobe.Prober{Resolvers: []string{addr}, AuthPort: srv.Port(), QueryTimeout: time.Second}
	e := newEnv(t, "fabrikam", nil, nil)
	k := checker{user: "judy@tailspin.com", readers: []facts.Reader{e.client, prober}}
	f, results := k.Check(ctx, nil)
	d, err := fix.NewDraft(f, results, "dns.create-record")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Guided() || len(p.Guidance) != 2 || !strings.Contains(strings.Join(p.Guidance, "\n"), "EnterpriseEnrollment.tailspin.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com.") {
		t.Fatalf("plan %+v", p)
	}
	var b strings.Builder
	if err := fix.Preview(&b, p); err != nil || !strings.Contains(b.String(), "publish the record") {
		t.Errorf("preview:\n%s", b.String())
	}
	if _, err := e.session("judy@tailspin.com").Apply(ctx, p, nil); err == nil {
		t.Error("a guided fix was applied")
	}

	rounds := 0
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	final, ok := fix.WaitResolved(wctx, k, p.Checks, 20*time.Millisecond, func(rs []checks.Result) {
		rounds++
		if rounds == 1 {
			if status(rs, "dns.enrollment-cname") != checks.Fail {
				t.Errorf("first round: %+v", rs)
			}
			// The operator publishes the records: the zone is served anew on the same port.
			srv.Close()
			srv, err = dnstest.Start(ctx, dnstest.Options{Zones: os.DirFS(zonesWith(t, fixedTailspin)), Addr: addr})
			if err != nil {
				t.Error(err)
			}
		}
	})
	if !ok || rounds < 2 || status(final, "dns.enrollment-cname") != checks.Pass || status(final, "dns.registration-cname") != checks.Pass {
		t.Errorf("wait: ok %t after %d rounds: %+v", ok, rounds, final)
	}

	short, cancel2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel2()
	srv.Close()
	srv, _ = dnstest.Start(ctx, dnstest.Options{Zones: os.DirFS(zonesWith(t, "")), Addr: addr})
	if _, ok := fix.WaitResolved(short, k, p.Checks, 10*time.Millisecond, nil); ok {
		t.Error("a broken record counted as resolved")
	}
}
