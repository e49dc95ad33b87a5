package checks

import (
	"testing"

	"github.com/mdmdoctor/mdmdoctor/facts"
)

// tenantFacts returns facts for a tenant run with every tenant source loaded (and empty), each with
// the endpoint a reader would record; tests fill what their check reads.
func tenantFacts() *facts.Facts {
	f := facts.New("public", facts.Target{Kind: facts.TargetTenant, TenantID: "11111111-1111-4111-8111-111111111111"}, devNow)
	for _, s := range []facts.Source{facts.SrcOperator, facts.SrcDomains, facts.SrcSubscribedSkus, facts.SrcMDMPolicy, facts.SrcMAMPolicy,
		facts.SrcRegistrationPolicy, facts.SrcConditionalAccess, facts.SrcEnrollmentConfigs, facts.SrcTroubleshooting,
		facts.SrcAllDevices, facts.SrcAllManagedDevices, facts.SrcScopeMembers} {
		f.Apply(facts.Delta{Source: s, Endpoint: "GET /test/" + string(s), Apply: func(*facts.Facts) {}})
	}
	f.MDMPolicy = &facts.MobilityPolicy{ID: "0000000a-0000-0000-c000-000000000000", DisplayName: "Microsoft Intune", AppliesTo: "all", Present: true}
	f.MAMPolicy = &facts.MobilityPolicy{ID: "0000000a-0000-0000-c000-000000000000", DisplayName: "Microsoft Intune", AppliesTo: "none", Present: true}
	f.ScopeMembers = &facts.ScopeMembers{}
	f.RegistrationPolicy = &facts.DeviceRegistrationPolicy{ID: "deviceRegistrationPolicy", MultiFactorAuthConfiguration: "notRequired", UserDeviceQuota: 50,
		Raw: []byte(`{"id":"deviceRegistrationPolicy","userDeviceQuota":50,"multiFactorAuthConfiguration":"notRequired"}`)}
	return f
}

// walkthroughCheck returns the tenant walkthrough's check with this ID.
func walkthroughCheck(t *testing.T, id string) Check {
	t.Helper()
	for _, c := range Walkthrough() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s is not in the walkthrough", id)
	return Check{}
}

// tenantJudge evaluates a walkthrough check and returns its results.
func tenantJudge(t *testing.T, id string, f *facts.Facts) []Result {
	t.Helper()
	return Evaluate(walkthroughCheck(t, id), f)
}

// tenantJudgeOne evaluates a walkthrough check and expects exactly one result.
func tenantJudgeOne(t *testing.T, id string, f *facts.Facts) Result {
	t.Helper()
	rs := tenantJudge(t, id, f)
	if len(rs) != 1 {
		t.Fatalf("%s: %d results, want 1: %+v", id, len(rs), rs)
	}
	return rs[0]
}

// owned is a Windows Entra record of the tenant owned by upn.
func owned(name, trust string, managed bool, lastSeen int, upn string) facts.EntraDevice {
	d := devWindows(name, trust, managed, lastSeen)
	d.OwnerUPNs = []string{upn}
	return d
}

func sku(part, status string, enabled, consumed int, plans ...string) facts.SubscribedSku {
	s := facts.SubscribedSku{SkuID: "sku-" + part, SkuPartNumber: part, CapabilityStatus: status, EnabledUnits: enabled, ConsumedUnits: consumed}
	for _, p := range plans {
		s.ServicePlans = append(s.ServicePlans, facts.ServicePlan{ServicePlanName: p, ProvisioningStatus: "Success", AppliesTo: "User"})
	}
	return s
}
