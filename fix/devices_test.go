package fix_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/dsregcmd"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// carol's stale Microsoft Entra registered record in the demo tenant.
const (
	carolStale     = "bddbcba3-9d08-444c-8520-91153c0b5749"
	carolStaleName = "CAROL-LT"
)

// sample reads one of Microsoft's published Graph samples.
func sample(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../testdata/realworld/graph/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// withSecrets gives carol's stale record the device id of Microsoft's published BitLocker sample
// (keys) or LAPS sample (laps), and serves that sample's object for it.
func withSecrets(t *testing.T, keys, laps bool) func(*graphtest.Tenant) {
	return func(tn *graphtest.Tenant) {
		for _, d := range tn.Devices {
			if d.ID() != carolStale {
				continue
			}
			d["accountEnabled"] = false
			if keys {
				k := sample(t, "bitlocker-list-recoverykeys-filter-deviceid.v1.0.json")["value"].([]any)[0].(map[string]any)
				d["deviceId"] = k["deviceId"]
				k["key"] = "111111-222222-333333-444444-555555-666666-777777-888888"
				tn.BitlockerRecoveryKeys = append(tn.BitlockerRecoveryKeys, k)
			}
			if laps {
				info := sample(t, "devicelocalcredentialinfo-get.v1.0.json")["value"].(map[string]any)
				delete(info, "@odata.type")
				d["deviceId"] = info["id"]
				info["credentials"] = []any{map[string]any{"accountName": "Administrator", "passwordBase64": "c2VjcmV0"}}
				tn.DeviceLocalCredentials = append(tn.DeviceLocalCredentials, info)
			}
		}
	}
}

// noSecretRead fails the test when mdmdoctor asked Graph for a recovery key or a LAPS password.
func noSecretRead(t *testing.T, srv *graphtest.Server) {
	t.Helper()
	for _, r := range srv.Requests() {
		sel := r.Query.Get("$select")
		if strings.Contains(sel, "key") || strings.Contains(sel, "credentials") || (strings.Contains(r.Path, "recoveryKeys/") && r.Method == "GET") {
			t.Errorf("mdmdoctor read a secret: %s %s?%s", r.Method, r.Path, r.Query.Encode())
		}
	}
}

// TestDeleteAsksForTheNameWhenSecretsGoWithIt: a record with an escrowed BitLocker key or a LAPS
// password is deleted only once the operator typed the device's name; the preview names what goes.
func TestDeleteAsksForTheNameWhenSecretsGoWithIt(t *testing.T) {
	for _, tc := range []struct {
		name       string
		keys, laps bool
		note       string
	}{
		{"bitlocker", true, false, "1 BitLocker recovery key escrowed to this record: b465e4e8-e4e8-b465-e8e4-65b4e8e465b4 (backed up 2020-06-15"},
		{"laps", false, true, "Windows LAPS holds the local administrator password of this device (last backed up 2023-04-21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "contoso", []string{globalAdmin}, withSecrets(t, tc.keys, tc.laps))
			p := e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
			if err := fix.Inspect(context.Background(), graphIO{e.client}, p); err != nil {
				t.Fatal(err)
			}
			var preview strings.Builder
			_ = fix.Preview(&preview, p)
			if p.Confirm != carolStaleName || !strings.Contains(preview.String(), tc.note) || !strings.Contains(preview.String(), "type the device's name, CAROL-LT") {
				t.Fatalf("confirm %q, preview:\n%s", p.Confirm, preview.String())
			}
			e.srv.ResetRequests()
			if _, err := e.session("carol@contoso.com").Apply(context.Background(), p, nil); !errors.As(err, new(*fix.NameError)) {
				t.Fatalf("applied without the name typed: %v", err)
			}
			e.wantWrites()
			if p.Type("yes") {
				t.Fatal("yes stands in for the device's name")
			}
			if !p.Type("carol-lt ") {
				t.Fatal("the device's name is refused")
			}
			out := e.apply("carol@contoso.com", p)
			e.wantWrites(sent{"DELETE", "/v1.0/devices/" + carolStale, ""})
			if out.Result != fix.Applied {
				t.Fatalf("outcome %+v", out)
			}
			var before struct {
				Keys []map[string]any `json:"bitlockerRecoveryKeys"`
				LAPS map[string]any   `json:"localCredential"`
			}
			_ = json.Unmarshal(e.entries(out.JournalID)[1].Before, &before)
			if tc.keys && (len(before.Keys) != 1 || before.Keys[0]["id"] != "b465e4e8-e4e8-b465-e8e4-65b4e8e465b4" || before.Keys[0]["key"] != nil) {
				t.Errorf("journaled keys %v: want the key's metadata, never the key", before.Keys)
			}
			if tc.laps && (before.LAPS["lastBackupDateTime"] == nil || before.LAPS["credentials"] != nil) {
				t.Errorf("journaled LAPS info %v: want its dates, never a password", before.LAPS)
			}
			raw, _ := os.ReadFile(e.journal.Path())
			if strings.Contains(string(raw), "111111-222222") || strings.Contains(string(raw), "c2VjcmV0") {
				t.Error("the journal holds a recovery key or a password")
			}
			noSecretRead(t, e.srv)
		})
	}
}

// TestDeleteWithoutSecretsNeedsOnlyYes: nothing escrowed, nothing to type; and when the reads are
// refused, mdmdoctor cannot tell, so it asks for the name and says why.
func TestDeleteWithoutSecretsNeedsOnlyYes(t *testing.T) {
	e := newEnv(t, "contoso", []string{globalAdmin}, withSecrets(t, false, false))
	p := e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
	if err := fix.Inspect(context.Background(), graphIO{e.client}, p); err != nil || p.Confirm != "" || len(p.Notes) != 0 {
		t.Fatalf("confirm %q notes %v err %v", p.Confirm, p.Notes, err)
	}
	e.srv.Inject(graphtest.Fault{Path: "/v1.0/informationProtection/bitlocker/recoveryKeys", Status: http.StatusForbidden})
	p = e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
	if err := fix.Inspect(context.Background(), graphIO{e.client}, p); err != nil || p.Confirm != carolStaleName ||
		!strings.Contains(strings.Join(p.Notes, " "), "could not read whether BitLocker recovery keys") {
		t.Fatalf("refused read: confirm %q notes %v err %v", p.Confirm, p.Notes, err)
	}
}

// TestDeleteStopsWhenAKeyAppears: a key escrowed after the plan was shown (or a plan never
// inspected, as the TUI's) is caught by the state read right before the DELETE.
func TestDeleteStopsWhenAKeyAppears(t *testing.T) {
	e := newEnv(t, "contoso", []string{globalAdmin}, withSecrets(t, true, false))
	p := e.plan("carol@contoso.com", "devices.duplicates.delete-stale", fix.Choices{})
	out := e.apply("carol@contoso.com", p)
	e.wantWrites()
	if out.Result != fix.Failed || out.Err == nil || !strings.Contains(out.Err.Error(), "BitLocker recovery key") {
		t.Fatalf("outcome %+v", out)
	}
}

// TestDisableStaleFirstThenUndo: the reversible step is offered for an enabled stale record, and
// undo enables it again.
func TestDisableStaleFirstThenUndo(t *testing.T) {
	e := newEnv(t, "contoso", []string{globalAdmin}, nil)
	f, results := e.session("carol@contoso.com").Checker.Check(context.Background(), nil)
	var offered []string
	for _, r := range results {
		for _, fx := range r.Fixes {
			if strings.HasPrefix(fx.ID, "devices.") {
				offered = append(offered, fx.ID)
			}
		}
	}
	if strings.Join(offered, " ") != "devices.duplicates.disable-stale" {
		t.Fatalf("device fixes offered %v: want disable first, and only", offered)
	}
	d, err := fix.NewDraft(f, results, "devices.duplicates.disable-stale")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil || !p.Reversible || !strings.Contains(p.Title, "can no longer authenticate") {
		t.Fatalf("plan %+v %v", p, err)
	}
	out := e.apply("carol@contoso.com", p)
	e.wantWrites(sent{"PATCH", "/v1.0/devices/" + carolStale, `{"accountEnabled":false}`})
	if out.Result != fix.Applied {
		t.Fatalf("outcome %+v", out)
	}
	// Disabled now: the check offers the delete as the later step, and no second disable.
	_, results = e.session("carol@contoso.com").Checker.Check(context.Background(), nil)
	offered = nil
	for _, r := range results {
		for _, fx := range r.Fixes {
			if strings.HasPrefix(fx.ID, "devices.") {
				offered = append(offered, fx.ID)
			}
		}
	}
	if strings.Join(offered, " ") != "devices.duplicates.delete-stale" {
		t.Errorf("device fixes offered for the disabled record %v: want delete-stale", offered)
	}
	u, err := e.undo("")
	if err != nil || !strings.HasPrefix(u.Title, "Revert: Disable") {
		t.Fatalf("undo %+v %v", u, err)
	}
	e.apply("carol@contoso.com", u)
	e.wantWrites(sent{"PATCH", "/v1.0/devices/" + carolStale, `{"accountEnabled":true}`})
}

// TestJoinedRecordDisableSaysSignInStops: disabling a Microsoft Entra joined record stops sign-in on
// the device, and the preview says so.
func TestJoinedRecordDisableSaysSignInStops(t *testing.T) {
	e := newEnv(t, "contoso", []string{globalAdmin}, func(tn *graphtest.Tenant) {
		for _, d := range tn.Devices {
			if d.ID() == carolStale {
				d["trustType"], d["profileType"] = "AzureAd", "RegisteredDevice"
			}
		}
	})
	p := e.plan("carol@contoso.com", "devices.duplicates.disable-stale", fix.Choices{})
	if !strings.Contains(p.Title, "users can no longer sign in on that device") {
		t.Fatalf("title %q", p.Title)
	}
}

// TestStaleGuidanceOffersNoFix: Microsoft's stale-device guidance rules out an Autopilot record, a
// record without an activity timestamp and one Intune manages; the result says what to do instead.
func TestStaleGuidanceOffersNoFix(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(graphtest.Object)
		want string
	}{
		{"autopilot", func(d graphtest.Object) {
			d["physicalIds"] = append(d["physicalIds"].([]any), "[ZTDID]:4f3a1c2e-1d8b-4b5e-9f6a-0c7d2e3b4a51")
		}, "remove it from Autopilot first"},
		{"no activity timestamp", func(d graphtest.Object) { d["approximateLastSignInDateTime"] = nil }, "activity timestamp is blank"},
		{"managed by Intune", func(d graphtest.Object) { d["isManaged"] = true }, "retire or wipe it in Intune first"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "contoso", []string{globalAdmin}, func(tn *graphtest.Tenant) {
				for _, d := range tn.Devices {
					if d.ID() == carolStale {
						tc.edit(d)
					}
				}
			})
			_, results := e.session("carol@contoso.com").Checker.Check(context.Background(), []string{"devices.duplicates"})
			found := false
			for _, r := range results {
				if r.ID != "devices.duplicates" {
					continue
				}
				for _, fx := range r.Fixes {
					if strings.Contains(strings.Join([]string{fx.Requests[0].URL()}, ""), carolStale) {
						t.Errorf("offered %s", fx.ID)
					}
				}
				found = found || strings.Contains(r.Remediation, tc.want)
			}
			if !found {
				t.Errorf("no devices.duplicates result says %q: %+v", tc.want, results)
			}
		})
	}
}

// TestAdviceNeverUndoesTheFix: after the stale registered record is deleted, the device.* checks
// of the paste taken before no longer say to delete it, nor to reconnect (which recreates it).
func TestAdviceNeverUndoesTheFix(t *testing.T) {
	paste, err := os.ReadFile("../testdata/dsregcmd/demo-carol-duplicate.txt")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, "contoso", []string{globalAdmin}, withSecrets(t, false, false))
	s := e.session("carol@contoso.com")
	s.Checker = checker{user: "carol@contoso.com", readers: []facts.Reader{e.client, dsregcmd.Reader{Text: paste}}}
	f, results := s.Checker.Check(context.Background(), nil)
	if status(results, "device.record") != checks.Warn {
		t.Fatalf("device.record before the fix: %v", status(results, "device.record"))
	}
	d, err := fix.NewDraft(f, results, "devices.duplicates.delete-stale")
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Apply(context.Background(), p, nil)
	if err != nil || out.Result != fix.Applied {
		t.Fatalf("apply: %+v %v", out, err)
	}
	seen := false
	for _, r := range out.Rechecked {
		if r.ID != "device.record" {
			continue
		}
		seen = true
		if strings.Contains(r.Remediation, "Connect again") || strings.Contains(r.Remediation, "delete this record") || len(r.Fixes) > 0 ||
			!strings.Contains(r.Summary, "was just deleted by devices.duplicates.delete-stale") {
			t.Errorf("device.record after the delete: %s / %s", r.Summary, r.Remediation)
		}
	}
	if !seen {
		t.Errorf("device.record was not re-checked: %+v", out.Rechecked)
	}
}
