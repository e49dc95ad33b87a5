package fix_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// BenchmarkJournalAppend is the cost of one journal entry: open, append, fsync, close. A fix pays it
// twice per request plus twice per run, against a Graph round trip of tens of milliseconds.
func BenchmarkJournalAppend(b *testing.B) {
	j := fix.OpenJournal(filepath.Join(b.TempDir(), "mdmdoctor", "journal.jsonl"))
	req := checks.AddMember("https://graph.microsoft.com", "e0a64e87-b7a6-4106-bc6b-b28d7584456e", "d91731c4-e2fb-4ee9-a119-b64659a0b445")
	before := json.RawMessage(`{"id":"d91731c4-e2fb-4ee9-a119-b64659a0b445","memberOf":[],"transitiveMemberOf":[]}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := j.Append(fix.Entry{ID: "run", Seq: i, Time: time.Now(), Kind: fix.KindBefore, Fix: "scope.mdm.add-user-to-group", Step: 1, Request: &req, Before: before}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindLatestInALongJournal reads a journal of 2,000 fix runs and finds the one undo takes.
func BenchmarkFindLatestInALongJournal(b *testing.B) {
	path := filepath.Join(b.TempDir(), "journal.jsonl")
	j := fix.OpenJournal(path)
	req := checks.PatchScope("https://graph.microsoft.com", checks.MDMPolicies, "0000000a-0000-0000-c000-000000000000",
		json.RawMessage(`{"appliesTo":"all"}`))
	plan := &fix.Plan{Fix: "scope.mdm.all", Title: "Set the MDM user scope to All", User: "bob@contoso.com", Reversible: true, Requests: []checks.Request{req}}
	// Written in one go: appending 8,000 synced entries would take the benchmark's setup seconds.
	var data []byte
	for i := range 2000 {
		id := fmt.Sprintf("run-%04d", i)
		for _, e := range []fix.Entry{
			{ID: id, Seq: 1, Kind: fix.KindBegin, Fix: plan.Fix, Plan: plan},
			{ID: id, Seq: 2, Kind: fix.KindBefore, Fix: plan.Fix, Step: 1, Request: &req, Before: json.RawMessage(`{"appliesTo":"selected","includedGroups":[{"id":"e0a64e87-b7a6-4106-bc6b-b28d7584456e"}]}`)},
			{ID: id, Seq: 3, Kind: fix.KindAfter, Fix: plan.Fix, Step: 1, Status: 204, Outcome: fix.Applied},
			{ID: id, Seq: 4, Kind: fix.KindEnd, Fix: plan.Fix, Outcome: fix.Applied},
		} {
			line, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			data = append(append(data, line...), '\n')
		}
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		entries, err := j.Entries()
		if err != nil {
			b.Fatal(err)
		}
		run, err := fix.FindRun(entries, "", "")
		if err != nil || run.ID != "run-1999" {
			b.Fatalf("%v %v", run, err)
		}
		if _, err := fix.PlanUndo(run, j.Path()); err != nil {
			b.Fatal(err)
		}
	}
}
