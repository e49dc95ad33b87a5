package checks

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// testCatalog is a small catalog whose judgments follow the facts, to exercise every engine path.
func testCatalog() []Check {
	judge := func(st Status) func(*facts.Facts) []Result {
		return func(*facts.Facts) []Result { return []Result{{Status: st, Summary: st.String()}} }
	}
	return []Check{
		{ID: "t.pass", Needs: []facts.Source{facts.SrcUser}, Judge: judge(Pass), Modes: userOnly},
		{ID: "t.warn", Needs: []facts.Source{facts.SrcDomains}, Judge: judge(Warn), Modes: userOnly},
		{ID: "t.fail", Needs: []facts.Source{facts.SrcUser, facts.SrcDomains}, Judge: judge(Fail), Modes: userOnly},
		{ID: "t.err", Needs: []facts.Source{facts.SrcLicenseDetails}, Judge: judge(Pass), Modes: userOnly},
		{ID: "t.skip", Needs: []facts.Source{facts.SrcDsregcmd}, Judge: judge(Pass), Modes: userOnly},
		{ID: "t.none", Judge: judge(Pass), Modes: userOnly},
	}
}

func sendAll(ds ...facts.Delta) <-chan facts.Delta {
	ch := make(chan facts.Delta, len(ds))
	for _, d := range ds {
		ch <- d
	}
	close(ch)
	return ch
}

func TestRunEveryStatusPath(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "alice@contoso.com"}, time.Now())
	deltas := sendAll(
		facts.Delta{Source: facts.SrcUser, Endpoint: "GET /v1.0/users/alice", Apply: func(f *facts.Facts) { f.User = &facts.User{ID: "1"} }},
		facts.Delta{Source: facts.SrcDomains, Apply: func(*facts.Facts) {}},
		facts.Delta{Source: facts.SrcLicenseDetails, Endpoint: "GET /v1.0/users/alice/licenseDetails", Err: errors.New("403 Forbidden: needs LicenseAssignment.Read.All")},
		facts.Delta{Source: facts.SrcDsregcmd, Skip: "no dsregcmd output"},
	)
	var order []string
	results := Run(context.Background(), f, deltas, Options{Checks: testCatalog()}, func(e Event) {
		if e.Kind == CheckSettled {
			order = append(order, e.CheckID)
		}
	})
	want := map[string]Status{"t.pass": Pass, "t.warn": Warn, "t.fail": Fail, "t.err": Error, "t.skip": Skip, "t.none": Pass}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if r.Status != want[r.ID] {
			t.Errorf("%s: status %s, want %s", r.ID, r.Status, want[r.ID])
		}
		if r.ID != testCatalog()[i].ID {
			t.Errorf("result %d is %s: results must keep catalog order", i, r.ID)
		}
		if r.Subject != "alice@contoso.com" {
			t.Errorf("%s: subject %q, want the user", r.ID, r.Subject)
		}
		if r.Evidence == nil || r.Fixes == nil {
			t.Errorf("%s: nil evidence or fixes would write null in JSON", r.ID)
		}
	}
	errRes := results[3]
	if errRes.Error == "" || !strings.Contains(errRes.Error, "licenseDetails") || !strings.Contains(errRes.Error, "LicenseAssignment.Read.All") {
		t.Errorf("error result must name the source and cause, got %q", errRes.Error)
	}
	if !strings.Contains(results[4].Summary, "no dsregcmd output") {
		t.Errorf("skip result must carry the reason, got %q", results[4].Summary)
	}
	// t.none needs nothing and settles before any delta; t.pass settles on the first delta.
	if order[0] != "t.none" || order[1] != "t.pass" {
		t.Errorf("checks must settle as soon as their sources do, got order %v", order)
	}
}

func TestRunOnlySkipsOthers(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "a@b.c"}, time.Now())
	results := Run(context.Background(), f, sendAll(facts.Delta{Source: facts.SrcUser, Apply: func(*facts.Facts) {}}),
		Options{Checks: testCatalog(), Only: []string{"t.pass"}}, nil)
	for _, r := range results {
		want := Skip
		if r.ID == "t.pass" {
			want = Pass
		}
		if r.Status != want {
			t.Errorf("%s: %s, want %s", r.ID, r.Status, want)
		}
	}
}

func TestRunTimeoutErrorsPendingChecks(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "a@b.c"}, time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	never := make(chan facts.Delta) // a reader that never answers
	results := Run(ctx, f, never, Options{Checks: testCatalog()}, nil)
	for _, r := range results {
		if r.ID == "t.none" {
			if r.Status != Pass {
				t.Errorf("t.none needs no facts and must pass, got %s", r.Status)
			}
			continue
		}
		if r.Status != Error || !strings.Contains(r.Error, "timed out") || !strings.Contains(r.Error, "--timeout") {
			t.Errorf("%s: got %s %q, want error naming the timeout", r.ID, r.Status, r.Error)
		}
	}
}

// TestRunCancelledWhileReadersReturnSaysCancelled: readers return when the run is cancelled, closing
// the deltas, so the engine finds both ready at once; the result must say cancelled, not that the facts
// were never read (the select picks either at random, hence the repetitions).
func TestRunCancelledWhileReadersReturnSaysCancelled(t *testing.T) {
	for range 64 {
		f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "a@b.c"}, time.Now())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		results := Run(ctx, f, sendAll(), Options{Checks: testCatalog()[:1]}, nil)
		if results[0].Status != Error || !strings.Contains(results[0].Error, "cancelled before user could be read") {
			t.Fatalf("got %s %q, want the cancellation", results[0].Status, results[0].Error)
		}
	}
}

func TestRunClosedChannelErrorsUnreadSources(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetUser, User: "a@b.c"}, time.Now())
	results := Run(context.Background(), f, sendAll(), Options{Checks: testCatalog()[:1]}, nil)
	if results[0].Status != Error || !strings.Contains(results[0].Error, "user") {
		t.Errorf("got %s %q, want an error naming the unread source", results[0].Status, results[0].Error)
	}
}

func TestCatalogIDsAreUniqueAndComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalog() {
		if seen[c.ID] {
			t.Errorf("duplicate check ID %s", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Question == "" || c.Docs == "" || c.Judge == nil || len(c.Modes) == 0 {
			t.Errorf("%s: every check needs a title, question, docs link, modes and a judge", c.ID)
		}
	}
}

func TestStatusJSONRoundTrip(t *testing.T) {
	for _, s := range []Status{Pass, Warn, Fail, Skip, Error} {
		b, err := s.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var got Status
		if err := got.UnmarshalJSON(b); err != nil || got != s {
			t.Errorf("%s: round trip gave %s, %v", s, got, err)
		}
	}
	var s Status
	if err := s.UnmarshalJSON([]byte(`"maybe"`)); err == nil {
		t.Error("unknown status must not parse")
	}
}
