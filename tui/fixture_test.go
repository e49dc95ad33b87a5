package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mdmdoctor/mdmdoctor/checks"
	"github.com/mdmdoctor/mdmdoctor/facts"
	"github.com/mdmdoctor/mdmdoctor/fix"
)

// This file is test data for the engine: a small check catalog and a backend whose readers send
// deltas built from facts literals. The checks are written here, not taken from checks.Catalog(),
// which other engineers are still filling, so that the frames and results the tests expect do not
// move with it.

// fixedNow is the clock of every test: reports and judgments do not depend on when the test runs.
var fixedNow = time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)

const docsBase = "https://learn.microsoft.com/intune/"

// testChecks is a catalog of eight checks over real facts sources, one or more per seed-procedure step.
func testChecks() []checks.Check {
	user := []facts.TargetKind{facts.TargetUser}
	return []checks.Check{
		{
			ID: "operator.permissions", Title: "Operator can read what the checks need", Step: checks.StepRequirements,
			Question: "Can the signed-in operator read everything the checks need?", Docs: docsBase + "permissions",
			Modes: user, Needs: []facts.Source{facts.SrcOperator},
			Judge: func(f *facts.Facts) []checks.Result {
				ev := []checks.Evidence{{Source: "token", Detail: "scopes " + strings.Join(f.Operator.Scopes, " ")}}
				if slices.Contains(f.Operator.Scopes, "Directory.Read.All") {
					return []checks.Result{{Status: checks.Pass, Summary: "The token can read users, groups and policies", Evidence: ev}}
				}
				return []checks.Result{{Status: checks.Warn, Summary: "Directory.Read.All is missing", Evidence: ev,
					Remediation: "Sign in with an account that has the Global Reader role."}}
			},
		},
		{
			ID: "license.intune", Title: "User holds a provisioned Intune plan", Step: checks.StepRequirements,
			Question: "Does the user hold an Intune plan that is provisioned?", Docs: docsBase + "licenses",
			Modes: user, Needs: []facts.Source{facts.SrcLicenseDetails},
			Judge: func(f *facts.Facts) []checks.Result {
				for _, l := range f.LicenseDetails {
					for _, p := range l.ServicePlans {
						if p.ServicePlanName == "INTUNE_A" && p.ProvisioningStatus == "Success" {
							return []checks.Result{{Status: checks.Pass, Summary: "INTUNE_A is provisioned in " + l.SkuPartNumber,
								Evidence: []checks.Evidence{{Source: "GET /v1.0/users/" + f.Target.User + "/licenseDetails", Detail: l.SkuPartNumber + ": INTUNE_A Success"}}}}
						}
					}
				}
				body, _ := json.Marshal(map[string]any{"addLicenses": []map[string]string{{"skuId": "spe-e5"}}, "removeLicenses": []string{}})
				return []checks.Result{{Status: checks.Fail, Summary: "No provisioned Intune plan: INTUNE_O365 is not Intune",
					Explanation: "Without an Intune plan the MDM enrollment is refused.",
					Remediation: "Assign a licence that carries INTUNE_A, such as Microsoft 365 E5.",
					Evidence:    []checks.Evidence{{Source: "GET /v1.0/users/" + f.Target.User + "/licenseDetails", Detail: "O365_BUSINESS_ESSENTIALS: INTUNE_O365 Success"}},
					Fixes: []checks.Fix{{ID: "license.assign", Title: "Assign SPE_E5 to the user", Reversible: true,
						Permissions: []string{"User.ReadWrite.All"},
						Requests:    []checks.Request{checks.AssignLicense("", f.Target.User, body)}}}}}
			},
		},
		{
			ID: "scope.mdm", Title: "MDM user scope covers the user", Step: checks.StepScope,
			Question: "Is the user inside the MDM user scope?", Docs: docsBase + "mdm-scope",
			Modes: user, Needs: []facts.Source{facts.SrcMDMPolicy, facts.SrcMemberOf},
			Judge: func(f *facts.Facts) []checks.Result {
				ev := []checks.Evidence{{Source: "GET /beta/policies/mobileDeviceManagementPolicies", Detail: "appliesTo " + f.MDMPolicy.AppliesTo}}
				if f.MDMPolicy.AppliesTo == "all" {
					return []checks.Result{{Status: checks.Pass, Summary: "MDM scope is All", Evidence: ev}}
				}
				for _, g := range f.MDMPolicy.IncludedGroups {
					for _, mg := range f.MemberOf {
						if g.ID == mg.ID {
							return []checks.Result{{Status: checks.Pass, Summary: "In included group " + g.DisplayName, Evidence: ev}}
						}
					}
				}
				return []checks.Result{{Status: checks.Fail, Summary: "The user is in no group of the MDM scope",
					Explanation: "Windows only enrolls automatically for users in the MDM user scope.",
					Remediation: "Add the user to the group Intune Users.", Evidence: ev,
					Fixes: []checks.Fix{{ID: "scope.mdm.add-user-to-group", Title: "Add the user to Intune Users", Reversible: true,
						Requests: []checks.Request{checks.AddMember("", "g-intune", "u-bob")}}}}}
			},
		},
		{
			ID: "scope.urls", Title: "MDM URLs are the defaults", Step: checks.StepURLs,
			Question: "Are the MDM URLs left at the cloud's defaults?", Docs: docsBase + "urls",
			Modes: user, Needs: []facts.Source{facts.SrcMDMPolicy},
			Judge: func(f *facts.Facts) []checks.Result {
				return []checks.Result{{Status: checks.Pass, Summary: "Discovery URL " + f.MDMPolicy.DiscoveryURL}}
			},
		},
		{
			ID: "mfa.registration", Title: "MFA required to register devices", Step: checks.StepMFA,
			Question: "Is MFA required to register or join devices?", Docs: docsBase + "mfa",
			Modes: user, Needs: []facts.Source{facts.SrcRegistrationPolicy},
			Judge: func(f *facts.Facts) []checks.Result {
				return []checks.Result{{Status: checks.Warn, Summary: "Neither the policy nor Conditional Access requires MFA",
					Remediation: "Require MFA for the register-device user action in Conditional Access."}}
			},
		},
		{
			ID: "devices.duplicates", Title: "No device recorded twice", Step: checks.StepDevices,
			Question: "Is any physical device recorded twice?", Docs: docsBase + "duplicates",
			Modes: user, Needs: []facts.Source{facts.SrcUserDevices},
			Judge: func(f *facts.Facts) []checks.Result {
				return []checks.Result{{Status: checks.Pass, Summary: fmt.Sprintf("%d devices, no duplicates", len(f.UserDevices))}}
			},
		},
		{
			ID: "enrollment.failures", Title: "No recent enrollment failures", Step: checks.StepDevices,
			Question: "Has enrollment failed for the user lately?", Docs: docsBase + "failures",
			Modes: user, Needs: []facts.Source{facts.SrcTroubleshooting},
			Judge: func(*facts.Facts) []checks.Result {
				return []checks.Result{{Status: checks.Pass, Summary: "No failures"}}
			},
		},
		{
			ID: "dns.enrollment-cname", Title: "EnterpriseEnrollment CNAME", Step: checks.StepDNS,
			Question: "Does EnterpriseEnrollment.<domain> point to the enrollment service?", Docs: docsBase + "dns",
			Modes: user, Needs: []facts.Source{facts.SrcDNS},
			Judge: func(f *facts.Facts) []checks.Result {
				return []checks.Result{{Status: checks.Skip, Summary: "Skipped: the demo has no DNS for " + strings.Join(f.Target.Domains, ",")}}
			},
		},
	}
}

// testFacts is what the readers report for each source: a delta per source.
func testDeltas(t facts.Target) map[facts.Source]facts.Delta {
	ep := func(p string) string { return "GET " + p }
	out := map[facts.Source]facts.Delta{
		facts.SrcOperator: {Source: facts.SrcOperator, Endpoint: "token", Apply: func(f *facts.Facts) {
			f.Operator = &facts.Operator{UserPrincipalName: "admin@contoso.com", Scopes: []string{"Directory.Read.All"}, Known: true}
		}},
		facts.SrcLicenseDetails: {Source: facts.SrcLicenseDetails, Endpoint: ep("/v1.0/users/" + t.User + "/licenseDetails"), Apply: func(f *facts.Facts) {
			f.LicenseDetails = []facts.LicenseDetail{{SkuPartNumber: "O365_BUSINESS_ESSENTIALS", ServicePlans: []facts.ServicePlan{{ServicePlanName: "INTUNE_O365", ProvisioningStatus: "Success"}}}}
		}},
		facts.SrcMDMPolicy: {Source: facts.SrcMDMPolicy, Endpoint: ep("/beta/policies/mobileDeviceManagementPolicies"), Apply: func(f *facts.Facts) {
			f.MDMPolicy = &facts.MobilityPolicy{AppliesTo: "selected", Present: true, DiscoveryURL: "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc",
				IncludedGroups: []facts.Group{{ID: "g-intune", DisplayName: "Intune Users"}}}
		}},
		facts.SrcMemberOf: {Source: facts.SrcMemberOf, Endpoint: ep("/v1.0/users/" + t.User + "/transitiveMemberOf"), Apply: func(f *facts.Facts) {
			f.MemberOf = []facts.Group{{ID: "g-sales", DisplayName: "Sales"}}
		}},
		facts.SrcRegistrationPolicy: {Source: facts.SrcRegistrationPolicy, Apply: func(f *facts.Facts) {
			f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{MultiFactorAuthConfiguration: "notRequired", UserDeviceQuota: 5}
		}},
		facts.SrcUserDevices: {Source: facts.SrcUserDevices, Apply: func(f *facts.Facts) {
			f.UserDevices = []facts.EntraDevice{{DisplayName: "BOB-LAPTOP", TrustType: "AzureAd"}}
		}},
		facts.SrcTroubleshooting: {Source: facts.SrcTroubleshooting, Endpoint: ep("/v1.0/deviceManagement/troubleshootingEvents"),
			Err: errors.New("403 Forbidden: the token lacks DeviceManagementManagedDevices.Read.All")},
		facts.SrcDNS: {Source: facts.SrcDNS, Skip: "no DNS in the test tenant"},
	}
	if t.User == "carol@contoso.com" {
		for src, d := range carolDevices() {
			out[src] = d
		}
	}
	return out
}

// carolDevices are carol's devices as the demo tenant (testdata/demo/contoso.json) holds them: CAROL-LT
// joined and enrolled, and an older registration of the same PC, silent for 150 days.
func carolDevices() map[facts.Source]facts.Delta {
	return map[facts.Source]facts.Delta{
		facts.SrcUserDevices: {Source: facts.SrcUserDevices, Apply: func(f *facts.Facts) {
			f.UserDevices = []facts.EntraDevice{
				{ID: "c4772fc9-6ba7-476a-85de-3d7295391926", DeviceID: "1a3e96c1-56b9-4d6c-a23a-47f0aa157261", DisplayName: "CAROL-LT",
					OperatingSystem: "Windows", OperatingSystemVersion: "10.0.22631.4460", TrustType: "AzureAd", IsManaged: true,
					AccountEnabled: true, ApproximateLastSignInDateTime: fixedNow.AddDate(0, 0, -1),
					PhysicalIDs: []string{"[GID]:g:6825761083043432"}},
				{ID: "bddbcba3-9d08-444c-8520-91153c0b5749", DeviceID: "23fc8c67-6d9a-4826-9d68-80f7f49cfdf9", DisplayName: "CAROL-LT",
					OperatingSystem: "Windows", OperatingSystemVersion: "10.0.22631.4460", TrustType: "Workplace",
					AccountEnabled: true, ApproximateLastSignInDateTime: fixedNow.AddDate(0, 0, -150),
					PhysicalIDs: []string{"[GID]:g:6825761083043432"}},
			}
		}},
		facts.SrcManagedDevices: {Source: facts.SrcManagedDevices, Apply: func(f *facts.Facts) {
			f.ManagedDevices = []facts.ManagedDevice{{ID: "9c385765-a114-4270-b9f2-2b0725a6f3f5", DeviceName: "CAROL-LT",
				UserPrincipalName: "carol@contoso.com", AzureADDeviceID: "1a3e96c1-56b9-4d6c-a23a-47f0aa157261",
				SerialNumber: "0F3K7C2Q", OperatingSystem: "Windows", ManagementAgent: "mdm", ManagedDeviceOwnerType: "company",
				DeviceEnrollmentType: "windowsAzureADJoin", ComplianceState: "compliant", LastSyncDateTime: fixedNow}}
		}},
	}
}

// testBackend is a Backend over testDeltas. Each source can be held back by a gate until the test
// releases it, to watch results stream in; sign-in can prompt with a device code and wait for the
// test, or fail.
type testBackend struct {
	mu sync.Mutex
	// gates hold a source until closed; sources without a gate are sent at once.
	gates map[facts.Source]chan struct{}
	// signIn replaces the default (signed in at once) when set.
	signIn func(ctx context.Context, prompt func(facts.SignInPrompt)) error
	// cancelled is closed when a reader saw its context end while a source was held back.
	cancelled chan struct{}
	once      sync.Once
	// holding is closed when a reader first waits at a gate: the run has really started reading.
	holding     chan struct{}
	holdingOnce sync.Once
	reads       int
	// applied are the plans ApplyFix was given; journal the runs, newest first; filters the filters Runs
	// was asked with.
	applied []*fix.Plan
	journal []JournalRun
	filters []RunFilter
}

func newTestBackend() *testBackend {
	return &testBackend{gates: map[facts.Source]chan struct{}{}, cancelled: make(chan struct{}), holding: make(chan struct{})}
}

// hold keeps sources back until release.
func (b *testBackend) hold(srcs ...facts.Source) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range srcs {
		b.gates[s] = make(chan struct{})
	}
}

func (b *testBackend) release(s facts.Source) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.gates[s])
	delete(b.gates, s)
}

func (b *testBackend) SignIn(ctx context.Context, prompt func(facts.SignInPrompt)) error {
	if b.signIn != nil {
		return b.signIn(ctx, prompt)
	}
	return nil
}

func (b *testBackend) Readers(t facts.Target) []facts.Reader {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reads++
	var out []facts.Reader
	for src, d := range testDeltas(t) {
		gate := b.gates[src]
		out = append(out, facts.ReaderFunc(func(ctx context.Context, _ facts.Target, ch chan<- facts.Delta) {
			if gate != nil {
				// A held-back source has read part of the way, as a long sweep has.
				if report, ok := ctx.Value(progressKey{}).(func(Progress)); ok {
					report(Progress{Source: src, Records: 1998, Pages: 2})
				}
				b.holdingOnce.Do(func() { close(b.holding) })
				select {
				case <-gate:
				case <-ctx.Done():
					b.once.Do(func() { close(b.cancelled) })
					return
				}
			}
			select {
			case ch <- d:
			case <-ctx.Done():
			}
		}))
	}
	return out
}

func (b *testBackend) ResolveTarget(_ context.Context, input string) (facts.Target, error) {
	if !strings.Contains(input, "@") {
		if input == "BOB-LAPTOP" {
			input = "bob@contoso.com"
		} else {
			return facts.Target{}, fmt.Errorf("no device named %s: check the name, or type the user's UPN", input)
		}
	}
	_, domain, _ := strings.Cut(input, "@")
	if domain == "nowhere.example" {
		return facts.Target{}, fmt.Errorf("no user %s in this tenant: check the spelling", input)
	}
	return facts.Target{Kind: facts.TargetUser, User: input, Domains: []string{domain}}, nil
}

// Where names the tenant of the target's domain (Contoso for the signed-in one) and its admin.
func (b *testBackend) Where(_ context.Context, t facts.Target) (Where, error) {
	domain := "contoso.com"
	if len(t.Domains) > 0 {
		domain = t.Domains[0]
	}
	name, _, _ := strings.Cut(domain, ".")
	return Where{TenantID: "tenant-" + name, Tenant: strings.ToUpper(name[:1]) + name[1:], Domain: domain, Operator: "admin@" + domain}, nil
}

// WithProgress hands report to the readers, which report a progress when one is set (progress).
func (b *testBackend) WithProgress(ctx context.Context, report func(Progress)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// progressKey carries the run's progress report to the test readers.
type progressKey struct{}

func (b *testBackend) Cloud() string  { return "public" }
func (b *testBackend) Now() time.Time { return fixedNow }

// DraftFix drafts with the real fix package on the facts the readers report, as the test catalog
// judges them.
func (b *testBackend) DraftFix(_ context.Context, t facts.Target, id string) (*fix.Draft, error) {
	f := facts.New("public", t, fixedNow)
	for _, d := range testDeltas(t) {
		f.Apply(d)
	}
	// What a fix reads besides the checks' sources: the user and the tenant's licences.
	f.Apply(facts.Delta{Source: facts.SrcUser, Apply: func(f *facts.Facts) {
		f.User = &facts.User{ID: "d91731c4-e2fb-4ee9-a119-b64659a0b445", UserPrincipalName: t.User, UsageLocation: "US"}
	}})
	f.Apply(facts.Delta{Source: facts.SrcSubscribedSkus, Apply: func(f *facts.Facts) {
		f.SubscribedSkus = []facts.SubscribedSku{{SkuID: "spe-e5", SkuPartNumber: "SPE_E5", CapabilityStatus: "Enabled", EnabledUnits: 25,
			ConsumedUnits: 20, ServicePlans: []facts.ServicePlan{{ServicePlanName: "INTUNE_A", ProvisioningStatus: "Success"}}}}
	}})
	var rs []checks.Result
	for _, c := range testChecks() {
		rs = append(rs, checks.Evaluate(c, f)...)
	}
	return fix.NewDraft(f, rs, id)
}

// ApplyFix records the plan and answers as the tenant would have taken it; the real apply (journal,
// Graph writes) is exercised by the fix package and the CLI's tests over graphtest.
func (b *testBackend) ApplyFix(_ context.Context, _ facts.Target, p *fix.Plan, _ func(facts.SignInPrompt), progress func(fix.Event)) (*fix.Outcome, error) {
	b.mu.Lock()
	b.applied = append(b.applied, p)
	b.journal = append([]JournalRun{{ID: fmt.Sprintf("20261125-180000-test%02d", len(b.journal)+1), Time: fixedNow,
		Operator: "admin@contoso.com", Fix: p.Fix, User: p.User, Outcome: "applied", Undo: "yes"}}, b.journal...)
	id := b.journal[0].ID
	b.mu.Unlock()
	for i, rq := range p.Requests {
		progress(fix.Event{Step: i + 1, Of: len(p.Requests), Request: rq})
		progress(fix.Event{Step: i + 1, Of: len(p.Requests), Request: rq, Sent: true, Outcome: "204"})
	}
	return &fix.Outcome{Result: fix.Applied, JournalID: id}, nil
}

// Runs lists the fixes this backend applied, newest first, as a journal would, filtered by operator.
func (b *testBackend) Runs(_ context.Context, f RunFilter) ([]JournalRun, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.filters = append(b.filters, f)
	var out []JournalRun
	for _, r := range b.journal {
		if f.Operator == "" || strings.EqualFold(f.Operator, r.Operator) {
			out = append(out, r)
		}
	}
	return out, nil
}

// DraftUndo plans the undo of a run this backend applied: the licence fix's own plan, marked as its
// undo (the real inverse is the fix package's, tested there and through the application in app).
func (b *testBackend) DraftUndo(ctx context.Context, id string) (*fix.Plan, error) {
	b.mu.Lock()
	i := slices.IndexFunc(b.journal, func(r JournalRun) bool { return r.ID == id })
	b.mu.Unlock()
	if i < 0 {
		return nil, fmt.Errorf("no run %s in the journal", id)
	}
	d, err := b.DraftFix(ctx, bob, "license.assign")
	if err != nil {
		return nil, err
	}
	p, err := d.Plan(fix.Choices{})
	if err != nil {
		return nil, err
	}
	// Titled as the fix package titles an undo; its requests stay the fix's, which the screen shows alike.
	p.Undoes, p.Title = id, "Revert: "+p.Title
	return p, nil
}

// ApplyUndo journals the undo and marks the run undone.
func (b *testBackend) ApplyUndo(_ context.Context, id string, p *fix.Plan, _ func(facts.SignInPrompt), progress func(fix.Event)) (*fix.Outcome, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	undo := fmt.Sprintf("20261125-180000-test%02d", len(b.journal)+1)
	for i := range b.journal {
		if b.journal[i].ID == id {
			b.journal[i].Undo = "no: undone by " + undo
		}
	}
	b.journal = append([]JournalRun{{ID: undo, Time: fixedNow, Operator: "admin@contoso.com", Fix: "revert of " + id, User: p.User,
		Outcome: "applied", Undo: "no: it is an undo"}}, b.journal...)
	progress(fix.Event{Step: 1, Of: 1, Request: p.Requests[0], Sent: true, Outcome: "applied"})
	return &fix.Outcome{Result: fix.Applied, JournalID: undo}, nil
}

func (b *testBackend) ReadOnly() bool { return false }
