package checks

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

func TestWalkthroughIsTheTenantCatalog(t *testing.T) {
	var ids []string
	for _, c := range Walkthrough() {
		ids = append(ids, c.ID)
		if !c.In(facts.TargetTenant) || c.In(facts.TargetUser) && c.Judge == nil {
			t.Errorf("%s: modes %v", c.ID, c.Modes)
		}
		if c.Title == "" || c.Question == "" || c.Docs == "" || c.Judge == nil || len(c.Needs) == 0 {
			t.Errorf("%s: every walkthrough check needs a title, question, docs, needs and a judge", c.ID)
		}
		if _, ok := Lookup(c.ID); !ok {
			t.Errorf("%s is no catalog ID: the walkthrough must reuse the public check IDs", c.ID)
		}
	}
	want := []string{"operator.permissions", "license.entra-premium", "license.intune", "tenant.mdm-authority", "scope.mdm", "scope.urls", "scope.mam-conflict",
		"mfa.registration", "dns.enrollment-cname", "dns.registration-cname", "enrollment.restrictions", "devices.duplicates"}
	if !slices.Equal(ids, want) {
		t.Errorf("walkthrough %v, want the seed procedure's order %v", ids, want)
	}
	for _, c := range Catalog() {
		if c.In(facts.TargetTenant) && !slices.Contains(ids, c.ID) {
			t.Errorf("%s runs in tenant mode but is not in the walkthrough", c.ID)
		}
	}
	var forKind []string
	for _, c := range ForKind(facts.TargetTenant) {
		forKind = append(forKind, c.ID)
	}
	if !slices.Equal(forKind, want) {
		t.Errorf("ForKind(tenant) = %v", forKind)
	}
	for _, c := range ForKind(facts.TargetUser) {
		if !c.In(facts.TargetUser) {
			t.Errorf("ForKind(user) holds %s, a tenant-only check", c.ID)
		}
	}
}

func TestTenantLicences(t *testing.T) {
	e5 := sku("SPE_E5", "Enabled", 25, 6, "AAD_PREMIUM", "AAD_PREMIUM_P2", "INTUNE_A")
	for _, tc := range []struct {
		name         string
		skus         []facts.SubscribedSku
		entra, intun Status
		says         string
	}{
		{"E5 with free units", []facts.SubscribedSku{e5}, Pass, Pass, "19 free"},
		{"none bought", nil, Fail, Fail, "no subscription"},
		{"every unit assigned", []facts.SubscribedSku{sku("EMS", "Enabled", 4, 4, "AAD_PREMIUM", "INTUNE_A")}, Warn, Warn, "no new user"},
		{"one full, one free", []facts.SubscribedSku{sku("EMS", "Enabled", 4, 4, "AAD_PREMIUM", "INTUNE_A"), sku("SPE_E3", "Enabled", 20, 2, "AAD_PREMIUM", "INTUNE_A")}, Pass, Pass, "SPE_E3 (18 free)"},
		{"suspended", []facts.SubscribedSku{sku("EMS", "Suspended", 4, 0, "AAD_PREMIUM", "INTUNE_A")}, Fail, Fail, "inactive"},
		{"grace period", []facts.SubscribedSku{sku("EMS", "Warning", 4, 0, "AAD_PREMIUM", "INTUNE_A")}, Warn, Warn, "past their end date"},
		{"basic mobility only", []facts.SubscribedSku{sku("O365_BUSINESS_ESSENTIALS", "Enabled", 10, 1, "INTUNE_O365")}, Fail, Fail, "no subscription"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tenantFacts()
			f.SubscribedSkus = tc.skus
			for id, want := range map[string]Status{"license.entra-premium": tc.entra, "license.intune": tc.intun} {
				r := tenantJudgeOne(t, id, f)
				if r.Status != want || !strings.Contains(r.Summary, tc.says) {
					t.Errorf("%s: %s %q, want %s saying %q", id, r.Status, r.Summary, want, tc.says)
				}
				if r.Subject != f.Target.TenantID {
					t.Errorf("%s: subject %q, want the tenant", id, r.Subject)
				}
			}
		})
	}
	f := tenantFacts()
	f.SubscribedSkus = []facts.SubscribedSku{sku("O365_BUSINESS_ESSENTIALS", "Enabled", 10, 1, "INTUNE_O365")}
	r := tenantJudgeOne(t, "license.intune", f)
	if !slices.ContainsFunc(r.Evidence, func(e Evidence) bool {
		return strings.Contains(e.Detail, "INTUNE_O365") && strings.Contains(e.Detail, "which is not Microsoft Intune")
	}) {
		t.Errorf("INTUNE_O365 not called out: %+v", r.Evidence)
	}
}

func TestTenantMDMScope(t *testing.T) {
	intuneUsers := facts.Group{ID: "g-iu", DisplayName: "Intune Users"}
	for _, tc := range []struct {
		name    string
		policy  *facts.MobilityPolicy
		members []string
		want    Status
		says    string
		fixes   bool
	}{
		{"no policy", &facts.MobilityPolicy{Present: false}, nil, Fail, "no MDM user scope", false},
		{"none", &facts.MobilityPolicy{ID: "p", AppliesTo: "none", Present: true}, nil, Fail, "is None", true},
		{"some without groups", &facts.MobilityPolicy{ID: "p", AppliesTo: "selected", Present: true}, nil, Fail, "no group", true},
		{"some with empty groups", &facts.MobilityPolicy{ID: "p", AppliesTo: "selected", Present: true, IncludedGroups: []facts.Group{intuneUsers}}, nil, Warn, "hold no users", true},
		{"some", &facts.MobilityPolicy{ID: "p", AppliesTo: "selected", Present: true, IncludedGroups: []facts.Group{intuneUsers}},
			[]string{"alice@contoso.com", "carol@contoso.com", "ALICE@contoso.com"}, Pass, "2 users through \"Intune Users\"", false},
		{"all", &facts.MobilityPolicy{ID: "p", AppliesTo: "all", Present: true}, nil, Pass, "is All", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tenantFacts()
			f.MDMPolicy = tc.policy
			f.ScopeMembers = &facts.ScopeMembers{MDM: tc.members}
			r := tenantJudgeOne(t, "scope.mdm", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%s %q, want %s saying %q", r.Status, r.Summary, tc.want, tc.says)
			}
			if hasFix(r, "scope.mdm.all") != tc.fixes {
				t.Errorf("fixes %+v, want some: %t", r.Fixes, tc.fixes)
			}
		})
	}
}

// TestTenantNeverEnrolled: a Microsoft Entra joined Windows device that no Intune record matches is a
// finding when its owner is in the MDM scope, and only then.
func TestTenantNeverEnrolled(t *testing.T) {
	some := &facts.MobilityPolicy{ID: "p", AppliesTo: "selected", Present: true, IncludedGroups: []facts.Group{{ID: "g", DisplayName: "Intune Users"}}}
	autopilot := owned("AP-NEW", "AzureAd", false, 0, "alice@contoso.com")
	autopilot.ApproximateLastSignInDateTime = time.Time{}
	autopilot.PhysicalIDs = []string{"[ZTDID]:abc"}
	enrolled := owned("BOB-LT", "AzureAd", false, 1, "bob@contoso.com")
	for _, tc := range []struct {
		name    string
		policy  *facts.MobilityPolicy
		devices []facts.EntraDevice
		managed []facts.ManagedDevice
		want    []Status // the device results after the verdict
		says    string
	}{
		{"in scope, active", some, []facts.EntraDevice{owned("ALICE-LT", "AzureAd", false, 2, "Alice@contoso.com")}, nil, []Status{Fail}, "never enrolled"},
		{"in scope, silent", some, []facts.EntraDevice{owned("ALICE-OLD", "AzureAd", false, 90, "alice@contoso.com")}, nil, []Status{Warn}, "not signed in since"},
		{"all users", &facts.MobilityPolicy{ID: "p", AppliesTo: "all", Present: true}, []facts.EntraDevice{owned("DAN-LT", "AzureAd", false, 2, "dan@contoso.com")}, nil, []Status{Fail}, "dan@contoso.com"},
		{"outside the scope", some, []facts.EntraDevice{owned("DAN-LT", "AzureAd", false, 2, "dan@contoso.com")}, nil, nil, "1 of users outside it"},
		{"no owner", some, []facts.EntraDevice{devWindows("KIOSK-1", "AzureAd", false, 2)}, nil, nil, "1 with no known owner"},
		{"registered, not joined", some, []facts.EntraDevice{owned("ALICE-HOME", "Workplace", false, 2, "alice@contoso.com")}, nil, nil, "every Microsoft Entra joined"},
		{"managed", some, []facts.EntraDevice{owned("ALICE-LT", "AzureAd", true, 2, "alice@contoso.com")}, nil, nil, "every Microsoft Entra joined"},
		{"Autopilot, not deployed", some, []facts.EntraDevice{autopilot}, nil, nil, "every Microsoft Entra joined"},
		{"has an Intune record", some, []facts.EntraDevice{enrolled}, []facts.ManagedDevice{devIntune("md-bob", enrolled, "SN-BOB", 0)}, nil, "every Microsoft Entra joined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tenantFacts()
			f.MDMPolicy = tc.policy
			f.ScopeMembers = &facts.ScopeMembers{MDM: []string{"alice@contoso.com", "bob@contoso.com"}}
			f.AllDevices, f.AllManagedDevices = tc.devices, tc.managed
			rs := tenantJudge(t, "scope.mdm", f)
			var got []Status
			for _, r := range rs[1:] {
				got = append(got, r.Status)
				if r.Subject != tc.devices[0].DisplayName || !strings.Contains(r.Summary, tc.says) {
					t.Errorf("device result %q: %q, want the device as subject, saying %q", r.Subject, r.Summary, tc.says)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("device results %v, want %v: %+v", got, tc.want, rs)
			}
			if tc.want == nil && !slices.ContainsFunc(rs[0].Evidence, func(e Evidence) bool { return strings.Contains(e.Detail, tc.says) }) {
				t.Errorf("verdict evidence lacks %q: %+v", tc.says, rs[0].Evidence)
			}
		})
	}
}

func TestTenantMAMOverlap(t *testing.T) {
	wip := facts.Group{ID: "g-wip", DisplayName: "WIP Users"}
	some := func(scope string, groups ...facts.Group) *facts.MobilityPolicy {
		return &facts.MobilityPolicy{ID: "0000000a-0000-0000-c000-000000000000", AppliesTo: scope, Present: true, IncludedGroups: groups}
	}
	for _, tc := range []struct {
		name     string
		mdm, mam *facts.MobilityPolicy
		members  facts.ScopeMembers
		want     Status
		says     string
		inBoth   []string
	}{
		{"MAM none", some("all"), some("none"), facts.ScopeMembers{}, Pass, "None", nil},
		{"no MAM policy", some("all"), &facts.MobilityPolicy{}, facts.ScopeMembers{}, Pass, "None", nil},
		{"overlap through groups", some("selected", facts.Group{ID: "g-iu"}), some("selected", wip),
			facts.ScopeMembers{MDM: []string{"alice@contoso.com", "grace@contoso.com", "carol@contoso.com"}, MAM: []string{"Grace@contoso.com", "carol@contoso.com", "zoe@contoso.com"}},
			Fail, "2 users are in both", []string{"carol@contoso.com", "Grace@contoso.com"}},
		{"MDM all", some("all"), some("selected", wip), facts.ScopeMembers{MAM: []string{"grace@fabrikam.com"}}, Fail, "1 user is in both", []string{"grace@fabrikam.com"}},
		{"MAM all", some("selected", facts.Group{ID: "g-iu"}), some("all"), facts.ScopeMembers{MDM: []string{"alice@contoso.com"}}, Fail, "1 user is in both", []string{"alice@contoso.com"}},
		{"both all", some("all"), some("all"), facts.ScopeMembers{}, Fail, "every user", nil},
		{"disjoint", some("selected", facts.Group{ID: "g-iu"}), some("selected", wip), facts.ScopeMembers{MDM: []string{"alice@contoso.com"}, MAM: []string{"zoe@contoso.com"}}, Warn, "no user is in both", nil},
		{"MDM none", some("none"), some("selected", wip), facts.ScopeMembers{MAM: []string{"zoe@contoso.com"}}, Warn, "no user is in both", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tenantFacts()
			f.MDMPolicy, f.MAMPolicy, f.ScopeMembers = tc.mdm, tc.mam, &tc.members
			r := tenantJudgeOne(t, "scope.mam-conflict", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%s %q, want %s saying %q", r.Status, r.Summary, tc.want, tc.says)
			}
			var listed []string
			for _, e := range r.Evidence {
				if u, ok := strings.CutPrefix(e.Detail, "in both scopes: "); ok && u != "every user" {
					listed = append(listed, u)
				}
			}
			if !slices.Equal(listed, tc.inBoth) {
				t.Errorf("listed in both %v, want %v", listed, tc.inBoth)
			}
			if tc.want == Fail && !hasFix(r, "scope.mam-conflict.mam-none") {
				t.Errorf("no mam-none fix: %+v", r.Fixes)
			}
		})
	}
}

func TestTenantMFA(t *testing.T) {
	ca := func(name, state string, users, groups, exclude []string) facts.CAPolicy {
		return facts.CAPolicy{ID: "ca-" + name, DisplayName: name, State: state, IncludeUserActions: []string{registerDeviceAction},
			IncludeUsers: users, IncludeGroups: groups, ExcludeGroups: exclude, GrantOperator: "OR", BuiltInControls: []string{"mfa"}}
	}
	allButBreakGlass := ca("Require MFA to register devices", "enabled", []string{"All"}, nil, []string{"g-break-glass"})
	groupOnly := ca("MFA for device registration", "enabled", nil, []string{"g-mfa-ca"}, nil)
	pilot := ca("Registration MFA (pilot)", caReportOnly, nil, []string{"g-pilot"}, nil)
	otherAction := facts.CAPolicy{DisplayName: "MFA for admins", State: "enabled", IncludeUsers: []string{"All"}, BuiltInControls: []string{"mfa"}}
	for _, tc := range []struct {
		name    string
		setting string
		cas     []facts.CAPolicy
		want    Status
		says    string
		fix     string
	}{
		{"CA for all users", "notRequired", []facts.CAPolicy{allButBreakGlass, otherAction}, Pass, "for all users", ""},
		{"setting and CA", "required", []facts.CAPolicy{groupOnly, pilot}, Fail, "documented conflict", "mfa.registration.policy-not-required"},
		{"setting and report-only CA", "required", []facts.CAPolicy{pilot}, Warn, "once switched on", ""},
		{"setting alone", "required", nil, Pass, "device setting", ""},
		{"old numeric setting", "1", []facts.CAPolicy{allButBreakGlass}, Fail, "documented conflict", "mfa.registration.policy-not-required"},
		{"CA for some groups", "notRequired", []facts.CAPolicy{groupOnly}, Warn, "only for the users, groups or roles", ""},
		{"report-only only", "notRequired", []facts.CAPolicy{pilot}, Warn, "report-only", ""},
		{"nothing", "notRequired", []facts.CAPolicy{otherAction}, Warn, "Nothing requires MFA", "mfa.registration.create-ca-report-only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tenantFacts()
			f.RegistrationPolicy.MultiFactorAuthConfiguration = tc.setting
			f.CAPolicies = tc.cas
			r := tenantJudgeOne(t, "mfa.registration", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.says) {
				t.Errorf("%s %q, want %s saying %q", r.Status, r.Summary, tc.want, tc.says)
			}
			if tc.fix != "" && !hasFix(r, tc.fix) {
				t.Errorf("no %s fix: %+v", tc.fix, r.Fixes)
			}
		})
	}
	f := tenantFacts()
	f.CAPolicies = []facts.CAPolicy{allButBreakGlass, groupOnly}
	r := tenantJudgeOne(t, "mfa.registration", f)
	var whom []string
	for _, e := range r.Evidence {
		if _, w, ok := strings.Cut(e.Detail, "; covers "); ok {
			whom = append(whom, w)
		}
	}
	if !slices.Equal(whom, []string{"all users except groups g-break-glass", "groups g-mfa-ca"}) {
		t.Errorf("coverage %q", whom)
	}
}

func TestTenantRestrictions(t *testing.T) {
	f := tenantFacts()
	f.Operator = &facts.Operator{Known: true, RoleTemplateIDs: []string{facts.RoleGlobalReader}}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultRestriction(false, false), enrDefaultLimit(15),
		enrRestriction("Block personal Windows", 1, false, true, "g-kiosk"), enrRestriction("No Windows", 2, true, false, "g-mac", "g-linux")}
	rs := tenantJudge(t, "enrollment.restrictions", f)
	type got struct {
		subject string
		status  Status
	}
	var all []got
	for _, r := range rs {
		all = append(all, got{r.Subject, r.Status})
	}
	want := []got{{"Block personal Windows", Warn}, {"No Windows", Fail}, {"All users and all devices", Pass}}
	if !slices.Equal(all, want) {
		t.Fatalf("results %v, want %v", all, want)
	}
	if !strings.Contains(rs[0].Summary, "members of groups g-kiosk") || !strings.Contains(rs[1].Summary, "g-mac, g-linux") ||
		!strings.Contains(rs[2].Summary, "the default") {
		t.Errorf("summaries do not say for whom: %q / %q / %q", rs[0].Summary, rs[1].Summary, rs[2].Summary)
	}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultRestriction(true, false)}
	if r := tenantJudgeOne(t, "enrollment.restrictions", f); r.Status != Fail || !strings.Contains(r.Summary, "every user") {
		t.Errorf("a default blocking Windows: %s %q", r.Status, r.Summary)
	}
	f.EnrollmentConfigs = []facts.EnrollmentConfig{enrDefaultLimit(15)}
	if r := tenantJudgeOne(t, "enrollment.restrictions", f); r.Status != Pass {
		t.Errorf("no restriction: %s %q", r.Status, r.Summary)
	}
}

// TestWalkthroughThroughRun streams a tenant's deltas through the engine with the default catalog
// for the kind: every walkthrough check is judged, and a failed device read errors only the checks
// that need it.
func TestWalkthroughThroughRun(t *testing.T) {
	f := facts.New("public", facts.Target{Kind: facts.TargetTenant, TenantID: "t-1", Domains: []string{"contoso.com"}}, devNow)
	src := tenantFacts()
	ch := make(chan facts.Delta, 32)
	for s, st := range src.Sources {
		switch s {
		case facts.SrcAllManagedDevices:
			ch <- facts.Delta{Source: s, Endpoint: st.Endpoint, Err: errors.New("403 Forbidden: needs DeviceManagementManagedDevices.Read.All")}
		default:
			ch <- facts.Delta{Source: s, Endpoint: st.Endpoint, Apply: func(f *facts.Facts) {
				f.MDMPolicy, f.MAMPolicy, f.ScopeMembers, f.RegistrationPolicy = src.MDMPolicy, src.MAMPolicy, src.ScopeMembers, src.RegistrationPolicy
				f.Operator = &facts.Operator{Known: true, Scopes: []string{"Policy.Read.All"}}
			}}
		}
	}
	ch <- facts.Delta{Source: facts.SrcDNS, Skip: "no DNS in this test"}
	close(ch)
	got := map[string]Status{}
	for _, r := range Run(context.Background(), f, ch, Options{Start: devNow}, nil) {
		if _, seen := got[r.ID]; !seen {
			got[r.ID] = r.Status
		}
	}
	want := map[string]Status{"scope.mdm": Error, "devices.duplicates": Error, "scope.mam-conflict": Pass, "dns.enrollment-cname": Skip,
		// An operator with no Entra role that reads all of Intune may miss restrictions hidden by scope tags.
		"license.intune": Fail, "enrollment.restrictions": Warn, "scope.urls": Fail}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %s, want %s", id, got[id], st)
		}
	}
	if len(got) != len(Walkthrough()) {
		t.Errorf("judged %d checks, want the %d of the walkthrough: %v", len(got), len(Walkthrough()), got)
	}
}
