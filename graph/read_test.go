package graph_test

import (
	"context"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/graph"
	"github.com/mdmdoctor/mdmdoctor/graph/graphtest"
)

// demo starts the fake Graph on a demo tenant and signs in to it with the scenario's token.
func demo(t testing.TB, tenant string) (*graphtest.Server, *graph.Client) {
	t.Helper()
	return scenario(t, os.DirFS("../testdata/demo"), tenant+".json")
}

// scenario starts the fake Graph on a scenario tenant fixture and signs in with its token.
func scenario(t testing.TB, fsys fs.FS, name string) (*graphtest.Server, *graph.Client) {
	t.Helper()
	tn, err := graphtest.Load(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, client(t, srv, srv.Token())
}

func client(t testing.TB, srv *graphtest.Server, token string) *graph.Client {
	t.Helper()
	c, err := graph.New(context.Background(), graph.Config{Auth: graph.AuthToken, AccessToken: token, GraphURL: srv.URL(), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// read runs one user's read to the end and returns the facts and the deltas in arrival order.
func read(t testing.TB, c *graph.Client, upn string) (*facts.Facts, []facts.Delta) {
	t.Helper()
	target := facts.Target{Kind: facts.TargetUser, User: upn}
	f := facts.New("public", target, time.Now())
	var got []facts.Delta
	for d := range facts.Gather(context.Background(), target, c) {
		got = append(got, d)
		f.Apply(d)
	}
	return f, got
}

// userSources are the sources a user read settles.
var userSources = []facts.Source{facts.SrcOperator, facts.SrcUser, facts.SrcDomains, facts.SrcLicenseDetails,
	facts.SrcSubscribedSkus, facts.SrcMemberOf, facts.SrcUserDevices, facts.SrcManagedDevices, facts.SrcMDMPolicy,
	facts.SrcMAMPolicy, facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcEnrollmentConfigs,
	facts.SrcTroubleshooting, facts.SrcCAExclusions, facts.SrcSignIns, facts.SrcScopeNesting, facts.SrcMDMAuthority}

func wantLoaded(t *testing.T, f *facts.Facts, except ...facts.Source) {
	t.Helper()
	for _, s := range userSources {
		if slices.Contains(except, s) {
			continue
		}
		if st := f.Status(s); st.State != facts.Loaded {
			t.Errorf("%s: %v (%s), want loaded", s, st.State, st.Reason)
		}
	}
}

func groupNames(gs []facts.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.DisplayName)
	}
	slices.Sort(out)
	return out
}

func TestReadDecodesEverySource(t *testing.T) {
	_, c := demo(t, "contoso")
	f, deltas := read(t, c, "carol@contoso.com")
	wantLoaded(t, f)
	if len(deltas) != len(userSources) {
		t.Errorf("got %d deltas, want one per source (%d)", len(deltas), len(userSources))
	}
	if f.User == nil || f.User.UserPrincipalName != "carol@contoso.com" || !f.User.AccountEnabled || f.User.UsageLocation != "US" || len(f.User.AssignedLicenseSkus) != 1 {
		t.Errorf("user = %+v", f.User)
	}
	if st := f.Status(facts.SrcLicenseDetails); st.Endpoint != "GET /v1.0/users/carol@contoso.com/licenseDetails" {
		t.Errorf("licenseDetails endpoint = %q", st.Endpoint)
	}
	if len(f.Domains) != 2 || f.Domains[0].Name != "contoso.com" || !f.Domains[0].IsVerified || !f.Domains[0].IsDefault {
		t.Errorf("domains = %+v", f.Domains)
	}
	if len(f.LicenseDetails) != 1 || f.LicenseDetails[0].SkuPartNumber != "SPE_E5" {
		t.Fatalf("licenseDetails = %+v", f.LicenseDetails)
	}
	plans := map[string]string{}
	for _, p := range f.LicenseDetails[0].ServicePlans {
		plans[p.ServicePlanName] = p.ProvisioningStatus
	}
	if plans["INTUNE_A"] != "PendingProvisioning" || plans["AAD_PREMIUM"] != "Success" {
		t.Errorf("carol's plans = %v", plans)
	}
	var e5 facts.SubscribedSku
	for _, s := range f.SubscribedSkus {
		if s.SkuPartNumber == "SPE_E5" {
			e5 = s
		}
	}
	if len(f.SubscribedSkus) != 2 || e5.EnabledUnits != 25 || e5.FreeUnits() <= 0 || len(e5.ServicePlans) == 0 {
		t.Errorf("subscribedSkus = %+v", f.SubscribedSkus)
	}
	if got := groupNames(f.MemberOf); !slices.Equal(got, []string{"Intune Users", "Sales"}) {
		t.Errorf("transitive memberOf = %v, want Intune Users (through Sales) and Sales", got)
	}
	if len(f.UserDevices) != 2 {
		t.Fatalf("userDevices = %+v", f.UserDevices)
	}
	trusts := map[string]facts.EntraDevice{}
	for _, d := range f.UserDevices {
		trusts[d.TrustType] = d
	}
	wp, aad := trusts["Workplace"], trusts["AzureAd"]
	if wp.DisplayName != "CAROL-LT" || aad.DisplayName != "CAROL-LT" || !aad.IsManaged || wp.IsManaged ||
		time.Since(wp.ApproximateLastSignInDateTime) < 100*24*time.Hour || aad.DeviceID == "" || len(aad.PhysicalIDs) == 0 ||
		!slices.Equal(aad.OwnerUPNs, []string{"carol@contoso.com"}) {
		t.Errorf("carol's devices = %+v", f.UserDevices)
	}
	if len(f.ManagedDevices) != 1 || f.ManagedDevices[0].AzureADDeviceID != aad.DeviceID || f.ManagedDevices[0].ManagedDeviceOwnerType != "company" ||
		f.ManagedDevices[0].LastSyncDateTime.IsZero() {
		t.Errorf("managedDevices = %+v", f.ManagedDevices)
	}
	if p := f.MDMPolicy; p == nil || !p.Present || p.AppliesTo != "selected" || groupNames(p.IncludedGroups)[0] != "Intune Users" ||
		!strings.HasPrefix(p.DiscoveryURL, "https://enrollment.manage.microsoft.com/") {
		t.Errorf("MDM policy = %+v", f.MDMPolicy)
	}
	if p := f.MAMPolicy; p == nil || !p.Present || p.AppliesTo != "none" || len(p.IncludedGroups) != 0 {
		t.Errorf("MAM policy = %+v", f.MAMPolicy)
	}
	if p := f.RegistrationPolicy; p == nil || p.MultiFactorAuthConfiguration != "notRequired" || p.UserDeviceQuota != 5 ||
		p.AzureADJoin.Kind != "all" || !p.AzureADJoinIsAdminConfigurable || !strings.Contains(string(p.Raw), `"userDeviceQuota"`) {
		t.Errorf("registration policy = %+v", f.RegistrationPolicy)
	}
	if len(f.CAPolicies) != 3 {
		t.Fatalf("CA = %+v", f.CAPolicies)
	}
	ca := f.CAPolicies[0]
	if ca.State != "enabled" || !slices.Equal(ca.IncludeUserActions, []string{"urn:user:registerdevice"}) || !slices.Equal(ca.IncludeUsers, []string{"All"}) ||
		len(ca.ExcludeGroups) != 1 || !slices.Equal(ca.BuiltInControls, []string{"mfa"}) || ca.GrantOperator != "OR" {
		t.Errorf("CA policy = %+v", ca)
	}
	var kiosk, limit *facts.EnrollmentConfig
	for i, e := range f.EnrollmentConfigs {
		switch {
		case e.DisplayName == "Block personal Windows":
			kiosk = &f.EnrollmentConfigs[i]
		case e.Type == "deviceEnrollmentLimitConfiguration":
			limit = &f.EnrollmentConfigs[i]
		}
	}
	if kiosk == nil || kiosk.Priority != 1 || kiosk.Windows == nil || !kiosk.Windows.PersonalDeviceEnrollmentBlocked || kiosk.AllUsers || len(kiosk.AssignedGroups) != 1 {
		t.Errorf("kiosk restriction = %+v", kiosk)
	}
	if limit == nil || limit.Limit != 15 || !limit.AllUsers {
		t.Errorf("default limit = %+v", limit)
	}
	if len(f.Troubleshooting) != 2 || f.Troubleshooting[0].UserID != f.User.ID || f.Troubleshooting[0].FailureCategory != "authorization" ||
		time.Since(f.Troubleshooting[0].EventDateTime) > 3*24*time.Hour {
		t.Errorf("carol's troubleshooting events = %+v", f.Troubleshooting)
	}
	if op := f.Operator; op == nil || !op.Known || op.AppOnly || op.UserPrincipalName != "admin@contoso.com" ||
		!slices.Contains(op.Scopes, "Policy.Read.All") || !slices.Contains(op.RoleTemplateIDs, facts.RoleIntuneAdministrator) {
		t.Errorf("operator = %+v", f.Operator)
	}
}

func TestReadIsOneRoundTripWithSelect(t *testing.T) {
	srv, c := demo(t, "contoso")
	read(t, c, "alice@contoso.com")
	var top, items int
	for _, r := range srv.Requests() {
		if !r.Batch {
			top++
			if !strings.HasSuffix(r.Path, "/$batch") {
				t.Errorf("request outside a batch: %s %s", r.Method, r.Path)
			}
			continue
		}
		items++
		sel := r.Query.Get("$select")
		noSelect := strings.HasSuffix(r.Path, "/deviceEnrollmentConfigurations") || strings.HasSuffix(r.Path, "/troubleshootingEvents") ||
			strings.HasSuffix(r.Path, "/deviceRegistrationPolicy") || strings.HasSuffix(r.Path, "ManagementPolicies/"+facts.AppIntune)
		if sel == "" && !noSelect {
			t.Errorf("%s has no $select", r.Path)
		}
	}
	// One batch per version, and one more for the group the CA policies exclude (its name and members),
	// which only the policies name: 18 reads (the user's direct groups among them), 6 of the sign-in log, the user count, 2 for the group.
	if top != 3 || items != 27 {
		t.Errorf("sent %d HTTP requests carrying %d batch items, want 3 (one batch per version, one for the excluded group) and 27", top, items)
	}
}

func TestReadFollowsEveryPage(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetPageSize(1)
	f, _ := read(t, c, "frank@contoso.com")
	wantLoaded(t, f)
	if len(f.UserDevices) != 4 || len(f.ManagedDevices) != 3 || len(f.MemberOf) != 2 || len(f.Domains) != 2 || len(f.EnrollmentConfigs) != 3 {
		t.Errorf("after paging: %d devices, %d managed, %d groups, %d domains, %d configs; want 4, 3, 2, 2, 3",
			len(f.UserDevices), len(f.ManagedDevices), len(f.MemberOf), len(f.Domains), len(f.EnrollmentConfigs))
	}
	pages := 0
	for _, r := range srv.Requests() {
		if r.Batch && r.Query.Get("$skiptoken") != "" {
			pages++
			if r.Query.Get("$select") == "" && strings.Contains(r.Path, "Devices") {
				t.Errorf("next page %s lost its $select", r.Path)
			}
		}
	}
	if pages < 8 {
		t.Errorf("only %d next-page requests", pages)
	}
}

func TestBatchItemFailsAlone(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/users/*/licenseDetails", Status: 500})
	f, _ := read(t, c, "alice@contoso.com")
	wantLoaded(t, f, facts.SrcLicenseDetails)
	st := f.Status(facts.SrcLicenseDetails)
	if st.State != facts.Failed || !strings.Contains(st.Reason, "run again later") {
		t.Errorf("licenseDetails: %v %q, want failed and told to run again later", st.State, st.Reason)
	}
}

func TestThrottledItemRetriedAfterRetryAfter(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/users/*/licenseDetails", Status: 429, RetryAfter: time.Second, Times: 2})
	start := time.Now()
	f, _ := read(t, c, "alice@contoso.com")
	wantLoaded(t, f)
	if len(f.LicenseDetails) != 1 {
		t.Errorf("licenseDetails = %+v", f.LicenseDetails)
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Batch && strings.HasSuffix(r.Path, "/licenseDetails") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("licenseDetails sent %d times, want 3 (two throttled, then served)", n)
	}
	if time.Since(start) < 2*time.Second {
		t.Errorf("retried before Retry-After elapsed (%v)", time.Since(start))
	}
}

func TestThrottledBatchRetriedBySDK(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/beta/$batch", Status: 429, RetryAfter: time.Second, Times: 1})
	f, _ := read(t, c, "alice@contoso.com")
	wantLoaded(t, f)
}

func TestThrottlingGivesUp(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/subscribedSkus", Status: 503, RetryAfter: 0})
	f, _ := read(t, c, "alice@contoso.com")
	st := f.Status(facts.SrcSubscribedSkus)
	if st.State != facts.Failed || !strings.Contains(st.Reason, "retries") {
		t.Errorf("subscribedSkus: %v %q", st.State, st.Reason)
	}
}

func TestForbiddenNamesPermission(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Inject(graphtest.Fault{Path: "/v1.0/identity/conditionalAccess/policies", Status: 403})
	srv.Inject(graphtest.Fault{Path: "/beta/policies/mobileDeviceManagementPolicies/*", Status: 403})
	f, _ := read(t, c, "alice@contoso.com")
	// The exclusions of the CA policies cannot be read without the policies.
	wantLoaded(t, f, facts.SrcConditionalAccess, facts.SrcMDMPolicy, facts.SrcCAExclusions)
	for src, perm := range map[facts.Source]string{facts.SrcConditionalAccess: "Policy.Read.All", facts.SrcMDMPolicy: "Policy.Read.All"} {
		st := f.Status(src)
		if st.State != facts.Failed || !strings.Contains(st.Reason, perm) || !strings.Contains(st.Reason, "Global Reader") {
			t.Errorf("%s: %v %q, want the permission and role named", src, st.State, st.Reason)
		}
	}
}

func TestUnknownUser(t *testing.T) {
	_, c := demo(t, "contoso")
	f, _ := read(t, c, "nobody@contoso.com")
	for _, s := range []facts.Source{facts.SrcUser, facts.SrcLicenseDetails, facts.SrcMemberOf, facts.SrcTroubleshooting} {
		st := f.Status(s)
		if st.State != facts.Failed || !strings.Contains(st.Reason, "no such user nobody@contoso.com in this tenant: check the spelling") {
			t.Errorf("%s: %v %q", s, st.State, st.Reason)
		}
	}
	for _, s := range []facts.Source{facts.SrcDomains, facts.SrcMDMPolicy, facts.SrcConditionalAccess} {
		if st := f.Status(s); st.State != facts.Loaded {
			t.Errorf("%s: %v %q, want loaded (tenant-wide)", s, st.State, st.Reason)
		}
	}
}

func TestExpiredToken(t *testing.T) {
	srv, _ := demo(t, "contoso")
	c := client(t, srv, "not-a-valid-token")
	f, _ := read(t, c, "alice@contoso.com")
	st := f.Status(facts.SrcUser)
	if st.State != facts.Failed || !strings.Contains(st.Reason, "sign-in expired: sign in again") {
		t.Errorf("user: %v %q", st.State, st.Reason)
	}
	if op := f.Operator; op == nil || op.Known {
		t.Errorf("an opaque token gave operator %+v, want Known=false", op)
	}
}

func TestUPNWithDollarAndHash(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.Update(func(tn *graphtest.Tenant) {
		for _, upn := range []string{"$svc@contoso.com", "o'neil#1@contoso.com"} {
			tn.Users = append(tn.Users, graphtest.Object{"id": "u-" + upn, "userPrincipalName": upn, "displayName": upn, "accountEnabled": true})
		}
	})
	for _, upn := range []string{"$svc@contoso.com", "o'neil#1@contoso.com"} {
		f, _ := read(t, c, upn)
		if f.User == nil || f.User.UserPrincipalName != upn {
			t.Errorf("%s: user %+v (%s)", upn, f.User, f.Status(facts.SrcUser).Reason)
		}
	}
}

func TestCancelMidRun(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetLatency(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	target := facts.Target{Kind: facts.TargetUser, User: "alice@contoso.com"}
	out := make(chan facts.Delta, 64)
	done := make(chan struct{})
	go func() {
		c.Read(ctx, target, out)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Read did not return after its context ended")
	}
	close(out)
	for d := range out {
		if d.Source != facts.SrcOperator && d.Err == nil {
			t.Errorf("%s settled although every request was cut short", d.Source)
		}
	}
}

func TestAppOnlySkipsDelegatedOnlySources(t *testing.T) {
	tn, err := graphtest.Load(os.DirFS("../testdata/demo"), "contoso.json")
	if err != nil {
		t.Fatal(err)
	}
	tn.Operator = graphtest.Operator{AppRoles: []string{"User.Read.All", "Policy.Read.All"}}
	srv, err := graphtest.NewServer(tn)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	f, _ := read(t, client(t, srv, srv.Token()), "alice@contoso.com")
	for _, s := range []facts.Source{facts.SrcLicenseDetails, facts.SrcMDMPolicy, facts.SrcMAMPolicy, facts.SrcScopeNesting} {
		if st := f.Status(s); st.State != facts.Skipped || !strings.Contains(st.Reason, "app-only") {
			t.Errorf("%s: %v %q, want skipped for app-only sign-in", s, st.State, st.Reason)
		}
	}
	if !f.Operator.AppOnly {
		t.Errorf("operator %+v, want app-only", f.Operator)
	}
	wantLoaded(t, f, facts.SrcLicenseDetails, facts.SrcMDMPolicy, facts.SrcMAMPolicy, facts.SrcScopeNesting)
}

func TestMissingPolicyIsNotPresent(t *testing.T) {
	srv, c := demo(t, "fabrikam")
	srv.Update(func(tn *graphtest.Tenant) { tn.MobileAppManagementPolicies = nil })
	f, _ := read(t, c, "grace@fabrikam.com")
	if st := f.Status(facts.SrcMAMPolicy); st.State != facts.Loaded || f.MAMPolicy == nil || f.MAMPolicy.Present {
		t.Errorf("MAM policy: %v %q %+v, want loaded and not present", st.State, st.Reason, f.MAMPolicy)
	}
}

func TestDemoTenantsReadForEveryUser(t *testing.T) {
	for tenant, users := range map[string][]string{
		"contoso":  {"alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com", "erin@contoso.local", "frank@contoso.com"},
		"fabrikam": {"grace@fabrikam.com", "henry@fabrikam.com", "ivan@fabrikam.com", "judy@tailspin.com"},
	} {
		_, c := demo(t, tenant)
		for _, u := range users {
			f, _ := read(t, c, u)
			wantLoaded(t, f)
			if f.User == nil || f.User.UserPrincipalName != u {
				t.Errorf("%s: user %+v", u, f.User)
			}
		}
	}
}

func TestDemoScenarioFacts(t *testing.T) {
	_, c := demo(t, "contoso")
	bob, _ := read(t, c, "bob@contoso.com")
	if len(bob.MemberOf) != 0 || len(bob.LicenseDetails) != 1 || bob.LicenseDetails[0].SkuPartNumber != "O365_BUSINESS_ESSENTIALS" {
		t.Errorf("bob: groups %v, licences %+v", groupNames(bob.MemberOf), bob.LicenseDetails)
	}
	dave, _ := read(t, c, "dave@contoso.com")
	if len(dave.UserDevices) != 5 || !slices.Contains(groupNames(dave.MemberOf), "Kiosk") || len(dave.Troubleshooting) != 1 ||
		time.Since(dave.Troubleshooting[0].EventDateTime) < 39*24*time.Hour {
		t.Errorf("dave: %d devices, groups %v, events %+v", len(dave.UserDevices), groupNames(dave.MemberOf), dave.Troubleshooting)
	}
	frank, _ := read(t, c, "frank@contoso.com")
	serials := map[string]int{}
	for _, m := range frank.ManagedDevices {
		serials[m.SerialNumber]++
	}
	if len(frank.UserDevices) != 4 || len(frank.ManagedDevices) != 3 || len(serials) != 2 {
		t.Errorf("frank: %d devices, %d managed, serials %v", len(frank.UserDevices), len(frank.ManagedDevices), serials)
	}

	_, fc := demo(t, "fabrikam")
	grace, _ := read(t, fc, "grace@fabrikam.com")
	if grace.MDMPolicy.AppliesTo != "all" || grace.MAMPolicy.AppliesTo != "selected" || grace.RegistrationPolicy.MultiFactorAuthConfiguration != "required" ||
		len(grace.CAPolicies) != 2 || !slices.Contains(groupNames(grace.MemberOf), "WIP Users") {
		t.Errorf("grace: mdm %+v mam %+v reg %+v ca %d groups %v", grace.MDMPolicy, grace.MAMPolicy, grace.RegistrationPolicy, len(grace.CAPolicies), groupNames(grace.MemberOf))
	}
	for _, s := range grace.SubscribedSkus {
		if s.SkuPartNumber == "EMS" && s.FreeUnits() != 0 {
			t.Errorf("EMS has %d free units, want none", s.FreeUnits())
		}
	}
	if op := grace.Operator; !slices.Equal(op.RoleTemplateIDs, []string{facts.RoleGlobalReader}) {
		t.Errorf("fabrikam operator roles %v, want Global Reader only", op.RoleTemplateIDs)
	}
}

func TestDomains(t *testing.T) {
	srv, c := demo(t, "fabrikam")
	srv.SetPageSize(1)
	ds, err := c.Domains(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range ds {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"fabrikam.com", "tailspin.com", "fabrikam.onmicrosoft.com"}) {
		t.Errorf("domains = %v", names)
	}
	srv.Inject(graphtest.Fault{Path: "/v1.0/domains", Status: 403})
	if _, err := c.Domains(context.Background()); err == nil || !strings.Contains(err.Error(), "Domain.Read.All") {
		t.Errorf("403 on domains gave %v", err)
	}
}

func TestTenantWalkthrough(t *testing.T) {
	srv, c := demo(t, "contoso")
	srv.SetPageSize(2)
	target := facts.Target{Kind: facts.TargetTenant}
	f := facts.New("public", target, time.Now())
	for d := range facts.Gather(context.Background(), target, c) {
		f.Apply(d)
	}
	for _, s := range []facts.Source{facts.SrcOperator, facts.SrcDomains, facts.SrcSubscribedSkus, facts.SrcMDMPolicy, facts.SrcMAMPolicy,
		facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcEnrollmentConfigs, facts.SrcTroubleshooting,
		facts.SrcAllDevices, facts.SrcAllManagedDevices, facts.SrcScopeMembers} {
		if st := f.Status(s); st.State != facts.Loaded {
			t.Errorf("%s: %v %q", s, st.State, st.Reason)
		}
	}
	for _, s := range []facts.Source{facts.SrcUser, facts.SrcLicenseDetails, facts.SrcMemberOf} {
		if st := f.Status(s); st.State != facts.Pending {
			t.Errorf("%s read in a tenant run", s)
		}
	}
	if len(f.AllDevices) != 12 || len(f.AllManagedDevices) != 5 || len(f.Troubleshooting) != 3 {
		t.Errorf("%d devices, %d managed, %d events; want 12, 5, 3", len(f.AllDevices), len(f.AllManagedDevices), len(f.Troubleshooting))
	}
	// The sweep asks only for the owners of joined devices Entra calls unmanaged: FRANK-LT1.
	for _, d := range f.AllDevices {
		if (d.DisplayName == "FRANK-LT1") != slices.Equal(d.OwnerUPNs, []string{"frank@contoso.com"}) {
			t.Errorf("device %s owners %v", d.DisplayName, d.OwnerUPNs)
		}
	}
	mdm := slices.Clone(f.ScopeMembers.MDM)
	slices.Sort(mdm)
	want := []string{"admin@contoso.com", "alice@contoso.com", "carol@contoso.com", "dave@contoso.com", "erin@contoso.local", "frank@contoso.com", "leo@contoso.com"}
	if !slices.Equal(mdm, want) || len(f.ScopeMembers.MAM) != 0 {
		t.Errorf("scope members %+v, want MDM %v (carol through Sales) and no MAM", f.ScopeMembers, want)
	}

	_, fc := demo(t, "fabrikam")
	ff := facts.New("public", target, time.Now())
	for d := range facts.Gather(context.Background(), target, fc) {
		ff.Apply(d)
	}
	if sm := ff.ScopeMembers; sm == nil || len(sm.MDM) != 0 || !slices.Equal(sm.MAM, []string{"grace@fabrikam.com"}) {
		t.Errorf("fabrikam scope members %+v (%s), want MAM grace only (MDM applies to all)", sm, ff.Status(facts.SrcScopeMembers).Reason)
	}
}

func TestTenantID(t *testing.T) {
	srv, c := demo(t, "fabrikam")
	if id, err := c.TenantID(context.Background()); err != nil || id != "22222222-2222-4222-8222-222222222222" {
		t.Errorf("from the token: %q, %v", id, err)
	}
	srv.AllowToken("EwBwA8l6BAAU-opaque")
	if id, err := client(t, srv, "EwBwA8l6BAAU-opaque").TenantID(context.Background()); err != nil || id != "22222222-2222-4222-8222-222222222222" {
		t.Errorf("from /organization with an opaque token: %q, %v", id, err)
	}
	if _, err := client(t, srv, "refused-opaque").TenantID(context.Background()); err == nil || !graph.Expired(err) {
		t.Errorf("opaque token the server refuses: %v, want sign-in expired", err)
	}
}

// The MDM authority is read from the organization as Intune's published sample shows it, and an
// organization without the property leaves it empty, never guessed.
func TestReadMDMAuthority(t *testing.T) {
	_, c := demo(t, "contoso")
	f, _ := read(t, c, "alice@contoso.com")
	if f.MDMAuthority != "intune" || f.Status(facts.SrcMDMAuthority).Endpoint != "GET /v1.0/organization" {
		t.Fatalf("authority %q, endpoint %q", f.MDMAuthority, f.Status(facts.SrcMDMAuthority).Endpoint)
	}
}
