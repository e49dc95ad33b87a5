package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/app/apptest"
	"github.com/mdmdoctor/mdmdoctor/fix"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

func TestFixOnTheDemo(t *testing.T) {
	state := t.TempDir()
	r := runWith(t, state, nil, "", "fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--demo", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "POST https://graph.microsoft.com/v1.0/groups/e0a64e87-b7a6-4106-bc6b-b28d7584456e/members/$ref") ||
		!strings.Contains(r.stdout, "Applied.") || !strings.Contains(r.stdout, "✓ PASS  scope.mdm") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
	if len(runs) != 1 || runs[0].Begin.Fix != "scope.mdm.add-user-to-group" || runs[0].Begin.Operator != "admin@contoso.com" ||
		runs[0].Begin.Tenant != "11111111-1111-4111-8111-111111111111" || apptest.Outcomes(runs[0]) != "applied / applied" {
		t.Fatalf("journal %+v", runs)
	}
	if !strings.Contains(r.stdout, "Undo with: mdmdoctor undo "+runs[0].ID) {
		t.Errorf("the output does not say how to undo:\n%s", r.stdout)
	}
	fi, err := os.Stat(filepath.Join(state, "mdmdoctor", "journal.jsonl"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("journal file: %v %v", fi, err)
	}

	// Each demo run starts from the fixture: the undo finds bob outside the group already.
	r = runWith(t, state, nil, "", "undo", "--demo", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "DELETE https://graph.microsoft.com/v1.0/groups/e0a64e87-b7a6-4106-bc6b-b28d7584456e/members/d91731c4-e2fb-4ee9-a119-b64659a0b445/$ref") ||
		!strings.Contains(r.stdout, "Already undone") {
		t.Errorf("undo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestFixRefusesAndExplains(t *testing.T) {
	state := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"fix", "scope.mdm.add-user-to-group", "--user", "bob@contoso.com", "--demo"}, "standard input is not a terminal"},
		{[]string{"fix", "scope.mdm.nope", "--user", "bob@contoso.com", "--demo"}, "unknown fix"},
		{[]string{"fix", "--user", "bob@contoso.com", "--demo"}, "name one fix"},
		{[]string{"fix", "license.assign", "--demo"}, "missing --user"},
		{[]string{"fix", "scope.mam-conflict.remove-user", "--user", "henry@fabrikam.com", "--demo", "--yes"}, "scope.mam-conflict is warn"},
		// bob is in no group: scope.mdm.add-group could not be completed, so it is not offered, whatever --group says.
		{[]string{"fix", "scope.mdm.add-group", "--user", "bob@contoso.com", "--demo", "--yes"}, "it offers no scope.mdm.add-group"},
		{[]string{"fix", "scope.mdm.add-group", "--user", "bob@contoso.com", "--demo", "--yes", "--group", "Sales"}, "it offers no scope.mdm.add-group"},
		{[]string{"fix", "license.assign", "--user", "bob@contoso.com", "--demo", "--yes", "--sku", "O365_BUSINESS_ESSENTIALS"}, "choose one of SPE_E5"},
		{[]string{"fix", "license.assign", "--user", "bob@contoso.com", "--demo", "--format", "json"}, "prints text"},
		{[]string{"undo", "nope", "--demo"}, "no entry"},
	} {
		r := runWith(t, state, nil, "", tc.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor")); len(runs) != 0 {
		t.Errorf("refused runs journaled %d runs", len(runs))
	}
	r := runWith(t, state, nil, "", "fix", "scope.mdm.add-user-to-group", "--user", "alice@contoso.com", "--demo")
	if r.code != 0 || !strings.Contains(r.stdout, "scope.mdm is pass") || !strings.Contains(r.stdout, "nothing to fix") {
		t.Errorf("alice: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	for _, flag := range []string{"--dry-run", "--read-only"} {
		r = runWith(t, state, nil, "", "fix", "scope.mdm.all", "--user", "bob@contoso.com", "--demo", flag)
		if r.code != 0 || !strings.Contains(r.stdout, "PATCH https://graph.microsoft.com/beta/policies/mobileDeviceManagementPolicies/") || !strings.Contains(r.stdout, "nothing was sent") {
			t.Errorf("%s: exit %d %q", flag, r.code, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "mdmdoctor", "journal.jsonl")); err == nil {
		t.Error("a dry run wrote the journal")
	}
	r = runWith(t, state, nil, "", "undo", "--demo", "--yes")
	if r.code != 2 || !strings.Contains(r.stderr, "no applied fix") {
		t.Errorf("undo with an empty journal: exit %d %q", r.code, r.stderr)
	}
}

// TestFixWriteRefusedOnTheDemo: the Fabrikam operator is a Global Reader, so Graph refuses the write.
func TestFixWriteRefusedOnTheDemo(t *testing.T) {
	state := t.TempDir()
	r := runWith(t, state, nil, "", "fix", "scope.urls.reset", "--user", "grace@fabrikam.com", "--demo", "--yes")
	if r.code != 1 || !strings.Contains(r.stdout, "403") || !strings.Contains(r.stdout, "✗ FAIL  scope.urls") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
	if len(runs) != 1 || apptest.Outcomes(runs[0]) != "failed / failed" || runs[0].Steps[0].After.Status != 403 || runs[0].Steps[0].After.RequestID == "" {
		t.Errorf("journal %+v", runs)
	}
}

func TestDNSFixIsGuidance(t *testing.T) {
	r := runWith(t, t.TempDir(), nil, "", "fix", "dns.create-record", "--user", "judy@tailspin.com", "--demo", "--yes")
	for _, want := range []string{"EnterpriseEnrollment.tailspin.com. 3600 IN CNAME EnterpriseEnrollment-s.manage.microsoft.com.",
		"EnterpriseRegistration.tailspin.com. 3600 IN CNAME EnterpriseRegistration.windows.net.", "✗ FAIL  dns.enrollment-cname", "--wait"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q:\n%s", want, r.stdout)
		}
	}
	if r.code != 0 {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
	r = runWith(t, t.TempDir(), nil, "", "fix", "dns.create-record", "--user", "judy@tailspin.com", "--demo", "--wait", "--timeout", "1s")
	if r.code != 1 || !strings.Contains(r.stdout, "Not resolving yet") {
		t.Errorf("--wait on a record nobody publishes: exit %d\n%s", r.code, r.stdout)
	}
}

// TestEveryFixThroughTheBinary applies each Graph fix as an operator would, against the fake Graph,
// and undoes it: the exact writes (from the server's log), the journal and the re-check.
func TestEveryFixThroughTheBinary(t *testing.T) {
	const (
		mdm  = "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000"
		mam  = "/beta/policies/mobileAppManagementPolicies/0000000a-0000-0000-c000-000000000000"
		iu   = "e0a64e87-b7a6-4106-bc6b-b28d7584456e"
		kio  = "322c06b4-50f6-48be-bbea-1c9c6ab2e285"
		wip  = "e8bcad86-f8cd-4363-9854-0a422d89096f"
		bob  = "d91731c4-e2fb-4ee9-a119-b64659a0b445"
		gr   = "81f51dfa-d1f2-41d5-9790-b3e92aeb3021"
		spe5 = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
		urls = `"complianceUrl":"https://portal.manage.microsoft.com/?portalAction=Compliance","discoveryUrl":"%s","termsOfUseUrl":"https://portal.manage.microsoft.com/TermsofUse.aspx"}`
	)
	bobInKiosk := func(tn *graphtest.Tenant) {
		for _, g := range tn.Groups {
			if g.ID() == kio {
				g["members"] = append(g["members"].([]any), bob)
			}
		}
	}
	bobNowhere := func(tn *graphtest.Tenant) {
		for _, u := range tn.Users {
			if u.ID() == bob {
				delete(u, "usageLocation")
			}
		}
	}
	for _, tc := range []struct {
		fix, tenant, user string
		edit              func(*graphtest.Tenant)
		flags             []string
		check             string
		writes, undo      []string
	}{
		{fix: "scope.mdm.add-user-to-group", tenant: "contoso", user: "bob@contoso.com", check: "scope.mdm",
			writes: []string{"POST /v1.0/groups/" + iu + `/members/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + bob + `"}`},
			undo:   []string{"DELETE /v1.0/groups/" + iu + "/members/" + bob + "/$ref"}},
		{fix: "scope.mdm.add-group", tenant: "contoso", user: "bob@contoso.com", edit: bobInKiosk, flags: []string{"--group", "Kiosk"}, check: "scope.mdm",
			writes: []string{"POST " + mdm + `/includedGroups/$ref {"@odata.id":"https://graph.microsoft.com/odata/groups('` + kio + `')"}`},
			undo:   []string{"DELETE " + mdm + "/includedGroups/" + kio + "/$ref"}},
		{fix: "scope.mdm.all", tenant: "contoso", user: "bob@contoso.com", check: "scope.mdm",
			writes: []string{"PATCH " + mdm + ` {"appliesTo":"all"}`},
			undo:   []string{"POST " + mdm + `/includedGroups/$ref {"@odata.id":"https://graph.microsoft.com/odata/groups('` + iu + `')"}`}},
		{fix: "scope.urls.reset", tenant: "fabrikam", user: "grace@fabrikam.com", edit: apptest.AsGlobalAdmin, check: "scope.urls",
			writes: []string{"PATCH " + mdm + " {" + strings.Replace(urls, "%s", "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc", 1)},
			undo:   []string{"PATCH " + mdm + " {" + strings.Replace(urls, "%s", "https://enroll.fabrikam.com/discovery.svc", 1)}},
		{fix: "scope.mam-conflict.remove-user", tenant: "fabrikam", user: "grace@fabrikam.com", edit: apptest.AsGlobalAdmin, check: "scope.mam-conflict",
			writes: []string{"DELETE /v1.0/groups/" + wip + "/members/" + gr + "/$ref"},
			undo:   []string{"POST /v1.0/groups/" + wip + `/members/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/` + gr + `"}`}},
		{fix: "scope.mam-conflict.remove-group", tenant: "fabrikam", user: "grace@fabrikam.com", edit: apptest.AsGlobalAdmin, check: "scope.mam-conflict",
			writes: []string{"DELETE " + mam + "/includedGroups/" + wip + "/$ref"},
			undo:   []string{"POST " + mam + `/includedGroups/$ref {"@odata.id":"https://graph.microsoft.com/odata/groups('` + wip + `')"}`}},
		{fix: "scope.mam-conflict.mam-none", tenant: "fabrikam", user: "grace@fabrikam.com", edit: apptest.AsGlobalAdmin, check: "scope.mam-conflict",
			writes: []string{"PATCH " + mam + ` {"appliesTo":"none"}`},
			undo:   []string{"POST " + mam + `/includedGroups/$ref {"@odata.id":"https://graph.microsoft.com/odata/groups('` + wip + `')"}`}},
		{fix: "license.assign", tenant: "contoso", user: "bob@contoso.com", edit: bobNowhere, flags: []string{"--sku", "SPE_E5", "--usage-location", "gb"}, check: "license.intune",
			writes: []string{"PATCH /v1.0/users/" + bob + ` {"usageLocation":"GB"}`,
				"POST /v1.0/users/" + bob + `/assignLicense {"addLicenses":[{"disabledPlans":[],"skuId":"` + spe5 + `"}],"removeLicenses":[]}`},
			undo: []string{"POST /v1.0/users/" + bob + `/assignLicense {"addLicenses":[],"removeLicenses":["` + spe5 + `"]}`,
				"PATCH /v1.0/users/" + bob + ` {"usageLocation":null}`}},
		{fix: "devices.duplicates.disable-stale", tenant: "contoso", user: "carol@contoso.com", check: "devices.duplicates",
			writes: []string{`PATCH /v1.0/devices/bddbcba3-9d08-444c-8520-91153c0b5749 {"accountEnabled":false}`},
			undo:   []string{`PATCH /v1.0/devices/bddbcba3-9d08-444c-8520-91153c0b5749 {"accountEnabled":true}`}},
		{fix: "devices.duplicates.delete-stale", tenant: "contoso", user: "carol@contoso.com", edit: carolStaleDisabled, check: "devices.duplicates",
			writes: []string{"DELETE /v1.0/devices/bddbcba3-9d08-444c-8520-91153c0b5749"}},
		// The new policy keeps the exclusion every enabled All-users policy shares ("Break glass").
		{fix: "mfa.registration.create-ca-report-only", tenant: "contoso", user: "alice@contoso.com", edit: noRegistrationCA, check: "mfa.registration",
			writes: []string{`POST /v1.0/identity/conditionalAccess/policies {"conditions":{"applications":{"includeUserActions":["urn:user:registerdevice"]},"clientAppTypes":["all"],"users":{"excludeGroups":["` + breakGlass + `"],"excludeRoles":[],"excludeUsers":[],"includeUsers":["All"]}},"displayName":"Require MFA to register or join devices (mdmdoctor)","grantControls":{"builtInControls":["mfa"],"operator":"OR"},"state":"enabledForReportingButNotEnforced"}`},
			undo:   []string{"DELETE /v1.0/identity/conditionalAccess/policies/"}},
		{fix: "mfa.registration.policy-not-required", tenant: "fabrikam", user: "grace@fabrikam.com", edit: apptest.AsGlobalAdmin, check: "mfa.registration",
			writes: []string{"PUT /v1.0/policies/deviceRegistrationPolicy "},
			undo:   []string{"PUT /v1.0/policies/deviceRegistrationPolicy "}},
	} {
		t.Run(tc.fix, func(t *testing.T) {
			srv, flags, env := fakeTenant(t, tc.tenant, tc.edit)
			state := t.TempDir()
			srv.ResetRequests()
			args := append(append([]string{"fix", tc.fix, "--user", tc.user, "--yes"}, flags...), tc.flags...)
			r := runWith(t, state, env, "", args...)
			if r.code != 0 || !strings.Contains(r.stdout, "Applied.") {
				t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			apptest.MatchWrites(t, apptest.SentWrites(srv), tc.writes)
			runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
			if len(runs) != 1 || runs[0].End == nil || runs[0].End.Outcome != fix.Applied {
				t.Fatalf("journal %+v", runs)
			}
			for _, s := range runs[0].Steps {
				if len(s.Before.Before) == 0 || s.After == nil || s.After.RequestID == "" {
					t.Errorf("step %d journaled without its state or Graph's request-id: %+v", s.Before.Step, s)
				}
			}
			if !strings.Contains(r.stdout, "Re-checked:") || strings.Contains(r.stdout, "FAIL  "+tc.check) {
				t.Errorf("re-check:\n%s", r.stdout)
			}

			srv.ResetRequests()
			r = runWith(t, state, env, "", append([]string{"undo", "--yes"}, flags...)...)
			if tc.undo == nil {
				if r.code != 2 || !strings.Contains(r.stderr, "cannot restore a deleted device") || !strings.Contains(r.stderr, "journal.jsonl") {
					t.Errorf("undo of a delete: exit %d %q", r.code, r.stderr)
				}
				if w := apptest.SentWrites(srv); len(w) != 0 {
					t.Errorf("undo of a delete sent %v", w)
				}
				return
			}
			if r.code != 0 || !strings.Contains(r.stdout, "Applied.") {
				t.Fatalf("undo: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			apptest.MatchWrites(t, apptest.SentWrites(srv), tc.undo)
			if !strings.Contains(r.stdout, "FAIL  "+tc.check) && !strings.Contains(r.stdout, "WARN  "+tc.check) {
				t.Errorf("after undo the check should fail or warn again:\n%s", r.stdout)
			}
			runs = apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
			if len(runs) != 2 || runs[1].Begin.Undoes != runs[0].ID || runs[0].UndoneBy != runs[1].ID {
				t.Errorf("undo journal %+v", runs)
			}
		})
	}
}

// TestFixStopsWhenTheTenantChanged: another admin changes the device registration policy between the
// check and the pre-flight; the fix would send the old quota back, so it stops and writes nothing.
func TestFixStopsWhenTheTenantChanged(t *testing.T) {
	srv, flags, env := fakeTenant(t, "fabrikam", apptest.AsGlobalAdmin)
	// The check's v1.0 batch goes through; the pre-flight's is held while the policy changes.
	srv.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/$batch", Times: 1})
	srv.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/$batch", Delay: time.Second, Times: 1})
	go func() {
		for {
			n := 0
			for _, r := range srv.Requests() {
				if r.Path == "/v1.0/$batch" {
					n++
				}
			}
			if n >= 2 {
				srv.Update(func(tn *graphtest.Tenant) { tn.DeviceRegistrationPolicy["userDeviceQuota"] = float64(20) })
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	state := t.TempDir()
	r := runWith(t, state, env, "", append([]string{"fix", "mfa.registration.policy-not-required", "--user", "grace@fabrikam.com", "--yes"}, flags...)...)
	if r.code != 2 || !strings.Contains(r.stderr, "changed since the check") || !strings.Contains(r.stderr, "nothing was written") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if w := apptest.SentWrites(srv); len(w) != 0 {
		t.Errorf("writes sent: %v", w)
	}
	if runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor")); len(runs) != 0 {
		t.Errorf("journaled %d runs", len(runs))
	}
}

// TestFixConnectionCutMidPlan: the connection drops while the second request is in flight. The
// journal shows the first applied, the second without a known outcome, and the run partial.
func TestFixConnectionCutMidPlan(t *testing.T) {
	srv, flags, env := fakeTenant(t, "contoso", func(tn *graphtest.Tenant) {
		for _, u := range tn.Users {
			if u["userPrincipalName"] == "bob@contoso.com" {
				delete(u, "usageLocation")
			}
		}
	})
	srv.Inject(graphtest.Fault{Method: "POST", Path: "/v1.0/users/*/assignLicense", Delay: time.Minute})
	go func() {
		for {
			for _, r := range srv.Requests() {
				if strings.HasSuffix(r.Path, "/assignLicense") {
					srv.Close()
					return
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	state := t.TempDir()
	r := runWith(t, state, env, "", append([]string{"fix", "license.assign", "--user", "bob@contoso.com", "--usage-location", "US", "--yes", "--timeout", "10s"}, flags...)...)
	if r.code != 1 || !strings.Contains(r.stdout, "may or may not have been applied") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	runs := apptest.Journal(t, filepath.Join(state, "mdmdoctor"))
	if len(runs) != 1 || apptest.Outcomes(runs[0]) != "applied unknown / partial" {
		t.Fatalf("journal: %s", apptest.Outcomes(runs[0]))
	}
}

// fakeTenant serves a demo tenant (changed by edit) on loopback with a DNS server, and returns the
// flags and environment that point the command line at them.
func fakeTenant(t *testing.T, name string, edit func(*graphtest.Tenant)) (*graphtest.Server, []string, []string) {
	t.Helper()
	f := apptest.FakeTenant(t, name, edit)
	return f.Graph, f.Flags(), f.Env()
}

// carolStaleDisabled disables carol's stale registered record, the state in which delete-stale (the
// step after disable-stale) is offered.
func carolStaleDisabled(tn *graphtest.Tenant) {
	for _, d := range tn.Devices {
		if d.ID() == "bddbcba3-9d08-444c-8520-91153c0b5749" {
			d["accountEnabled"] = false
		}
	}
}
