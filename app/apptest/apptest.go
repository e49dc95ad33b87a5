// Package apptest holds the test helpers of the command line, the application and the SSH server: a
// fake tenant (the real graphtest server and a real DNS server, both on loopback, loaded from the
// embedded demo) and readers of what a run wrote to it and to the journal.
package apptest

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	mdmdoctor "github.com/mdmdoctor/mdmdoctor"
	"github.com/mdmdoctor/mdmdoctor/dnsprobe/dnstest"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// Fake is a demo tenant served as a real one: its fake Graph and a DNS server over the demo zones.
type Fake struct {
	Graph *graphtest.Server
	DNS   *dnstest.Server
}

// Flags point the command line at the fake: --graph-url, --resolver and a short --dns-timeout.
func (f Fake) Flags() []string {
	return []string{"--graph-url", f.Graph.URL(), "--resolver", f.DNS.Addr(), "--dns-timeout", "300ms"}
}

// Env is the environment that signs in to the fake: its token.
func (f Fake) Env() []string { return []string{"MDMDOCTOR_ACCESS_TOKEN=" + f.Graph.Token()} }

// Demo is the embedded demo: its tenants (contoso.json, fabrikam.json) and zones/.
func Demo(t testing.TB) fs.FS {
	t.Helper()
	demo, err := fs.Sub(mdmdoctor.Demo, "testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	return demo
}

// FakeTenant serves the demo tenant name (contoso or fabrikam), changed by edit when it is not nil,
// until the test ends.
func FakeTenant(t testing.TB, name string, edit func(*graphtest.Tenant)) Fake {
	t.Helper()
	demo := Demo(t)
	tn, err := graphtest.Load(demo, name+".json")
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(tn)
	}
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	zones, err := fs.Sub(demo, "zones")
	if err != nil {
		t.Fatal(err)
	}
	dns, err := dnstest.Start(context.Background(), dnstest.Options{Zones: zones})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dns.Close)
	return Fake{Graph: srv, DNS: dns}
}

// GlobalAdmin is the role template of the Global Administrator.
const GlobalAdmin = "62e90394-69f5-4237-9190-012177145e10"

// AsGlobalAdmin makes the tenant's operator a Global Administrator.
func AsGlobalAdmin(tn *graphtest.Tenant) { tn.Operator.RoleTemplateIDs = []string{GlobalAdmin} }

// SentWrites lists the writes the fake Graph received, as "METHOD path body".
func SentWrites(srv *graphtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == "GET" || r.Batch || strings.HasSuffix(r.Path, "/$batch") {
			continue
		}
		line := r.Method + " " + r.Path
		if len(r.Body) > 0 {
			var v any
			if json.Unmarshal(r.Body, &v) == nil {
				b, _ := json.Marshal(v)
				line += " " + string(b)
			}
		}
		out = append(out, line)
	}
	return out
}

// MatchWrites compares writes with the wanted ones; a wanted line ending in a space or "/" is a prefix
// (a body or an id the test cannot know in advance).
func MatchWrites(t testing.TB, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("writes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		prefix := strings.HasSuffix(want[i], " ") || strings.HasSuffix(want[i], "/")
		if got[i] != want[i] && !(prefix && strings.HasPrefix(got[i], want[i])) {
			t.Errorf("write %d:\n%s\nwant:\n%s", i+1, got[i], want[i])
		}
	}
}

// Journal reads the runs of the journal in the state directory dir (mdmdoctor's own directory).
func Journal(t testing.TB, dir string) []*fix.Run {
	t.Helper()
	entries, err := fix.OpenJournal(fix.JournalPath(dir)).Entries()
	if err != nil {
		t.Fatal(err)
	}
	return fix.Runs(entries)
}

// Outcomes is a run's outcomes, step by step, then its end: "applied unknown / partial".
func Outcomes(r *fix.Run) string {
	var parts []string
	for _, s := range r.Steps {
		o := "(no answer journaled)"
		if s.After != nil {
			o = s.After.Outcome
		}
		parts = append(parts, o)
	}
	end := "(no end)"
	if r.End != nil {
		end = r.End.Outcome
	}
	return strings.Join(parts, " ") + " / " + end
}
