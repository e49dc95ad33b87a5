package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// published reads a published Graph response body from testdata/realworld/graph: the entity itself,
// or the first element of its value array, without the response's annotations.
func published(t *testing.T, name string) graphtest.Object {
	t.Helper()
	data, err := os.ReadFile("../testdata/realworld/graph/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var o graphtest.Object
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatal(err)
	}
	if v, ok := o["value"].([]any); ok {
		o = graphtest.Object(v[0].(map[string]any))
	}
	for k := range o {
		if strings.HasPrefix(k, "@odata.") {
			delete(o, k)
		}
	}
	return o
}

// serve starts the fake Graph on a demo tenant changed by edit.
func serve(t *testing.T, tenant string, edit func(*graphtest.Tenant)) *graphtest.Server {
	t.Helper()
	tn, err := graphtest.Load(os.DirFS("../testdata/demo"), tenant+".json")
	if err != nil {
		t.Fatal(err)
	}
	edit(tn)
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func judgeUser(t *testing.T, srv *graphtest.Server, upn string) (*facts.Facts, map[string]checks.Result) {
	t.Helper()
	c := client(t, srv, srv.Token())
	target := facts.Target{Kind: facts.TargetUser, User: upn}
	f := facts.New("public", target, time.Now())
	results := checks.Run(context.Background(), f, facts.Gather(context.Background(), target, c), checks.Options{}, nil)
	byID := map[string]checks.Result{}
	for _, r := range results {
		byID[r.ID] = r
	}
	return f, byID
}

const (
	leoID        = "5b0c3d2e-7f41-4a8e-9c6d-2e8f1a7b4c90"
	fieldDevices = "8c1e5f3a-2b4d-4e6f-a8b0-c2d4e6f8a0b2"
)

// TestPublishedCAPoliciesDecodedAndJudged serves the published create examples (their shapes as
// given, their assignments pointed at the demo's leo) and judges the enrollment sign-ins with them.
func TestPublishedCAPoliciesDecodedAndJudged(t *testing.T) {
	block := published(t, "v1.0-conditionalAccessPolicy-create-block-location.json")
	cond := block["conditions"].(map[string]any)
	cond["users"].(map[string]any)["includeGroups"] = []any{fieldDevices}
	cond["applications"].(map[string]any)["includeApplications"] = []any{facts.AppIntuneEnrollment}
	all := published(t, "v1.0-conditionalAccessPolicy-create-all-conditions.json")
	all["state"] = "enabled"
	all["conditions"].(map[string]any)["users"].(map[string]any)["includeUsers"] = []any{leoID}
	srv := serve(t, "contoso", func(tn *graphtest.Tenant) {
		tn.ConditionalAccessPolicies = []graphtest.Object{block, all}
		tn.SignIns = nil
	})
	f, rs := judgeUser(t, srv, "leo@contoso.com")
	if len(f.CAPolicies) != 2 {
		t.Fatalf("CA policies %+v", f.CAPolicies)
	}
	ex3 := f.CAPolicies[1]
	if !slices.Equal(ex3.RiskLevels, []string{"high", "medium"}) || !slices.Equal(ex3.ExcludePlatforms, []string{"iOS", "windowsPhone"}) ||
		!slices.Equal(ex3.IncludeLocations, []string{"AllTrusted"}) || len(ex3.TermsOfUse) != 2 || len(ex3.ExcludeApplications) != 7 ||
		!slices.Equal(ex3.ClientAppTypes, []string{"mobileAppsAndDesktopClients", "exchangeActiveSync", "other"}) || len(ex3.BuiltInControls) != 5 {
		t.Errorf("example 3 decoded as %+v", ex3)
	}
	if ex2 := f.CAPolicies[0]; ex2.IncludePlatforms != nil || !slices.Equal(ex2.IncludeLocations, []string{"198ad66e-87b3-4157-85a3-8a7b51794ee9"}) {
		t.Errorf("example 2 decoded as %+v (platforms null)", ex2)
	}
	// The block holds only from the named location, which the tool cannot see: warn, naming it.
	r := rs["ca.enrollment-apps"]
	if r.Status != checks.Warn || !strings.Contains(r.Summary, "Block access to EXO non-trusted regions.") || !strings.Contains(r.Summary, "network location") {
		t.Errorf("ca.enrollment-apps %s %q", r.Status, r.Summary)
	}
}

// TestSignInsPublishedShape serves the published signIn sample as a sign-in of leo to Microsoft
// Intune Enrollment and checks what the reader keeps of it.
func TestSignInsPublishedShape(t *testing.T) {
	in := published(t, "v1.0-signIns-list.json")
	in["userPrincipalName"], in["appId"] = "leo@contoso.com", facts.AppIntuneEnrollment
	in["createdDateTime"] = time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	srv := serve(t, "contoso", func(tn *graphtest.Tenant) { tn.SignIns = []graphtest.Object{in} })
	f, rs := judgeUser(t, srv, "leo@contoso.com")
	if len(f.SignIns) != 1 {
		t.Fatalf("sign-ins %+v", f.SignIns)
	}
	s := f.SignIns[0]
	if s.CorrelationID != "d79f5bee-5860-4832-928f-3133e22ae912" || s.ConditionalAccessStatus != "notApplied" || s.OperatingSystem != "Windows 10" ||
		s.ResourceID != "00000003-0000-0000-c000-000000000000" || len(s.AppliedPolicies) != 2 || s.AppliedPolicies[1].Result != "notEnabled" {
		t.Errorf("sign-in decoded as %+v", s)
	}
	if r := rs["signins.enrollment"]; r.Status != checks.Pass {
		t.Errorf("signins.enrollment %s %q", r.Status, r.Summary)
	}
	// The demo's own failures, read the same way, name the failing policy.
	srv = serve(t, "contoso", func(*graphtest.Tenant) {})
	_, rs = judgeUser(t, srv, "leo@contoso.com")
	if r := rs["signins.enrollment"]; r.Status != checks.Fail || !strings.Contains(r.Summary, "error 53000") || !strings.Contains(r.Remediation, "Require compliant device for Intune") {
		t.Errorf("signins.enrollment %s %q %q", r.Status, r.Summary, r.Remediation)
	}
}

// TestSignInsWithoutPremiumLicence: Graph answers 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant
// in a tenant without Entra ID P1 or P2; the check says so (skip), and a 403 for the operator's
// role is an error naming the permission.
func TestSignInsWithoutPremiumLicence(t *testing.T) {
	srv := serve(t, "contoso", func(tn *graphtest.Tenant) { tn.SignInsUnlicensed = true })
	f, rs := judgeUser(t, srv, "leo@contoso.com")
	if st := f.Status(facts.SrcSignIns); st.State != facts.Skipped || !strings.Contains(st.Reason, "P1") {
		t.Errorf("signIns %v %q", st.State, st.Reason)
	}
	if r := rs["signins.enrollment"]; r.Status != checks.Skip || !strings.Contains(r.Summary, "P1 or P2") {
		t.Errorf("signins.enrollment %s %q", r.Status, r.Summary)
	}
	srv = serve(t, "contoso", func(*graphtest.Tenant) {})
	srv.Inject(graphtest.Fault{Path: "/v1.0/auditLogs/signIns", Status: 403})
	f, rs = judgeUser(t, srv, "leo@contoso.com")
	if st := f.Status(facts.SrcSignIns); st.State != facts.Failed || !strings.Contains(st.Reason, "AuditLog.Read.All") || !strings.Contains(st.Reason, "Reports Reader") {
		t.Errorf("signIns %v %q", st.State, st.Reason)
	}
	if r := rs["signins.enrollment"]; r.Status != checks.Error {
		t.Errorf("signins.enrollment %s %q", r.Status, r.Summary)
	}
}

// TestCAExclusionsRead: the group every enabled All-users policy excludes is read by name with its
// members, and the tenant's user count comes with it.
func TestCAExclusionsRead(t *testing.T) {
	srv := serve(t, "contoso", func(*graphtest.Tenant) {})
	f, _ := judgeUser(t, srv, "alice@contoso.com")
	x := f.CAExclusions
	if x == nil || len(x.Groups) != 1 || x.Groups[0].DisplayName != "Break glass" || len(x.Groups[0].UserIDs) != 1 || x.TenantUsers != 8 ||
		len(x.Policies) != 2 {
		t.Fatalf("exclusions %+v", x)
	}
	// A role excluded everywhere is named, with its active members.
	srv = serve(t, "contoso", func(tn *graphtest.Tenant) {
		for _, p := range tn.ConditionalAccessPolicies {
			p["conditions"].(map[string]any)["users"].(map[string]any)["excludeRoles"] = []any{facts.RoleGlobalAdministrator}
		}
	})
	f, _ = judgeUser(t, srv, "alice@contoso.com")
	if x := f.CAExclusions; x == nil || len(x.Roles) != 1 || x.Roles[0].DisplayName == "" {
		t.Fatalf("exclusions %+v", f.CAExclusions)
	}
}

// TestSignInReadsAreFilteredOnTheServer: only the user's sign-ins of the last 30 days to the three
// enrollment apps, as client or as resource, are asked for, and only the properties judged.
func TestSignInReadsAreFilteredOnTheServer(t *testing.T) {
	srv := serve(t, "contoso", func(*graphtest.Tenant) {})
	judgeUser(t, srv, "leo@contoso.com")
	var filters []string
	for _, r := range srv.Requests() {
		if r.Batch && r.Path == "/v1.0/auditLogs/signIns" {
			filters = append(filters, r.Query.Get("$filter"))
			if !strings.Contains(r.Query.Get("$select"), "appliedConditionalAccessPolicies") {
				t.Errorf("$select %q", r.Query.Get("$select"))
			}
		}
	}
	if len(filters) != 6 {
		t.Fatalf("sign-in reads %q, want 6 (3 apps as client and as resource)", filters)
	}
	since := time.Now().UTC().Add(-31 * 24 * time.Hour)
	for _, app := range facts.EnrollmentApps {
		for _, prop := range []string{"appId", "resourceId"} {
			want := "userPrincipalName eq 'leo@contoso.com' and " + prop + " eq '" + app + "' and createdDateTime ge "
			i := slices.IndexFunc(filters, func(f string) bool { return strings.HasPrefix(f, want) })
			if i < 0 {
				t.Errorf("no read %q in %q", want, filters)
				continue
			}
			ge, err := time.Parse(time.RFC3339, strings.TrimPrefix(filters[i], want))
			if err != nil || ge.Before(since) {
				t.Errorf("window starts %q", strings.TrimPrefix(filters[i], want))
			}
		}
	}
}
