package fix_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

const (
	bobID         = "d91731c4-e2fb-4ee9-a119-b64659a0b445"
	intuneUsers   = "e0a64e87-b7a6-4106-bc6b-b28d7584456e"
	kioskGroup    = "322c06b4-50f6-48be-bbea-1c9c6ab2e285"
	graceID       = "81f51dfa-d1f2-41d5-9790-b3e92aeb3021"
	wipUsers      = "e8bcad86-f8cd-4363-9854-0a422d89096f"
	policyID      = "0000000a-0000-0000-c000-000000000000"
	mdmPolicyPath = "/beta/policies/mobileDeviceManagementPolicies/" + policyID
	mamPolicyPath = "/beta/policies/mobileAppManagementPolicies/" + policyID
)

// TestAddUserToGroupJournalRecheckUndo walks one fix through everything: the exact request, the
// journal (state before, Graph's answer), the re-check, a second run that changes nothing, and undo.
func TestAddUserToGroupJournalRecheckUndo(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	p := e.plan("bob@contoso.com", "scope.mdm.add-user-to-group", fix.Choices{})
	if len(p.Requests) != 1 || !p.Reversible || p.Permissions[0] != "GroupMember.ReadWrite.All" {
		t.Fatalf("plan %+v", p)
	}
	out := e.apply("bob@contoso.com", p)
	if out.Result != fix.Applied || out.Err != nil || out.JournalID == "" {
		t.Fatalf("outcome %+v", out)
	}
	e.wantWrites(sent{"POST", "/v1.0/groups/" + intuneUsers + "/members/$ref", `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + bobID + `"}`})
	if st := status(out.Rechecked, "scope.mdm"); st != checks.Pass {
		t.Errorf("re-checked scope.mdm: %s, want pass", st)
	}
	es := e.entries(out.JournalID)
	if got := kinds(es); got != "begin before after:applied end:applied" {
		t.Fatalf("journal %s", got)
	}
	begin, before, after := es[0], es[1], es[2]
	if begin.Operator != "admin@contoso.com" || begin.Tenant == "" || begin.Fix != "scope.mdm.add-user-to-group" || begin.User != "bob@contoso.com" || begin.Plan == nil {
		t.Errorf("begin entry %+v", begin)
	}
	var state struct {
		ID       string           `json:"id"`
		MemberOf []map[string]any `json:"memberOf"`
	}
	if err := json.Unmarshal(before.Before, &state); err != nil || state.ID != bobID || len(state.MemberOf) != 0 {
		t.Errorf("state before: %s", before.Before)
	}
	if before.Request == nil || before.Request.Method() != "POST" || after.Status != 204 || after.RequestID == "" {
		t.Errorf("before %+v after %+v", before, after)
	}

	// Running the stale plan again (as a TUI still showing the old result would): the pre-flight
	// finds the check passing, and nothing is sent or journaled.
	again := e.apply("bob@contoso.com", p)
	if again.Result != fix.AlreadyApplied || again.JournalID != "" {
		t.Errorf("second run %+v", again)
	}
	e.wantWrites()

	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	if u.Undoes != out.JournalID || len(u.Requests) != 1 {
		t.Fatalf("undo plan %+v", u)
	}
	undone := e.apply("bob@contoso.com", u)
	if undone.Result != fix.Applied {
		t.Fatalf("undo %+v", undone)
	}
	e.wantWrites(sent{"DELETE", "/v1.0/groups/" + intuneUsers + "/members/" + bobID + "/$ref", ""})
	if st := status(undone.Rechecked, "scope.mdm"); st != checks.Fail {
		t.Errorf("after undo scope.mdm is %s, want fail", st)
	}
	if got := kinds(e.entries(undone.JournalID)); got != "begin before after:applied end:applied" {
		t.Errorf("undo journal %s", got)
	}
	if e.entries(undone.JournalID)[0].Undoes != out.JournalID {
		t.Error("the undo run does not name the run it reverts")
	}
	var cannot *fix.CannotUndoError
	if _, err := e.undo(out.JournalID); !errors.As(err, &cannot) || !strings.Contains(err.Error(), "undone already") {
		t.Errorf("undoing twice: %v", err)
	}
	if _, err := e.undo(""); err == nil {
		t.Error("the latest undone fix was offered for undo again")
	}
}

// readerWithout hides a group membership from the state reads, as if another admin added the user
// between the read and the write: Graph then answers 400 "already exist".
type readerWithout struct {
	graphIO
}

func (r readerWithout) Get(ctx context.Context, u string) (graph.Response, error) {
	resp, err := r.graphIO.Get(ctx, u)
	if strings.Contains(u, "/memberOf") {
		resp.Body = []byte(`{"value":[]}`)
	}
	return resp, err
}

func TestAlreadyAMemberIsAlreadyApplied(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	p := e.plan("bob@contoso.com", "scope.mdm.add-user-to-group", fix.Choices{})
	e.srv.Update(func(tn *graphtest.Tenant) {
		for _, g := range tn.Groups {
			if g.ID() == intuneUsers {
				g["members"] = append(g["members"].([]any), bobID)
			}
		}
	})
	s := e.session("bob@contoso.com")
	s.Reader = readerWithout{graphIO{e.client}}
	s.Checker = nil // the pre-flight would see the membership too
	e.srv.ResetRequests()
	out, err := s.Apply(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != fix.AlreadyApplied || out.Err != nil || out.Steps[0].Status != 400 {
		t.Fatalf("outcome %+v", out)
	}
	if got := kinds(e.entries(out.JournalID)); got != "begin before after:already-applied end:already-applied" {
		t.Errorf("journal %s", got)
	}
	if _, err := e.undo(""); err == nil {
		t.Error("a fix that changed nothing was offered for undo")
	}
}

func TestAddGroupNeedsAGroupHoldingTheUser(t *testing.T) {
	e := newEnv(t, "contoso", nil, func(tn *graphtest.Tenant) {
		for _, g := range tn.Groups {
			if g.ID() == kioskGroup {
				g["members"] = append(g["members"].([]any), bobID)
			}
		}
	})
	f, results := e.session("bob@contoso.com").Checker.Check(context.Background(), nil)
	d, err := fix.NewDraft(f, results, "scope.mdm.add-group")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Needs) != 1 || d.Needs[0].Kind != fix.ChooseGroup || !d.Needs[0].Required || len(d.Needs[0].Options) != 1 || d.Needs[0].Options[0].Label != "Kiosk" {
		t.Fatalf("needs %+v", d.Needs)
	}
	var choice *fix.ChoiceError
	if _, err := d.Plan(fix.Choices{}); !errors.As(err, &choice) || !strings.Contains(err.Error(), "Kiosk") {
		t.Errorf("without --group: %v", err)
	}
	if _, err := d.Plan(fix.Choices{Group: "Sales"}); err == nil || !strings.Contains(err.Error(), "is not a group that holds the user") {
		t.Errorf("a group without the user: %v", err)
	}
	p, err := d.Plan(fix.Choices{Group: "kiosk"})
	if err != nil {
		t.Fatal(err)
	}
	out := e.apply("bob@contoso.com", p)
	e.wantWrites(sent{"POST", mdmPolicyPath + "/includedGroups/$ref", `{"@odata.id":"https://graph.microsoft.com/odata/groups('` + kioskGroup + `')"}`})
	if out.Result != fix.Applied || status(out.Rechecked, "scope.mdm") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	u, err := e.undo(out.JournalID)
	if err != nil {
		t.Fatal(err)
	}
	e.apply("bob@contoso.com", u)
	e.wantWrites(sent{"DELETE", mdmPolicyPath + "/includedGroups/" + kioskGroup + "/$ref", ""})
}

// TestScopeAllUndoReaddsTheGroups: All drops the included groups, and PATCH cannot set Some back, so
// the undo re-adds the groups the journal recorded.
func TestScopeAllUndoReaddsTheGroups(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	out := e.apply("bob@contoso.com", e.plan("bob@contoso.com", "scope.mdm.all", fix.Choices{}))
	e.wantWrites(sent{"PATCH", mdmPolicyPath, `{"appliesTo":"all"}`})
	if out.Result != fix.Applied || status(out.Rechecked, "scope.mdm") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	back := e.apply("bob@contoso.com", u)
	e.wantWrites(sent{"POST", mdmPolicyPath + "/includedGroups/$ref", `{"@odata.id":"https://graph.microsoft.com/odata/groups('` + intuneUsers + `')"}`})
	if status(back.Rechecked, "scope.mdm") != checks.Fail {
		t.Errorf("after undo: %+v", back.Rechecked)
	}
	pol := e.tenantObject(func(tn *graphtest.Tenant) []graphtest.Object { return tn.MobileDeviceManagementPolicies }, "id", policyID)
	if pol["appliesTo"] != "selected" {
		t.Errorf("scope after undo: %v", pol["appliesTo"])
	}
}

// TestUndoStopsWhenChangedSince: an undo never overwrites a change another admin made after the fix.
func TestUndoStopsWhenChangedSince(t *testing.T) {
	e, out := undoAfterHandEdit(t, "https://enroll2.fabrikam.com/discovery.svc")
	var changed *fix.StateChangedError
	if !errors.As(out.Err, &changed) || !strings.Contains(out.Err.Error(), "discoveryUrl") || out.Result != fix.Failed {
		t.Errorf("undo over a later change: %+v", out)
	}
	e.wantWrites()
}

// TestUndoOfAChangeRevertedByHandIsAlreadyUndone: another admin put the URL back as it was before
// the fix; the undo finds nothing to do and sends nothing, instead of calling it a change since.
func TestUndoOfAChangeRevertedByHandIsAlreadyUndone(t *testing.T) {
	e, out := undoAfterHandEdit(t, "https://enroll.fabrikam.com/discovery.svc")
	if out.Result != fix.AlreadyApplied || out.Err != nil {
		t.Errorf("undo of a change reverted by hand: %+v", out)
	}
	e.wantWrites()
}

// undoAfterHandEdit resets fabrikam's MDM URLs, has another admin set the discovery URL to url, and
// applies the undo, with the request log cleared before it.
func undoAfterHandEdit(t *testing.T, url string) (*env, *fix.Outcome) {
	t.Helper()
	e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
	e.apply("grace@fabrikam.com", e.plan("grace@fabrikam.com", "scope.urls.reset", fix.Choices{}))
	e.srv.Update(func(tn *graphtest.Tenant) { tn.MobileDeviceManagementPolicies[0]["discoveryUrl"] = url })
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	out, err := e.session("grace@fabrikam.com").Apply(context.Background(), u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, out
}

func TestURLsResetAndUndo(t *testing.T) {
	e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
	p := e.plan("grace@fabrikam.com", "scope.urls.reset", fix.Choices{})
	out := e.apply("grace@fabrikam.com", p)
	e.wantWrites(sent{"PATCH", mdmPolicyPath, `{"discoveryUrl":"https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc","termsOfUseUrl":"https://portal.manage.microsoft.com/TermsofUse.aspx","complianceUrl":"https://portal.manage.microsoft.com/?portalAction=Compliance"}`})
	if out.Result != fix.Applied || status(out.Rechecked, "scope.urls") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	var before map[string]any
	_ = json.Unmarshal(e.entries(out.JournalID)[1].Before, &before)
	if before["discoveryUrl"] != "https://enroll.fabrikam.com/discovery.svc" {
		t.Errorf("journaled state %v", before)
	}
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	back := e.apply("grace@fabrikam.com", u)
	e.wantWrites(sent{"PATCH", mdmPolicyPath, `{"discoveryUrl":"https://enroll.fabrikam.com/discovery.svc","termsOfUseUrl":"https://portal.manage.microsoft.com/TermsofUse.aspx","complianceUrl":"https://portal.manage.microsoft.com/?portalAction=Compliance"}`})
	if status(back.Rechecked, "scope.urls") != checks.Fail {
		t.Errorf("after undo: %+v", back.Rechecked)
	}
}

func TestMAMConflictFixes(t *testing.T) {
	for _, tc := range []struct {
		fix  string
		do   sent
		undo sent
	}{
		{"scope.mam-conflict.remove-user", sent{"DELETE", "/v1.0/groups/" + wipUsers + "/members/" + graceID + "/$ref", ""},
			sent{"POST", "/v1.0/groups/" + wipUsers + "/members/$ref", `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + graceID + `"}`}},
		{"scope.mam-conflict.remove-group", sent{"DELETE", mamPolicyPath + "/includedGroups/" + wipUsers + "/$ref", ""},
			sent{"POST", mamPolicyPath + "/includedGroups/$ref", `{"@odata.id":"https://graph.microsoft.com/odata/groups('` + wipUsers + `')"}`}},
		{"scope.mam-conflict.mam-none", sent{"PATCH", mamPolicyPath, `{"appliesTo":"none"}`},
			sent{"POST", mamPolicyPath + "/includedGroups/$ref", `{"@odata.id":"https://graph.microsoft.com/odata/groups('` + wipUsers + `')"}`}},
	} {
		t.Run(tc.fix, func(t *testing.T) {
			e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
			out := e.apply("grace@fabrikam.com", e.plan("grace@fabrikam.com", tc.fix, fix.Choices{}))
			e.wantWrites(tc.do)
			if out.Result != fix.Applied || status(out.Rechecked, "scope.mam-conflict") == checks.Fail {
				t.Fatalf("outcome %+v", out)
			}
			u, err := e.undo("")
			if err != nil {
				t.Fatal(err)
			}
			back := e.apply("grace@fabrikam.com", u)
			e.wantWrites(tc.undo)
			if status(back.Rechecked, "scope.mam-conflict") != checks.Fail {
				t.Errorf("after undo: %+v", back.Rechecked)
			}
		})
	}
}

// TestWriteRefused: an operator whose role cannot write (Global Reader) gets Graph's 403, journaled
// as failed with its request-id, and advice on what to do.
func TestWriteRefused(t *testing.T) {
	e := newEnv(t, "fabrikam", nil, nil)
	out := e.apply("grace@fabrikam.com", e.plan("grace@fabrikam.com", "scope.urls.reset", fix.Choices{}))
	if out.Result != fix.Failed || out.Err == nil || !strings.Contains(out.Err.Error(), "403") || !strings.Contains(out.Err.Error(), "role") {
		t.Fatalf("outcome %+v", out)
	}
	es := e.entries(out.JournalID)
	if got := kinds(es); got != "begin before after:failed end:failed" {
		t.Fatalf("journal %s", got)
	}
	if es[2].Status != 403 || es[2].RequestID == "" || !strings.Contains(es[2].Error, "Authorization_RequestDenied") {
		t.Errorf("after entry %+v", es[2])
	}
	if status(out.Rechecked, "scope.urls") != checks.Fail {
		t.Errorf("re-check after a refused write: %+v", out.Rechecked)
	}
	if _, err := e.undo(""); err == nil {
		t.Error("a refused fix was offered for undo")
	}
}

func TestNotOfferedSaysTheStatus(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	f, results := e.session("alice@contoso.com").Checker.Check(context.Background(), nil)
	_, err := fix.NewDraft(f, results, "scope.mdm.add-user-to-group")
	var no *fix.NotOfferedError
	if !errors.As(err, &no) || !no.Passing() || !strings.Contains(err.Error(), "scope.mdm is pass") {
		t.Errorf("alice: %v", err)
	}
	f, results = e.session("bob@contoso.com").Checker.Check(context.Background(), nil)
	if _, err := fix.NewDraft(f, results, "scope.urls.reset"); !errors.As(err, &no) || !no.Passing() {
		t.Errorf("bob scope.urls.reset: %v", err)
	}
	if _, err := fix.NewDraft(f, results, "scope.mdm.nope"); err == nil || !strings.Contains(err.Error(), "unknown fix") {
		t.Errorf("unknown fix: %v", err)
	}
	fab := newEnv(t, "fabrikam", nil, nil)
	f, results = fab.session("henry@fabrikam.com").Checker.Check(context.Background(), nil)
	_, err = fix.NewDraft(f, results, "scope.mam-conflict.remove-user")
	if !errors.As(err, &no) || no.Passing() || !strings.Contains(err.Error(), "scope.mam-conflict is warn") || !strings.Contains(err.Error(), "it offers no scope.mam-conflict.remove-user") {
		t.Errorf("henry, outside the MAM scope: %v", err)
	}
}

// TestRemoveUserRefusesNestedMembership: a user in the MAM group only through a nested group cannot
// be removed from it directly; the fix says so and sends nothing, rather than report it applied.
func TestRemoveUserRefusesNestedMembership(t *testing.T) {
	const nested = "5f0c1a2b-0000-4000-8000-00000000abcd"
	e := newEnv(t, "fabrikam", []string{globalAdmin}, func(tn *graphtest.Tenant) {
		tn.Groups = append(tn.Groups, graphtest.Object{"id": nested, "displayName": "WIP pilot", "groupTypes": []any{}, "members": []any{graceID}})
		for _, g := range tn.Groups {
			if g.ID() == wipUsers {
				g["members"] = []any{nested}
			}
		}
	})
	out := e.apply("grace@fabrikam.com", e.plan("grace@fabrikam.com", "scope.mam-conflict.remove-user", fix.Choices{}))
	if out.Result != fix.Failed || out.Err == nil || !strings.Contains(out.Err.Error(), "nested group") {
		t.Fatalf("outcome %+v", out)
	}
	e.wantWrites()
	if got := kinds(e.entries(out.JournalID)); got != "begin end:failed" {
		t.Errorf("journal %s", got)
	}
}
