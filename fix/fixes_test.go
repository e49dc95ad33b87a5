package fix_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

const (
	spe5    = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
	frankID = "fe8eb812-484e-496f-90dc-5901cc20f5f1"
)

func TestLicenceAssignAndUndo(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	p := e.plan("bob@contoso.com", "license.assign", fix.Choices{})
	if len(p.Checks) != 2 || p.Title != "Assign SPE_E5 (19 free units) to the user" {
		t.Fatalf("plan %+v", p)
	}
	out := e.apply("bob@contoso.com", p)
	e.wantWrites(sent{"POST", "/v1.0/users/" + bobID + "/assignLicense", `{"addLicenses":[{"skuId":"` + spe5 + `","disabledPlans":[]}],"removeLicenses":[]}`})
	if out.Result != fix.Applied || status(out.Rechecked, "license.intune") != checks.Pass || status(out.Rechecked, "license.entra-premium") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	back := e.apply("bob@contoso.com", u)
	e.wantWrites(sent{"POST", "/v1.0/users/" + bobID + "/assignLicense", `{"addLicenses":[],"removeLicenses":["` + spe5 + `"]}`})
	// Without the licence again: no Entra ID P1 fails; no Intune plan warns, since bob's enrollment
	// path is unknown and co-management needs no per-user Intune licence.
	if status(back.Rechecked, "license.entra-premium") != checks.Fail || status(back.Rechecked, "license.intune") != checks.Warn {
		t.Errorf("after undo: %+v", back.Rechecked)
	}
	user := e.tenantObject(func(tn *graphtest.Tenant) []graphtest.Object { return tn.Users }, "id", bobID)
	if l := user["assignedLicenses"].([]any); len(l) != 1 {
		t.Errorf("bob's other licence was touched: %v", l)
	}
}

func withoutUsageLocation(id string) func(*graphtest.Tenant) {
	return func(tn *graphtest.Tenant) {
		for _, u := range tn.Users {
			if u.ID() == id {
				delete(u, "usageLocation")
			}
		}
	}
}

// TestLicenceNeedsAUsageLocation: with none, the fix refuses until a country is given, then sets it
// first; undo takes both back.
func TestLicenceNeedsAUsageLocation(t *testing.T) {
	e := newEnv(t, "contoso", nil, withoutUsageLocation(bobID))
	f, results := e.session("bob@contoso.com").Checker.Check(context.Background(), nil)
	d, err := fix.NewDraft(f, results, "license.assign")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Needs) != 1 || d.Needs[0].Kind != fix.ChooseCountry || !d.Needs[0].Required {
		t.Fatalf("needs %+v", d.Needs)
	}
	var choice *fix.ChoiceError
	if _, err := d.Plan(fix.Choices{}); !errors.As(err, &choice) || !strings.Contains(err.Error(), "--usage-location") {
		t.Errorf("no country: %v", err)
	}
	if _, err := d.Plan(fix.Choices{UsageLocation: "Germany"}); err == nil {
		t.Error("a country name was accepted as a code")
	}
	if _, err := d.Plan(fix.Choices{SKU: "O365_BUSINESS_ESSENTIALS", UsageLocation: "de"}); err == nil || !strings.Contains(err.Error(), "SPE_E5") {
		t.Errorf("a SKU without the plan: %v", err)
	}
	p, err := d.Plan(fix.Choices{SKU: "spe_e5", UsageLocation: "de"})
	if err != nil {
		t.Fatal(err)
	}
	out := e.apply("bob@contoso.com", p)
	e.wantWrites(sent{"PATCH", "/v1.0/users/" + bobID, `{"usageLocation":"DE"}`},
		sent{"POST", "/v1.0/users/" + bobID + "/assignLicense", `{"addLicenses":[{"skuId":"` + spe5 + `","disabledPlans":[]}],"removeLicenses":[]}`})
	if out.Result != fix.Applied {
		t.Fatalf("outcome %+v", out)
	}
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	e.apply("bob@contoso.com", u)
	e.wantWrites(sent{"POST", "/v1.0/users/" + bobID + "/assignLicense", `{"addLicenses":[],"removeLicenses":["` + spe5 + `"]}`},
		sent{"PATCH", "/v1.0/users/" + bobID, `{"usageLocation":null}`})
}

// TestConnectionCutMidPlan: the second request never gets an answer; the journal shows the first
// applied, the second unknown, and the run partial.
func TestConnectionCutMidPlan(t *testing.T) {
	e := newEnv(t, "contoso", nil, withoutUsageLocation(bobID))
	p := e.plan("bob@contoso.com", "license.assign", fix.Choices{UsageLocation: "US"})
	e.srv.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/users/*/assignLicense", Delay: time.Minute})
	go func() {
		for {
			for _, r := range e.srv.Requests() {
				if strings.HasSuffix(r.Path, "/assignLicense") {
					e.srv.Close()
					return
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	out := e.apply("bob@contoso.com", p)
	if out.Result != fix.Partial || out.Err == nil || !strings.Contains(out.Err.Error(), "may or may not have been applied") {
		t.Fatalf("outcome %+v", out)
	}
	es := e.entries(out.JournalID)
	if got := kinds(es); got != "begin before after:applied before after:unknown end:partial" {
		t.Fatalf("journal %s", got)
	}
	if es[2].Status != 204 || es[4].Status != 0 || !strings.Contains(es[4].Error, "no answer") {
		t.Errorf("after entries %+v / %+v", es[2], es[4])
	}
	// Undo plans both back: the licence removal is idempotent if it never landed.
	u, err := e.undo(out.JournalID)
	if err != nil || len(u.Requests) != 2 {
		t.Errorf("undo of a partial run: %+v %v", u, err)
	}
}

func TestDeleteStaleDeviceCannotBeUndone(t *testing.T) {
	e := newEnv(t, "contoso", nil, withSecrets(t, false, false))
	p := e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
	if p.Reversible || p.Subject == "" {
		t.Fatalf("plan %+v", p)
	}
	id := p.Requests[0].ID
	device := e.tenantObject(func(tn *graphtest.Tenant) []graphtest.Object { return tn.Devices }, "id", id)
	if device == nil || device["trustType"] != "Workplace" {
		t.Fatalf("the plan deletes %v, want carol's stale Workplace record", device)
	}
	out := e.apply("carol@contoso.com", p)
	e.wantWrites(sent{"DELETE", "/v1.0/devices/" + id, ""})
	if out.Result != fix.Applied || status(out.Rechecked, "devices.duplicates") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	var before struct {
		Device map[string]any    `json:"device"`
		Keys   []json.RawMessage `json:"bitlockerRecoveryKeys"`
	}
	if err := json.Unmarshal(e.entries(out.JournalID)[1].Before, &before); err != nil || before.Device["id"] != id || before.Device["deviceId"] == nil || before.Keys == nil {
		t.Errorf("the journal lacks the device's JSON and its recovery keys' metadata: %+v", before)
	}
	_, err := e.undo("")
	var cannot *fix.CannotUndoError
	if !errors.As(err, &cannot) || !strings.Contains(err.Error(), "cannot restore a deleted device") || !strings.Contains(err.Error(), e.journal.Path()) {
		t.Errorf("undo of a delete: %v", err)
	}
	// The remaining record is the only one: the check no longer offers to delete it.
	f, results := e.session("carol@contoso.com").Checker.Check(context.Background(), nil)
	if _, err := fix.NewDraft(f, results, "devices.duplicates.delete-stale"); err == nil {
		t.Error("the last record of the device is offered for deletion")
	}
}

// TestDeleteRefusedWhenTheOtherRecordWentAway: between the check and the write the other record of
// the device was deleted, so the stale one is now the only record; the pre-flight stops.
func TestDeleteRefusedWhenTheOtherRecordWentAway(t *testing.T) {
	e := newEnv(t, "contoso", nil, withSecrets(t, false, false))
	p := e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
	stale := p.Requests[0].ID
	e.srv.Update(func(tn *graphtest.Tenant) {
		var keep []graphtest.Object
		for _, d := range tn.Devices {
			if d["displayName"] == "CAROL-LT" && d.ID() != stale {
				continue
			}
			keep = append(keep, d)
		}
		tn.Devices = keep
	})
	e.srv.ResetRequests()
	_, err := e.session("carol@contoso.com").Apply(context.Background(), p, nil)
	var changed *fix.StateChangedError
	if !errors.As(err, &changed) {
		t.Fatalf("apply: %v", err)
	}
	e.wantWrites()
	if entries, _ := e.journal.Entries(); len(entries) != 0 {
		t.Errorf("a refused pre-flight journaled %d entries", len(entries))
	}
}

// TestMFAPolicyPutKeepsEverySetting: the PUT sends the whole policy back, so the quota of 50 stays.
func TestMFAPolicyPutKeepsEverySetting(t *testing.T) {
	e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
	p := e.plan("grace@fabrikam.com", "mfa.registration.policy-not-required", fix.Choices{})
	var body map[string]any
	_ = json.Unmarshal(p.Requests[0].Body, &body)
	if body["userDeviceQuota"] != float64(50) || body["multiFactorAuthConfiguration"] != "notRequired" || body["azureADJoin"] == nil || body["@odata.context"] != nil {
		t.Fatalf("planned body %v", body)
	}
	out := e.apply("grace@fabrikam.com", p)
	if out.Result != fix.Applied || status(out.Rechecked, "mfa.registration") != checks.Pass {
		t.Fatalf("outcome %+v", out)
	}
	writes := e.writes()
	if len(writes) != 1 || writes[0].method != "PUT" || writes[0].path != "/v1.0/policies/deviceRegistrationPolicy" || writes[0].body != compact(p.Requests[0].Body) {
		t.Fatalf("writes %v", writes)
	}
	var pol map[string]any
	e.srv.Update(func(tn *graphtest.Tenant) {
		b, _ := json.Marshal(tn.DeviceRegistrationPolicy)
		_ = json.Unmarshal(b, &pol)
	})
	if pol["userDeviceQuota"] != float64(50) || pol["multiFactorAuthConfiguration"] != "notRequired" {
		t.Errorf("policy after the fix %v", pol)
	}
	u, err := e.undo("")
	if err != nil {
		t.Fatal(err)
	}
	back := e.apply("grace@fabrikam.com", u)
	if status(back.Rechecked, "mfa.registration") != checks.Fail {
		t.Errorf("after undo: %+v", back.Rechecked)
	}
}

// TestMFAPolicyChangedBeforeApply: another admin changed the quota after the check; the plan would
// send the old quota back, so the pre-flight stops and nothing is written.
func TestMFAPolicyChangedBeforeApply(t *testing.T) {
	e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
	p := e.plan("grace@fabrikam.com", "mfa.registration.policy-not-required", fix.Choices{})
	e.srv.Update(func(tn *graphtest.Tenant) { tn.DeviceRegistrationPolicy["userDeviceQuota"] = float64(20) })
	e.srv.ResetRequests()
	_, err := e.session("grace@fabrikam.com").Apply(context.Background(), p, nil)
	var changed *fix.StateChangedError
	if !errors.As(err, &changed) || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("apply: %v", err)
	}
	e.wantWrites()
}

// TestMFAPolicyChangedDuringApply: the change lands after the pre-flight, between the state read
// and the write; the state read right before the PUT catches it.
func TestMFAPolicyChangedDuringApply(t *testing.T) {
	e := newEnv(t, "fabrikam", []string{globalAdmin}, nil)
	p := e.plan("grace@fabrikam.com", "mfa.registration.policy-not-required", fix.Choices{})
	s := e.session("grace@fabrikam.com")
	s.Checker = &afterCheck{s.Checker, func() {
		e.srv.Update(func(tn *graphtest.Tenant) { tn.DeviceRegistrationPolicy["userDeviceQuota"] = float64(20) })
	}}
	e.srv.ResetRequests()
	out, err := s.Apply(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var changed *fix.StateChangedError
	if !errors.As(out.Err, &changed) || out.Result != fix.Failed {
		t.Fatalf("outcome %+v", out)
	}
	e.wantWrites()
}

// afterCheck runs a change once, right after the first check (the pre-flight).
type afterCheck struct {
	fix.Checker
	then func()
}

func (a *afterCheck) Check(ctx context.Context, ids []string) (f *facts.Facts, rs []checks.Result) {
	f, rs = a.Checker.Check(ctx, ids)
	if a.then != nil {
		a.then()
		a.then = nil
	}
	return f, rs
}

func TestCreateReportOnlyCAAndUndo(t *testing.T) {
	e := newEnv(t, "contoso", nil, withoutRegistrationPolicy)
	p := e.plan("alice@contoso.com", "mfa.registration.create-ca-report-only", fix.Choices{})
	out := e.apply("alice@contoso.com", p)
	e.wantWrites(sent{"POST", "/v1.0/identity/conditionalAccess/policies", string(p.Requests[0].Body)})
	if out.Result != fix.Applied {
		t.Fatalf("outcome %+v", out)
	}
	es := e.entries(out.JournalID)
	var created struct{ ID, State string }
	if err := json.Unmarshal(es[2].Result, &created); err != nil || created.ID == "" || created.State != "enabledForReportingButNotEnforced" || es[2].Status != 201 {
		t.Fatalf("the created policy is not journaled: %+v", es[2])
	}
	// The check no longer offers the fix (the policy is report-only: a warning of its own); the same
	// plan run again finds the policy by its name and creates no duplicate.
	again := e.apply("alice@contoso.com", p)
	if again.Result != fix.AlreadyApplied {
		t.Errorf("second run %+v", again)
	}
	e.wantWrites()
	u, err := e.undo(out.JournalID)
	if err != nil {
		t.Fatal(err)
	}
	e.apply("alice@contoso.com", u)
	e.wantWrites(sent{"DELETE", "/v1.0/identity/conditionalAccess/policies/" + created.ID, ""})
}

// TestJournalFileIsPrivateAndTokenFree: 0600 in a 0700 directory, and the bearer token appears
// nowhere in it.
func TestJournalFileIsPrivateAndTokenFree(t *testing.T) {
	e := newEnv(t, "contoso", nil, nil)
	e.apply("bob@contoso.com", e.plan("bob@contoso.com", "scope.mdm.all", fix.Choices{}))
	fi, err := os.Stat(e.journal.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(strings.TrimSuffix(e.journal.Path(), "/journal.jsonl"))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("journal directory mode %v, want 0700", di.Mode().Perm())
	}
	data, _ := os.ReadFile(e.journal.Path())
	if strings.Contains(string(data), e.token) || strings.Contains(string(data), strings.Split(e.token, ".")[1]) {
		t.Error("the journal holds the access token")
	}
	if n := strings.Count(string(data), "\n"); n != 4 {
		t.Errorf("journal has %d lines, want 4", n)
	}
}
