package checks

import (
	"strings"
	"testing"

	"github.com/mdmdoctor/mdmdoctor/clouds"
	"github.com/mdmdoctor/mdmdoctor/facts"
)

var (
	intuneUsers = facts.Group{ID: "g-intune", DisplayName: "Intune Users"}
	sales       = facts.Group{ID: "g-sales", DisplayName: "Sales"}
	dynamic     = facts.Group{ID: "g-dyn", DisplayName: "All Windows users", Dynamic: true}
	wipUsers    = facts.Group{ID: "g-wip", DisplayName: "WIP Users"}
)

func policy(appliesTo string, groups ...facts.Group) *facts.MobilityPolicy {
	d := clouds.Get("public").MDM
	return &facts.MobilityPolicy{ID: "0000000a-0000-0000-c000-000000000000", DisplayName: "Microsoft Intune", AppliesTo: appliesTo,
		DiscoveryURL: d.Discovery, TermsOfUseURL: d.TermsOfUse, ComplianceURL: d.Compliance, IncludedGroups: groups, Present: true}
}

func TestMDMScope(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pol      *facts.MobilityPolicy
		memberOf []facts.Group
		want     Status
		text     string
		fixes    []string
	}{
		{"all", policy("all"), nil, Pass, "All", nil},
		{"some, direct member", policy("selected", intuneUsers), []facts.Group{intuneUsers}, Pass, "direct member of group \"Intune Users\"", nil},
		// transitiveMemberOf lists the outer group too when the user is in a nested group. Microsoft does
		// not document that the MDM scope follows nesting: a warning naming the chain, never a pass.
		{"some, nested member", policy("selected", intuneUsers), []facts.Group{sales, intuneUsers}, Warn,
			"\"Intune Users\" contains \"Sales\" (nested), and the user is a direct member of \"Sales\"", []string{"scope.mdm.add-user-to-group", "scope.mdm.add-group"}},
		{"some, not a member", policy("selected", intuneUsers), []facts.Group{sales}, Fail, "none of its groups", []string{"scope.mdm.add-user-to-group", "scope.mdm.add-group", "scope.mdm.all"}},
		// Issue 15: a fix only when it can be completed: no group to add for a user in none.
		{"some, only dynamic groups", policy("selected", dynamic), nil, Fail, "All Windows users", []string{"scope.mdm.all"}},
		{"some, only dynamic groups, user in a group", policy("selected", dynamic), []facts.Group{sales}, Fail, "All Windows users", []string{"scope.mdm.add-group", "scope.mdm.all"}},
		{"none", policy("none"), nil, Fail, "None", []string{"scope.mdm.all"}},
		{"none, user in a group", policy("none"), []facts.Group{sales}, Fail, "None", []string{"scope.mdm.add-group", "scope.mdm.all"}},
		{"none, user only in a directory role", policy("none"), []facts.Group{{ID: "r-1", DisplayName: "Helpdesk Administrator", Kind: "directoryRole"}}, Fail, "None", []string{"scope.mdm.all"}},
		{"no policy", &facts.MobilityPolicy{}, nil, Fail, "no MDM user scope", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("bob@contoso.com")
			f.MDMPolicy, f.MemberOf = tc.pol, tc.memberOf
			// The user is a direct member of Intune Users only when that is the one group listed.
			f.ScopeNesting = &facts.ScopeNesting{Nested: map[string][]facts.Group{"g-intune": {sales}}}
			if len(tc.memberOf) == 1 {
				f.ScopeNesting.Direct = []string{tc.memberOf[0].ID}
			} else {
				f.ScopeNesting.Direct = []string{sales.ID}
			}
			r := judgeOne(t, "scope.mdm", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.text)
			}
			var ids []string
			for _, fx := range r.Fixes {
				ids = append(ids, fx.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.fixes, ",") {
				t.Errorf("fixes %v, want %v", ids, tc.fixes)
			}
		})
	}
}

// TestMDMScopeNestingEvidenceReads: the evidence line names the included group, then the chain.
func TestMDMScopeNestingEvidenceReads(t *testing.T) {
	f := userFacts("carol@contoso.com")
	f.MDMPolicy, f.MemberOf = policy("selected", intuneUsers), []facts.Group{sales, intuneUsers}
	f.ScopeNesting = &facts.ScopeNesting{Nested: map[string][]facts.Group{"g-intune": {sales}}, Direct: []string{sales.ID}}
	r := judgeOne(t, "scope.mdm", f)
	want := `the user is not a direct member of included group "Intune Users": "Intune Users" contains "Sales" (nested), and the user is a direct member of "Sales"`
	for _, e := range r.Evidence {
		if e.Detail == want {
			return
		}
	}
	t.Errorf("no evidence line %q in %+v", want, r.Evidence)
}

func TestMDMScopeNestingUnread(t *testing.T) {
	f := userFacts("bob@contoso.com")
	f.MDMPolicy, f.MemberOf = policy("selected", intuneUsers), []facts.Group{sales, intuneUsers}
	f.ScopeNesting = nil
	if r := judgeOne(t, "scope.mdm", f); r.Status != Warn || !strings.Contains(r.Summary, "could not be read") {
		t.Errorf("%s %q: want a warning that direct membership is unknown", r.Status, r.Summary)
	}
}

func TestMDMScopeFixRequests(t *testing.T) {
	f := userFacts("bob@contoso.com")
	f.MDMPolicy, f.MemberOf = policy("selected", intuneUsers), []facts.Group{sales}
	r := judgeOne(t, "scope.mdm", f)
	add := r.Fixes[0].Requests[0]
	if add.Method() != "POST" || add.URL() != "https://graph.microsoft.com/v1.0/groups/g-intune/members/$ref" ||
		string(add.Body) != `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/u-1"}` {
		t.Errorf("add-user-to-group: %s %s %s", add.Method(), add.URL(), add.Body)
	}
	all := r.Fixes[2].Requests[0]
	// appliesTo may not be patched together with the URLs: the body holds appliesTo alone.
	if all.Method() != "PATCH" || string(all.Body) != `{"appliesTo":"all"}` || !strings.HasSuffix(all.URL(), "/beta/policies/mobileDeviceManagementPolicies/0000000a-0000-0000-c000-000000000000") {
		t.Errorf("scope.mdm.all: %s %s %s", all.Method(), all.URL(), all.Body)
	}
}

func TestMAMConflict(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mdm, mam *facts.MobilityPolicy
		memberOf []facts.Group
		want     Status
		text     string
	}{
		{"MAM none", policy("all"), policy("none"), nil, Pass, "None"},
		{"MAM absent", policy("all"), &facts.MobilityPolicy{}, nil, Pass, "None"},
		{"user outside MAM scope", policy("all"), policy("selected", wipUsers), []facts.Group{sales}, Warn, "outside"},
		{"user in both", policy("all"), policy("selected", wipUsers), []facts.Group{wipUsers}, Fail, "both"},
		{"both at All", policy("all"), policy("all"), nil, Fail, "both"},
		{"only in MAM", policy("selected", intuneUsers), policy("selected", wipUsers), []facts.Group{wipUsers}, Warn, "not in the MDM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("grace@fabrikam.com")
			f.MDMPolicy, f.MAMPolicy, f.MemberOf = tc.mdm, tc.mam, tc.memberOf
			r := judgeOne(t, "scope.mam-conflict", f)
			if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, r.Summary, tc.want, tc.text)
			}
			if r.Status == Fail && !strings.Contains(r.Explanation, "personal device") {
				t.Errorf("a conflict must explain the precedence rule, got %q", r.Explanation)
			}
		})
	}
	f := userFacts("grace@fabrikam.com")
	f.MDMPolicy, f.MAMPolicy, f.MemberOf = policy("all"), policy("selected", wipUsers), []facts.Group{wipUsers}
	r := judgeOne(t, "scope.mam-conflict", f)
	for _, id := range []string{"scope.mam-conflict.remove-user", "scope.mam-conflict.remove-group", "scope.mam-conflict.mam-none"} {
		if !hasFix(r, id) {
			t.Errorf("missing fix %s", id)
		}
	}
	if rq := r.Fixes[0].Requests[0]; rq.Method() != "DELETE" || !strings.HasSuffix(rq.URL(), "/v1.0/groups/g-wip/members/u-1/$ref") {
		t.Errorf("remove-user must delete the membership reference, never the user: %s %s", rq.Method(), rq.URL())
	}
}

func TestURLs(t *testing.T) {
	custom := policy("all")
	custom.DiscoveryURL = "https://enroll.fabrikam.com/discovery.svc"
	empty := policy("all")
	empty.ComplianceURL = ""
	upper := policy("all")
	upper.DiscoveryURL = strings.ToUpper(upper.DiscoveryURL)
	for _, tc := range []struct {
		name  string
		cloud string
		pol   *facts.MobilityPolicy
		want  Status
		text  string
	}{
		{"defaults", "public", policy("all"), Pass, "defaults"},
		{"case differs", "public", upper, Pass, "defaults"},
		{"custom discovery", "public", custom, Fail, "enroll.fabrikam.com"},
		{"empty compliance", "public", empty, Fail, "(empty)"},
		{"public defaults in usgov", "usgov", policy("all"), Fail, "not confirmed"},
		{"no policy", "public", &facts.MobilityPolicy{}, Skip, "no Intune MDM policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := userFacts("a@contoso.com")
			f.Cloud, f.MDMPolicy = tc.cloud, tc.pol
			r := judgeOne(t, "scope.urls", f)
			all := r.Summary + r.Explanation
			for _, e := range r.Evidence {
				all += e.Detail
			}
			if r.Status != tc.want || !strings.Contains(all, tc.text) {
				t.Fatalf("got %s %q, want %s containing %q", r.Status, all, tc.want, tc.text)
			}
			if r.Status == Fail {
				rq := r.Fixes[0].Requests[0]
				if strings.Contains(string(rq.Body), "appliesTo") {
					t.Errorf("the URL reset must not patch appliesTo in the same request: %s", rq.Body)
				}
			}
		})
	}
}

func TestUPNDomain(t *testing.T) {
	domains := []facts.Domain{{Name: "contoso.com", IsVerified: true, IsDefault: true}, {Name: "pending.contoso.com"}}
	for _, tc := range []struct {
		upn  string
		want Status
		text string
	}{
		{"alice@contoso.com", Pass, "verified"},
		{"alice@CONTOSO.COM", Pass, "verified"},
		{"erin@contoso.local", Fail, "not routable"},
		{"x@pending.contoso.com", Fail, "not verified"},
		{"x@elsewhere.com", Fail, "not a domain of this tenant"},
	} {
		f := userFacts(tc.upn)
		f.Domains = domains
		r := judgeOne(t, "tenant.upn-domain", f)
		if r.Status != tc.want || !strings.Contains(r.Summary, tc.text) {
			t.Errorf("%s: got %s %q, want %s containing %q", tc.upn, r.Status, r.Summary, tc.want, tc.text)
		}
	}
}

// "Disable MDM enrollment when adding work or school account": a personal device registers without
// enrolling; an Entra join is not affected.
func TestMDMScopeRegistrationEnrollmentDisabled(t *testing.T) {
	yes := true
	for _, tc := range []struct {
		path facts.EnrollmentPath
		want Status
	}{{facts.PathRegister, Warn}, {facts.PathUnknown, Warn}, {facts.PathJoin, Pass}} {
		f := userFacts("bob@contoso.com")
		f.Target.Path = tc.path
		f.MDMPolicy = policy("all")
		f.MDMPolicy.IsMdmEnrollmentDuringRegistrationDisabled = &yes
		r := judgeOne(t, "scope.mdm", f)
		if r.Status != tc.want || (tc.want == Warn && !strings.Contains(r.Explanation, "Settings")) {
			t.Errorf("path %q: %s %q %q, want %s", tc.path, r.Status, r.Summary, r.Explanation, tc.want)
		}
	}
}
